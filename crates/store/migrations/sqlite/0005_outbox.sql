-- Mail goes out through an outbox: queued in the same transaction as the change that causes
-- it, sent later by a worker that claims each mail with a lease. The dedup key is unique, so
-- the same mail is never queued twice (a job run twice, or on two servers, queues it once).
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    recipient       TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    kind            TEXT    NOT NULL,
    dedup_key       TEXT    NOT NULL UNIQUE,
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    claimed_by      TEXT,
    claimed_until   INTEGER,
    sent_at         INTEGER,
    last_error      TEXT
) STRICT;
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL;
CREATE INDEX outbox_created ON outbox (created_at);

-- Jobs that run once per due time on one server of several: each is claimed with a lease,
-- run, and given its next due time.
CREATE TABLE jobs (
    name          TEXT    PRIMARY KEY,
    due_at        INTEGER NOT NULL,
    claimed_by    TEXT,
    claimed_until INTEGER,
    last_run_at   INTEGER,
    last_error    TEXT
) STRICT;
INSERT INTO jobs (name, due_at) VALUES ('reminders', 0);
