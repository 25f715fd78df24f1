//! Journal entries as values. A `ValidEntry` cannot be built unbalanced: two or more lines, every amount
//! positive with at most two decimals, debits equal to credits. Posting takes only a `ValidEntry`, so the
//! database's own balance check (see the migration) is a second guard, never the first.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::accounts::{Account, Side};
use crate::db::ids::{ClaimId, EncounterId, EntryId, PatientId};
use crate::error::{AppError, FieldError};
use crate::money;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryKind {
    Charge,
    InsurancePayment,
    ContractualAdjustment,
    OtherAdjustment,
    PatientPayment,
    Refund,
    WriteOff,
    TransferToPatient,
    Reversal,
}

impl EntryKind {
    pub const ALL: [EntryKind; 9] = [
        EntryKind::Charge,
        EntryKind::InsurancePayment,
        EntryKind::ContractualAdjustment,
        EntryKind::OtherAdjustment,
        EntryKind::PatientPayment,
        EntryKind::Refund,
        EntryKind::WriteOff,
        EntryKind::TransferToPatient,
        EntryKind::Reversal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Charge => "charge",
            EntryKind::InsurancePayment => "insurance_payment",
            EntryKind::ContractualAdjustment => "contractual_adjustment",
            EntryKind::OtherAdjustment => "other_adjustment",
            EntryKind::PatientPayment => "patient_payment",
            EntryKind::Refund => "refund",
            EntryKind::WriteOff => "write_off",
            EntryKind::TransferToPatient => "transfer_to_patient",
            EntryKind::Reversal => "reversal",
        }
    }

    pub fn parse(text: &str) -> Option<EntryKind> {
        EntryKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// How a patient paid (or was refunded).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaymentMethod {
    Cash,
    Card,
    Check,
}

impl PaymentMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Cash => "cash",
            PaymentMethod::Card => "card",
            PaymentMethod::Check => "check",
        }
    }

    pub fn parse(text: &str) -> Option<PaymentMethod> {
        [
            PaymentMethod::Cash,
            PaymentMethod::Card,
            PaymentMethod::Check,
        ]
        .into_iter()
        .find(|m| m.as_str() == text)
    }
}

/// What the entry came from; every reference is optional (a remittance id is text until remittances
/// exist as rows).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Source {
    pub claim_id: Option<ClaimId>,
    pub remittance_id: Option<String>,
    pub patient_id: Option<PatientId>,
    pub encounter_id: Option<EncounterId>,
    pub payment_method: Option<PaymentMethod>,
}

/// One line as the caller proposes it: an account, a side and an amount, with the patient and claim
/// it belongs to for the receivable subledgers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub account: Account,
    pub side: Side,
    pub amount: Decimal,
    pub patient_id: Option<PatientId>,
    pub claim_id: Option<ClaimId>,
}

impl Line {
    pub fn debit(account: Account, amount: Decimal) -> Line {
        Line::new(account, Side::Debit, amount)
    }

    pub fn credit(account: Account, amount: Decimal) -> Line {
        Line::new(account, Side::Credit, amount)
    }

    fn new(account: Account, side: Side, amount: Decimal) -> Line {
        Line {
            account,
            side,
            amount,
            patient_id: None,
            claim_id: None,
        }
    }

    pub fn patient(mut self, patient: Option<&PatientId>) -> Line {
        self.patient_id = patient.cloned();
        self
    }

    pub fn claim(mut self, claim: Option<&ClaimId>) -> Line {
        self.claim_id = claim.cloned();
        self
    }

    /// The amount in cents, signed: debits positive, credits negative.
    pub fn signed_cents(&self) -> i64 {
        let cents = money::to_cents(self.amount).unwrap_or_default();
        match self.side {
            Side::Debit => cents,
            Side::Credit => -cents,
        }
    }
}

/// Why an entry was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    #[error("an entry needs at least two lines")]
    TooFewLines,
    #[error("line {0}: the amount must be positive")]
    NotPositive(usize),
    #[error("line {0}: the amount {1}")]
    BadAmount(usize, String),
    #[error("debits {debits} do not equal credits {credits}")]
    Unbalanced { debits: Decimal, credits: Decimal },
    #[error("the memo must not be empty")]
    EmptyMemo,
    #[error("a reversal is built from the entry it reverses (ValidEntry::reversing)")]
    ReversalWithoutOriginal,
}

