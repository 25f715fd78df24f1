//! Named scenarios, one per situation of the 837P an engineer (or a clearinghouse) would ask about.

use rust_decimal::Decimal;

use super::{
    LAB_CODES, address, base_claim, child, date, lab_billing_provider, line, money, npi, payer,
    person, set_lines,
};
use crate::claims::snapshot::*;

/// Every scenario with its name (a file name, too). All invented.
pub fn scenarios() -> Vec<(&'static str, ClaimSnapshot)> {
    vec![
        (
            "patient_is_subscriber_one_diagnosis_one_line",
            base_claim("S26000101"),
        ),
        ("patient_is_a_dependent_child", dependent()),
        ("twelve_diagnoses", twelve_diagnoses()),
        ("fifty_lines", fifty_lines()),
        ("modifiers", modifiers()),
        ("lab_claim_with_clia", lab_with_clia()),
        ("rendering_differs_from_billing", rendering_differs()),
        ("service_facility_differs_from_billing", facility_differs()),
        (
            "replacement_of_an_earlier_claim",
            correction("S26000109", Frequency::Replacement),
        ),
        (
            "void_of_an_earlier_claim",
            correction("S26000110", Frequency::Void),
        ),
        (
            "secondary_with_primary_line_adjudication",
            secondary_with_lines(),
        ),
        (
            "secondary_with_primary_claim_adjudication",
            secondary_claim_level(),
        ),
        (
            "drug_note_prior_authorization_and_pay_to",
            drug_and_extras(),
        ),
        (
            "accented_names_and_group_name_only",
            accents_and_group_name(),
        ),
    ]
}

fn dependent() -> ClaimSnapshot {
    let mut snapshot = base_claim("S26000102");
    snapshot.patient = Some(child("Emma"));
    snapshot.payer = payer(1);
    snapshot.claim.diagnoses = vec!["J069".into(), "R5383".into()];
    set_lines(
        &mut snapshot,
        vec![line("S26000102-1", "99392", 15000, &[1, 2])],
    );
    snapshot
}

fn twelve_diagnoses() -> ClaimSnapshot {
    let mut snapshot = base_claim("S26000103");
    snapshot.claim.diagnoses = super::DIAGNOSES.iter().map(|d| d.to_string()).collect();
    let lines = (0..4)
        .map(|n| {
            let pointers: Vec<u8> = (0..4).map(|k| (n * 3 + k) as u8 % 12 + 1).collect();
            line(
                &format!("S26000103-{}", n + 1),
                LAB_CODES[n].0,
                LAB_CODES[n].1,
                &pointers,
            )
        })
        .collect();
    set_lines(&mut snapshot, lines);
    snapshot
}

fn fifty_lines() -> ClaimSnapshot {
    let mut snapshot = base_claim("S26000104");
    snapshot.billing_provider = lab_billing_provider();
    snapshot.claim.place_of_service = "81".into();
    snapshot.claim.clia_number = Some("14D0123456".into());
    snapshot.claim.diagnoses = vec!["E119".into(), "I10".into(), "E782".into()];
    let lines = (0..50)
        .map(|n| {
            let (code, cents) = LAB_CODES[n % LAB_CODES.len()];
            let mut line = line(
                &format!("S26000104-{}", n + 1),
                code,
                cents,
                &[1 + (n % 3) as u8],
            );
            line.date_of_service = date(2026, 11, 1 + (n % 20) as u32);
            line
        })
        .collect();
    set_lines(&mut snapshot, lines);
    snapshot
}

fn modifiers() -> ClaimSnapshot {
    let mut snapshot = base_claim("S26000105");
    snapshot.claim.diagnoses = vec!["M545".into(), "I10".into()];
    let mut visit = line("S26000105-1", "99214", 18000, &[1, 2]);
    visit.modifiers = vec!["25".into()];
    let mut injection = line("S26000105-2", "20552", 9500, &[1]);
    injection.modifiers = vec!["59".into(), "RT".into(), "XS".into(), "76".into()];
    injection.units = Decimal::new(2, 0);
    let mut xray = line("S26000105-3", "72100", 6000, &[1]);
    xray.modifiers = vec!["26".into()];
    xray.place_of_service = Some("22".into());
    set_lines(&mut snapshot, vec![visit, injection, xray]);
    snapshot
}

fn lab_with_clia() -> ClaimSnapshot {
    let mut snapshot = base_claim("S26000106");
    snapshot.billing_provider = lab_billing_provider();
    snapshot.payer = payer(2);
    snapshot.subscriber.claim_filing_indicator = "MB".into();
    snapshot.subscriber.group_number = None;
    snapshot.claim.place_of_service = "81".into();
    snapshot.claim.clia_number = Some("14D0123456".into());
    snapshot.claim.diagnoses = vec!["E119".into(), "R7309".into(), "Z0000".into()];
    set_lines(
        &mut snapshot,
        vec![
            line("S26000106-1", "80053", 10000, &[1, 2]),
            line("S26000106-2", "85025", 5000, &[1, 3]),
        ],
    );
    snapshot
}

fn rendering_differs() -> ClaimSnapshot {
    let mut snapshot = base_claim("S26000107");
    snapshot.billing_provider = lab_billing_provider();
    snapshot.rendering_provider = Some(RenderingProvider {
        name: person("Lindqvist", "Maja"),
        npi: npi("155555555"),
        taxonomy: "207ZP0102X".into(),
    });
    snapshot.claim.place_of_service = "81".into();
    set_lines(
        &mut snapshot,
        vec![line("S26000107-1", "88305", 11000, &[1])],
    );
    snapshot
}

