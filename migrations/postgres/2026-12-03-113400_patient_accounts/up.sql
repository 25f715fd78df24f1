-- Idempotency of patient payments and refunds: a repeated submit with the same Idempotency-Key for the
-- same patient gets the first answer back and posts nothing. The row is reserved in the same
-- transaction as the posting, so a failed request leaves no key behind.
CREATE TABLE patient_account_requests (
    patient_id TEXT NOT NULL REFERENCES patients (id),
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (patient_id, idempotency_key)
);
