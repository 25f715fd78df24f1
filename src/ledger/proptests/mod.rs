//! The ledger's invariants under random business: sequences of charges, insurance payments, contractual
//! and other adjustments, transfers to the patient, patient payments (over- and under-paying), refunds,
//! write-offs and reversals, built with the standard entry builders and folded into the in-memory
//! `Ledger`. Alongside, the test keeps its own account of what each claim was charged, paid and adjusted
//! and of each patient's allowed movements, and after every step asserts: every entry balances, the
//! trial balance sums to zero, each claim's balance is charges − payments − adjustments, and each
//! patient's receivable is exactly the sum of the movements that may create or settle it (nothing else
//! touches it) and never goes negative.
//!
//! Amounts are drawn as a share of what is open (a payment never exceeds the insurance balance), as the
//! posting code will; a reversal is drawn from every entry but applied only when it leaves no
//! receivable negative (undoing a charge already paid needs a refund first), and a second reversal of
//! one entry must be refused.

use std::collections::HashMap;

use chrono::NaiveDate;
use proptest::prelude::*;

use super::accounts::{Account, RevenueCategory};
use super::entry::{EntryKind, PaymentMethod, ValidEntry};
use super::fold::{FoldError, Ledger};
use super::standard::{self, ClaimRef, Payer, RefundOf, WriteOffTo};
use crate::db::ids::{ClaimId, EntryId, PatientId};
use crate::money::from_cents;

mod ops;
use ops::{Op, op};

const PATIENTS: usize = 3;

/// What an entry did, by the test's own account (a reversal does the opposite).
#[derive(Debug, Clone, Copy, Default)]
struct Effect {
    claim: Option<usize>,
    patient: usize,
    charges: i64,
    payments: i64,
    adjustments: i64,
    patient_receivable: i64,
    unapplied: i64,
    /// Patient payments applied to the claim and not refunded (what a refund of AR may give back).
    patient_paid: i64,
}

impl Effect {
    fn negated(self) -> Effect {
        Effect {
            charges: -self.charges,
            payments: -self.payments,
            adjustments: -self.adjustments,
            patient_receivable: -self.patient_receivable,
            unapplied: -self.unapplied,
            patient_paid: -self.patient_paid,
            ..self
        }
    }
}

#[derive(Default)]
struct Expected {
    charges: i64,
    payments: i64,
    adjustments: i64,
    patient_paid: i64,
}

struct Model {
    ledger: Ledger,
    patients: Vec<PatientId>,
    claims: Vec<(ClaimRef, usize)>,
    expected: Vec<Expected>,
    patient_receivable: Vec<i64>,
    unapplied: Vec<i64>,
    effects: HashMap<EntryId, Effect>,
    day: NaiveDate,
}

fn share(balance: i64, pct: u8) -> i64 {
    balance.max(0) * i64::from(pct) / 100
}

impl Model {
    fn new() -> Model {
        Model {
            ledger: Ledger::new(),
            patients: (0..PATIENTS).map(|_| PatientId::generate()).collect(),
            claims: Vec::new(),
            expected: Vec::new(),
            patient_receivable: vec![0; PATIENTS],
            unapplied: vec![0; PATIENTS],
            effects: HashMap::new(),
            day: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
        }
    }

    fn claim(&self, pick: usize) -> Option<usize> {
        (!self.claims.is_empty()).then(|| pick % self.claims.len())
    }

    fn record(&mut self, entry: ValidEntry, effect: Effect) {
        let id = self.ledger.apply(entry).expect("a new entry applies");
        self.account(effect);
        self.effects.insert(id, effect);
    }

    fn account(&mut self, e: Effect) {
        if let Some(c) = e.claim {
            let x = &mut self.expected[c];
            x.charges += e.charges;
            x.payments += e.payments;
            x.adjustments += e.adjustments;
            x.patient_paid += e.patient_paid;
        }
        self.patient_receivable[e.patient] += e.patient_receivable;
        self.unapplied[e.patient] += e.unapplied;
    }

    fn apply(&mut self, op: &Op) {
        self.day = self.day.succ_opt().unwrap();
        let day = self.day;
        match op {
            Op::Charge { .. } => self.charge(day, op),
            Op::InsurancePayment { .. } | Op::Contractual { .. } | Op::Transfer { .. } => {
                self.insurance_side(day, op)
            }
            Op::OtherAdjustment { .. } => self.other_adjustment(day, op),
            Op::PatientPayment { .. } => self.patient_payment(day, op),
            Op::Refund { .. } => self.refund(day, op),
            Op::WriteOff { .. } => self.write_off(day, op),
            Op::Reverse { entry } => self.reverse(*entry),
        }
    }

