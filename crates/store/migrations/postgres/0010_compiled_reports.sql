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

-- A published file is kept in chunks of a few MiB: a national report's PDF runs to hundreds
-- of MB, more than one value should hold, and publishing then never holds a file in memory.
CREATE TABLE publication_files (
    round_id BIGINT NOT NULL,
    number   BIGINT NOT NULL,
    format   TEXT   NOT NULL CHECK (format IN ('docx', 'pdf', 'xlsx', 'md', 'json')),
    size     BIGINT NOT NULL,
    PRIMARY KEY (round_id, number, format),
    FOREIGN KEY (round_id, number) REFERENCES publications (round_id, number)
);

CREATE TABLE publication_chunks (
    round_id BIGINT NOT NULL,
    number   BIGINT NOT NULL,
    format   TEXT   NOT NULL,
    seq      BIGINT NOT NULL,
    bytes    BYTEA  NOT NULL,
    PRIMARY KEY (round_id, number, format, seq),
    FOREIGN KEY (round_id, number, format) REFERENCES publication_files (round_id, number, format)
);

CREATE TRIGGER summaries_append_only BEFORE UPDATE OR DELETE ON summaries
    FOR EACH ROW EXECUTE FUNCTION tertial_refuse_change();
CREATE TRIGGER publications_immutable BEFORE UPDATE OR DELETE ON publications
    FOR EACH ROW EXECUTE FUNCTION tertial_refuse_change();
CREATE TRIGGER publication_files_immutable BEFORE UPDATE OR DELETE ON publication_files
    FOR EACH ROW EXECUTE FUNCTION tertial_refuse_change();
CREATE TRIGGER publication_chunks_immutable BEFORE UPDATE OR DELETE ON publication_chunks
    FOR EACH ROW EXECUTE FUNCTION tertial_refuse_change();
