-- Interest a payer adds to a remittance (835 PLB L6, prompt-pay interest): income, not service revenue.
INSERT INTO ledger_accounts (code, name, account_type, normal_balance) VALUES
    ('4800', 'Interest income', 'revenue', 'credit');
