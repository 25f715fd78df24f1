//! The random business the property test draws: which event, on which claim (an index taken modulo
//! the claims there are), for what share of the open balance.

use proptest::prelude::*;

use super::PATIENTS;

#[derive(Debug, Clone)]
pub(super) enum Op {
    Charge {
        patient: usize,
        self_pay: bool,
        lines: Vec<(u8, u32)>,
    },
    InsurancePayment {
        claim: usize,
        pct: u8,
    },
    Contractual {
        claim: usize,
        pct: u8,
    },
    OtherAdjustment {
        claim: usize,
        pct: u8,
        patient_side: bool,
    },
    Transfer {
        claim: usize,
        pct: u8,
    },
    PatientPayment {
        claim: Option<usize>,
        patient: usize,
        cents: u32,
        method: u8,
    },
    Refund {
        claim: usize,
        pct: u8,
        of_unapplied: bool,
    },
    WriteOff {
        claim: usize,
        pct: u8,
        bad_debt: bool,
    },
    Reverse {
        entry: usize,
    },
}

pub(super) fn op() -> impl Strategy<Value = Op> {
    let pct = 1u8..=100;
    prop_oneof![
        3 => (0..PATIENTS, any::<bool>(), prop::collection::vec((0u8..3, 1u32..50_000), 1..4))
            .prop_map(|(patient, self_pay, lines)| Op::Charge { patient, self_pay, lines }),
        2 => (any::<usize>(), pct.clone()).prop_map(|(claim, pct)| Op::InsurancePayment { claim, pct }),
        2 => (any::<usize>(), pct.clone()).prop_map(|(claim, pct)| Op::Contractual { claim, pct }),
        1 => (any::<usize>(), pct.clone(), any::<bool>())
            .prop_map(|(claim, pct, patient_side)| Op::OtherAdjustment { claim, pct, patient_side }),
        2 => (any::<usize>(), pct.clone()).prop_map(|(claim, pct)| Op::Transfer { claim, pct }),
        2 => (prop::option::of(any::<usize>()), 0..PATIENTS, 1u32..30_000, 0u8..3)
            .prop_map(|(claim, patient, cents, method)| Op::PatientPayment { claim, patient, cents, method }),
        1 => (any::<usize>(), pct.clone(), any::<bool>())
            .prop_map(|(claim, pct, of_unapplied)| Op::Refund { claim, pct, of_unapplied }),
        1 => (any::<usize>(), pct, any::<bool>())
            .prop_map(|(claim, pct, bad_debt)| Op::WriteOff { claim, pct, bad_debt }),
        2 => any::<usize>().prop_map(|entry| Op::Reverse { entry }),
    ]
}
