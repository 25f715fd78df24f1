use super::*;
use crate::ledger::accounts::Side;

fn d(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()
}

fn claim() -> ClaimRef {
    ClaimRef {
        claim_id: ClaimId::generate(),
        patient_id: PatientId::generate(),
    }
}

/// (account code, signed cents, carries the claim, carries the patient) of a line.
type LineShape = (&'static str, i64, bool, bool);

fn shape(entry: &ValidEntry) -> Vec<LineShape> {
    entry
        .lines()
        .iter()
        .map(|l| {
            (
                l.account.code(),
                l.signed_cents(),
                l.claim_id.is_some(),
                l.patient_id.is_some(),
            )
        })
        .collect()
}

#[test]
fn each_business_event_posts_its_standard_lines() {
    let c = claim();
    let p = c.patient_id.clone();
    let charge_lines = [
        (RevenueCategory::Lab, d("40")),
        (RevenueCategory::Office, d("100")),
        (RevenueCategory::Other, d("10.50")),
    ];
    let cases: Vec<(ValidEntry, EntryKind, Vec<LineShape>)> = vec![
        (
            charge(day(), &c, None, Payer::Insurance, &charge_lines).unwrap(),
            EntryKind::Charge,
            vec![
                ("1100", 15050, true, true),
                ("4100", -4000, false, false),
                ("4200", -10000, false, false),
                ("4900", -1050, false, false),
            ],
        ),
        (
            charge(day(), &c, None, Payer::Patient, &charge_lines[..1]).unwrap(),
            EntryKind::Charge,
            vec![("1200", 4000, true, true), ("4100", -4000, false, false)],
        ),
        (
            insurance_payment(day(), &c, Some("R1"), d("80")).unwrap(),
            EntryKind::InsurancePayment,
            vec![("1000", 8000, false, false), ("1100", -8000, true, true)],
        ),
        (
            contractual_adjustment(day(), &c, None, d("20")).unwrap(),
            EntryKind::ContractualAdjustment,
            vec![("5100", 2000, false, false), ("1100", -2000, true, true)],
        ),
        (
            other_adjustment(day(), &c, Payer::Patient, None, d("5")).unwrap(),
            EntryKind::OtherAdjustment,
            vec![("5200", 500, false, false), ("1200", -500, true, true)],
        ),
        (
            transfer_to_patient(day(), &c, None, d("30")).unwrap(),
            EntryKind::TransferToPatient,
            vec![("1200", 3000, true, true), ("1100", -3000, true, true)],
        ),
        (
            patient_payment(
                day(),
                &p,
                Some(&c.claim_id),
                PaymentMethod::Card,
                d("25"),
                d("30"),
            )
            .unwrap(),
            EntryKind::PatientPayment,
            vec![("1000", 2500, false, false), ("1200", -2500, true, true)],
        ),
        (
            patient_payment(
                day(),
                &p,
                Some(&c.claim_id),
                PaymentMethod::Cash,
                d("50"),
                d("30"),
            )
            .unwrap(),
            EntryKind::PatientPayment,
            vec![
                ("1000", 5000, false, false),
                ("1200", -3000, true, true),
                ("2100", -2000, false, true),
            ],
        ),
        (
            patient_payment(day(), &p, None, PaymentMethod::Check, d("10"), d("0")).unwrap(),
            EntryKind::PatientPayment,
            vec![("1000", 1000, false, false), ("2100", -1000, false, true)],
        ),
        (
            refund(
                day(),
                &p,
                None,
                RefundOf::Unapplied,
                PaymentMethod::Check,
                d("20"),
            )
            .unwrap(),
            EntryKind::Refund,
            vec![("2100", 2000, false, true), ("1000", -2000, false, false)],
        ),
        (
            refund(
                day(),
                &p,
                Some(&c.claim_id),
                RefundOf::PatientReceivable,
                PaymentMethod::Card,
                d("7"),
            )
            .unwrap(),
            EntryKind::Refund,
            vec![("1200", 700, true, true), ("1000", -700, false, false)],
        ),
        (
            write_off(day(), &c, WriteOffTo::BadDebt, d("12")).unwrap(),
            EntryKind::WriteOff,
            vec![("5300", 1200, false, false), ("1200", -1200, true, true)],
        ),
        (
            write_off(day(), &c, WriteOffTo::OtherAdjustment, d("3")).unwrap(),
            EntryKind::WriteOff,
            vec![("5200", 300, false, false), ("1200", -300, true, true)],
        ),
    ];
    for (entry, kind, expected) in cases {
        assert_eq!(entry.kind(), kind);
        assert_eq!(shape(&entry), expected, "{kind:?}");
        assert_eq!(entry.lines().iter().map(Line::signed_cents).sum::<i64>(), 0);
    }
}

#[test]
fn payments_record_their_method_and_source() {
    let c = claim();
    let entry = patient_payment(
        day(),
        &c.patient_id,
        Some(&c.claim_id),
        PaymentMethod::Check,
        d("5"),
        d("5"),
    )
    .unwrap();
    assert_eq!(entry.source().payment_method, Some(PaymentMethod::Check));
    assert_eq!(entry.memo(), "patient payment by check");
    let paid = insurance_payment(day(), &c, Some("TRN-1"), d("1")).unwrap();
    assert_eq!(paid.source().remittance_id.as_deref(), Some("TRN-1"));
    assert_eq!(paid.source().claim_id.as_ref(), Some(&c.claim_id));
    assert_eq!(paid.lines()[0].side, Side::Debit);
}

#[test]
fn zero_or_negative_events_are_refused() {
    let c = claim();
    assert_eq!(
        insurance_payment(day(), &c, None, d("0")),
        Err(EntryError::NotPositive(0))
    );
    assert_eq!(
        charge(day(), &c, None, Payer::Insurance, &[]),
        Err(EntryError::TooFewLines)
    );
    assert!(
        charge(
            day(),
            &c,
            None,
            Payer::Insurance,
            &[(RevenueCategory::Lab, d("-1"))]
        )
        .is_err()
    );
}

#[test]
fn a_payment_is_spread_over_claims_in_the_order_given_and_the_rest_is_credit() {
    let (older, newer) = (ClaimId::generate(), ClaimId::generate());
    let open = [
        (older.clone(), d("30")),
        (ClaimId::generate(), d("0")),
        (newer.clone(), d("20")),
    ];
    let cases = [
        ("10", vec![(older.clone(), d("10"))], d("0")),
        (
            "35",
            vec![(older.clone(), d("30")), (newer.clone(), d("5"))],
            d("0"),
        ),
        (
            "60.25",
            vec![(older.clone(), d("30")), (newer.clone(), d("20"))],
            d("10.25"),
        ),
    ];
    for (amount, applied, unapplied) in cases {
        let allocation = allocate(d(amount), &open);
        assert_eq!(
            (&allocation.applied, allocation.unapplied),
            (&applied, unapplied),
            "{amount}"
        );
    }
    let p = PatientId::generate();
    let allocation = allocate(d("60.25"), &open);
    let entry = patient_payment_allocated(day(), &p, PaymentMethod::Check, &allocation).unwrap();
    assert_eq!(
        shape(&entry),
        vec![
            ("1000", 6025, false, false),
            ("1200", -3000, true, true),
            ("1200", -2000, true, true),
            ("2100", -1025, false, true),
        ]
    );
    assert_eq!(entry.kind(), EntryKind::PatientPayment);
    assert_eq!(entry.source().claim_id, None);
    let noted = entry.with_note("check 1042");
    assert_eq!(noted.memo(), "patient payment by check: check 1042");
    let credit_only =
        patient_payment_allocated(day(), &p, PaymentMethod::Cash, &allocate(d("5"), &[])).unwrap();
    assert_eq!(
        shape(&credit_only),
        vec![("1000", 500, false, false), ("2100", -500, false, true)]
    );
}
