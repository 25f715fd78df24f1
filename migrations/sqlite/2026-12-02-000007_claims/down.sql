DROP TRIGGER claim_versions_frozen_delete;
DROP TRIGGER claim_versions_frozen_update;
DROP TABLE claim_events;
DROP TABLE claim_versions;
DROP TABLE claims;
DROP TABLE trading_partner_payers;
DROP TABLE trading_partners;
ALTER TABLE practice DROP COLUMN clia_number;
