-- Lab specimens: container types, stations, lab orders and their tests, specimens (with aliquots as child
-- specimens), custody events, and stored answers to idempotent scans. Volumes are whole microlitres.

CREATE TABLE container_types (
    code TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    -- Hours after collection within which the specimen must be analysed (the "overdue" filter).
    stability_hours INTEGER NOT NULL CHECK (stability_hours > 0),
    active BOOLEAN NOT NULL DEFAULT 1,
    version INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO container_types (code, name, stability_hours, active, version, updated_at) VALUES
    ('SST', 'Serum separator tube (gold top)', 48, 1, 1, '2026-11-29 00:00:00'),
    ('RED', 'Plain serum tube (red top)', 48, 1, 1, '2026-11-29 00:00:00'),
    ('LAV_EDTA', 'EDTA whole blood tube (lavender top)', 24, 1, 1, '2026-11-29 00:00:00'),
    ('PINK_EDTA', 'EDTA blood bank tube (pink top)', 72, 1, 1, '2026-11-29 00:00:00'),
    ('LBLU_CIT', 'Sodium citrate tube (light blue top)', 4, 1, 1, '2026-11-29 00:00:00'),
    ('GRY_FLU', 'Sodium fluoride / potassium oxalate tube (grey top)', 72, 1, 1, '2026-11-29 00:00:00'),
    ('GRN_HEP', 'Lithium heparin tube (green top)', 8, 1, 1, '2026-11-29 00:00:00'),
    ('URINE_CUP', 'Sterile urine cup', 2, 1, 1, '2026-11-29 00:00:00'),
    ('URINE_24H', '24-hour urine container', 72, 1, 1, '2026-11-29 00:00:00'),
    ('SWAB', 'Swab in transport medium', 48, 1, 1, '2026-11-29 00:00:00'),
    ('CRYOVIAL', 'Aliquot cryovial', 168, 1, 1, '2026-11-29 00:00:00');

CREATE TABLE stations (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    location TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('receive','start_processing','mark_ready','start_analysis',
                                           'complete','store','dispose','seen')),
    active BOOLEAN NOT NULL DEFAULT 1,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE lab_orders (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    provider_id TEXT NOT NULL REFERENCES providers(id),
    -- Encounters arrive later; no foreign key until they do.
    encounter_id TEXT,
    priority TEXT NOT NULL CHECK (priority IN ('routine','stat')),
    clinical_note TEXT,
    status TEXT NOT NULL CHECK (status IN ('active','cancelled')),
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX lab_orders_patient ON lab_orders(patient_id);

CREATE TABLE lab_order_tests (
    id TEXT PRIMARY KEY NOT NULL,
    order_id TEXT NOT NULL REFERENCES lab_orders(id),
    position INTEGER NOT NULL,
    code TEXT NOT NULL,
    container_type TEXT NOT NULL REFERENCES container_types(code),
    min_volume_ul BIGINT NOT NULL CHECK (min_volume_ul > 0),
    UNIQUE (order_id, code)
);

CREATE TABLE specimens (
    id TEXT PRIMARY KEY NOT NULL,
    accession TEXT NOT NULL UNIQUE,
    order_id TEXT NOT NULL REFERENCES lab_orders(id),
    patient_id TEXT NOT NULL REFERENCES patients(id),
    parent_id TEXT REFERENCES specimens(id),
    -- The rejected specimen this one recollects.
    replaces_id TEXT REFERENCES specimens(id),
    container_type TEXT NOT NULL REFERENCES container_types(code),
    -- Space-separated procedure codes of the tests this specimen serves (copied: labels need them).
    test_codes TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('ordered','collected','received','processing','ready',
        'in_analysis','completed','stored','disposed','rejected','cancelled')),
    rejection_reason TEXT,
    rejection_note TEXT,
    required_volume_ul BIGINT NOT NULL,
    collected_at TIMESTAMP,
    collected_volume_ul BIGINT,
    remaining_volume_ul BIGINT CHECK (remaining_volume_ul >= 0),
    aliquot_count INTEGER NOT NULL DEFAULT 0,
    -- Bumped with every custody event: the row lock it takes orders one specimen's events.
    event_count INTEGER NOT NULL DEFAULT 0,
    -- Where it was last handled or scanned, and where it is kept.
    station_id TEXT REFERENCES stations(id),
    location TEXT,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX specimens_order ON specimens(order_id);
CREATE INDEX specimens_patient ON specimens(patient_id);
CREATE INDEX specimens_parent ON specimens(parent_id);
CREATE INDEX specimens_status ON specimens(status, collected_at);
CREATE INDEX specimens_station ON specimens(station_id);

CREATE TABLE specimen_events (
    id TEXT PRIMARY KEY NOT NULL,
    specimen_id TEXT NOT NULL REFERENCES specimens(id),
    -- Per-specimen sequence: the timeline's order, and unique so two writers cannot interleave.
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT,
    actor_id TEXT,
    actor TEXT NOT NULL,
    station_id TEXT REFERENCES stations(id),
    location TEXT,
    note TEXT,
    detail TEXT,
    occurred_at TIMESTAMP NOT NULL,
    UNIQUE (specimen_id, seq)
);

CREATE TABLE scan_requests (
    user_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, idempotency_key)
);
