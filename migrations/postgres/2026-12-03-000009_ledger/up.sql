-- The double-entry ledger: the chart of accounts, journal entries and their lines, closed periods.
--
-- Balance in PostgreSQL: a DEFERRABLE INITIALLY DEFERRED constraint trigger on journal_lines (and on
-- journal_entries, so an entry without lines cannot commit either) checks at commit that the entry's lines
-- number at least two and sum to the entry's declared totals, debits equal to credits. The code inserts
-- the lines first and the entry last on both backends (see the SQLite migration), so the lines' foreign
-- key is deferred here too.
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

CREATE FUNCTION journal_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    eid TEXT;
    debits BIGINT;
    credits BIGINT;
    lines INTEGER;
    entry journal_entries%ROWTYPE;
BEGIN
    IF TG_TABLE_NAME = 'journal_lines' THEN
        eid := NEW.entry_id;
    ELSE
        eid := NEW.id;
    END IF;
    SELECT * INTO entry FROM journal_entries WHERE id = eid;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'journal lines of entry % have no entry', eid;
    END IF;
    SELECT coalesce(sum(debit_cents), 0), coalesce(sum(credit_cents), 0), count(*)
        INTO debits, credits, lines FROM journal_lines WHERE entry_id = eid;
    IF debits <> credits OR debits <> entry.debit_total OR credits <> entry.credit_total
        OR lines <> entry.line_count THEN
        RAISE EXCEPTION 'journal entry % does not balance: debits %, credits %, % lines',
            eid, debits, credits, lines;
    END IF;
    RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER journal_lines_balanced AFTER INSERT ON journal_lines
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION journal_entry_balanced();
CREATE CONSTRAINT TRIGGER journal_entries_balanced AFTER INSERT ON journal_entries
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION journal_entry_balanced();

CREATE FUNCTION journal_period_open() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM accounting_periods WHERE month = to_char(NEW.entry_date, 'YYYY-MM')) THEN
        RAISE EXCEPTION 'period_closed: accounting period % is closed', to_char(NEW.entry_date, 'YYYY-MM');
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER journal_entries_period_open BEFORE INSERT ON journal_entries
    FOR EACH ROW EXECUTE FUNCTION journal_period_open();

CREATE FUNCTION ledger_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are immutable (a correction is a reversing entry; a closed period stays closed)',
        TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER journal_entries_immutable BEFORE UPDATE OR DELETE ON journal_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_immutable();
CREATE TRIGGER journal_lines_immutable BEFORE UPDATE OR DELETE ON journal_lines
    FOR EACH ROW EXECUTE FUNCTION ledger_immutable();
CREATE TRIGGER accounting_periods_final BEFORE UPDATE OR DELETE ON accounting_periods
    FOR EACH ROW EXECUTE FUNCTION ledger_immutable();
