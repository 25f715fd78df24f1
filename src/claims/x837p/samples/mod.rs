//! Invented claims (no real patient, provider or payer) for tests, benchmarks and demonstrations: a
//! typical claim generator, a corpus of named scenarios covering the 837P's situational loops, and a
//! small code validity table implementing [`super::Expectations`].

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;

mod catalog;
mod scenarios;

use crate::claims::partner::{ControlNumbers, PartnerSettings};
use crate::claims::snapshot::*;
use crate::directory::values::npi_check_digit;
pub use catalog::SampleCatalog;
pub use scenarios::scenarios;

pub fn partner_settings() -> PartnerSettings {
    PartnerSettings {
        isa01_qualifier: "00".into(),
        isa02_authorization: String::new(),
        isa03_qualifier: "00".into(),
        isa04_security: String::new(),
        sender_qualifier: "ZZ".into(),
        sender_id: "LABSUBMIT01".into(),
        receiver_qualifier: "ZZ".into(),
        receiver_id: "CLEARHOUSE01".into(),
        acknowledgement_requested: false,
        usage_indicator: "T".into(),
        gs02_sender_code: "LABSUBMIT01".into(),
        gs03_receiver_code: "CLEARHOUSE01".into(),
        submitter_name: "Acme Lab Billing".into(),
        submitter_id: "LABSUBMIT01".into(),
        submitter_contact_name: "Jane Biller".into(),
        submitter_contact_phone: "2175551234".into(),
        submitter_contact_email: Some("billing@example.com".into()),
        receiver_name: "Example Clearinghouse".into(),
        receiver_id_1000b: "CLEARHOUSE01".into(),
    }
}

pub fn control_numbers() -> ControlNumbers {
    ControlNumbers {
        interchange: 1001,
        group: 501,
        first_transaction: 1,
    }
}

pub fn created() -> NaiveDateTime {
    date(2026, 11, 30).and_hms_opt(14, 5, 0).unwrap_or_default()
}

/// A date known to be valid (used with constants only).
pub fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
}

/// An NPI: nine digits and their check digit.
pub fn npi(first9: &str) -> String {
    let check = npi_check_digit(first9).map_or('X', |d| char::from(b'0' + d));
    format!("{first9}{check}")
}

pub fn money(cents: i64) -> Decimal {
    Decimal::new(cents, 2)
}

pub fn address(line1: &str, city: &str, zip: &str) -> Address {
    Address {
        line1: line1.into(),
        line2: None,
        city: city.into(),
        state: "IL".into(),
        zip: zip.into(),
    }
}

pub fn person(last: &str, first: &str) -> PartyName {
    PartyName::Person {
        last: last.into(),
        first: first.into(),
        middle: None,
        suffix: None,
    }
}

/// The two invented billing providers: a laboratory (organisation) and a physician (person).
pub fn lab_billing_provider() -> BillingProvider {
    BillingProvider {
        name: PartyName::Organization {
            name: "Acme Clinical Laboratory".into(),
        },
        npi: npi("123456789"),
        ein: "371234567".into(),
        taxonomy: "291U00000X".into(),
        address: address("123 Main Street", "Springfield", "627011234"),
        contact_phone: Some("2175550100".into()),
    }
}

pub fn physician_billing_provider() -> BillingProvider {
    BillingProvider {
        name: PartyName::Person {
            last: "Okafor".into(),
            first: "Ada".into(),
            middle: Some("N".into()),
            suffix: None,
        },
        npi: npi("198765432"),
        ein: "371112222".into(),
        taxonomy: "207Q00000X".into(),
        address: address("9 Elm Court", "Springfield", "627021111"),
        contact_phone: None,
    }
}

/// Three invented payers.
pub fn payer(which: usize) -> Payer {
    let (name, payer_id) = [
        ("Acme Health Plan", "12345"),
        ("Prairie Mutual", "60054"),
        ("Medicare Part B Example", "MCRB1"),
    ][which % 3];
    Payer {
        name: name.into(),
        payer_id: payer_id.into(),
        address: (which % 3 == 1).then(|| address("PO Box 4000", "Chicago", "606044000")),
    }
}

