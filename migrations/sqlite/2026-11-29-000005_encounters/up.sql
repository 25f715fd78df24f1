-- Encounters with their diagnoses and procedure lines, and the fee schedules that price new lines.

CREATE TABLE encounters (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    rendering_provider_id TEXT NOT NULL REFERENCES providers(id),
    billing_provider_id TEXT NOT NULL REFERENCES providers(id),
    location_id TEXT NOT NULL REFERENCES locations(id),
    policy_id TEXT REFERENCES insurance_policies(id),
    date_of_service DATE NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open','coded','ready','billed')),
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX encounters_patient ON encounters(patient_id, date_of_service);
CREATE INDEX encounters_status ON encounters(status, date_of_service);

-- Diagnoses in claim order: position 1 is the primary diagnosis; line pointers name positions.
CREATE TABLE encounter_diagnoses (
    encounter_id TEXT NOT NULL REFERENCES encounters(id),
    position INTEGER NOT NULL CHECK (position >= 1),
    code TEXT NOT NULL,
    PRIMARY KEY (encounter_id, position)
);

-- specimen_id and order_id name the lab specimen or order a line came from; no foreign key until the
-- specimens tables exist.
CREATE TABLE encounter_lines (
    id TEXT PRIMARY KEY NOT NULL,
    encounter_id TEXT NOT NULL REFERENCES encounters(id),
    position INTEGER NOT NULL CHECK (position >= 1),
    code TEXT NOT NULL,
    modifiers TEXT NOT NULL,
    units INTEGER NOT NULL CHECK (units >= 1),
    charge_cents BIGINT NOT NULL,
    charge_source TEXT NOT NULL CHECK (charge_source IN ('schedule','manual')),
    diagnosis_pointers TEXT NOT NULL,
    note TEXT,
    specimen_id TEXT,
    order_id TEXT
);
CREATE UNIQUE INDEX encounter_lines_position ON encounter_lines(encounter_id, position);

-- scope is 'default' for the practice's schedule or 'payer:<payer id>': one schedule per scope.
CREATE TABLE fee_schedules (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    payer_id TEXT REFERENCES payers(id),
    scope TEXT NOT NULL UNIQUE,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- modifier is '' when the price is for the code without a modifier (so uniqueness holds on both backends).
CREATE TABLE fee_schedule_prices (
    id TEXT PRIMARY KEY NOT NULL,
    schedule_id TEXT NOT NULL REFERENCES fee_schedules(id),
    code TEXT NOT NULL,
    modifier TEXT NOT NULL,
    price_cents BIGINT NOT NULL CHECK (price_cents >= 0),
    effective_from DATE NOT NULL,
    effective_to DATE,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX fee_schedule_prices_start ON fee_schedule_prices(schedule_id, code, modifier, effective_from);
