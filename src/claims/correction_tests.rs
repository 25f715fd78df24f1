//! Corrections on an invented claim.

use chrono::NaiveDate;

use super::*;
use crate::claims::build::default_consents;
use crate::claims::snapshot::{
    Address, BillingProvider, Claim, PartyName, Payer, Responsibility, Subscriber,
};
use crate::directory::testing::invalid_fields;

fn address() -> Address {
    Address {
        line1: "100 Sample Way".into(),
        line2: None,
        city: "Springfield".into(),
        state: "MA".into(),
        zip: "011011234".into(),
    }
}

fn dos() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
}

fn line(id: &str, code: &str, charge: i64) -> ServiceLine {
    ServiceLine {
        line_id: id.into(),
        code: code.into(),
        modifiers: vec![],
        charge: Decimal::new(charge, 2),
        units: Decimal::ONE,
        place_of_service: None,
        diagnosis_pointers: vec![1, 2],
        date_of_service: dos(),
        drug: None,
        note: None,
    }
}

fn snapshot() -> ClaimSnapshot {
    let person = PartyName::Person {
        last: "Samplewoman".into(),
        first: "Testa".into(),
        middle: None,
        suffix: None,
    };
    ClaimSnapshot {
        billing_provider: BillingProvider {
            name: person.clone(),
            npi: "1234567893".into(),
            ein: "123456789".into(),
            taxonomy: "207Q00000X".into(),
            address: address(),
            contact_phone: None,
        },
        pay_to: None,
        subscriber: Subscriber {
            responsibility: Responsibility::Primary,
            group_number: None,
            group_name: None,
            insurance_type: None,
            claim_filing_indicator: "CI".into(),
            member_id: "XYZ-1".into(),
            name: person,
            address: address(),
            date_of_birth: NaiveDate::from_ymd_opt(1984, 2, 29).unwrap(),
            sex: "F".into(),
        },
        payer: Payer {
            name: "Example Health Plan".into(),
            payer_id: "EXH01".into(),
            address: None,
        },
        patient: None,
        claim: Claim {
            claim_number: "C260000007".into(),
            version: 1,
            total_charge: Decimal::new(12000, 2),
            place_of_service: "11".into(),
            frequency: Frequency::Original,
            payer_claim_number: None,
            consents: default_consents(),
            prior_authorization: None,
            clia_number: None,
            diagnoses: vec!["E119".into(), "I10".into()],
            date_of_service: dos(),
            lines: vec![line("0190f3a0-0000-7000-8000-000000000001", "99213", 12000)],
        },
        rendering_provider: None,
        service_facility: None,
        other_payers: vec![],
    }
}

fn input(frequency: &str) -> CorrectionInput {
    CorrectionInput {
        frequency: frequency.into(),
        payer_claim_number: Some("ICN-2026-0001".into()),
        reason: "wrong units".into(),
        diagnoses: None,
        lines: None,
    }
}

fn new_line(id: Option<&str>, code: &str, charge: &str, pointers: Vec<i32>) -> LineInput {
    LineInput {
        id: id.map(str::to_owned),
        code: code.into(),
        modifiers: vec![],
        units: Some(2),
        charge: Some(charge.into()),
        diagnosis_pointers: pointers,
        note: None,
        specimen_id: None,
        order_id: None,
    }
}

#[test]
fn a_replacement_copies_the_claim_with_frequency_7_f8_and_a_versioned_clm01() {
    let valid = ValidCorrection::try_from(&input("replacement")).unwrap();
    let next = apply(&snapshot(), &valid, "C260000007", 2, None).unwrap();
    assert_eq!(next.claim.claim_number, "C260000007-2");
    assert_eq!((next.claim.version, next.claim.frequency.code()), (2, "7"));
    assert_eq!(
        next.claim.payer_claim_number.as_deref(),
        Some("ICN-2026-0001")
    );
    assert_eq!(next.claim.lines, snapshot().claim.lines);
    assert_eq!(next.billing_provider, snapshot().billing_provider);
}