fn subscriber(last: &str, first: &str, member_id: &str) -> Subscriber {
    Subscriber {
        responsibility: Responsibility::Primary,
        group_number: Some("GRP12345".into()),
        group_name: None,
        insurance_type: None,
        claim_filing_indicator: "CI".into(),
        member_id: member_id.into(),
        name: person(last, first),
        address: address("456 Oak Avenue", "Springfield", "62704"),
        date_of_birth: date(1980, 1, 1),
        sex: "M".into(),
    }
}

pub fn line(line_id: &str, code: &str, cents: i64, pointers: &[u8]) -> ServiceLine {
    ServiceLine {
        line_id: line_id.into(),
        code: code.into(),
        modifiers: Vec::new(),
        charge: money(cents),
        units: Decimal::ONE,
        place_of_service: None,
        diagnosis_pointers: pointers.to_vec(),
        date_of_service: date(2026, 11, 20),
        drug: None,
        note: None,
    }
}

/// A one-line office claim for the subscriber: the base every scenario changes.
pub fn base_claim(claim_number: &str) -> ClaimSnapshot {
    let lines = vec![line(&format!("{claim_number}-1"), "99213", 12000, &[1])];
    ClaimSnapshot {
        billing_provider: physician_billing_provider(),
        pay_to: None,
        subscriber: subscriber("Smith", "John", "XYZ123456789"),
        payer: payer(0),
        patient: None,
        claim: Claim {
            claim_number: claim_number.into(),
            version: 1,
            total_charge: money(12000),
            place_of_service: "11".into(),
            frequency: Frequency::Original,
            payer_claim_number: None,
            consents: Consents {
                provider_signature_on_file: true,
                assignment: "A".into(),
                benefits_assigned: "Y".into(),
                release_of_information: "Y".into(),
            },
            prior_authorization: None,
            clia_number: None,
            diagnoses: vec!["E119".into()],
            date_of_service: date(2026, 11, 20),
            lines,
        },
        rendering_provider: None,
        service_facility: None,
        other_payers: Vec::new(),
    }
}

/// Replaces the claim's lines and sets CLM02 to their sum.
pub fn set_lines(snapshot: &mut ClaimSnapshot, lines: Vec<ServiceLine>) {
    snapshot.claim.total_charge = lines.iter().map(|line| line.charge).sum();
    snapshot.claim.lines = lines;
}

const LAB_CODES: [(&str, i64); 10] = [
    ("80053", 4500),
    ("85025", 2500),
    ("83036", 3000),
    ("84443", 4000),
    ("81001", 1500),
    ("80061", 3800),
    ("82947", 1200),
    ("84153", 5000),
    ("87086", 2200),
    ("86803", 6100),
];

const DIAGNOSES: [&str; 12] = [
    "E119", "I10", "E782", "Z0000", "R7309", "E039", "N390", "D649", "K219", "M545", "J069",
    "R5383",
];

/// A typical claim (benchmarks, split tests): one to four lines, two to four diagnoses, every third
/// patient a dependent, two billing providers and three payers.
pub fn typical_claim(i: usize) -> ClaimSnapshot {
    let number = format!("C{:08}", i + 1);
    let mut snapshot = base_claim(&number);
    if i.is_multiple_of(2) {
        snapshot.billing_provider = lab_billing_provider();
        snapshot.claim.place_of_service = "81".into();
        snapshot.claim.clia_number = Some("14D0123456".into());
    }
    snapshot.payer = payer(i / 2);
    snapshot.subscriber.member_id = format!("M{:09}", 100 + i);
    snapshot.subscriber.name = person(["Smith", "Núñez", "O'Brien", "Nguyen"][i % 4], "Alex");
    if i % 3 == 2 {
        snapshot.patient = Some(child(&format!("Kid{}", i % 7)));
    }
    snapshot.claim.diagnoses = DIAGNOSES[..2 + i % 3]
        .iter()
        .map(|d| d.to_string())
        .collect();
    let lines = (0..1 + i % 4)
        .map(|n| {
            let (code, cents) = LAB_CODES[(i + n) % LAB_CODES.len()];
            let pointers: Vec<u8> = (1..=(1 + n % 2) as u8).collect();
            line(&format!("{number}-{}", n + 1), code, cents, &pointers)
        })
        .collect();
    set_lines(&mut snapshot, lines);
    snapshot
}

pub fn child(first: &str) -> Patient {
    Patient {
        relationship: "19".into(),
        name: person("Smith", first),
        address: address("456 Oak Avenue", "Springfield", "62704"),
        date_of_birth: date(2015, 6, 30),
        sex: "F".into(),
    }
}
