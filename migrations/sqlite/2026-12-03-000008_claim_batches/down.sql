DROP TABLE x12_inbound_files;
DROP TRIGGER claim_batches_file_frozen_delete;
DROP TRIGGER claim_batches_file_frozen_update;
DROP TABLE claim_batch_claims;
DROP TABLE claim_batches;
ALTER TABLE trading_partners DROP COLUMN segment_terminator;
ALTER TABLE trading_partners DROP COLUMN repetition_separator;
ALTER TABLE trading_partners DROP COLUMN component_separator;
ALTER TABLE trading_partners DROP COLUMN element_separator;
