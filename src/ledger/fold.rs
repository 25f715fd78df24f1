//! A ledger in memory: entries folded into account, patient and claim balances, with the same rules as
//! the database (an entry is reversed at most once, a reversal is not itself reversed). It needs no
//! database, so the property test runs it thousands of times; it is also the reference the stored
//! balances are compared with.

use std::collections::{BTreeMap, HashMap};

use super::accounts::Account;
use super::entry::{EntryError, EntryKind, ValidEntry};
use crate::db::ids::{ClaimId, EntryId, PatientId};

/// The receivables of one claim, in cents (debit positive).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClaimCents {
    pub insurance: i64,
    pub patient: i64,
}

impl ClaimCents {
    pub fn total(self) -> i64 {
        self.insurance + self.patient
    }
}

/// Why the in-memory ledger refused a reversal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FoldError {
    Unknown,
    AlreadyReversed,
    IsReversal,
    Invalid(EntryError),
}

#[derive(Debug, Default, Clone)]
pub struct Ledger {
    entries: Vec<(EntryId, ValidEntry)>,
    index: HashMap<EntryId, usize>,
    reversed: HashMap<EntryId, EntryId>,
    /// (debits, credits) per account.
    accounts: BTreeMap<Account, (i64, i64)>,
    patient_receivable: HashMap<PatientId, i64>,
    unapplied: HashMap<PatientId, i64>,
    claims: HashMap<ClaimId, ClaimCents>,
}

impl Ledger {
    pub fn new() -> Ledger {
        Ledger::default()
    }

    /// Folds an entry in and returns its id. A reversal must name an entry not yet reversed.
    pub fn apply(&mut self, entry: ValidEntry) -> Result<EntryId, FoldError> {
        if let Some(original) = entry.reverses() {
            let at = *self.index.get(original).ok_or(FoldError::Unknown)?;
            if self.reversed.contains_key(original) {
                return Err(FoldError::AlreadyReversed);
            }
            if self.entries[at].1.kind() == EntryKind::Reversal {
                return Err(FoldError::IsReversal);
            }
        }
        let id = EntryId::generate();
        for line in entry.lines() {
            let cents = line.signed_cents();
            let sums = self.accounts.entry(line.account).or_default();
            if cents > 0 {
                sums.0 += cents;
            } else {
                sums.1 -= cents;
            }
            match line.account {
                Account::PatientReceivable => {
                    if let Some(p) = &line.patient_id {
                        *self.patient_receivable.entry(p.clone()).or_default() += cents;
                    }
                    if let Some(c) = &line.claim_id {
                        self.claims.entry(c.clone()).or_default().patient += cents;
                    }
                }
                Account::InsuranceReceivable => {
                    if let Some(c) = &line.claim_id {
                        self.claims.entry(c.clone()).or_default().insurance += cents;
                    }
                }
                Account::UnappliedPayments => {
                    if let Some(p) = &line.patient_id {
                        *self.unapplied.entry(p.clone()).or_default() -= cents;
                    }
                }
                _ => {}
            }
        }
        if let Some(original) = entry.reverses() {
            self.reversed.insert(original.clone(), id.clone());
        }
        self.index.insert(id.clone(), self.entries.len());
        self.entries.push((id.clone(), entry));
        Ok(id)
    }

    /// Posts the reversal of `original` dated `date`.
    pub fn reverse(
        &mut self,
        original: &EntryId,
        date: chrono::NaiveDate,
    ) -> Result<EntryId, FoldError> {
        let at = *self.index.get(original).ok_or(FoldError::Unknown)?;
        let reversal = ValidEntry::reversing(&self.entries[at].1, original, date, "reversal")
            .map_err(FoldError::Invalid)?;
        self.apply(reversal)
    }

    pub fn entries(&self) -> &[(EntryId, ValidEntry)] {
        &self.entries
    }

    pub fn entry(&self, id: &EntryId) -> Option<&ValidEntry> {
        self.index.get(id).map(|&at| &self.entries[at].1)
    }

    pub fn is_reversed(&self, id: &EntryId) -> bool {
        self.reversed.contains_key(id)
    }

    /// (debits, credits) of an account, in cents.
    pub fn account(&self, account: Account) -> (i64, i64) {
        self.accounts.get(&account).copied().unwrap_or_default()
    }

    /// Total debits and total credits over every account (equal when the books balance).
    pub fn trial_balance(&self) -> (i64, i64) {
        self.accounts
            .values()
            .fold((0, 0), |(d, c), (ad, ac)| (d + ad, c + ac))
    }

    /// The patient's receivable (debit positive), over every claim and none.
    pub fn patient_receivable(&self, patient: &PatientId) -> i64 {
        self.patient_receivable.get(patient).copied().unwrap_or(0)
    }

    /// The credit the patient holds in unapplied payments (credit positive).
    pub fn unapplied(&self, patient: &PatientId) -> i64 {
        self.unapplied.get(patient).copied().unwrap_or(0)
    }

    pub fn claim(&self, claim: &ClaimId) -> ClaimCents {
        self.claims.get(claim).copied().unwrap_or_default()
    }
}
