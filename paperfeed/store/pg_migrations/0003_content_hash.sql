-- v3 (PostgreSQL): each paper's embedding-cache key (``ids.content_hash``: sha1 of its
-- normalized text), so that "more like this" can join the vectors' HNSW index to papers in
-- the database. PostgreSQL has no built-in sha1, so the store computes it: a trigger clears
-- the key whenever a paper is inserted or its text changes, and the store fills the
-- missing keys (``fill_content_hashes``) before it stores vectors or searches by them.
ALTER TABLE papers ADD COLUMN content_hash TEXT;
CREATE INDEX papers_content_hash ON papers (content_hash);
CREATE INDEX papers_without_hash ON papers (pk) WHERE content_hash IS NULL;

CREATE FUNCTION paperfeed_clear_content_hash() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.title IS DISTINCT FROM OLD.title
       OR NEW.abstract IS DISTINCT FROM OLD.abstract THEN
        NEW.content_hash := NULL;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER papers_content_hash BEFORE INSERT OR UPDATE ON papers
    FOR EACH ROW EXECUTE FUNCTION paperfeed_clear_content_hash();
