-- The double-entry ledger: the chart of accounts, journal entries and their lines, closed periods.
--
-- Balance in SQLite, which has no deferred triggers: an entry's row is its seal and is inserted LAST.
-- The lines go in first; their foreign key to the entry is DEFERRABLE INITIALLY DEFERRED, so lines whose
-- entry never arrives fail the commit. The entry row declares its totals (CHECK debit = credit > 0) and a
-- trigger refuses it unless its lines, already there, sum to exactly those totals on both sides and number
-- at least two. Another trigger refuses a line for an entry that is already sealed. So every committed
-- entry balances, whatever code wrote it.
CREATE TABLE ledger_accounts (
    code TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    account_type TEXT NOT NULL
        CHECK (account_type IN ('asset','liability','revenue','contra_revenue','expense')),
    normal_balance TEXT NOT NULL CHECK (normal_balance IN ('debit','credit'))
);

INSERT INTO ledger_accounts (code, name, account_type, normal_balance) VALUES
    ('1000', 'Bank and cash', 'asset', 'debit'),
    ('1100', 'Insurance receivables', 'asset', 'debit'),
    ('1200', 'Patient receivables', 'asset', 'debit'),
    ('2100', 'Unapplied payments', 'liability', 'credit'),
    ('2200', 'Refunds payable', 'liability', 'credit'),
    ('4100', 'Revenue: lab services', 'revenue', 'credit'),
    ('4200', 'Revenue: office services', 'revenue', 'credit'),
    ('4900', 'Revenue: other services', 'revenue', 'credit'),
    ('5100', 'Contractual adjustments', 'contra_revenue', 'debit'),
    ('5200', 'Other adjustments', 'contra_revenue', 'debit'),
    ('5300', 'Bad debt', 'expense', 'debit');

-- A month (YYYY-MM) once closed: no entry dated in it may be posted.
CREATE TABLE accounting_periods (
    month TEXT PRIMARY KEY NOT NULL CHECK (length(month) = 7 AND substr(month, 5, 1) = '-'),
    closed_at TIMESTAMP NOT NULL,
    closed_by_id TEXT,
    closed_by TEXT NOT NULL
);

CREATE TABLE journal_entries (
    id TEXT PRIMARY KEY NOT NULL,
    entry_date DATE NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('charge','insurance_payment','contractual_adjustment',
        'other_adjustment','patient_payment','refund','write_off','transfer_to_patient','reversal')),
    memo TEXT NOT NULL,
    claim_id TEXT,
    remittance_id TEXT,
    patient_id TEXT,
    encounter_id TEXT,
    payment_method TEXT CHECK (payment_method IN ('cash','card','check')),
    reverses TEXT REFERENCES journal_entries(id),
    debit_total BIGINT NOT NULL,
    credit_total BIGINT NOT NULL,
    line_count INTEGER NOT NULL CHECK (line_count >= 2),
    actor_id TEXT,
    actor TEXT NOT NULL,
    posted_at TIMESTAMP NOT NULL,
    CHECK (debit_total = credit_total AND debit_total > 0),
    CHECK ((kind = 'reversal') = (reverses IS NOT NULL))
);
-- An entry is reversed at most once.
CREATE UNIQUE INDEX journal_entries_reverses ON journal_entries (reverses);
CREATE INDEX journal_entries_date ON journal_entries (entry_date);
CREATE INDEX journal_entries_claim ON journal_entries (claim_id);
CREATE INDEX journal_entries_patient ON journal_entries (patient_id);

CREATE TABLE journal_lines (
    entry_id TEXT NOT NULL REFERENCES journal_entries(id) DEFERRABLE INITIALLY DEFERRED,
    line_no INTEGER NOT NULL CHECK (line_no >= 1),
    account_code TEXT NOT NULL REFERENCES ledger_accounts(code),
    debit_cents BIGINT NOT NULL CHECK (debit_cents >= 0),
    credit_cents BIGINT NOT NULL CHECK (credit_cents >= 0),
    patient_id TEXT,
    claim_id TEXT,
    PRIMARY KEY (entry_id, line_no),
    CHECK ((debit_cents > 0) <> (credit_cents > 0))
);
CREATE INDEX journal_lines_account ON journal_lines (account_code);
CREATE INDEX journal_lines_patient ON journal_lines (patient_id);
CREATE INDEX journal_lines_claim ON journal_lines (claim_id);

CREATE TRIGGER journal_lines_sealed BEFORE INSERT ON journal_lines
WHEN EXISTS (SELECT 1 FROM journal_entries WHERE id = NEW.entry_id)
BEGIN
    SELECT RAISE(ABORT, 'journal entry is posted: its lines are immutable');
END;

CREATE TRIGGER journal_entries_balanced BEFORE INSERT ON journal_entries
WHEN (SELECT count(*) FROM journal_lines WHERE entry_id = NEW.id) <> NEW.line_count
    OR (SELECT coalesce(sum(debit_cents), 0) FROM journal_lines WHERE entry_id = NEW.id) <> NEW.debit_total
    OR (SELECT coalesce(sum(credit_cents), 0) FROM journal_lines WHERE entry_id = NEW.id) <> NEW.credit_total
BEGIN
    SELECT RAISE(ABORT, 'journal entry does not balance');
END;

CREATE TRIGGER journal_entries_period_open BEFORE INSERT ON journal_entries
WHEN EXISTS (SELECT 1 FROM accounting_periods WHERE month = substr(NEW.entry_date, 1, 7))
BEGIN
    SELECT RAISE(ABORT, 'period_closed: the accounting period of the entry date is closed');
END;

CREATE TRIGGER journal_entries_immutable_update BEFORE UPDATE ON journal_entries
BEGIN
    SELECT RAISE(ABORT, 'journal entries are immutable: post a reversal');
END;
CREATE TRIGGER journal_entries_immutable_delete BEFORE DELETE ON journal_entries
BEGIN
    SELECT RAISE(ABORT, 'journal entries are immutable: post a reversal');
END;
CREATE TRIGGER journal_lines_immutable_update BEFORE UPDATE ON journal_lines
BEGIN
    SELECT RAISE(ABORT, 'journal lines are immutable: post a reversal');
END;
CREATE TRIGGER journal_lines_immutable_delete BEFORE DELETE ON journal_lines
BEGIN
    SELECT RAISE(ABORT, 'journal lines are immutable: post a reversal');
END;
CREATE TRIGGER accounting_periods_final_update BEFORE UPDATE ON accounting_periods
BEGIN
    SELECT RAISE(ABORT, 'a closed accounting period stays closed');
END;
CREATE TRIGGER accounting_periods_final_delete BEFORE DELETE ON accounting_periods
BEGIN
    SELECT RAISE(ABORT, 'a closed accounting period stays closed');
END;
