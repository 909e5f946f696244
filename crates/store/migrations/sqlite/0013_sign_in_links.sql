-- Sign-in links by e-mail. A link holds the hash of a one-time token (never the token) and
-- the hash of a random value in a cookie of the browser that asked for it: the link signs
-- in only there, once (`used_at` is set in the transaction that starts the session), and
-- only until `expires_at`.
CREATE TABLE sign_in_links (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    token_hash   TEXT    NOT NULL UNIQUE,
    browser_hash TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    used_at      INTEGER
) STRICT;
CREATE INDEX sign_in_links_user ON sign_in_links (user_id);