impl From<EntryError> for AppError {
    fn from(error: EntryError) -> Self {
        let field = match &error {
            EntryError::NotPositive(i) | EntryError::BadAmount(i, _) => {
                format!("lines[{i}].amount")
            }
            EntryError::EmptyMemo => "memo".to_owned(),
            EntryError::TooFewLines | EntryError::Unbalanced { .. } => "lines".to_owned(),
            EntryError::ReversalWithoutOriginal => "kind".to_owned(),
        };
        AppError::Validation(vec![FieldError::new(field, error.to_string())])
    }
}

/// A balanced entry, ready to post. Fields are private: the only ways in are `new` and `reversing`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidEntry {
    date: NaiveDate,
    kind: EntryKind,
    memo: String,
    source: Source,
    lines: Vec<Line>,
    reverses: Option<EntryId>,
    total_cents: i64,
}

impl ValidEntry {
    /// Checks the lines: at least two, each amount positive with at most two decimals (one side per
    /// line is the `Line` type's doing), debits equal to credits. A reversal comes from `reversing`.
    pub fn new(
        date: NaiveDate,
        kind: EntryKind,
        memo: impl Into<String>,
        source: Source,
        lines: Vec<Line>,
    ) -> Result<ValidEntry, EntryError> {
        if kind == EntryKind::Reversal {
            return Err(EntryError::ReversalWithoutOriginal);
        }
        ValidEntry::build(date, kind, memo.into(), source, lines, None)
    }

    /// An entry read back from the store, checked again.
    pub(super) fn stored(
        date: NaiveDate,
        kind: EntryKind,
        memo: String,
        source: Source,
        lines: Vec<Line>,
        reverses: Option<EntryId>,
    ) -> Result<ValidEntry, EntryError> {
        if (kind == EntryKind::Reversal) != reverses.is_some() {
            return Err(EntryError::ReversalWithoutOriginal);
        }
        ValidEntry::build(date, kind, memo, source, lines, reverses)
    }

    fn build(
        date: NaiveDate,
        kind: EntryKind,
        memo: String,
        source: Source,
        lines: Vec<Line>,
        reverses: Option<EntryId>,
    ) -> Result<ValidEntry, EntryError> {
        let memo = memo.trim().to_owned();
        if memo.is_empty() {
            return Err(EntryError::EmptyMemo);
        }
        if lines.len() < 2 {
            return Err(EntryError::TooFewLines);
        }
        let (mut debits, mut credits) = (0i64, 0i64);
        for (i, line) in lines.iter().enumerate() {
            let cents = money::to_cents(line.amount).map_err(|e| EntryError::BadAmount(i, e))?;
            if cents <= 0 {
                return Err(EntryError::NotPositive(i));
            }
            match line.side {
                Side::Debit => debits += cents,
                Side::Credit => credits += cents,
            }
        }
        if debits != credits {
            return Err(EntryError::Unbalanced {
                debits: money::from_cents(debits),
                credits: money::from_cents(credits),
            });
        }
        Ok(ValidEntry {
            date,
            kind,
            memo,
            source,
            lines,
            reverses,
            total_cents: debits,
        })
    }

    /// The entry that undoes `original` (stored as `original_id`): the same lines on the other side,
    /// dated `date`, pointing back at the original.
    pub fn reversing(
        original: &ValidEntry,
        original_id: &EntryId,
        date: NaiveDate,
        memo: impl Into<String>,
    ) -> Result<ValidEntry, EntryError> {
        let lines = original
            .lines
            .iter()
            .map(|l| Line {
                side: l.side.opposite(),
                ..l.clone()
            })
            .collect();
        ValidEntry::build(
            date,
            EntryKind::Reversal,
            memo.into(),
            original.source.clone(),
            lines,
            Some(original_id.clone()),
        )
    }

    /// The same entry with `note` (a check number, a refund's reason) after its memo; a blank note
    /// changes nothing.
    pub fn with_note(mut self, note: &str) -> ValidEntry {
        let note = note.trim();
        if !note.is_empty() {
            self.memo = format!("{}: {note}", self.memo);
        }
        self
    }