fn facility_differs() -> ClaimSnapshot {
    let mut snapshot = base_claim("S26000108");
    snapshot.payer = payer(1);
    snapshot.service_facility = Some(ServiceFacility {
        name: "Northside Satellite Clinic".into(),
        npi: Some(npi("166666666")),
        address: address("77 River Road", "Chatham", "626291234"),
    });
    snapshot
}

fn correction(number: &str, frequency: Frequency) -> ClaimSnapshot {
    let mut snapshot = base_claim(number);
    snapshot.claim.version = 2;
    snapshot.claim.frequency = frequency;
    snapshot.claim.payer_claim_number = Some("PCN20261120000042".into());
    snapshot
}

fn adjustment(group: &str, reason: &str, cents: i64) -> Adjustment {
    Adjustment {
        group: group.into(),
        reason: reason.into(),
        amount: money(cents),
        quantity: None,
    }
}

fn primary(paid_cents: i64) -> OtherPayer {
    OtherPayer {
        responsibility: Responsibility::Primary,
        relationship: "18".into(),
        group_number: Some("GRP12345".into()),
        claim_filing_indicator: "CI".into(),
        subscriber_name: person("Smith", "John"),
        subscriber_member_id: "XYZ123456789".into(),
        payer_name: "Acme Health Plan".into(),
        payer_id: "12345".into(),
        paid: money(paid_cents),
        claim_adjustments: Vec::new(),
        remaining_patient_liability: None,
        paid_date: date(2026, 11, 27),
        lines: Vec::new(),
    }
}

/// Secondary (Medicare secondary payer, SBR05 47) after a primary that paid line by line; everything
/// balances: each line's charge = paid + adjustments, and the claim's charge - paid = all adjustments.
fn secondary_with_lines() -> ClaimSnapshot {
    let mut snapshot = base_claim("S26000111");
    snapshot.payer = payer(2);
    snapshot.subscriber.responsibility = Responsibility::Secondary;
    snapshot.subscriber.insurance_type = Some("47".into());
    snapshot.subscriber.claim_filing_indicator = "MB".into();
    snapshot.subscriber.group_number = None;
    snapshot.claim.diagnoses = vec!["E119".into(), "I10".into()];
    set_lines(
        &mut snapshot,
        vec![
            line("S26000111-1", "99214", 12000, &[1, 2]),
            line("S26000111-2", "83036", 8000, &[1]),
        ],
    );
    let mut earlier = primary(10000);
    earlier.remaining_patient_liability = Some(money(3000));
    let adjudicated = |line_id: &str, code: &str, paid, adjustments| LineAdjudication {
        line_id: line_id.into(),
        paid: money(paid),
        code: code.into(),
        modifiers: Vec::new(),
        units: Decimal::ONE,
        adjustments,
        paid_date: date(2026, 11, 27),
    };
    earlier.lines = vec![
        adjudicated(
            "S26000111-1",
            "99214",
            7000,
            vec![adjustment("CO", "45", 3000), adjustment("PR", "2", 2000)],
        ),
        adjudicated(
            "S26000111-2",
            "83036",
            3000,
            vec![adjustment("CO", "45", 4000), adjustment("PR", "1", 1000)],
        ),
    ];
    snapshot.other_payers = vec![earlier];
    snapshot
}

/// Secondary after a primary that adjudicated the claim as a whole (DTP*573 in 2330B, no 2430).
fn secondary_claim_level() -> ClaimSnapshot {
    let mut snapshot = base_claim("S26000112");
    snapshot.payer = payer(1);
    snapshot.subscriber.responsibility = Responsibility::Secondary;
    snapshot.patient = Some(Patient {
        relationship: "01".into(),
        name: person("Smith", "Maria"),
        address: address("456 Oak Avenue", "Springfield", "62704"),
        date_of_birth: date(1982, 4, 2),
        sex: "F".into(),
    });
    set_lines(
        &mut snapshot,
        vec![line("S26000112-1", "99213", 15000, &[1])],
    );
    let mut earlier = primary(9000);
    earlier.relationship = "01".into();
    earlier.claim_adjustments = vec![adjustment("CO", "45", 4000), adjustment("PR", "3", 2000)];
    snapshot.other_payers = vec![earlier];
    snapshot
}

fn drug_and_extras() -> ClaimSnapshot {
    let mut snapshot = base_claim("S26000113");
    snapshot.pay_to = Some(PayTo {
        address: address("PO Box 77", "Springfield", "627050077"),
    });
    snapshot.claim.prior_authorization = Some("AUTH998877".into());
    snapshot.claim.diagnoses = vec!["M0579".into()];
    let mut drug = line("S26000113-1", "J1745", 95000, &[1]);
    drug.units = Decimal::new(10, 0);
    drug.drug = Some(Drug {
        ndc: "57894003001".into(),
        unit: "UN".into(),
        quantity: Decimal::new(1, 0),
    });
    drug.note = Some("Infusion over 2 hours, weight 70 kg".into());
    let infusion = line("S26000113-2", "96413", 30000, &[1]);
    set_lines(&mut snapshot, vec![drug, infusion]);
    snapshot
}

fn accents_and_group_name() -> ClaimSnapshot {
    let mut snapshot = base_claim("S26000114");
    snapshot.subscriber.name = PartyName::Person {
        last: "Núñez-O\u{2019}Brien".into(),
        first: "José".into(),
        middle: Some("Zoë".into()),
        suffix: Some("Jr".into()),
    };
    snapshot.subscriber.group_number = None;
    snapshot.subscriber.group_name = Some("Société Générale Employees".into());
    snapshot.subscriber.address.line2 = Some("Apt 3".into());
    snapshot
}