#[test]
fn replacement_lines_keep_their_ids_and_new_ones_get_fresh_ids() {
    let mut c = input("replacement");
    c.diagnoses = Some(vec![DiagnosisInput { code: "I10".into() }]);
    c.lines = Some(vec![
        new_line(
            Some("0190f3a0-0000-7000-8000-000000000001"),
            "99213",
            "100.00",
            vec![1],
        ),
        new_line(None, "80053", "42.00", vec![1]),
    ]);
    let valid = ValidCorrection::try_from(&c).unwrap();
    let refused = apply(&snapshot(), &valid, "C260000007", 3, None).unwrap_err();
    assert_eq!(refused[0].field, "practice.clia_number");
    let next = apply(&snapshot(), &valid, "C260000007", 3, Some("05D0987654")).unwrap();
    assert_eq!(
        next.claim.lines[0].line_id,
        "0190f3a0-0000-7000-8000-000000000001"
    );
    assert_ne!(next.claim.lines[1].line_id, next.claim.lines[0].line_id);
    assert_eq!(next.claim.total_charge, Decimal::new(14200, 2));
    assert_eq!(next.claim.diagnoses, ["I10"]);
    assert_eq!(next.claim.clia_number.as_deref(), Some("05D0987654"));
}

#[test]
fn lines_must_be_the_claims_and_point_at_its_diagnoses() {
    let mut c = input("replacement");
    c.lines = Some(vec![new_line(
        Some("0190f3a0-0000-7000-8000-00000000beef"),
        "99213",
        "1.00",
        vec![3],
    )]);
    let valid = ValidCorrection::try_from(&c).unwrap();
    let fields: Vec<String> = apply(&snapshot(), &valid, "C1", 2, None)
        .unwrap_err()
        .into_iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(fields, ["lines[0].id", "lines[0].diagnosis_pointers[0]"]);
    let mut fewer = input("replacement");
    fewer.diagnoses = Some(vec![DiagnosisInput {
        code: "E11.9".into(),
    }]);
    let valid = ValidCorrection::try_from(&fewer).unwrap();
    assert_eq!(
        apply(&snapshot(), &valid, "C1", 2, None).unwrap_err()[0].field,
        "diagnoses"
    );
}

#[test]
fn each_invalid_field_is_named() {
    type Case = (&'static str, fn(&mut CorrectionInput));
    #[rustfmt::skip]
    let cases: &[Case] = &[
        ("frequency", |c| c.frequency = "adjustment".into()),
        ("payer_claim_number", |c| c.payer_claim_number = Some("ICN 1".into())),
        ("payer_claim_number", |c| c.frequency = "original".into()),
        ("reason", |c| c.reason = " ".into()),
        ("lines", |c| { c.frequency = "void".into(); c.lines = Some(vec![]) }),
        ("diagnoses", |c| c.diagnoses = Some(vec![])),
        ("diagnoses[0].code", |c| c.diagnoses = Some(vec![DiagnosisInput { code: "nope".into() }])),
        ("lines[0].charge", |c| c.lines = Some(vec![LineInput { charge: None, ..new_line(None, "99213", "1", vec![1]) }])),
        ("lines[0].diagnosis_pointers", |c| c.lines = Some(vec![new_line(None, "99213", "1.00", vec![])])),
    ];
    for (field, spoil) in cases {
        let mut bad = input("replacement");
        spoil(&mut bad);
        assert_eq!(
            invalid_fields(ValidCorrection::try_from(&bad)),
            [*field],
            "{field}"
        );
    }
}

#[test]
fn clm01_is_the_number_then_suffixed_by_version() {
    assert_eq!(clm01("C260000123", 1), "C260000123");
    assert_eq!(clm01("C260000123", 12), "C260000123-12");
}
