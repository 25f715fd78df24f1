-- 835 remittance files and what posting them did. A file is one row per SHA-256 of its bytes and per
-- payment key (payer TRN03, trace TRN02, amount BPR02 of each transaction set): the same file, or the
-- same payment in another file, is recorded once. `completed` turns true when every claim of the file
-- has been posted or queued; a file left incomplete by a crash is resumed by importing it again.
CREATE TABLE remittance_files (
    id TEXT PRIMARY KEY NOT NULL,
    sha256 TEXT NOT NULL UNIQUE,
    payment_key TEXT NOT NULL UNIQUE,
    payer_id TEXT NOT NULL,
    trace_number TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    payment_date DATE NOT NULL,
    claim_count INTEGER NOT NULL,
    content TEXT NOT NULL,
    outcome TEXT NOT NULL,
    completed BOOLEAN NOT NULL,
    received_by TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL
);

-- One row per CLP of a file once it is done with (posted, or queued as unmatched), written in the
-- claim's own transaction: (file, CLP index) unique is what posts each claim of a file at most once.
CREATE TABLE remittance_claims (
    file_id TEXT NOT NULL REFERENCES remittance_files(id),
    clp_index INTEGER NOT NULL,
    clp01 TEXT NOT NULL,
    claim_id TEXT REFERENCES claims(id),
    claim_version INTEGER,
    matched_by TEXT,
    result TEXT NOT NULL CHECK (result IN ('posted','unmatched')),
    detail TEXT NOT NULL,
    posted_at TIMESTAMP NOT NULL,
    PRIMARY KEY (file_id, clp_index)
);
CREATE INDEX remittance_claims_claim ON remittance_claims (claim_id);

-- The work queue: claims and lines of a remittance that matched nothing or were not posted, with why.
CREATE TABLE remittance_unmatched (
    id TEXT PRIMARY KEY NOT NULL,
    file_id TEXT NOT NULL REFERENCES remittance_files(id),
    clp_index INTEGER NOT NULL,
    clp01 TEXT NOT NULL,
    line_id TEXT,
    reason TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX remittance_unmatched_file ON remittance_unmatched (file_id);
