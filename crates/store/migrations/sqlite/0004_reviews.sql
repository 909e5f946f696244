-- The coordinator's reviews of submitted versions (returned for completion or approved),
-- their comments on single answers, and bodies' requests to reopen a submitted report.
-- Reviews and their comments are never changed; a request gets its answer once.
CREATE TABLE reviews (
    id           INTEGER PRIMARY KEY,
    report_id    INTEGER NOT NULL REFERENCES reports (id),
    submission   INTEGER NOT NULL,
    decision     TEXT    NOT NULL CHECK (decision IN ('return', 'approve')),
    comment      TEXT    NOT NULL,
    reviewed_by  INTEGER NOT NULL REFERENCES users (id),
    reviewed_at  INTEGER NOT NULL,
    FOREIGN KEY (report_id, submission) REFERENCES submissions (report_id, number)
) STRICT;
CREATE INDEX reviews_report ON reviews (report_id);

CREATE TABLE review_answer_comments (
    review_id    INTEGER NOT NULL REFERENCES reviews (id),
    question_key TEXT    NOT NULL,
    text         TEXT    NOT NULL,
    PRIMARY KEY (review_id, question_key)
) STRICT;

CREATE TABLE reopen_requests (
    id          INTEGER PRIMARY KEY,
    report_id   INTEGER NOT NULL REFERENCES reports (id),
    submission  INTEGER NOT NULL,
    reason      TEXT    NOT NULL,
    asked_by    INTEGER NOT NULL REFERENCES users (id),
    asked_at    INTEGER NOT NULL,
    outcome     TEXT    CHECK (outcome IN ('granted', 'declined')),
    answer      TEXT,
    decided_by  INTEGER REFERENCES users (id),
    decided_at  INTEGER,
    FOREIGN KEY (report_id, submission) REFERENCES submissions (report_id, number)
) STRICT;
CREATE INDEX reopen_requests_report ON reopen_requests (report_id);

CREATE TRIGGER reviews_no_update BEFORE UPDATE ON reviews
BEGIN SELECT RAISE(ABORT, 'reviews are immutable'); END;
CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews
BEGIN SELECT RAISE(ABORT, 'reviews are immutable'); END;
CREATE TRIGGER review_answer_comments_no_update BEFORE UPDATE ON review_answer_comments
BEGIN SELECT RAISE(ABORT, 'review comments are immutable'); END;
CREATE TRIGGER review_answer_comments_no_delete BEFORE DELETE ON review_answer_comments
BEGIN SELECT RAISE(ABORT, 'review comments are immutable'); END;
CREATE TRIGGER reopen_requests_no_delete BEFORE DELETE ON reopen_requests
BEGIN SELECT RAISE(ABORT, 'requests to reopen are kept'); END;
CREATE TRIGGER reopen_requests_answered_once BEFORE UPDATE ON reopen_requests
WHEN OLD.outcome IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a request to reopen is answered once'); END;
