-- v2 (PostgreSQL): embeddings as pgvector values beside their exact float32 bytes, where the
-- server has the pgvector extension. The bytes stay the source of truth (they come back bit
-- for bit, as from SQLite); ``embedding`` is the same vector as a pgvector value, for
-- nearest-neighbour queries ("more like this", semantic search). Its HNSW indexes are made
-- per dimension by the store, the first time vectors of that dimension are stored. A server
-- without pgvector (or a role that may not create it: a superuser can run
-- ``CREATE EXTENSION vector`` once, before the first start) gets no column: the store then finds neighbours in numpy, as SQLite does.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') THEN
        CREATE EXTENSION IF NOT EXISTS vector;
        ALTER TABLE vectors ADD COLUMN embedding vector;
    END IF;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'pgvector is installed but this role may not create it: %', SQLERRM;
END
$$;
