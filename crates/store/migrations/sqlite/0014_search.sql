-- The search index: one entry per answer (and "Övriga upplysningar", field 'other_information') of every
-- submitted version, made when the version is submitted. Drafts are never indexed. The text
-- is analysed in Rust (tertial_domain::analysis) and the index holds its stems: here an
-- FTS5 table (search_index, rowid = the entry's id; contentless, the text stays in
-- submissions), on PostgreSQL a GIN-indexed tsvector of the same stems.
CREATE TABLE search_entries (
    id            INTEGER PRIMARY KEY,
    report_id     INTEGER NOT NULL,
    number        INTEGER NOT NULL,
    round_id      INTEGER NOT NULL REFERENCES rounds (id),
    body_id       INTEGER NOT NULL REFERENCES bodies (id),
    field         TEXT    NOT NULL,
    submitted_at  INTEGER NOT NULL,
    -- When a later version of the report was submitted (NULL: this is the latest).
    superseded_at INTEGER,
    UNIQUE (report_id, number, field),
    FOREIGN KEY (report_id, number) REFERENCES submissions (report_id, number)
) STRICT;
CREATE INDEX search_entries_round ON search_entries (round_id);
CREATE INDEX search_entries_body ON search_entries (body_id);

CREATE VIRTUAL TABLE search_index USING fts5 (
    stems, parts, content = '', columnsize = 0, tokenize = 'unicode61 remove_diacritics 0'
);
