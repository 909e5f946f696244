-- The register of actors: organisations outside the bodies (the police, the tax agency, a
-- city office) that answers name, each with its aliases (one a line), kept by coordinators.
-- An actor is deactivated, never deleted. `name_key` is the name in lower case: two actors
-- cannot share a name however it is written.
CREATE TABLE actors (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    name_key   TEXT    NOT NULL UNIQUE,
    aliases    TEXT    NOT NULL,
    active     INTEGER NOT NULL DEFAULT 1
) STRICT;
