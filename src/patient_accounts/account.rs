//! A patient's account read from the ledger: per claim, what was charged, paid by insurance, adjusted,
//! paid by the patient, and what is still due from each side. Every figure is a sum of receivable lines
//! of the claim, bucketed by the kind of entry they belong to (a reversal counts under the kind it
//! reverses), so charge − insurance paid − adjustments − patient paid = patient due + insurance due
//! always holds: transfers to the patient move an amount between the two dues and nothing else.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::model::{AccountBalance, AccountTotals, ClaimAccount};
use crate::claims::model::{Claim, ClaimSummary};
use crate::claims::store as claims_store;
use crate::db::DbConnection;
use crate::db::ids::{ClaimId, EntryId, PatientId};
use crate::error::{AppError, AppResult};
use crate::ledger::{self, Account as LedgerAccount, Entry, EntryFilter, EntryKind};
use crate::money::from_cents;

/// One claim's figures in cents.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Figures {
    pub charge: i64,
    pub insurance_paid: i64,
    pub adjustments: i64,
    pub patient_paid: i64,
    pub patient_due: i64,
    pub insurance_due: i64,
}

/// Sums the receivable lines of `entries` per claim (lines without a claim are left out: the
/// patient-level receivable and the credit come from `ledger::patient_balance`).
pub fn fold(entries: &[Entry]) -> HashMap<ClaimId, Figures> {
    let kinds: HashMap<&EntryId, EntryKind> =
        entries.iter().map(|e| (&e.id, e.body.kind())).collect();
    let mut claims: HashMap<ClaimId, Figures> = HashMap::new();
    for entry in entries {
        let kind = match entry.body.reverses() {
            Some(original) => kinds.get(original).copied(),
            None => Some(entry.body.kind()),
        };
        for line in entry.body.lines() {
            let Some(claim) = &line.claim_id else {
                continue;
            };
            let cents = line.signed_cents();
            let f = claims.entry(claim.clone()).or_default();
            match line.account {
                LedgerAccount::PatientReceivable => f.patient_due += cents,
                LedgerAccount::InsuranceReceivable => f.insurance_due += cents,
                _ => continue,
            }
            match kind {
                Some(EntryKind::Charge) => f.charge += cents,
                Some(EntryKind::InsurancePayment) => f.insurance_paid -= cents,
                Some(
                    EntryKind::ContractualAdjustment
                    | EntryKind::OtherAdjustment
                    | EntryKind::WriteOff,
                ) => f.adjustments -= cents,
                Some(EntryKind::PatientPayment | EntryKind::Refund) => f.patient_paid -= cents,
                // Moves between the two dues; a reversal of an entry we did not read changes the
                // dues only.
                Some(EntryKind::TransferToPatient | EntryKind::Reversal) | None => {}
            }
        }
    }
    claims
}

/// A claim of the account with what the statement prints of it.
#[derive(Debug, Clone)]
pub struct AccountClaim {
    pub claim: Claim,
    pub figures: Figures,
}

impl AccountClaim {
    pub fn summary(&self) -> &ClaimSummary {
        &self.claim.summary
    }

    pub fn date_of_service(&self) -> NaiveDate {
        self.claim.snapshot.claim.date_of_service
    }

    pub fn json(&self) -> ClaimAccount {
        let f = self.figures;
        ClaimAccount {
            claim_id: self.claim.summary.id.clone(),
            claim_number: self.claim.summary.claim_number.clone(),
            date_of_service: self.date_of_service(),
            charge: from_cents(f.charge),
            insurance_paid: from_cents(f.insurance_paid),
            adjustments: from_cents(f.adjustments),
            patient_paid: from_cents(f.patient_paid),
            patient_due: from_cents(f.patient_due),
            insurance_due: from_cents(f.insurance_due),
        }
    }
}

/// The whole account as of a date (every entry when `None`).
#[derive(Debug, Clone)]
pub struct PatientAccount {
    pub claims: Vec<AccountClaim>,
    pub totals: AccountTotals,
}

