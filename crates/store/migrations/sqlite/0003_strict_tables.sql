-- no-transaction
-- Every table becomes STRICT: SQLite then refuses a value of the wrong type (text in a
-- number column), as PostgreSQL always does. SQLite cannot add STRICT to a table, so each
-- is rebuilt with the same columns and rows; its indexes and triggers are made again.
--
-- Dropping a table that others refer to would, with foreign keys on, count their rows as
-- orphans; foreign keys are off while the tables are swapped (this can only be set outside
-- a transaction, hence no-transaction above), and the swap itself is one transaction.
-- Run again after a crash between COMMIT and sqlx's record, it rebuilds the same tables.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE settings_strict (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
INSERT INTO settings_strict SELECT * FROM settings;
DROP TABLE settings;
ALTER TABLE settings_strict RENAME TO settings;

CREATE TABLE users_strict (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('admin', 'coordinator', 'reporter', 'reader')),
    password_hash TEXT,
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    INTEGER NOT NULL
) STRICT;
INSERT INTO users_strict SELECT * FROM users;
DROP TABLE users;
ALTER TABLE users_strict RENAME TO users;

CREATE TABLE bodies_strict (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    short_name TEXT    NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('district_committee', 'specialist_committee', 'company_board')),
    active     INTEGER NOT NULL DEFAULT 1
) STRICT;
INSERT INTO bodies_strict SELECT * FROM bodies;
DROP TABLE bodies;
ALTER TABLE bodies_strict RENAME TO bodies;

CREATE TABLE user_bodies_strict (
    user_id INTEGER NOT NULL REFERENCES users (id),
    body_id INTEGER NOT NULL REFERENCES bodies (id),
    PRIMARY KEY (user_id, body_id)
) STRICT;
INSERT INTO user_bodies_strict SELECT * FROM user_bodies;
DROP TABLE user_bodies;
ALTER TABLE user_bodies_strict RENAME TO user_bodies;

CREATE TABLE sessions_strict (
    token_hash   TEXT    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    csrf_token   TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
) STRICT;
INSERT INTO sessions_strict SELECT * FROM sessions;
DROP TABLE sessions;
ALTER TABLE sessions_strict RENAME TO sessions;

CREATE TABLE follow_ups_strict (
    id      INTEGER PRIMARY KEY,
    title   TEXT NOT NULL,
    purpose TEXT NOT NULL
) STRICT;
INSERT INTO follow_ups_strict SELECT * FROM follow_ups;
DROP TABLE follow_ups;
ALTER TABLE follow_ups_strict RENAME TO follow_ups;

CREATE TABLE focus_areas_strict (
    follow_up_id  INTEGER NOT NULL REFERENCES follow_ups (id),
    number        INTEGER NOT NULL,
    official_name TEXT    NOT NULL,
    label         TEXT    NOT NULL,
    PRIMARY KEY (follow_up_id, number)
) STRICT;
INSERT INTO focus_areas_strict SELECT * FROM focus_areas;
DROP TABLE focus_areas;
ALTER TABLE focus_areas_strict RENAME TO focus_areas;

CREATE TABLE questions_strict (
    follow_up_id   INTEGER NOT NULL REFERENCES follow_ups (id),
    key            TEXT    NOT NULL,
    focus_area     INTEGER NOT NULL,
    position       INTEGER NOT NULL,
    text           TEXT    NOT NULL,
    help           TEXT,
    applies_to     TEXT    NOT NULL,
    na_allowed     INTEGER NOT NULL,
    PRIMARY KEY (follow_up_id, key)
) STRICT;
INSERT INTO questions_strict SELECT * FROM questions;
DROP TABLE questions;
ALTER TABLE questions_strict RENAME TO questions;

CREATE TABLE rounds_strict (
    id           INTEGER PRIMARY KEY,
    follow_up_id INTEGER NOT NULL REFERENCES follow_ups (id),
    period       TEXT    NOT NULL CHECK (period IN ('T1', 'T2', 'VB')),
    year         INTEGER NOT NULL,
    deadline     TEXT    NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('planned', 'open', 'closed')),
    UNIQUE (follow_up_id, period, year)
) STRICT;
INSERT INTO rounds_strict SELECT * FROM rounds;
DROP TABLE rounds;
ALTER TABLE rounds_strict RENAME TO rounds;

