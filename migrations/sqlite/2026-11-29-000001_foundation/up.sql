-- Foundation schema: users, tokens, audit trail, counters, practice directory.
-- Ids are UUID v7 as TEXT; instants are UTC TIMESTAMPs; money (later) is BIGINT cents.

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT,
    role TEXT NOT NULL CHECK (role IN ('admin','front_desk','lab_tech','coder','biller','accountant')),
    active BOOLEAN NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE login_failures (
    id TEXT PRIMARY KEY NOT NULL,
    username TEXT NOT NULL,
    client_ip TEXT NOT NULL,
    failed_at TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_username ON login_failures(username, failed_at);
CREATE INDEX login_failures_ip ON login_failures(client_ip, failed_at);

CREATE TABLE counters (
    name TEXT PRIMARY KEY NOT NULL,
    value BIGINT NOT NULL
);

-- The single head row serialises appends to the hash chain across connections and instances.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_events (
    seq BIGINT PRIMARY KEY NOT NULL,
    id TEXT NOT NULL UNIQUE,
    occurred_at TIMESTAMP NOT NULL,
    actor_id TEXT,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id TEXT,
    patient_id TEXT,
    request_id TEXT,
    detail TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_events_resource ON audit_events(resource_type, resource_id);
CREATE INDEX audit_events_actor ON audit_events(actor_id);
CREATE INDEX audit_events_time ON audit_events(occurred_at);

CREATE TABLE practice (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    name TEXT NOT NULL,
    tax_id TEXT,
    npi TEXT,
    address_line1 TEXT,
    address_line2 TEXT,
    city TEXT,
    state TEXT,
    zip TEXT,
    phone TEXT,
    version INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE providers (
    id TEXT PRIMARY KEY NOT NULL,
    npi TEXT NOT NULL UNIQUE,
    entity_type TEXT NOT NULL CHECK (entity_type IN ('individual','organization')),
    last_name TEXT NOT NULL,
    first_name TEXT,
    middle_name TEXT,
    credential TEXT,
    taxonomy_code TEXT NOT NULL,
    is_billing BOOLEAN NOT NULL,
    is_rendering BOOLEAN NOT NULL,
    active BOOLEAN NOT NULL DEFAULT 1,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE locations (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    address_line1 TEXT NOT NULL,
    address_line2 TEXT,
    city TEXT NOT NULL,
    state TEXT NOT NULL,
    zip TEXT NOT NULL,
    phone TEXT,
    place_of_service TEXT NOT NULL,
    npi TEXT,
    active BOOLEAN NOT NULL DEFAULT 1,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE payers (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    payer_id TEXT NOT NULL,
    address_line1 TEXT,
    address_line2 TEXT,
    city TEXT,
    state TEXT,
    zip TEXT,
    claim_filing_indicator TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT 1,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX payers_payer_id ON payers(payer_id);

CREATE TABLE patients (
    id TEXT PRIMARY KEY NOT NULL,
    mrn TEXT NOT NULL UNIQUE,
    last_name TEXT NOT NULL,
    first_name TEXT NOT NULL,
    middle_name TEXT,
    date_of_birth DATE NOT NULL,
    sex TEXT NOT NULL CHECK (sex IN ('F','M','U')),
    address_line1 TEXT NOT NULL,
    address_line2 TEXT,
    city TEXT NOT NULL,
    state TEXT NOT NULL,
    zip TEXT NOT NULL,
    phone TEXT,
    email TEXT,
    last_name_key TEXT NOT NULL,
    first_name_key TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT 1,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX patients_name ON patients(last_name_key, first_name_key);
CREATE INDEX patients_dob ON patients(date_of_birth);

CREATE TABLE insurance_policies (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    payer_id TEXT NOT NULL REFERENCES payers(id),
    member_id TEXT NOT NULL,
    group_number TEXT,
    group_name TEXT,
    priority TEXT NOT NULL CHECK (priority IN ('primary','secondary','tertiary')),
    relationship TEXT NOT NULL CHECK (relationship IN ('self','spouse','child','other')),
    subscriber_last_name TEXT,
    subscriber_first_name TEXT,
    subscriber_date_of_birth DATE,
    subscriber_sex TEXT,
    subscriber_address_line1 TEXT,
    subscriber_address_line2 TEXT,
    subscriber_city TEXT,
    subscriber_state TEXT,
    subscriber_zip TEXT,
    effective_date DATE NOT NULL,
    end_date DATE,
    active BOOLEAN NOT NULL DEFAULT 1,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX insurance_policies_patient ON insurance_policies(patient_id);
-- One active policy of each priority per patient.
CREATE UNIQUE INDEX insurance_policies_one_active_priority
    ON insurance_policies(patient_id, priority) WHERE active;
