DROP TABLE journal_lines;
DROP TABLE journal_entries;
DROP TABLE accounting_periods;
DROP TABLE ledger_accounts;
