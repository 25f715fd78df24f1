DROP TABLE claim_events;
DROP TABLE claim_versions;
DROP FUNCTION claim_versions_frozen();
DROP TABLE claims;
DROP TABLE trading_partner_payers;
DROP TABLE trading_partners;
ALTER TABLE practice DROP COLUMN clia_number;
