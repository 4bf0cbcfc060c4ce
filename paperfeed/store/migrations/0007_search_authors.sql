-- v7: full-text search over authors too (a reader looks for "Leskovec" as often as for a
-- topic). The index is made again with a third column, ``authors`` (the JSON list: its
-- names are the words), and filled from the stored papers. As in v2, new rows are indexed
-- by the store itself after their INSERT; updates and deletes are followed by triggers.

DROP TRIGGER papers_fts_delete;
DROP TRIGGER papers_fts_update;
DROP TABLE papers_fts;

CREATE VIRTUAL TABLE papers_fts USING fts5(
    title, abstract, authors,
    content = 'papers', content_rowid = 'pk',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER papers_fts_delete AFTER DELETE ON papers BEGIN
    INSERT INTO papers_fts(papers_fts, rowid, title, abstract, authors)
        VALUES ('delete', old.pk, old.title, old.abstract, old.authors);
END;

CREATE TRIGGER papers_fts_update AFTER UPDATE OF title, abstract, authors ON papers
WHEN old.title IS NOT new.title OR old.abstract IS NOT new.abstract
     OR old.authors IS NOT new.authors BEGIN
    INSERT INTO papers_fts(papers_fts, rowid, title, abstract, authors)
        VALUES ('delete', old.pk, old.title, old.abstract, old.authors);
    INSERT INTO papers_fts(rowid, title, abstract, authors)
        VALUES (new.pk, new.title, new.abstract, new.authors);
END;

INSERT INTO papers_fts(papers_fts) VALUES ('rebuild');
