-- The compiled report of a round: the coordinator's settings (one row per round, changed
-- in place), the summaries per focus area (every saved version kept), and the published
-- versions with the files as they were produced (kept byte for byte, never changed).
CREATE TABLE compilation_settings (
    round_id         BIGINT  PRIMARY KEY REFERENCES rounds (id),
    title            TEXT    NOT NULL,
    introduction     TEXT    NOT NULL,
    approved_only    BIGINT  NOT NULL,
    include_contacts BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL,
    updated_by       BIGINT  NOT NULL REFERENCES users (id)
);

CREATE TABLE summaries (
    round_id   BIGINT NOT NULL REFERENCES rounds (id),
    focus_area BIGINT NOT NULL,
    version    BIGINT NOT NULL,
    text       TEXT   NOT NULL,
    saved_at   BIGINT NOT NULL,
    saved_by   BIGINT NOT NULL REFERENCES users (id),
    PRIMARY KEY (round_id, focus_area, version)
);

CREATE TABLE publications (
    round_id     BIGINT NOT NULL REFERENCES rounds (id),
    number       BIGINT NOT NULL,
    title        TEXT   NOT NULL,
    published_at BIGINT NOT NULL,
    published_by BIGINT NOT NULL REFERENCES users (id),
    PRIMARY KEY (round_id, number)
);

CREATE TABLE publication_files (
    round_id BIGINT NOT NULL,
    number   BIGINT NOT NULL,
    format   TEXT   NOT NULL CHECK (format IN ('docx', 'pdf', 'xlsx', 'md', 'json')),
    bytes    BYTEA  NOT NULL,
    PRIMARY KEY (round_id, number, format),
    FOREIGN KEY (round_id, number) REFERENCES publications (round_id, number)
);

CREATE TRIGGER summaries_append_only BEFORE UPDATE OR DELETE ON summaries
    FOR EACH ROW EXECUTE FUNCTION tertial_refuse_change();
CREATE TRIGGER publications_immutable BEFORE UPDATE OR DELETE ON publications
    FOR EACH ROW EXECUTE FUNCTION tertial_refuse_change();
CREATE TRIGGER publication_files_immutable BEFORE UPDATE OR DELETE ON publication_files
    FOR EACH ROW EXECUTE FUNCTION tertial_refuse_change();
