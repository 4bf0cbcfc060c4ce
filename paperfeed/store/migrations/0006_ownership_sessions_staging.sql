-- v6: trust. (1) A paper from a user's upload belongs to that user (papers.owner); source
-- records (owner NULL) are shared and never changed by an upload. A private row gets an id
-- of its own, 'own:<user>:<id>', so that the source record of the same paper can be
-- stored beside it under the plain id. (2) Server-side sessions. (3) Ingest staging:
-- a big ingest is written in short chunks and made visible by one short final step.

ALTER TABLE papers ADD COLUMN owner TEXT REFERENCES users(name);

-- Rows that only one user's profile ever used (never listed by a source, not rated, shown
-- or digested for anyone else) were that user's upload: they become private.
CREATE TEMP TABLE owned_0005 AS
    SELECT l.paper_id AS old_id, min(l.user) AS user, count(DISTINCT l.user) AS users
    FROM profile_papers l
    WHERE NOT EXISTS (SELECT 1 FROM listings s WHERE s.paper_id = l.paper_id)
    GROUP BY l.paper_id;
DELETE FROM owned_0005 WHERE users != 1
    OR EXISTS (SELECT 1 FROM feedback_events f WHERE f.paper_id = old_id AND f.user != owned_0005.user)
    OR EXISTS (SELECT 1 FROM shown s WHERE s.paper_id = old_id AND s.user != owned_0005.user)
    OR EXISTS (SELECT 1 FROM digest_items d WHERE d.paper_id = old_id AND d.user != owned_0005.user);
ALTER TABLE owned_0005 ADD COLUMN new_id TEXT;
UPDATE owned_0005 SET new_id = 'own:' || user || ':' || old_id;

PRAGMA defer_foreign_keys = ON;
UPDATE papers SET
    owner = (SELECT user FROM owned_0005 WHERE old_id = papers.id),
    id = (SELECT new_id FROM owned_0005 WHERE old_id = papers.id)
WHERE id IN (SELECT old_id FROM owned_0005);
UPDATE profile_papers SET paper_id = (SELECT new_id FROM owned_0005 WHERE old_id = paper_id)
WHERE paper_id IN (SELECT old_id FROM owned_0005);
UPDATE feedback_events SET paper_id = (SELECT new_id FROM owned_0005 WHERE old_id = paper_id)
WHERE paper_id IN (SELECT old_id FROM owned_0005);
UPDATE shown SET paper_id = (SELECT new_id FROM owned_0005 WHERE old_id = paper_id)
WHERE paper_id IN (SELECT old_id FROM owned_0005);
UPDATE digest_items SET paper_id = (SELECT new_id FROM owned_0005 WHERE old_id = paper_id)
WHERE paper_id IN (SELECT old_id FROM owned_0005);
DROP TABLE owned_0005;

-- One arXiv id per owner: the shared record and each user's private copy.
DROP INDEX papers_arxiv;
CREATE UNIQUE INDEX papers_arxiv ON papers(ifnull(owner, ''), arxiv_id) WHERE arxiv_id IS NOT NULL;
CREATE INDEX papers_owner ON papers(owner) WHERE owner IS NOT NULL;

-- Paper row numbers come from this counter, never reused, so that an ingest can index
-- staged rows for search before they exist in papers.
CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT INTO counters (name, value) VALUES ('paper_pk', (SELECT ifnull(max(pk), 0) FROM papers));

-- A signed-in session: the cookie carries a random id, the store only its SHA-256.
CREATE TABLE sessions (
    id_hash   TEXT PRIMARY KEY,
    user      TEXT NOT NULL REFERENCES users(name),
    created   TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    expires   TEXT NOT NULL               -- absolute end (created + the maximum lifetime)
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user);

-- Ingest staging: one live run at a time (owner = host:pid, taken over when dead).
CREATE TABLE ingest_runs (
    run     TEXT PRIMARY KEY,
    owner   TEXT NOT NULL,
    origin  TEXT NOT NULL,
    started TEXT NOT NULL
);
CREATE TABLE staged_papers (
    run        TEXT    NOT NULL,
    pk         INTEGER NOT NULL,
    id         TEXT    NOT NULL,
    arxiv_id   TEXT,
    doi        TEXT,
    title_key  TEXT    NOT NULL,
    title      TEXT    NOT NULL,
    abstract   TEXT    NOT NULL,
    authors    TEXT    NOT NULL,
    categories TEXT    NOT NULL,
    date       TEXT,
    source     TEXT    NOT NULL,
    url        TEXT    NOT NULL,
    PRIMARY KEY (run, pk)
);
