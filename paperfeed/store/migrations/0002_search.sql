-- v2: full-text search over paper titles and abstracts (FTS5, porter stemming);
-- existing papers are indexed here. Updates and deletes are followed by triggers. New
-- rows are indexed by the store itself (papers.py) right after their INSERT: an AFTER
-- INSERT trigger makes FTS5 flush its buffer once per row and bulk imports 3x slower.

CREATE VIRTUAL TABLE papers_fts USING fts5(
    title, abstract,
    content = 'papers', content_rowid = 'pk',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER papers_fts_delete AFTER DELETE ON papers BEGIN
    INSERT INTO papers_fts(papers_fts, rowid, title, abstract)
        VALUES ('delete', old.pk, old.title, old.abstract);
END;

CREATE TRIGGER papers_fts_update AFTER UPDATE OF title, abstract ON papers
WHEN old.title IS NOT new.title OR old.abstract IS NOT new.abstract BEGIN
    INSERT INTO papers_fts(papers_fts, rowid, title, abstract)
        VALUES ('delete', old.pk, old.title, old.abstract);
    INSERT INTO papers_fts(rowid, title, abstract) VALUES (new.pk, new.title, new.abstract);
END;

INSERT INTO papers_fts(papers_fts) VALUES ('rebuild');
