-- v5: the ranking keeps what it learns instead of refitting it every day.
-- A feature space (TF-IDF vocabularies and IDF) is fitted on the history now and then and
-- kept with its background (the rows the models learn against); each user's models are
-- trained when their profile changes and kept, keyed by what they were trained on.
-- The day's fitted lexicon of v4 is no longer made.
DROP TABLE lexicon_cache;

CREATE TABLE feature_spaces (
    version    INTEGER PRIMARY KEY AUTOINCREMENT,   -- 1, 2, 3 ... in the order fitted
    key        TEXT    NOT NULL UNIQUE,             -- sha1 of the history texts and settings
    created    TEXT    NOT NULL,
    papers     INTEGER NOT NULL,                    -- history papers it was fitted on
    space      BLOB    NOT NULL,                    -- npz: vocabularies and IDF
    background BLOB    NOT NULL                     -- npz: negatives and held-out rows
);

CREATE TABLE user_models (
    key       TEXT PRIMARY KEY,                     -- sha1 of space, settings and papers
    space_key TEXT NOT NULL,
    user      TEXT REFERENCES users(name) ON DELETE CASCADE,  -- NULL for library calls
    trained   TEXT NOT NULL,
    data      BLOB NOT NULL                         -- npz: weights, profile rows, calibration
);
CREATE INDEX user_models_user ON user_models(user, trained);
