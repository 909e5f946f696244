-- Forms brought in from Word or text files.
--
-- A file read and shown as a preview waits here until the person confirms it: bound to the
-- person and the report, expiring, holding only what was read from it (JSON), the file's
-- name and its SHA-256, never the file. Confirming or a newer upload removes it.
CREATE TABLE pending_imports (
    id          INTEGER PRIMARY KEY,
    report_id   INTEGER NOT NULL REFERENCES reports (id),
    user_id     INTEGER NOT NULL REFERENCES users (id),
    kind        TEXT    NOT NULL CHECK (kind IN ('draft', 'historic')),
    file_name   TEXT    NOT NULL,
    sha256      TEXT    NOT NULL,
    content     TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX pending_imports_report ON pending_imports (report_id, user_id);

-- Submitted versions that a coordinator (or the command line, imported_by NULL) imported
-- from a historic form file: which file, who and when. Never changed.
CREATE TABLE imported_versions (
    report_id   INTEGER NOT NULL,
    number      INTEGER NOT NULL,
    file_name   TEXT    NOT NULL,
    sha256      TEXT    NOT NULL,
    imported_by INTEGER REFERENCES users (id),
    imported_at INTEGER NOT NULL,
    PRIMARY KEY (report_id, number),
    FOREIGN KEY (report_id, number) REFERENCES submissions (report_id, number)
) STRICT;

CREATE TRIGGER imported_versions_no_update BEFORE UPDATE ON imported_versions
BEGIN SELECT RAISE(ABORT, 'imported versions are immutable'); END;
CREATE TRIGGER imported_versions_no_delete BEFORE DELETE ON imported_versions
BEGIN SELECT RAISE(ABORT, 'imported versions are immutable'); END;