    fn charge(&mut self, day: NaiveDate, op: &Op) {
        let Op::Charge {
            patient,
            self_pay,
            lines,
        } = op
        else {
            unreachable!("dispatched by apply")
        };
        let claim = ClaimRef {
            claim_id: ClaimId::generate(),
            patient_id: self.patients[*patient].clone(),
        };
        let lines: Vec<(RevenueCategory, _)> = lines
            .iter()
            .map(|&(cat, cents)| {
                let category = [
                    RevenueCategory::Lab,
                    RevenueCategory::Office,
                    RevenueCategory::Other,
                ][cat as usize];
                (category, from_cents(i64::from(cents)))
            })
            .collect();
        let total: i64 = lines
            .iter()
            .map(|(_, a)| crate::money::to_cents(*a).unwrap())
            .sum();
        let payer = if *self_pay {
            Payer::Patient
        } else {
            Payer::Insurance
        };
        let entry = standard::charge(day, &claim, None, payer, &lines).unwrap();
        self.claims.push((claim, *patient));
        self.expected.push(Expected::default());
        let effect = Effect {
            claim: Some(self.claims.len() - 1),
            patient: *patient,
            charges: total,
            patient_receivable: if *self_pay { total } else { 0 },
            ..Effect::default()
        };
        self.record(entry, effect);
    }

    fn insurance_side(&mut self, day: NaiveDate, op: &Op) {
        let (Op::InsurancePayment { claim, pct }
        | Op::Contractual { claim, pct }
        | Op::Transfer { claim, pct }) = op
        else {
            unreachable!("dispatched by apply")
        };
        let Some(c) = self.claim(*claim) else { return };
        let (claim_ref, patient) = self.claims[c].clone();
        let cents = share(self.ledger.claim(&claim_ref.claim_id).insurance, *pct);
        if cents == 0 {
            return;
        }
        let amount = from_cents(cents);
        let mut effect = Effect {
            claim: Some(c),
            patient,
            ..Effect::default()
        };
        let entry = match op {
            Op::InsurancePayment { .. } => {
                effect.payments = cents;
                standard::insurance_payment(day, &claim_ref, Some("TRN"), amount)
            }
            Op::Contractual { .. } => {
                effect.adjustments = cents;
                standard::contractual_adjustment(day, &claim_ref, None, amount)
            }
            _ => {
                effect.patient_receivable = cents;
                standard::transfer_to_patient(day, &claim_ref, None, amount)
            }
        };
        self.record(entry.unwrap(), effect);
    }

    fn other_adjustment(&mut self, day: NaiveDate, op: &Op) {
        let Op::OtherAdjustment {
            claim,
            pct,
            patient_side,
        } = op
        else {
            unreachable!("dispatched by apply")
        };
        let Some(c) = self.claim(*claim) else { return };
        let (claim_ref, patient) = self.claims[c].clone();
        let open = self.ledger.claim(&claim_ref.claim_id);
        let (payer, balance) = if *patient_side {
            (Payer::Patient, open.patient)
        } else {
            (Payer::Insurance, open.insurance)
        };
        let cents = share(balance, *pct);
        if cents == 0 {
            return;
        }
        let entry =
            standard::other_adjustment(day, &claim_ref, payer, None, from_cents(cents)).unwrap();
        let effect = Effect {
            claim: Some(c),
            patient,
            adjustments: cents,
            patient_receivable: if *patient_side { -cents } else { 0 },
            ..Effect::default()
        };
        self.record(entry, effect);
    }

    fn patient_payment(&mut self, day: NaiveDate, op: &Op) {
        let Op::PatientPayment {
            claim,
            patient,
            cents,
            method,
        } = op
        else {
            unreachable!("dispatched by apply")
        };
        let method = [
            PaymentMethod::Cash,
            PaymentMethod::Card,
            PaymentMethod::Check,
        ][*method as usize];
        let cents = i64::from(*cents);
        let target = claim.and_then(|pick| self.claim(pick));
        let (patient, claim_id, open) = match target {
            Some(c) => {
                let (claim_ref, patient) = &self.claims[c];
                (
                    *patient,
                    Some(claim_ref.claim_id.clone()),
                    self.ledger.claim(&claim_ref.claim_id).patient,
                )
            }
            None => (*patient, None, 0),
        };
        let entry = standard::patient_payment(
            day,
            &self.patients[patient],
            claim_id.as_ref(),
            method,
            from_cents(cents),
            from_cents(open),
        )
        .unwrap();
        let applied = cents.min(open.max(0));
        let effect = Effect {
            claim: target,
            patient,
            payments: applied,
            patient_receivable: -applied,
            unapplied: cents - applied,
            patient_paid: applied,
            ..Effect::default()
        };
        self.record(entry, effect);
    }

    fn refund(&mut self, day: NaiveDate, op: &Op) {
        let Op::Refund {
            claim,
            pct,
            of_unapplied,
        } = op
        else {
            unreachable!("dispatched by apply")
        };
        let Some(c) = self.claim(*claim) else { return };
        let (claim_ref, patient) = self.claims[c].clone();
        let (of, cents, effect) = if *of_unapplied {
            let cents = share(self.unapplied[patient], *pct);
            (
                RefundOf::Unapplied,
                cents,
                Effect {
                    patient,
                    unapplied: -cents,
                    ..Effect::default()
                },
            )
        } else {
            let cents = share(self.expected[c].patient_paid, *pct);
            let effect = Effect {
                claim: Some(c),
                patient,
                payments: -cents,
                patient_receivable: cents,
                patient_paid: -cents,
                ..Effect::default()
            };
            (RefundOf::PatientReceivable, cents, effect)
        };
        if cents == 0 {
            return;
        }
        let claim_id = (!*of_unapplied).then_some(&claim_ref.claim_id);
        let entry = standard::refund(
            day,
            &claim_ref.patient_id,
            claim_id,
            of,
            PaymentMethod::Check,
            from_cents(cents),
        )
        .unwrap();
        self.record(entry, effect);
    }

