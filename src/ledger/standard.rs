//! The standard entries of the business events, so posting code (claims, remittances, the front desk)
//! calls one function per event instead of choosing accounts. Each builder is pure: it returns the
//! `ValidEntry` and `journal::post` writes it. Receivable lines carry the claim and patient they belong
//! to, so the claim and patient subledgers are sums of lines.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::accounts::{Account, RevenueCategory};
use super::entry::{EntryError, EntryKind, Line, PaymentMethod, Source, ValidEntry};
use crate::db::ids::{ClaimId, EncounterId, PatientId};

/// Whom a charge is billed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payer {
    Insurance,
    Patient,
}

impl Payer {
    fn receivable(self) -> Account {
        match self {
            Payer::Insurance => Account::InsuranceReceivable,
            Payer::Patient => Account::PatientReceivable,
        }
    }
}

/// The claim (and its patient) an event is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRef {
    pub claim_id: ClaimId,
    pub patient_id: PatientId,
}

impl ClaimRef {
    fn source(&self) -> Source {
        Source {
            claim_id: Some(self.claim_id.clone()),
            patient_id: Some(self.patient_id.clone()),
            ..Source::default()
        }
    }

    /// A receivable line of this claim.
    fn line(&self, line: Line) -> Line {
        line.claim(Some(&self.claim_id))
            .patient(Some(&self.patient_id))
    }
}

/// A charge: Dr the payer's receivable for the total, Cr revenue of each line's category.
pub fn charge(
    date: NaiveDate,
    claim: &ClaimRef,
    encounter: Option<&EncounterId>,
    payer: Payer,
    lines: &[(RevenueCategory, Decimal)],
) -> Result<ValidEntry, EntryError> {
    let total: Decimal = lines.iter().map(|(_, amount)| *amount).sum();
    let mut entry_lines = vec![claim.line(Line::debit(payer.receivable(), total))];
    entry_lines.extend(
        lines
            .iter()
            .map(|(category, amount)| Line::credit(category.account(), *amount)),
    );
    let source = Source {
        encounter_id: encounter.cloned(),
        ..claim.source()
    };
    ValidEntry::new(date, EntryKind::Charge, "charge", source, entry_lines)
}

/// An insurance payment on a claim: Dr bank, Cr insurance receivable.
pub fn insurance_payment(
    date: NaiveDate,
    claim: &ClaimRef,
    remittance: Option<&str>,
    amount: Decimal,
) -> Result<ValidEntry, EntryError> {
    two_lines(
        date,
        EntryKind::InsurancePayment,
        "insurance payment",
        remittance_source(claim, remittance),
        Line::debit(Account::Bank, amount),
        claim.line(Line::credit(Account::InsuranceReceivable, amount)),
    )
}

/// A contractual adjustment (CO): Dr contractual adjustments, Cr insurance receivable.
pub fn contractual_adjustment(
    date: NaiveDate,
    claim: &ClaimRef,
    remittance: Option<&str>,
    amount: Decimal,
) -> Result<ValidEntry, EntryError> {
    two_lines(
        date,
        EntryKind::ContractualAdjustment,
        "contractual adjustment",
        remittance_source(claim, remittance),
        Line::debit(Account::ContractualAdjustments, amount),
        claim.line(Line::credit(Account::InsuranceReceivable, amount)),
    )
}

/// Another adjustment (OA/PI, a courtesy discount): Dr other adjustments, Cr the payer's receivable.
pub fn other_adjustment(
    date: NaiveDate,
    claim: &ClaimRef,
    payer: Payer,
    remittance: Option<&str>,
    amount: Decimal,
) -> Result<ValidEntry, EntryError> {
    two_lines(
        date,
        EntryKind::OtherAdjustment,
        "other adjustment",
        remittance_source(claim, remittance),
        Line::debit(Account::OtherAdjustments, amount),
        claim.line(Line::credit(payer.receivable(), amount)),
    )
}

/// Patient responsibility moved from insurance to the patient: Dr patient AR, Cr insurance AR.
pub fn transfer_to_patient(
    date: NaiveDate,
    claim: &ClaimRef,
    remittance: Option<&str>,
    amount: Decimal,
) -> Result<ValidEntry, EntryError> {
    two_lines(
        date,
        EntryKind::TransferToPatient,
        "transfer to patient responsibility",
        remittance_source(claim, remittance),
        claim.line(Line::debit(Account::PatientReceivable, amount)),
        claim.line(Line::credit(Account::InsuranceReceivable, amount)),
    )
}

