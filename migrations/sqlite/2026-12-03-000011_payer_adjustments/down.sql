DELETE FROM ledger_accounts WHERE code = '4800';
