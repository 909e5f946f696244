-- The compiled report of a round: the coordinator's settings (one row per round, changed
-- in place), the summaries per focus area (every saved version kept), and the published
-- versions with the files as they were produced (kept byte for byte, never changed).
CREATE TABLE compilation_settings (
    round_id         INTEGER PRIMARY KEY REFERENCES rounds (id),
    title            TEXT    NOT NULL,
    introduction     TEXT    NOT NULL,
    approved_only    INTEGER NOT NULL,
    include_contacts INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    updated_by       INTEGER NOT NULL REFERENCES users (id)
) STRICT;

CREATE TABLE summaries (
    round_id   INTEGER NOT NULL REFERENCES rounds (id),
    focus_area INTEGER NOT NULL,
    version    INTEGER NOT NULL,
    text       TEXT    NOT NULL,
    saved_at   INTEGER NOT NULL,
    saved_by   INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (round_id, focus_area, version)
) STRICT;

CREATE TABLE publications (
    round_id     INTEGER NOT NULL REFERENCES rounds (id),
    number       INTEGER NOT NULL,
    title        TEXT    NOT NULL,
    published_at INTEGER NOT NULL,
    published_by INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (round_id, number)
) STRICT;

-- A published file is kept in chunks of a few MiB: a national report's PDF runs to hundreds
-- of MB, more than one value should hold, and publishing then never holds a file in memory.
CREATE TABLE publication_files (
    round_id INTEGER NOT NULL,
    number   INTEGER NOT NULL,
    format   TEXT    NOT NULL CHECK (format IN ('docx', 'pdf', 'xlsx', 'md', 'json')),
    size     INTEGER NOT NULL,
    PRIMARY KEY (round_id, number, format),
    FOREIGN KEY (round_id, number) REFERENCES publications (round_id, number)
) STRICT;

CREATE TABLE publication_chunks (
    round_id INTEGER NOT NULL,
    number   INTEGER NOT NULL,
    format   TEXT    NOT NULL,
    seq      INTEGER NOT NULL,
    bytes    BLOB    NOT NULL,
    PRIMARY KEY (round_id, number, format, seq),
    FOREIGN KEY (round_id, number, format) REFERENCES publication_files (round_id, number, format)
) STRICT;

CREATE TRIGGER summaries_no_update BEFORE UPDATE ON summaries
BEGIN SELECT RAISE(ABORT, 'summaries are append-only'); END;
CREATE TRIGGER summaries_no_delete BEFORE DELETE ON summaries
BEGIN SELECT RAISE(ABORT, 'summaries are append-only'); END;
CREATE TRIGGER publications_no_update BEFORE UPDATE ON publications
BEGIN SELECT RAISE(ABORT, 'publications are immutable'); END;
CREATE TRIGGER publications_no_delete BEFORE DELETE ON publications
BEGIN SELECT RAISE(ABORT, 'publications are immutable'); END;
CREATE TRIGGER publication_files_no_update BEFORE UPDATE ON publication_files
BEGIN SELECT RAISE(ABORT, 'published files are immutable'); END;
CREATE TRIGGER publication_files_no_delete BEFORE DELETE ON publication_files
BEGIN SELECT RAISE(ABORT, 'published files are immutable'); END;
CREATE TRIGGER publication_chunks_no_update BEFORE UPDATE ON publication_chunks
BEGIN SELECT RAISE(ABORT, 'published files are immutable'); END;
CREATE TRIGGER publication_chunks_no_delete BEFORE DELETE ON publication_chunks
BEGIN SELECT RAISE(ABORT, 'published files are immutable'); END;
