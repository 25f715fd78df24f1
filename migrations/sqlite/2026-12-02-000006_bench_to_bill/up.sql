-- From bench to bill: the diagnoses a lab order gives (and which of them each test serves), how a specimen
-- was collected, and a record of every charge a completed specimen made on its order's encounter.

-- Comma-separated ICD-10-CM codes in the order given, and per test the 1-based positions among them.
ALTER TABLE lab_orders ADD COLUMN diagnoses TEXT NOT NULL DEFAULT '';
ALTER TABLE lab_order_tests ADD COLUMN diagnosis_pointers TEXT NOT NULL DEFAULT '';
ALTER TABLE specimens ADD COLUMN collection_method TEXT
    CHECK (collection_method IN ('venipuncture','capillary','arterial','urine','swab','other'));

-- One row per charge decided: a test of a specimen (specimen_id is the top-level specimen, so an aliquot
-- never bills its parent's tests again) or the collection charge of an encounter. The partial unique
-- indexes are what makes "never twice" hold under any race. line_id is the line added; NULL when the
-- charge could not be added (outcome says why) and waits for the claims work.
CREATE TABLE lab_charges (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('test','collection')),
    encounter_id TEXT NOT NULL REFERENCES encounters(id),
    specimen_id TEXT NOT NULL REFERENCES specimens(id),
    code TEXT NOT NULL,
    line_id TEXT,
    outcome TEXT NOT NULL CHECK (outcome IN ('added','encounter_billed','encounter_full')),
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX lab_charges_test ON lab_charges (specimen_id, code) WHERE kind = 'test';
CREATE UNIQUE INDEX lab_charges_collection ON lab_charges (encounter_id, code) WHERE kind = 'collection';
CREATE INDEX lab_charges_encounter ON lab_charges (encounter_id);
