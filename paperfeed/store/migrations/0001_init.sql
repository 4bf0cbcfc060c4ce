-- paperfeed schema v1: papers, users and everything a user does.
-- Ids are text; lists (authors, categories, keywords) are JSON arrays in TEXT columns.

CREATE TABLE papers (
    pk         INTEGER PRIMARY KEY,          -- stable rowid (full-text index refers to it)
    id         TEXT    NOT NULL UNIQUE,      -- canonical id, never changes once stored
    arxiv_id   TEXT,                         -- arXiv id when known, also for title:/doi: ids
    doi        TEXT,
    title_key  TEXT    NOT NULL,             -- ids.paper_id(None, None, title): "title:<hash>"
    title      TEXT    NOT NULL,
    abstract   TEXT    NOT NULL DEFAULT '',
    authors    TEXT    NOT NULL DEFAULT '[]',
    categories TEXT    NOT NULL DEFAULT '[]',
    date       TEXT,
    source     TEXT    NOT NULL DEFAULT '',
    url        TEXT    NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX papers_arxiv ON papers(arxiv_id) WHERE arxiv_id IS NOT NULL;
CREATE INDEX papers_doi ON papers(doi) WHERE doi IS NOT NULL;
CREATE INDEX papers_title_key ON papers(title_key);

-- Every sighting of a paper in a listing: replaying a day gives back exactly its papers.
CREATE TABLE listings (
    seq      INTEGER PRIMARY KEY,
    paper_id TEXT NOT NULL REFERENCES papers(id),
    date     TEXT NOT NULL,
    source   TEXT NOT NULL DEFAULT '',
    UNIQUE (paper_id, date, source)
);
CREATE INDEX listings_date ON listings(date);

CREATE TABLE users (
    name             TEXT PRIMARY KEY,
    password_hash    TEXT,
    email            TEXT,
    include_keywords TEXT NOT NULL DEFAULT '[]',
    exclude_keywords TEXT NOT NULL DEFAULT '[]',
    followed_authors TEXT NOT NULL DEFAULT '[]'
);

CREATE TABLE settings (
    user  TEXT NOT NULL REFERENCES users(name),
    key   TEXT NOT NULL,
    value TEXT NOT NULL,                     -- JSON
    PRIMARY KEY (user, key)
) WITHOUT ROWID;

-- A user's own papers; included = 0 leaves one out of ranking (namesakes, old work).
CREATE TABLE profile_papers (
    seq      INTEGER PRIMARY KEY,
    user     TEXT    NOT NULL REFERENCES users(name),
    paper_id TEXT    NOT NULL REFERENCES papers(id),
    included INTEGER NOT NULL DEFAULT 1,
    UNIQUE (user, paper_id)
);

-- Embedding cache: float32 bytes of one vector, keyed by model and content hash.
-- A rowid table on purpose: WITHOUT ROWID is slow for rows of 1.5 kB (3x on lookups).
CREATE TABLE vectors (
    seq          INTEGER PRIMARY KEY,
    model        TEXT    NOT NULL,
    content_hash TEXT    NOT NULL,
    dim          INTEGER NOT NULL,
    vector       BLOB    NOT NULL,
    UNIQUE (model, content_hash)
);

-- Every rating ever given; the latest (highest seq) per user and paper counts.
CREATE TABLE feedback_events (
    seq      INTEGER PRIMARY KEY,
    user     TEXT    NOT NULL REFERENCES users(name),
    paper_id TEXT    NOT NULL REFERENCES papers(id),
    rating   INTEGER NOT NULL,
    at       TEXT    NOT NULL
);
CREATE INDEX feedback_events_user_paper ON feedback_events(user, paper_id, seq);

-- Papers a user has been shown, so that nothing is shown twice; the first showing is kept.
CREATE TABLE shown (
    user     TEXT NOT NULL REFERENCES users(name),
    paper_id TEXT NOT NULL REFERENCES papers(id),
    date     TEXT,
    channel  TEXT NOT NULL,
    PRIMARY KEY (user, paper_id)
) WITHOUT ROWID;

CREATE TABLE digests (
    user     TEXT NOT NULL REFERENCES users(name),
    date     TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    PRIMARY KEY (user, date)
) WITHOUT ROWID;

CREATE TABLE digest_items (
    user     TEXT    NOT NULL,
    date     TEXT    NOT NULL,
    position INTEGER NOT NULL,
    paper_id TEXT    NOT NULL REFERENCES papers(id),
    rank     INTEGER NOT NULL,
    score    REAL    NOT NULL,
    interest TEXT,
    reasons  TEXT    NOT NULL DEFAULT '[]',  -- JSON list of Reason fields
    signals  TEXT    NOT NULL DEFAULT '{}',  -- JSON object
    PRIMARY KEY (user, date, position),
    FOREIGN KEY (user, date) REFERENCES digests(user, date) ON DELETE CASCADE
) WITHOUT ROWID;

-- One row per digest sent: the UNIQUE key makes sending exactly-once across processes.
CREATE TABLE deliveries (
    user    TEXT NOT NULL REFERENCES users(name),
    date    TEXT NOT NULL,
    channel TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (user, date, channel)
) WITHOUT ROWID;