    fn write_off(&mut self, day: NaiveDate, op: &Op) {
        let Op::WriteOff {
            claim,
            pct,
            bad_debt,
        } = op
        else {
            unreachable!("dispatched by apply")
        };
        let Some(c) = self.claim(*claim) else { return };
        let (claim_ref, patient) = self.claims[c].clone();
        let cents = share(self.ledger.claim(&claim_ref.claim_id).patient, *pct);
        if cents == 0 {
            return;
        }
        let to = if *bad_debt {
            WriteOffTo::BadDebt
        } else {
            WriteOffTo::OtherAdjustment
        };
        let entry = standard::write_off(day, &claim_ref, to, from_cents(cents)).unwrap();
        let effect = Effect {
            claim: Some(c),
            patient,
            adjustments: cents,
            patient_receivable: -cents,
            ..Effect::default()
        };
        self.record(entry, effect);
    }

    fn reverse(&mut self, pick: usize) {
        let entries = self.ledger.entries();
        if entries.is_empty() {
            return;
        }
        let (id, original) = entries[pick % entries.len()].clone();
        if original.kind() == EntryKind::Reversal {
            assert_eq!(
                self.ledger.reverse(&id, self.day),
                Err(FoldError::IsReversal)
            );
            return;
        }
        if self.ledger.is_reversed(&id) {
            let before = self.ledger.entries().len();
            assert_eq!(
                self.ledger.reverse(&id, self.day),
                Err(FoldError::AlreadyReversed)
            );
            assert_eq!(self.ledger.entries().len(), before);
            return;
        }
        let mut trial = self.ledger.clone();
        trial.reverse(&id, self.day).unwrap();
        if self.any_negative(&trial) {
            return;
        }
        let reversal_id = self.ledger.reverse(&id, self.day).unwrap();
        let effect = self.effects[&id].negated();
        self.account(effect);
        self.effects.insert(reversal_id, effect);
    }

    fn any_negative(&self, ledger: &Ledger) -> bool {
        self.claims.iter().any(|(c, _)| {
            let b = ledger.claim(&c.claim_id);
            b.insurance < 0 || b.patient < 0
        }) || self.patients.iter().any(|p| ledger.unapplied(p) < 0)
    }

    fn check(&self) {
        let ledger = &self.ledger;
        for (id, entry) in ledger.entries() {
            let net: i64 = entry.lines().iter().map(|l| l.signed_cents()).sum();
            assert_eq!(net, 0, "entry {id} balances");
            let touches_patient = entry
                .lines()
                .iter()
                .any(|l| l.account == Account::PatientReceivable);
            if touches_patient {
                assert!(
                    matches!(
                        entry.kind(),
                        EntryKind::Charge
                            | EntryKind::TransferToPatient
                            | EntryKind::PatientPayment
                            | EntryKind::Refund
                            | EntryKind::WriteOff
                            | EntryKind::OtherAdjustment
                            | EntryKind::Reversal
                    ),
                    "{:?} moved a patient balance",
                    entry.kind()
                );
            }
        }
        let (debits, credits) = ledger.trial_balance();
        assert_eq!(debits, credits, "trial balance");
        let net: i64 = Account::ALL
            .iter()
            .map(|&a| {
                let (d, c) = ledger.account(a);
                d - c
            })
            .sum();
        assert_eq!(net, 0);
        for ((claim, _), expected) in self.claims.iter().zip(&self.expected) {
            let balance = ledger.claim(&claim.claim_id);
            assert_eq!(
                balance.total(),
                expected.charges - expected.payments - expected.adjustments,
                "claim balance"
            );
            assert!(
                balance.insurance >= 0 && balance.patient >= 0,
                "{balance:?}"
            );
        }
        for (p, patient) in self.patients.iter().enumerate() {
            let receivable = ledger.patient_receivable(patient);
            assert_eq!(
                receivable, self.patient_receivable[p],
                "patient receivable from its allowed movements only"
            );
            assert!(receivable >= 0);
            let by_claims: i64 = self
                .claims
                .iter()
                .filter(|(_, q)| *q == p)
                .map(|(c, _)| ledger.claim(&c.claim_id).patient)
                .sum();
            assert_eq!(
                by_claims, receivable,
                "the patient subledger is the sum of the patient's claims"
            );
            assert_eq!(ledger.unapplied(patient), self.unapplied[p]);
            assert!(self.unapplied[p] >= 0);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_business_keeps_the_books_balanced(ops in prop::collection::vec(op(), 1..60)) {
        let mut model = Model::new();
        for op in &ops {
            model.apply(op);
            model.check();
        }
    }
}