    pub fn date(&self) -> NaiveDate {
        self.date
    }

    pub fn kind(&self) -> EntryKind {
        self.kind
    }

    pub fn memo(&self) -> &str {
        &self.memo
    }

    pub fn source(&self) -> &Source {
        &self.source
    }

    pub fn lines(&self) -> &[Line] {
        &self.lines
    }

    pub fn reverses(&self) -> Option<&EntryId> {
        self.reverses.as_ref()
    }

    /// The sum of the debits (equal to the sum of the credits), in cents.
    pub fn total_cents(&self) -> i64 {
        self.total_cents
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()
    }

    fn entry(lines: Vec<Line>) -> Result<ValidEntry, EntryError> {
        ValidEntry::new(day(), EntryKind::Charge, "test", Source::default(), lines)
    }

    #[test]
    fn a_balanced_entry_of_two_or_more_lines_is_valid() {
        let e = entry(vec![
            Line::debit(Account::InsuranceReceivable, d("150.00")),
            Line::credit(Account::LabRevenue, d("100")),
            Line::credit(Account::OfficeRevenue, d("50")),
        ])
        .unwrap();
        assert_eq!(e.total_cents(), 15000);
        assert_eq!(e.lines().iter().map(Line::signed_cents).sum::<i64>(), 0);
    }

    #[test]
    fn invalid_entries_are_refused_with_the_reason() {
        let cases = [
            (vec![], EntryError::TooFewLines),
            (
                vec![Line::debit(Account::Bank, d("1"))],
                EntryError::TooFewLines,
            ),
            (
                vec![
                    Line::debit(Account::Bank, d("10")),
                    Line::credit(Account::InsuranceReceivable, d("9.99")),
                ],
                EntryError::Unbalanced {
                    debits: d("10.00"),
                    credits: d("9.99"),
                },
            ),
            (
                vec![
                    Line::debit(Account::Bank, d("0")),
                    Line::credit(Account::InsuranceReceivable, d("0")),
                ],
                EntryError::NotPositive(0),
            ),
            (
                vec![
                    Line::debit(Account::Bank, d("-5")),
                    Line::credit(Account::InsuranceReceivable, d("-5")),
                ],
                EntryError::NotPositive(0),
            ),
            (
                vec![
                    Line::debit(Account::Bank, d("1.005")),
                    Line::credit(Account::InsuranceReceivable, d("1.005")),
                ],
                EntryError::BadAmount(0, "must have at most two decimal places".into()),
            ),
        ];
        for (lines, expected) in cases {
            assert_eq!(entry(lines.clone()), Err(expected), "{lines:?}");
        }
        let blank = ValidEntry::new(
            day(),
            EntryKind::Charge,
            "  ",
            Source::default(),
            vec![
                Line::debit(Account::Bank, d("1")),
                Line::credit(Account::LabRevenue, d("1")),
            ],
        );
        assert_eq!(blank, Err(EntryError::EmptyMemo));
        let unanchored = ValidEntry::new(
            day(),
            EntryKind::Reversal,
            "undo",
            Source::default(),
            vec![
                Line::debit(Account::Bank, d("1")),
                Line::credit(Account::LabRevenue, d("1")),
            ],
        );
        assert_eq!(unanchored, Err(EntryError::ReversalWithoutOriginal));
    }

    #[test]
    fn a_reversal_swaps_every_line_and_points_at_the_original() {
        let original = entry(vec![
            Line::debit(Account::Bank, d("20")),
            Line::credit(Account::InsuranceReceivable, d("20")),
        ])
        .unwrap();
        let id = EntryId::generate();
        let later = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let reversal = ValidEntry::reversing(&original, &id, later, "undo").unwrap();
        assert_eq!(reversal.kind(), EntryKind::Reversal);
        assert_eq!(reversal.reverses(), Some(&id));
        assert_eq!(reversal.date(), later);
        for (a, b) in original.lines().iter().zip(reversal.lines()) {
            assert_eq!(a.signed_cents(), -b.signed_cents());
            assert_eq!(a.account, b.account);
        }
    }
}
