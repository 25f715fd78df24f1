DROP TABLE mue_limits;
DROP TABLE ncci_edits;
DROP TABLE code_entries;
DROP TABLE code_set_versions;
