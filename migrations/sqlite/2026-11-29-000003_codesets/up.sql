-- Code sets: every import is one version of one code system with effective dates. A code is valid on a
-- date of service when the version governing that date contains it and marks it billable.

CREATE TABLE code_set_versions (
    id TEXT PRIMARY KEY NOT NULL,
    system TEXT NOT NULL,
    label TEXT NOT NULL,
    effective_from DATE NOT NULL,
    effective_to DATE,
    checksum TEXT NOT NULL,
    source TEXT NOT NULL,
    entry_count BIGINT NOT NULL,
    seq BIGINT NOT NULL UNIQUE,
    imported_at TIMESTAMP NOT NULL,
    UNIQUE (system, checksum)
);
CREATE INDEX code_set_versions_system ON code_set_versions(system, effective_from);

-- One code of one version. `notes` is JSON (instructional notes, 7th characters) or NULL.
CREATE TABLE code_entries (
    version_id TEXT NOT NULL REFERENCES code_set_versions(id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    description TEXT NOT NULL,
    short_description TEXT,
    billable BOOLEAN NOT NULL,
    notes TEXT,
    PRIMARY KEY (version_id, code)
);

-- CMS NCCI procedure-to-procedure edits: column 2 is not paid with column 1 unless the modifier
-- indicator allows a modifier (0 never, 1 allowed, 9 the edit does not apply).
CREATE TABLE ncci_edits (
    version_id TEXT NOT NULL REFERENCES code_set_versions(id) ON DELETE CASCADE,
    column1 TEXT NOT NULL,
    column2 TEXT NOT NULL,
    effective_date DATE NOT NULL,
    deletion_date DATE,
    modifier_indicator TEXT NOT NULL CHECK (modifier_indicator IN ('0','1','9')),
    rationale TEXT NOT NULL,
    PRIMARY KEY (version_id, column1, column2, effective_date)
);
CREATE INDEX ncci_edits_pair ON ncci_edits(column1, column2);

-- CMS medically unlikely edits: the most units of a code per patient per day of service.
CREATE TABLE mue_limits (
    version_id TEXT NOT NULL REFERENCES code_set_versions(id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    max_units INTEGER NOT NULL,
    adjudication_indicator TEXT NOT NULL,
    rationale TEXT NOT NULL,
    PRIMARY KEY (version_id, code)
);
CREATE INDEX mue_limits_code ON mue_limits(code);
