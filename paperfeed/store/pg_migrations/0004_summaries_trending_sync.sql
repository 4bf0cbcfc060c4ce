-- PostgreSQL twin of migrations/0008 (issue 15): reach. LLM summaries (cached per paper, model, language and prompt version, and the
-- per-user "why it matters" line), upvotes seen on a source (trending) with the trending
-- section of saved digests, and the state of a user's Zotero sync.

CREATE TABLE summaries (
    paper_id TEXT    NOT NULL REFERENCES papers(id),
    model    TEXT    NOT NULL,
    language TEXT    NOT NULL,
    prompt   INTEGER NOT NULL,               -- the prompt's version
    text     TEXT    NOT NULL,
    created  TEXT    NOT NULL,
    PRIMARY KEY (paper_id, model, language, prompt)
);

CREATE TABLE summary_why (
    "user"     TEXT    NOT NULL REFERENCES users(name),
    paper_id TEXT    NOT NULL REFERENCES papers(id),
    model    TEXT    NOT NULL,
    language TEXT    NOT NULL,
    prompt   INTEGER NOT NULL,
    text     TEXT    NOT NULL,
    created  TEXT    NOT NULL,
    PRIMARY KEY ("user", paper_id, model, language, prompt)
);

-- One count per paper, source and day it was seen; the day the source listed the paper.
CREATE TABLE paper_upvotes (
    paper_id TEXT    NOT NULL REFERENCES papers(id),
    source   TEXT    NOT NULL,
    observed TEXT    NOT NULL,
    listed   TEXT    NOT NULL DEFAULT '',
    upvotes  INTEGER NOT NULL,
    PRIMARY KEY (paper_id, source, observed)
);
CREATE INDEX paper_upvotes_observed ON paper_upvotes(observed);

-- The opt-in "trending in your interests" section of a saved digest: its own rows, never
-- mixed into digest_items (the personal ranking).
CREATE TABLE digest_trending (
    "user"     TEXT    NOT NULL,
    date     TEXT    NOT NULL,
    position INTEGER NOT NULL,
    paper_id TEXT    NOT NULL REFERENCES papers(id),
    score    DOUBLE PRECISION NOT NULL,
    reasons  TEXT    NOT NULL DEFAULT '[]',
    signals  TEXT    NOT NULL DEFAULT '{}',
    PRIMARY KEY ("user", date, position),
    FOREIGN KEY ("user", date) REFERENCES digests("user", date) ON DELETE CASCADE
);

-- Zotero: the library version a profile is in step with (and the collection filter it was
-- synced under), and which library item is which paper (linked = 1: the sync added it to
-- the profile, so a deletion in Zotero takes it out again).
CREATE TABLE zotero_sync (
    "user"      TEXT    NOT NULL REFERENCES users(name),
    library   TEXT    NOT NULL,
    version   INTEGER NOT NULL,
    scope     TEXT    NOT NULL DEFAULT '',
    synced_at TEXT    NOT NULL,
    PRIMARY KEY ("user", library)
);
CREATE TABLE zotero_items (
    "user"     TEXT    NOT NULL,
    library  TEXT    NOT NULL,
    item_key TEXT    NOT NULL,
    paper_id TEXT    NOT NULL REFERENCES papers(id),
    linked   INTEGER NOT NULL,
    PRIMARY KEY ("user", library, item_key),
    FOREIGN KEY ("user", library) REFERENCES zotero_sync("user", library) ON DELETE CASCADE
);
CREATE INDEX zotero_items_paper ON zotero_items(paper_id);
