-- Failed sign-ins, counted per account ("account:EMAIL") and per client ("client:ADDRESS"),
-- so that guessing passwords is slowed down without locking anyone out for good.
CREATE TABLE sign_in_failures (
    key      TEXT    PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_at  INTEGER NOT NULL
);

-- Looked up by every audit view of a report, and by the session sweep.
CREATE INDEX audit_log_subject ON audit_log (subject);
CREATE INDEX sessions_expires ON sessions (expires_at);
