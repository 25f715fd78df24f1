-- Claim batches (837P files to clearinghouses) and acknowledgement files coming back.

-- The payer's own number for a claim (277CA REF*1K): what a replacement or void names in REF*F8.
ALTER TABLE claims ADD COLUMN payer_claim_number TEXT;

-- The separators a clearinghouse wants in our files (X12 defaults when it says nothing).
ALTER TABLE trading_partners ADD COLUMN element_separator TEXT NOT NULL DEFAULT '*';
ALTER TABLE trading_partners ADD COLUMN component_separator TEXT NOT NULL DEFAULT ':';
ALTER TABLE trading_partners ADD COLUMN repetition_separator TEXT NOT NULL DEFAULT '^';
ALTER TABLE trading_partners ADD COLUMN segment_terminator TEXT NOT NULL DEFAULT '~';

-- One 837P interchange. Control numbers come from counters in the building transaction and are unique
-- here too; the file's bytes never change once stored (the triggers refuse it), `sha256` is theirs.
CREATE TABLE claim_batches (
    id TEXT PRIMARY KEY NOT NULL,
    partner_id TEXT NOT NULL REFERENCES trading_partners(id),
    status TEXT NOT NULL CHECK (status IN ('open','sent')),
    interchange_control_number BIGINT NOT NULL UNIQUE
        CHECK (interchange_control_number BETWEEN 1 AND 999999999),
    group_control_number BIGINT NOT NULL UNIQUE CHECK (group_control_number BETWEEN 1 AND 999999999),
    reference TEXT NOT NULL UNIQUE,
    claim_count INTEGER NOT NULL CHECK (claim_count >= 1),
    transaction_count INTEGER NOT NULL CHECK (transaction_count >= 1),
    total_charge_cents BIGINT NOT NULL,
    file TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    sent_by TEXT,
    sent_at TIMESTAMP,
    version INTEGER NOT NULL
);
CREATE INDEX claim_batches_partner ON claim_batches(partner_id, created_at);

-- Where each claim version went: its transaction set (ST02) and segments, so a 999 or 277CA finds it.
-- A claim version is in one batch, ever.
CREATE TABLE claim_batch_claims (
    batch_id TEXT NOT NULL REFERENCES claim_batches(id),
    claim_id TEXT NOT NULL REFERENCES claims(id),
    claim_version INTEGER NOT NULL,
    clm01 TEXT NOT NULL UNIQUE,
    transaction_control_number BIGINT NOT NULL,
    position_in_transaction INTEGER NOT NULL,
    first_segment INTEGER NOT NULL,
    last_segment INTEGER NOT NULL,
    PRIMARY KEY (batch_id, claim_id),
    UNIQUE (claim_id, claim_version)
);
CREATE INDEX claim_batch_claims_transaction ON claim_batch_claims(batch_id, transaction_control_number);

CREATE FUNCTION claim_batches_file_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.file IS DISTINCT FROM OLD.file OR NEW.sha256 IS DISTINCT FROM OLD.sha256
        OR NEW.interchange_control_number IS DISTINCT FROM OLD.interchange_control_number
        OR NEW.group_control_number IS DISTINCT FROM OLD.group_control_number THEN
        RAISE EXCEPTION 'a claim batch file is immutable';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER claim_batches_file_frozen_update BEFORE UPDATE ON claim_batches
    FOR EACH ROW EXECUTE FUNCTION claim_batches_file_frozen();
CREATE TRIGGER claim_batches_file_frozen_delete BEFORE DELETE ON claim_batches
    FOR EACH ROW EXECUTE FUNCTION claim_batches_file_frozen();

-- Every acknowledgement file taken in, kept whole; the same bytes twice are one row (sha256).
CREATE TABLE x12_inbound_files (
    id TEXT PRIMARY KEY NOT NULL,
    sha256 TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('999','277CA')),
    interchange_control_number TEXT NOT NULL,
    sender_id TEXT NOT NULL,
    content TEXT NOT NULL,
    outcome TEXT NOT NULL,
    received_by TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL
);
