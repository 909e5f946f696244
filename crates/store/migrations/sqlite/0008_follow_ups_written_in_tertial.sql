-- Follow-ups written in the browser. A follow-up's introduction is shown at the top of the
-- form; a round freezes it when it opens, as it freezes the questions.
ALTER TABLE follow_ups ADD COLUMN introduction TEXT NOT NULL DEFAULT '';
ALTER TABLE rounds ADD COLUMN introduction TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX follow_ups_title ON follow_ups (title);
CREATE UNIQUE INDEX focus_areas_name ON focus_areas (follow_up_id, official_name);

-- A question may be asked of single bodies besides (or instead of) whole kinds: their ids,
-- separated by commas. A retired question is not frozen into rounds opened later. Its
-- version grows with every edit, so that an edit based on an older one is refused.
ALTER TABLE questions ADD COLUMN bodies TEXT NOT NULL DEFAULT '';
ALTER TABLE questions ADD COLUMN retired INTEGER NOT NULL DEFAULT 0;
ALTER TABLE questions ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE round_questions ADD COLUMN bodies TEXT NOT NULL DEFAULT '';