/// Patient responsibility of one kind moved from insurance to the patient, the kind named in the memo
/// (a remittance's PR1 deductible, PR2 coinsurance, PR3 copay): Dr patient AR, Cr insurance AR.
pub fn transfer_to_patient_for(
    date: NaiveDate,
    claim: &ClaimRef,
    remittance: Option<&str>,
    amount: Decimal,
    kind: &str,
) -> Result<ValidEntry, EntryError> {
    two_lines(
        date,
        EntryKind::TransferToPatient,
        &format!("transfer to patient responsibility: {kind}"),
        remittance_source(claim, remittance),
        claim.line(Line::debit(Account::PatientReceivable, amount)),
        claim.line(Line::credit(Account::InsuranceReceivable, amount)),
    )
}

/// A patient payment: Dr bank for the whole amount; Cr patient AR (of the claim, when given) up to
/// `open_balance`, the rest Cr unapplied payments (a credit the patient holds).
pub fn patient_payment(
    date: NaiveDate,
    patient: &PatientId,
    claim: Option<&ClaimId>,
    method: PaymentMethod,
    amount: Decimal,
    open_balance: Decimal,
) -> Result<ValidEntry, EntryError> {
    let applied = amount.min(open_balance.max(Decimal::ZERO));
    let unapplied = amount - applied;
    let mut lines = vec![Line::debit(Account::Bank, amount)];
    if applied > Decimal::ZERO {
        lines.push(
            Line::credit(Account::PatientReceivable, applied)
                .patient(Some(patient))
                .claim(claim),
        );
    }
    if unapplied > Decimal::ZERO {
        lines.push(Line::credit(Account::UnappliedPayments, unapplied).patient(Some(patient)));
    }
    let source = Source {
        claim_id: claim.cloned(),
        patient_id: Some(patient.clone()),
        payment_method: Some(method),
        ..Source::default()
    };
    let memo = format!("patient payment by {}", method.as_str());
    ValidEntry::new(date, EntryKind::PatientPayment, memo, source, lines)
}

/// How a patient payment is spread: the share applied to each claim's patient balance, and the rest
/// held as a credit (unapplied payments).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    pub amount: Decimal,
    pub applied: Vec<(ClaimId, Decimal)>,
    pub unapplied: Decimal,
}

/// Spreads `amount` over the `open` patient balances in the order given (the caller decides it: the
/// oldest date of service first), each up to its balance; what is left is unapplied. Balances of zero
/// or less take nothing.
pub fn allocate(amount: Decimal, open: &[(ClaimId, Decimal)]) -> Allocation {
    let mut left = amount.max(Decimal::ZERO);
    let mut applied = Vec::new();
    for (claim, balance) in open {
        if left <= Decimal::ZERO {
            break;
        }
        let share = left.min(*balance);
        if share > Decimal::ZERO {
            applied.push((claim.clone(), share));
            left -= share;
        }
    }
    Allocation {
        amount,
        applied,
        unapplied: left,
    }
}

/// A patient payment spread over several claims (see [`allocate`]): Dr bank for the whole amount; Cr
/// patient AR of each claim its share; Cr unapplied payments the rest. `patient_payment` is the one-claim
/// case.
pub fn patient_payment_allocated(
    date: NaiveDate,
    patient: &PatientId,
    method: PaymentMethod,
    allocation: &Allocation,
) -> Result<ValidEntry, EntryError> {
    let mut lines = vec![Line::debit(Account::Bank, allocation.amount)];
    for (claim, share) in &allocation.applied {
        lines.push(
            Line::credit(Account::PatientReceivable, *share)
                .patient(Some(patient))
                .claim(Some(claim)),
        );
    }
    if allocation.unapplied > Decimal::ZERO {
        lines.push(
            Line::credit(Account::UnappliedPayments, allocation.unapplied).patient(Some(patient)),
        );
    }
    let single = match allocation.applied.as_slice() {
        [(claim, _)] => Some(claim.clone()),
        _ => None,
    };
    let source = Source {
        claim_id: single,
        patient_id: Some(patient.clone()),
        payment_method: Some(method),
        ..Source::default()
    };
    let memo = format!("patient payment by {}", method.as_str());
    ValidEntry::new(date, EntryKind::PatientPayment, memo, source, lines)
}

/// What a refund gives back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundOf {
    /// A credit the patient holds (an overpayment).
    Unapplied,
    /// A payment applied to the patient's receivable (which is owed again).
    PatientReceivable,
}

