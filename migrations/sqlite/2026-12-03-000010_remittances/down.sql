DROP TABLE remittance_unmatched;
DROP TABLE remittance_claims;
DROP TABLE remittance_files;