CREATE TABLE round_focus_areas_strict (
    round_id      INTEGER NOT NULL REFERENCES rounds (id),
    number        INTEGER NOT NULL,
    official_name TEXT    NOT NULL,
    label         TEXT    NOT NULL,
    PRIMARY KEY (round_id, number)
) STRICT;
INSERT INTO round_focus_areas_strict SELECT * FROM round_focus_areas;
DROP TABLE round_focus_areas;
ALTER TABLE round_focus_areas_strict RENAME TO round_focus_areas;

CREATE TABLE round_questions_strict (
    round_id   INTEGER NOT NULL REFERENCES rounds (id),
    key        TEXT    NOT NULL,
    focus_area INTEGER NOT NULL,
    position   INTEGER NOT NULL,
    text       TEXT    NOT NULL,
    help       TEXT,
    applies_to TEXT    NOT NULL,
    na_allowed INTEGER NOT NULL,
    PRIMARY KEY (round_id, key)
) STRICT;
INSERT INTO round_questions_strict SELECT * FROM round_questions;
DROP TABLE round_questions;
ALTER TABLE round_questions_strict RENAME TO round_questions;

CREATE TABLE reports_strict (
    id           INTEGER PRIMARY KEY,
    round_id     INTEGER NOT NULL REFERENCES rounds (id),
    body_id      INTEGER NOT NULL REFERENCES bodies (id),
    status       TEXT    NOT NULL CHECK (status IN ('not_started', 'draft', 'submitted', 'returned', 'approved')),
    updated_at   INTEGER,
    submitted_at INTEGER,
    UNIQUE (round_id, body_id)
) STRICT;
INSERT INTO reports_strict SELECT * FROM reports;
DROP TABLE reports;
ALTER TABLE reports_strict RENAME TO reports;

CREATE TABLE answers_strict (
    report_id      INTEGER NOT NULL REFERENCES reports (id),
    field          TEXT    NOT NULL,
    text           TEXT    NOT NULL,
    not_applicable INTEGER NOT NULL,
    version        INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    updated_by     INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (report_id, field)
) STRICT;
INSERT INTO answers_strict SELECT * FROM answers;
DROP TABLE answers;
ALTER TABLE answers_strict RENAME TO answers;

CREATE TABLE submissions_strict (
    report_id    INTEGER NOT NULL REFERENCES reports (id),
    number       INTEGER NOT NULL,
    submitted_at INTEGER NOT NULL,
    submitted_by INTEGER NOT NULL REFERENCES users (id),
    late         INTEGER NOT NULL,
    content      TEXT    NOT NULL,
    PRIMARY KEY (report_id, number)
) STRICT;
INSERT INTO submissions_strict SELECT * FROM submissions;
DROP TABLE submissions;
ALTER TABLE submissions_strict RENAME TO submissions;

CREATE TABLE audit_log_strict (
    id       INTEGER PRIMARY KEY,
    at       INTEGER NOT NULL,
    actor_id INTEGER REFERENCES users (id),
    action   TEXT    NOT NULL,
    subject  TEXT    NOT NULL,
    detail   TEXT    NOT NULL
) STRICT;
INSERT INTO audit_log_strict SELECT * FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_strict RENAME TO audit_log;

CREATE TABLE sign_in_failures_strict (
    key      TEXT    PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_at  INTEGER NOT NULL
) STRICT;
INSERT INTO sign_in_failures_strict SELECT * FROM sign_in_failures;
DROP TABLE sign_in_failures;
ALTER TABLE sign_in_failures_strict RENAME TO sign_in_failures;

CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX reports_body ON reports (body_id);
CREATE INDEX audit_log_subject ON audit_log (subject);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TRIGGER submissions_no_update BEFORE UPDATE ON submissions
BEGIN SELECT RAISE(ABORT, 'submissions are immutable'); END;
CREATE TRIGGER submissions_no_delete BEFORE DELETE ON submissions
BEGIN SELECT RAISE(ABORT, 'submissions are immutable'); END;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

COMMIT;
PRAGMA foreign_keys = ON;
