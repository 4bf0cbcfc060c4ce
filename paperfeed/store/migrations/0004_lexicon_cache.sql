-- The day's fitted TF-IDF (candidates plus their history, see index.py) as npz bytes:
-- fitting 20,000 earlier papers takes seconds, reading the fit back a fraction of one.
-- Only the newest few are kept; dropping them all loses nothing but time.
CREATE TABLE lexicon_cache (
    key     TEXT PRIMARY KEY,   -- sha1 of the candidate and history texts
    created TEXT NOT NULL,
    data    BLOB NOT NULL
);
