-- Single sign-on through an OpenID Connect provider.

-- A person at the provider (its issuer and their subject there) linked to an account, on
-- their first sign-in: the account created, or found by their verified e-mail address.
CREATE TABLE sso_identities (
    issuer    TEXT    NOT NULL,
    subject   TEXT    NOT NULL,
    user_id   BIGINT  NOT NULL REFERENCES users (id),
    linked_at BIGINT  NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX sso_identities_user ON sso_identities (user_id);

-- A sign-in sent to the provider and not yet back. Only hashes are kept: of the state, of
-- the secret in the browser's cookie (which the PKCE verifier and the nonce are derived
-- from, so a copy of this table finishes no sign-in), and of the nonce, to recognise a token
-- replayed from an earlier sign-in. A row is used once (used_at) and kept a day.
CREATE TABLE sso_logins (
    state_hash   TEXT    PRIMARY KEY,
    browser_hash TEXT    NOT NULL,
    nonce_hash   TEXT    NOT NULL UNIQUE,
    next_path    TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    expires_at   BIGINT  NOT NULL,
    used_at      BIGINT
);

-- The provider's ID token of a session begun through it, to end the provider's session too
-- when the person signs out (id_token_hint). Goes with the session.
CREATE TABLE sso_sessions (
    token_hash TEXT NOT NULL PRIMARY KEY REFERENCES sessions (token_hash) ON DELETE CASCADE,
    id_token   TEXT NOT NULL
);
