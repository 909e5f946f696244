-- A body's own deadline in a round, when the coordinator extended it for that body alone
-- (a Swedish date, YYYY-MM-DD); NULL: the round's deadline applies.
ALTER TABLE reports ADD COLUMN deadline TEXT;

-- Answers a round's opening copied from the body's latest submission in the previous round
-- of the same follow-up. The form marks such an answer "oförändrad" while the answer still
-- has the version the copy wrote; the first save moves the answer past it.
CREATE TABLE prefilled_answers (
    report_id  INTEGER NOT NULL REFERENCES reports (id),
    field      TEXT    NOT NULL,
    from_round INTEGER NOT NULL REFERENCES rounds (id),
    version    INTEGER NOT NULL,
    PRIMARY KEY (report_id, field)
) STRICT;