/// Reads the account: the patient's ledger entries folded per claim, each claim with its current
/// version, oldest date of service first (then claim number).
pub fn load(
    conn: &mut DbConnection,
    patient: &PatientId,
    as_of: Option<NaiveDate>,
) -> AppResult<PatientAccount> {
    let filter = EntryFilter {
        to: as_of,
        patient_id: Some(patient.clone()),
        ..EntryFilter::default()
    };
    let entries = ledger::list(conn, &filter)?;
    let mut claims = Vec::new();
    for (id, figures) in fold(&entries) {
        let claim = claims_store::find(conn, &id)?.ok_or(AppError::NotFound("claim"))?;
        if claim.summary.patient_id != *patient {
            // A line naming another patient's claim would be a posting error; never show it here.
            continue;
        }
        claims.push(AccountClaim { claim, figures });
    }
    claims.sort_by(|a, b| {
        (a.date_of_service(), &a.summary().claim_number)
            .cmp(&(b.date_of_service(), &b.summary().claim_number))
    });
    let balance = ledger::patient_balance(conn, patient, as_of)?;
    let insurance: i64 = claims.iter().map(|c| c.figures.insurance_due).sum();
    let totals = AccountTotals {
        patient_due: balance.receivable,
        insurance_pending: from_cents(insurance),
        unapplied_credit: balance.unapplied,
    };
    Ok(PatientAccount { claims, totals })
}

impl PatientAccount {
    pub fn balance(&self, patient: &PatientId, as_of: NaiveDate) -> AccountBalance {
        AccountBalance {
            patient_id: patient.clone(),
            as_of,
            totals: self.totals.clone(),
            claims: self.claims.iter().map(AccountClaim::json).collect(),
        }
    }

    /// The open patient balances, oldest date of service first: what a payment is applied to.
    pub fn open_patient_balances(&self) -> Vec<(ClaimId, rust_decimal::Decimal)> {
        self.claims
            .iter()
            .filter(|c| c.figures.patient_due > 0)
            .map(|c| (c.summary().id.clone(), from_cents(c.figures.patient_due)))
            .collect()
    }

    pub fn claim(&self, id: &ClaimId) -> Option<&AccountClaim> {
        self.claims.iter().find(|c| c.summary().id == *id)
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use rust_decimal::Decimal;

    use super::*;
    use crate::ledger::standard::{self, ClaimRef, Payer, RefundOf};
    use crate::ledger::{PaymentMethod, RevenueCategory, ValidEntry};

    fn d(cents: i64) -> Decimal {
        Decimal::new(cents, 2)
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 6, 20).unwrap()
    }

    fn stored(body: ValidEntry) -> Entry {
        Entry {
            id: EntryId::generate(),
            body,
            actor: "tests".into(),
            posted_at: Utc::now(),
        }
    }

    #[test]
    fn figures_add_up_to_what_is_due_through_payments_transfers_and_reversals() {
        let c = ClaimRef {
            claim_id: ClaimId::generate(),
            patient_id: PatientId::generate(),
        };
        let p = c.patient_id.clone();
        let charge = standard::charge(
            day(),
            &c,
            None,
            Payer::Insurance,
            &[(RevenueCategory::Office, d(16200))],
        )
        .unwrap();
        let mut entries = vec![
            stored(charge),
            stored(standard::insurance_payment(day(), &c, None, d(8900)).unwrap()),
            stored(standard::contractual_adjustment(day(), &c, None, d(2000)).unwrap()),
            stored(standard::transfer_to_patient(day(), &c, None, d(5300)).unwrap()),
        ];
        let wrong =
            stored(standard::write_off(day(), &c, standard::WriteOffTo::BadDebt, d(100)).unwrap());
        let reversal = ValidEntry::reversing(&wrong.body, &wrong.id, day(), "undo").unwrap();
        entries.push(wrong);
        entries.push(stored(reversal));
        let allocation = standard::allocate(d(6000), &[(c.claim_id.clone(), d(5300))]);
        let payment =
            standard::patient_payment_allocated(day(), &p, PaymentMethod::Cash, &allocation)
                .unwrap();
        entries.push(stored(payment));
        let refund = standard::refund(
            day(),
            &p,
            Some(&c.claim_id),
            RefundOf::PatientReceivable,
            PaymentMethod::Cash,
            d(300),
        )
        .unwrap();
        entries.push(stored(refund));
        let figures = fold(&entries)[&c.claim_id];
        assert_eq!(
            figures,
            Figures {
                charge: 16200,
                insurance_paid: 8900,
                adjustments: 2000,
                patient_paid: 5000,
                patient_due: 300,
                insurance_due: 0,
            }
        );
        let f = figures;
        assert_eq!(
            f.charge - f.insurance_paid - f.adjustments - f.patient_paid,
            f.patient_due + f.insurance_due
        );
    }
}
