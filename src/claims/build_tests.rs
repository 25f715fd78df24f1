//! The build rules, each on invented records.

use chrono::{NaiveDate, Utc};
use rust_decimal::Decimal;

use super::*;
use crate::coding::encounters::Status as EncounterStatus;
use crate::coding::encounters::model::{ChargeSource, Diagnosis};
use crate::coding::values::{DiagnosisCode, Modifier, ProcedureCode};
use crate::db::ids::{EncounterId, LineId, LocationId, PatientId, PayerId, PolicyId, ProviderId};
use crate::directory::policies::Subscriber as PolicySubscriber;

fn addr(line1: &str) -> AddressJson {
    AddressJson {
        line1: line1.into(),
        line2: None,
        city: "Springfield".into(),
        state: "MA".into(),
        zip: "011011234".into(),
    }
}

fn dos() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
}

fn practice() -> Practice {
    Practice {
        name: "Sample Family Medicine".into(),
        tax_id: Some("123456789".into()),
        npi: Some("1234567893".into()),
        address: Some(addr("100 Sample Way")),
        phone: Some("5552345678".into()),
        clia_number: None,
        version: 1,
        updated_at: Utc::now(),
    }
}

fn provider(npi: &str, entity_type: EntityType) -> Provider {
    Provider {
        id: ProviderId::generate(),
        npi: npi.into(),
        entity_type,
        last_name: "Testwell".into(),
        first_name: (entity_type == EntityType::Individual).then(|| "Ada".into()),
        middle_name: None,
        credential: None,
        taxonomy_code: "207Q00000X".into(),
        is_billing: true,
        is_rendering: true,
        active: true,
        version: 1,
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

fn location(line1: &str) -> Location {
    Location {
        id: LocationId::generate(),
        name: "Main office".into(),
        address: addr(line1),
        phone: None,
        place_of_service: "11".into(),
        place_of_service_name: "Office".into(),
        npi: Some("1245319599".into()),
        active: true,
        version: 1,
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

fn payer(cfi: &str) -> PayerRecord {
    PayerRecord {
        id: PayerId::generate(),
        name: "Example Health Plan".into(),
        payer_id: "EXH01".into(),
        address: None,
        claim_filing_indicator: cfi.into(),
        claim_filing_indicator_name: String::new(),
        active: true,
        version: 1,
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

fn patient() -> PatientRecord {
    PatientRecord {
        id: PatientId::generate(),
        mrn: "M0000001".into(),
        last_name: "Samplewoman".into(),
        first_name: "Testa".into(),
        middle_name: Some("Example".into()),
        date_of_birth: NaiveDate::from_ymd_opt(2010, 2, 28).unwrap(),
        sex: "F".into(),
        address: addr("200 Example Rd"),
        phone: None,
        email: None,
        active: true,
        version: 1,
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

fn policy(priority: Priority, relationship: Relationship) -> Policy {
    let subscriber = (relationship != Relationship::SelfInsured).then(|| PolicySubscriber {
        last_name: "Placeholder".into(),
        first_name: "Sample".into(),
        date_of_birth: NaiveDate::from_ymd_opt(1970, 6, 15).unwrap(),
        sex: "M".into(),
        address: addr("300 Holder Ln"),
    });
    Policy {
        id: PolicyId::generate(),
        patient_id: PatientId::generate(),
        payer_id: PayerId::generate(),
        member_id: "XYZ-123456789".into(),
        group_number: Some("GRP-0001".into()),
        group_name: Some("Example Widgets Inc".into()),
        priority,
        relationship,
        subscriber,
        effective_date: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        end_date: None,
        active: true,
        version: 1,
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

fn line(code: &str, charge: i64, pointers: &[i32]) -> Line {
    Line {
        id: LineId::generate(),
        position: 1,
        code: ProcedureCode::from_stored(code.into()),
        modifiers: vec![Modifier::from_stored("25".into())],
        units: 1,
        charge: Decimal::new(charge, 2),
        charge_source: ChargeSource::Manual,
        diagnosis_pointers: pointers.to_vec(),
        note: None,
        specimen_id: None,
        order_id: None,
    }
}

fn encounter(lines: Vec<Line>) -> Encounter {
    let dx = |position, code: &str| Diagnosis {
        position,
        code: DiagnosisCode::from_stored(code.into()),
    };
    Encounter {
        id: EncounterId::generate(),
        patient_id: PatientId::generate(),
        rendering_provider_id: ProviderId::generate(),
        billing_provider_id: ProviderId::generate(),
        location_id: LocationId::generate(),
        policy_id: None,
        date_of_service: dos(),
        status: EncounterStatus::Ready,
        diagnoses: vec![dx(1, "E119"), dx(2, "I10")],
        total_charge: Decimal::ZERO,
        lines,
        version: 1,
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
}

/// Owns the records a `Sources` borrows, so each test changes only what it is about.
struct Records {
    practice: Option<Practice>,
    billing: Provider,
    rendering: Option<Provider>,
    location: Location,
    payer: PayerRecord,
    policy: Policy,
    patient: PatientRecord,
    encounter: Encounter,
}

impl Records {
    fn new() -> Self {
        let practice = practice();
        Records {
            location: location(&practice.address.as_ref().unwrap().line1),
            practice: Some(practice),
            billing: provider("1234567893", EntityType::Individual),
            rendering: None,
            payer: payer("CI"),
            policy: policy(Priority::Primary, Relationship::SelfInsured),
            patient: patient(),
            encounter: encounter(vec![line("99213", 12000, &[1, 2])]),
        }
    }

    fn build(&self) -> Result<ClaimSnapshot, Vec<FieldError>> {
        let src = Sources {
            practice: self.practice.as_ref(),
            billing: &self.billing,
            rendering: self.rendering.as_ref().unwrap_or(&self.billing),
            location: &self.location,
            payer: &self.payer,
            policy: &self.policy,
            patient: &self.patient,
            encounter: &self.encounter,
        };
        let options = Options {
            consents: default_consents(),
            prior_authorization: None,
        };
        build(&src, "C260000001", &options)
    }

    fn refused_fields(&self) -> Vec<String> {
        self.build()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect()
    }
}

#[test]
fn an_office_claim_of_a_self_insured_patient_has_no_patient_rendering_or_facility_loops() {
    let s = Records::new().build().unwrap();
    assert_eq!(s.billing_provider.ein, "123456789");
    assert_eq!(s.billing_provider.npi, "1234567893");
    assert!(
        matches!(&s.billing_provider.name, PartyName::Person { last, .. } if last == "Testwell")
    );
    assert_eq!(s.subscriber.member_id, "XYZ-123456789");
    assert_eq!(s.subscriber.responsibility, Responsibility::Primary);
    assert_eq!(
        s.subscriber.group_name, None,
        "SBR04 only without a group number"
    );
    assert!(matches!(&s.subscriber.name, PartyName::Person { last, .. } if last == "Samplewoman"));
    assert!(s.patient.is_none() && s.rendering_provider.is_none() && s.service_facility.is_none());
    assert_eq!(s.claim.claim_number, "C260000001");
    assert_eq!(
        (s.claim.version, s.claim.frequency),
        (1, Frequency::Original)
    );
    assert_eq!(s.claim.diagnoses, ["E119", "I10"]);
    assert_eq!(s.claim.total_charge, Decimal::new(12000, 2));
    assert_eq!(s.claim.place_of_service, "11");
    assert_eq!(s.claim.consents, default_consents());
    assert_eq!(s.claim.clia_number, None);
    let l = &s.claim.lines[0];
    assert_eq!(
        (l.diagnosis_pointers.as_slice(), l.modifiers.as_slice()),
        (&[1u8, 2][..], &["25".to_owned()][..])
    );
    assert_eq!((l.units, l.date_of_service), (Decimal::ONE, dos()));
}

#[test]
fn each_line_carries_its_encounter_line_id() {
    let r = Records::new();
    let s = r.build().unwrap();
    assert_eq!(
        s.claim.lines[0].line_id,
        r.encounter.lines[0].id.to_string()
    );
}

#[test]
fn an_encounter_line_note_stays_off_the_claim() {
    let mut r = Records::new();
    r.encounter.lines[0].note = Some("Lab specimen S26-000017K".into());
    let s = r.build().unwrap();
    assert_eq!(s.claim.lines[0].note, None);
}

#[test]
fn an_organization_bills_under_its_name() {
    let mut r = Records::new();
    r.billing = provider("1234567893", EntityType::Organization);
    let s = r.build().unwrap();
    assert_eq!(
        s.billing_provider.name,
        PartyName::Organization {
            name: "Testwell".into()
        }
    );
}

#[test]
fn a_dependent_is_the_patient_and_the_policy_holder_the_subscriber() {
    for (relationship, code) in [
        (Relationship::Spouse, "01"),
        (Relationship::Child, "19"),
        (Relationship::Other, "G8"),
    ] {
        let mut r = Records::new();
        r.policy = policy(Priority::Primary, relationship);
        let s = r.build().unwrap();
        let patient = s.patient.expect("the patient loop");
        assert_eq!(patient.relationship, code);
        assert!(matches!(&patient.name, PartyName::Person { last, .. } if last == "Samplewoman"));
        assert!(
            matches!(&s.subscriber.name, PartyName::Person { last, .. } if last == "Placeholder")
        );
        assert_eq!(s.subscriber.address.line1, "300 Holder Ln");
        assert_eq!(s.subscriber.sex, "M");
    }
}

#[test]
fn another_rendering_provider_gets_the_rendering_loop() {
    let mut r = Records::new();
    r.rendering = Some(provider("1245319599", EntityType::Individual));
    let s = r.build().unwrap();
    assert_eq!(s.rendering_provider.unwrap().npi, "1245319599");
}

#[test]
fn a_location_away_from_the_billing_address_gets_the_facility_loop() {
    let mut r = Records::new();
    r.location = location("9 Branch St");
    let s = r.build().unwrap();
    let facility = s.service_facility.unwrap();
    assert_eq!(
        (facility.address.line1.as_str(), facility.npi.as_deref()),
        ("9 Branch St", Some("1245319599"))
    );
}

#[test]
fn medicare_as_secondary_payer_sends_insurance_type_47() {
    for (cfi, priority, expected) in [
        ("MB", Priority::Secondary, Some("47")),
        ("MA", Priority::Secondary, Some("47")),
        ("MB", Priority::Primary, None),
        ("CI", Priority::Secondary, None),
    ] {
        let mut r = Records::new();
        r.payer = payer(cfi);
        r.policy = policy(priority, Relationship::SelfInsured);
        let s = r.build().unwrap();
        assert_eq!(
            s.subscriber.insurance_type.as_deref(),
            expected,
            "{cfi} {priority:?}"
        );
        assert_eq!(s.subscriber.claim_filing_indicator, cfi);
    }
}

#[test]
fn lab_tests_carry_the_clia_number_and_are_refused_without_it() {
    let mut r = Records::new();
    r.encounter = encounter(vec![line("99213", 12000, &[1]), line("80053", 4200, &[1])]);
    assert_eq!(r.refused_fields(), ["practice.clia_number"]);
    r.practice.as_mut().unwrap().clia_number = Some("05D0987654".into());
    assert_eq!(
        r.build().unwrap().claim.clia_number.as_deref(),
        Some("05D0987654")
    );
    let mut from_specimen = line("G0471", 1000, &[1]);
    from_specimen.specimen_id = Some("S-1".into());
    r.encounter = encounter(vec![from_specimen]);
    assert!(r.build().unwrap().claim.clia_number.is_some());
    r.encounter = encounter(vec![line("99213", 12000, &[1])]);
    assert_eq!(
        r.build().unwrap().claim.clia_number,
        None,
        "no lab line, no REF*X4"
    );
}

#[test]
fn lab_codes_are_the_80000_to_89999_range() {
    assert!(is_lab_test("80053", None) && is_lab_test("89999", None));
    assert!(
        !is_lab_test("79999", None) && !is_lab_test("99213", None) && !is_lab_test("8005A", None)
    );
    assert!(is_lab_test("36415", Some("S-1")));
}

#[test]
fn a_practice_without_ein_or_address_cannot_bill() {
    let mut r = Records::new();
    r.practice = None;
    assert_eq!(r.refused_fields(), ["practice.tax_id", "practice.address"]);
    let mut r = Records::new();
    r.practice.as_mut().unwrap().address = None;
    assert_eq!(r.refused_fields(), ["practice.address"]);
}

#[test]
fn pointers_past_the_diagnoses_are_refused_naming_the_line() {
    let mut r = Records::new();
    r.encounter = encounter(vec![line("99213", 12000, &[1, 3])]);
    assert_eq!(
        r.refused_fields(),
        ["encounter.lines[0].diagnosis_pointers[1]"]
    );
}
