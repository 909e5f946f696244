-- Bodies and people managed from the browser. An invitation holds the hash of a one-time
-- token that lets a new account set its password; a newer invitation revokes the older
-- ones, and using one marks it used in the same transaction that stores the password.
CREATE TABLE invitations (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    token_hash TEXT    NOT NULL UNIQUE,
    invited_by INTEGER REFERENCES users (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER,
    revoked_at INTEGER
) STRICT;
CREATE INDEX invitations_user ON invitations (user_id);

-- When each account last signed in, for the list of people.
ALTER TABLE users ADD COLUMN last_sign_in_at INTEGER;
