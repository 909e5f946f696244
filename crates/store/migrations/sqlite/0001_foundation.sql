-- Tertial's first schema. Times are milliseconds since the Unix epoch; flags are 0/1.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('admin', 'coordinator', 'reporter', 'reader')),
    password_hash TEXT,
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    INTEGER NOT NULL
);

CREATE TABLE bodies (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    short_name TEXT    NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('district_committee', 'specialist_committee', 'company_board')),
    active     INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE user_bodies (
    user_id INTEGER NOT NULL REFERENCES users (id),
    body_id INTEGER NOT NULL REFERENCES bodies (id),
    PRIMARY KEY (user_id, body_id)
);

CREATE TABLE sessions (
    token_hash   TEXT    PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    csrf_token   TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE follow_ups (
    id      INTEGER PRIMARY KEY,
    title   TEXT NOT NULL,
    purpose TEXT NOT NULL
);

CREATE TABLE focus_areas (
    follow_up_id  INTEGER NOT NULL REFERENCES follow_ups (id),
    number        INTEGER NOT NULL,
    official_name TEXT    NOT NULL,
    label         TEXT    NOT NULL,
    PRIMARY KEY (follow_up_id, number)
);

CREATE TABLE questions (
    follow_up_id   INTEGER NOT NULL REFERENCES follow_ups (id),
    key            TEXT    NOT NULL,
    focus_area     INTEGER NOT NULL,
    position       INTEGER NOT NULL,
    text           TEXT    NOT NULL,
    help           TEXT,
    applies_to     TEXT    NOT NULL,
    na_allowed     INTEGER NOT NULL,
    PRIMARY KEY (follow_up_id, key)
);

CREATE TABLE rounds (
    id           INTEGER PRIMARY KEY,
    follow_up_id INTEGER NOT NULL REFERENCES follow_ups (id),
    period       TEXT    NOT NULL CHECK (period IN ('T1', 'T2', 'VB')),
    year         INTEGER NOT NULL,
    deadline     TEXT    NOT NULL,
    status       TEXT    NOT NULL CHECK (status IN ('planned', 'open', 'closed')),
    UNIQUE (follow_up_id, period, year)
);

-- What a round asked, frozen when it opened.
CREATE TABLE round_focus_areas (
    round_id      INTEGER NOT NULL REFERENCES rounds (id),
    number        INTEGER NOT NULL,
    official_name TEXT    NOT NULL,
    label         TEXT    NOT NULL,
    PRIMARY KEY (round_id, number)
);

CREATE TABLE round_questions (
    round_id   INTEGER NOT NULL REFERENCES rounds (id),
    key        TEXT    NOT NULL,
    focus_area INTEGER NOT NULL,
    position   INTEGER NOT NULL,
    text       TEXT    NOT NULL,
    help       TEXT,
    applies_to TEXT    NOT NULL,
    na_allowed INTEGER NOT NULL,
    PRIMARY KEY (round_id, key)
);

CREATE TABLE reports (
    id           INTEGER PRIMARY KEY,
    round_id     INTEGER NOT NULL REFERENCES rounds (id),
    body_id      INTEGER NOT NULL REFERENCES bodies (id),
    status       TEXT    NOT NULL CHECK (status IN ('not_started', 'draft', 'submitted', 'returned', 'approved')),
    updated_at   INTEGER,
    submitted_at INTEGER,
    UNIQUE (round_id, body_id)
);
CREATE INDEX reports_body ON reports (body_id);

CREATE TABLE answers (
    report_id      INTEGER NOT NULL REFERENCES reports (id),
    field          TEXT    NOT NULL,
    text           TEXT    NOT NULL,
    not_applicable INTEGER NOT NULL,
    version        INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    updated_by     INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (report_id, field)
);

CREATE TABLE submissions (
    report_id    INTEGER NOT NULL REFERENCES reports (id),
    number       INTEGER NOT NULL,
    submitted_at INTEGER NOT NULL,
    submitted_by INTEGER NOT NULL REFERENCES users (id),
    late         INTEGER NOT NULL,
    content      TEXT    NOT NULL,
    PRIMARY KEY (report_id, number)
);

CREATE TABLE audit_log (
    id       INTEGER PRIMARY KEY,
    at       INTEGER NOT NULL,
    actor_id INTEGER REFERENCES users (id),
    action   TEXT    NOT NULL,
    subject  TEXT    NOT NULL,
    detail   TEXT    NOT NULL
);

-- Submissions and the audit log are append-only: the database itself refuses changes.
CREATE TRIGGER submissions_no_update BEFORE UPDATE ON submissions
BEGIN SELECT RAISE(ABORT, 'submissions are immutable'); END;
CREATE TRIGGER submissions_no_delete BEFORE DELETE ON submissions
BEGIN SELECT RAISE(ABORT, 'submissions are immutable'); END;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
