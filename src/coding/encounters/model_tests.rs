use super::*;

fn line() -> LineInput {
    LineInput {
        id: None,
        code: "80053".into(),
        modifiers: vec!["91".into()],
        units: Some(1),
        charge: None,
        diagnosis_pointers: vec![1],
        note: Some("fasting".into()),
        specimen_id: None,
        order_id: None,
    }
}

fn input() -> EncounterInput {
    EncounterInput {
        patient_id: "0190f3a0-0000-7000-8000-000000000001".into(),
        rendering_provider_id: "0190f3a0-0000-7000-8000-000000000002".into(),
        billing_provider_id: "0190f3a0-0000-7000-8000-000000000003".into(),
        location_id: "0190f3a0-0000-7000-8000-000000000004".into(),
        policy_id: None,
        date_of_service: "2026-06-01".into(),
        diagnoses: vec![DiagnosisInput {
            code: "e11.9".into(),
        }],
        lines: vec![line()],
        version: None,
    }
}

fn fields_rejected(input: &EncounterInput) -> Vec<String> {
    match ValidEncounter::try_from(input) {
        Err(AppError::Validation(errors)) => errors.into_iter().map(|e| e.field).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn a_coded_encounter_is_valid_and_normalized() {
    let valid = ValidEncounter::try_from(&input()).unwrap();
    assert_eq!(valid.diagnoses[0].as_str(), "E119");
    assert_eq!(valid.lines[0].units, 1);
    assert!(valid.lines[0].charge.is_none() && valid.has_coding());
}

#[test]
fn each_invalid_field_is_named_by_its_path() {
    type Edit = fn(&mut EncounterInput);
    #[rustfmt::skip]
    let cases: &[(&str, Edit)] = &[
        ("patient_id", |e| e.patient_id = "P1".into()),
        ("policy_id", |e| e.policy_id = Some("nope".into())),
        ("date_of_service", |e| e.date_of_service = "2026-13-01".into()),
        ("diagnoses[0].code", |e| e.diagnoses[0].code = "E1".into()),
        ("diagnoses", |e| e.diagnoses = vec![DiagnosisInput { code: "I10".into() }; 25]),
        ("lines", |e| e.lines = vec![line(); 51]),
        ("lines[0].code", |e| e.lines[0].code = "8005".into()),
        ("lines[0].modifiers", |e| e.lines[0].modifiers = vec!["91".into(); 5]),
        ("lines[0].modifiers[0]", |e| e.lines[0].modifiers = vec!["9".into()]),
        ("lines[0].units", |e| e.lines[0].units = Some(0)),
        ("lines[0].charge", |e| e.lines[0].charge = Some("1.234".into())),
        ("lines[0].diagnosis_pointers", |e| e.lines[0].diagnosis_pointers = vec![1, 2, 3, 4, 5]),
        ("lines[0].diagnosis_pointers[1]", |e| e.lines[0].diagnosis_pointers = vec![1, 1]),
        ("lines[0].diagnosis_pointers[0]", |e| e.lines[0].diagnosis_pointers = vec![0]),
        ("lines[0].note", |e| e.lines[0].note = Some("n".repeat(81))),
        ("lines[0].specimen_id", |e| e.lines[0].specimen_id = Some("S 1".into())),
        ("lines[0].id", |e| e.lines[0].id = Some("x".into())),
    ];
    for (field, edit) in cases {
        let mut e = input();
        edit(&mut e);
        assert_eq!(fields_rejected(&e), vec![field.to_string()], "{field}");
    }
}

#[test]
fn a_line_id_given_twice_is_refused() {
    let mut e = input();
    let id = Some("0190f3a0-0000-7000-8000-0000000000aa".to_string());
    e.lines = vec![
        LineInput {
            id: id.clone(),
            ..line()
        },
        LineInput { id, ..line() },
    ];
    assert_eq!(fields_rejected(&e), ["lines[1].id"]);
}

#[test]
fn zero_and_negative_charges_are_kept_for_the_scrubber_to_flag() {
    let mut e = input();
    e.lines[0].charge = Some("-5.00".into());
    let valid = ValidEncounter::try_from(&e).unwrap();
    assert_eq!(valid.lines[0].charge, Some(Decimal::new(-500, 2)));
}