/// A refund to the patient: Dr unapplied payments or patient AR, Cr bank.
pub fn refund(
    date: NaiveDate,
    patient: &PatientId,
    claim: Option<&ClaimId>,
    of: RefundOf,
    method: PaymentMethod,
    amount: Decimal,
) -> Result<ValidEntry, EntryError> {
    let debit = match of {
        RefundOf::Unapplied => Line::debit(Account::UnappliedPayments, amount),
        RefundOf::PatientReceivable => Line::debit(Account::PatientReceivable, amount).claim(claim),
    };
    let source = Source {
        claim_id: claim.cloned(),
        patient_id: Some(patient.clone()),
        payment_method: Some(method),
        ..Source::default()
    };
    two_lines(
        date,
        EntryKind::Refund,
        &format!("refund by {}", method.as_str()),
        source,
        debit.patient(Some(patient)),
        Line::credit(Account::Bank, amount),
    )
}

/// Where a write-off goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteOffTo {
    BadDebt,
    OtherAdjustment,
}

/// A write-off of a patient balance: Dr bad debt or other adjustments, Cr patient AR.
pub fn write_off(
    date: NaiveDate,
    claim: &ClaimRef,
    to: WriteOffTo,
    amount: Decimal,
) -> Result<ValidEntry, EntryError> {
    let account = match to {
        WriteOffTo::BadDebt => Account::BadDebt,
        WriteOffTo::OtherAdjustment => Account::OtherAdjustments,
    };
    two_lines(
        date,
        EntryKind::WriteOff,
        "write-off",
        claim.source(),
        Line::debit(account, amount),
        claim.line(Line::credit(Account::PatientReceivable, amount)),
    )
}

/// What a payer's provider-level adjustment (835 PLB) is, for posting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayerAdjustment {
    /// Interest the payer added (PLB L6): Dr bank, Cr interest income.
    Interest,
    /// Money the payer added for a claim of ours it names: Dr bank, Cr that claim's insurance AR.
    CreditToClaim(ClaimRef),
    /// Money the payer added without naming a claim of ours: Dr bank, Cr unapplied payments, for a
    /// biller to apply.
    Unapplied,
    /// Money the payer withheld for a claim of ours it names (an overpayment recovery): Dr that claim's
    /// insurance AR (it is owed again), Cr bank.
    RecoupFromClaim(ClaimRef),
    /// Money withheld without naming a claim of ours: Dr refunds payable (settling what the practice
    /// owed the payer), Cr bank.
    Withheld,
}

/// A PLB item of a remittance: `amount` positive, `memo` naming the PLB reason and reference.
pub fn payer_adjustment(
    date: NaiveDate,
    adjustment: &PayerAdjustment,
    remittance: Option<&str>,
    amount: Decimal,
    memo: &str,
) -> Result<ValidEntry, EntryError> {
    let (kind, debit, credit) = match adjustment {
        PayerAdjustment::Interest => (
            EntryKind::InsurancePayment,
            Line::debit(Account::Bank, amount),
            Line::credit(Account::InterestIncome, amount),
        ),
        PayerAdjustment::CreditToClaim(claim) => (
            EntryKind::InsurancePayment,
            Line::debit(Account::Bank, amount),
            claim.line(Line::credit(Account::InsuranceReceivable, amount)),
        ),
        PayerAdjustment::Unapplied => (
            EntryKind::InsurancePayment,
            Line::debit(Account::Bank, amount),
            Line::credit(Account::UnappliedPayments, amount),
        ),
        PayerAdjustment::RecoupFromClaim(claim) => (
            EntryKind::Refund,
            claim.line(Line::debit(Account::InsuranceReceivable, amount)),
            Line::credit(Account::Bank, amount),
        ),
        PayerAdjustment::Withheld => (
            EntryKind::Refund,
            Line::debit(Account::RefundsPayable, amount),
            Line::credit(Account::Bank, amount),
        ),
    };
    // The entry names no claim: it is the file's, not an adjudication of the claim (a reversal of the
    // claim's adjudication must not take it back); the receivable line names the claim.
    let source = Source {
        remittance_id: remittance.map(str::to_owned),
        ..Source::default()
    };
    two_lines(date, kind, memo, source, debit, credit)
}

fn remittance_source(claim: &ClaimRef, remittance: Option<&str>) -> Source {
    Source {
        remittance_id: remittance.map(str::to_owned),
        ..claim.source()
    }
}

fn two_lines(
    date: NaiveDate,
    kind: EntryKind,
    memo: &str,
    source: Source,
    debit: Line,
    credit: Line,
) -> Result<ValidEntry, EntryError> {
    ValidEntry::new(date, kind, memo, source, vec![debit, credit])
}

#[cfg(test)]
#[path = "standard_tests.rs"]
mod tests;
