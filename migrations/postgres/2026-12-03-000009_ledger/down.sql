DROP TABLE journal_lines;
DROP TABLE journal_entries;
DROP TABLE accounting_periods;
DROP TABLE ledger_accounts;
DROP FUNCTION journal_entry_balanced();
DROP FUNCTION journal_period_open();
DROP FUNCTION ledger_immutable();
