-- Claims out: the practice's CLIA number (REF*X4 on lab claims), clearinghouses (trading partners) with the
-- payers routed through them, and claims with their immutable versions and their event timeline.

ALTER TABLE practice ADD COLUMN clia_number TEXT;

-- What the ISA/GS envelopes and the 1000A/1000B loops of every file sent to the clearinghouse carry.
CREATE TABLE trading_partners (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    isa01_qualifier TEXT NOT NULL,
    isa02_authorization TEXT NOT NULL,
    isa03_qualifier TEXT NOT NULL,
    isa04_security TEXT NOT NULL,
    sender_qualifier TEXT NOT NULL,
    sender_id TEXT NOT NULL,
    receiver_qualifier TEXT NOT NULL,
    receiver_id TEXT NOT NULL,
    acknowledgement_requested BOOLEAN NOT NULL,
    usage_indicator TEXT NOT NULL CHECK (usage_indicator IN ('T','P')),
    gs02_sender_code TEXT NOT NULL,
    gs03_receiver_code TEXT NOT NULL,
    submitter_name TEXT NOT NULL,
    submitter_id TEXT NOT NULL,
    submitter_contact_name TEXT NOT NULL,
    submitter_contact_phone TEXT NOT NULL,
    submitter_contact_email TEXT,
    receiver_name TEXT NOT NULL,
    receiver_id_1000b TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- A payer routes through at most one clearinghouse: the primary key says so under any race.
CREATE TABLE trading_partner_payers (
    payer_id TEXT PRIMARY KEY NOT NULL REFERENCES payers(id),
    partner_id TEXT NOT NULL REFERENCES trading_partners(id)
);
CREATE INDEX trading_partner_payers_partner ON trading_partner_payers(partner_id);

-- claim_number is CLM01 of version 1 (later versions send `{claim_number}-{n}`); never reused.
-- status_reasons is a JSON list (acknowledgement and remittance reasons); version guards concurrent writes.
CREATE TABLE claims (
    id TEXT PRIMARY KEY NOT NULL,
    claim_number TEXT NOT NULL UNIQUE,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    encounter_id TEXT NOT NULL REFERENCES encounters(id),
    policy_id TEXT NOT NULL REFERENCES insurance_policies(id),
    payer_id TEXT NOT NULL REFERENCES payers(id),
    status TEXT NOT NULL CHECK (status IN ('draft','ready','batched','sent','accepted','rejected',
                                           'paid','partially_paid','denied','closed')),
    current_version INTEGER NOT NULL CHECK (current_version >= 1),
    status_reasons TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- One open claim per encounter and payer.
CREATE UNIQUE INDEX claims_open ON claims(encounter_id, payer_id) WHERE status <> 'closed';
CREATE INDEX claims_status ON claims(status, created_at);
CREATE INDEX claims_patient ON claims(patient_id);

-- Every version as sent: the snapshot is JSON (`ClaimSnapshot`); once batched it never changes (the
-- triggers refuse it even to code that bypasses the store).
CREATE TABLE claim_versions (
    claim_id TEXT NOT NULL REFERENCES claims(id),
    version INTEGER NOT NULL CHECK (version >= 1),
    clm01 TEXT NOT NULL UNIQUE CHECK (length(clm01) <= 20),
    frequency TEXT NOT NULL CHECK (frequency IN ('original','replacement','void')),
    payer_claim_number TEXT,
    reason TEXT,
    snapshot TEXT NOT NULL,
    total_charge_cents BIGINT NOT NULL,
    batched BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (claim_id, version)
);

CREATE TABLE claim_events (
    claim_id TEXT NOT NULL REFERENCES claims(id),
    seq INTEGER NOT NULL CHECK (seq >= 1),
    kind TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT,
    version INTEGER NOT NULL,
    actor_id TEXT,
    actor TEXT NOT NULL,
    detail TEXT,
    occurred_at TIMESTAMP NOT NULL,
    PRIMARY KEY (claim_id, seq)
);

CREATE TRIGGER claim_versions_frozen_update BEFORE UPDATE ON claim_versions
WHEN OLD.batched AND (NEW.snapshot IS NOT OLD.snapshot OR NEW.clm01 IS NOT OLD.clm01
    OR NEW.frequency IS NOT OLD.frequency OR NEW.payer_claim_number IS NOT OLD.payer_claim_number
    OR NEW.total_charge_cents IS NOT OLD.total_charge_cents OR NOT NEW.batched)
BEGIN
    SELECT RAISE(ABORT, 'claim version is batched and immutable');
END;
CREATE TRIGGER claim_versions_frozen_delete BEFORE DELETE ON claim_versions
WHEN OLD.batched
BEGIN
    SELECT RAISE(ABORT, 'claim version is batched and immutable');
END;
