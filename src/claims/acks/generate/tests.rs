//! Generated files read back through the readers to what was asked for (the X12 referee judges them in
//! `tests/ack_oracles.rs`).

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::*;
use crate::claims::acks::ClaimOutcome;
use crate::claims::acks::tests::{only_277ca, only_999};
use crate::x12::check_envelopes;

fn control(number: u32) -> TransactionControlNumber {
    TransactionControlNumber::from_number(number).expect("control number")
}

#[test]
fn a_generated_999_reads_back_as_generated() {
    let header = AckHeader::new("PAYERRCV01", "LABSUBMIT01", 201).expect("header");
    let group = GroupControlNumber::new(42).expect("GS06");
    let fault = SegmentFault::new("CLM", 24, "8")
        .in_loop("2300")
        .in_claim("C260000123-2")
        .with_element(ElementFault::new(5, "7").reference("1331").bad_value("99"));
    let file = generate_999(
        &header,
        group,
        &[
            TransactionVerdict::accepted(control(1)),
            TransactionVerdict::rejected(control(2), vec![fault]),
        ],
    )
    .expect("writable");
    assert_eq!(check_envelopes(file.as_bytes()), Ok(vec![]));
    let ack = only_999(file.as_bytes());
    assert_eq!(ack.envelope.interchange_control_number, "000000201");
    assert_eq!(ack.group.group_control_number, "42");
    let verdicts: Vec<(&str, bool)> = ack
        .transactions
        .iter()
        .map(|t| (t.control_number.as_str(), t.accepted()))
        .collect();
    assert_eq!(verdicts, [("0001", true), ("0002", false)]);
    assert_eq!(ack.transactions[1].claim_references(), ["C260000123-2"]);
    let element = &ack.transactions[1].segment_errors[0].element_errors[0];
    assert_eq!(
        (
            element.element_position,
            element.error.code.as_str(),
            element.bad_value.as_deref()
        ),
        (5, "7", Some("99"))
    );
    assert_eq!(ack.group_response.code.code, "P");
    assert_eq!(ack.group_response.transaction_sets_accepted, 1);

    let all_good = generate_999(&header, group, &[TransactionVerdict::accepted(control(7))])
        .expect("writable");
    assert_eq!(only_999(all_good.as_bytes()).group_response.code.code, "A");
    let all_bad = generate_999(
        &header,
        group,
        &[TransactionVerdict::rejected(control(7), vec![])],
    )
    .expect("writable");
    assert_eq!(only_999(all_bad.as_bytes()).group_response.code.code, "R");
}

fn invented_submission() -> Submission {
    Submission {
        source_name: "Acme Clearinghouse".into(),
        submitter_name: "Acme Lab Billing".into(),
        batch_reference: "B26000017".into(),
        billing_provider_name: "Acme Clinical Laboratory".into(),
        billing_provider_npi: "1234567893".into(),
        billing_provider_tax_id: "371234567".into(),
    }
}

#[test]
fn a_generated_277ca_reads_back_with_one_accepted_and_one_rejected_claim() {
    let header = AckHeader::new("PAYERRCV01", "LABSUBMIT01", 301).expect("header");
    let day = NaiveDate::from_ymd_opt(2026, 3, 2).expect("date");
    let claims = [
        ClaimVerdict {
            claim_number: "C260000123".into(),
            patient_last: "Doe".into(),
            patient_first: "Jane".into(),
            member_id: "ABC987654321".into(),
            charge: Decimal::new(15050, 2),
            service_date: day,
            outcome: Verdict::Accepted {
                payer_claim_number: "PAYER000123".into(),
            },
        },
        ClaimVerdict {
            claim_number: "C260000124-2".into(),
            patient_last: "Roe".into(),
            patient_first: "Richard".into(),
            member_id: "XYZ123456789".into(),
            charge: Decimal::new(40, 0),
            service_date: day,
            outcome: Verdict::Rejected {
                category: "A7".into(),
                status: "562".into(),
                entity: Some("85".into()),
            },
        },
    ];
    let file = generate_277ca(&header, &invented_submission(), &claims).expect("writable");
    assert_eq!(check_envelopes(file.as_bytes()), Ok(vec![]));
    let ack = only_277ca(file.as_bytes());
    let summary: Vec<(&str, ClaimOutcome, Option<&str>)> = ack
        .claims
        .iter()
        .map(|c| {
            (
                c.claim_reference.as_str(),
                c.outcome,
                c.payer_claim_number.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("C260000123", ClaimOutcome::Accepted, Some("PAYER000123")),
            ("C260000124-2", ClaimOutcome::Rejected, None),
        ]
    );
    assert_eq!(
        ack.claims[1].statuses[0].describe().matches(" / ").count(),
        2
    );
    assert_eq!(
        ack.claims[0].statuses[0].amount,
        Some(Decimal::new(15050, 2))
    );
    assert_eq!(
        ack.claims[0].service_dates.map(|d| (d.from, d.to)),
        Some((day, day))
    );
    assert_eq!(ack.levels[1].trace.as_deref(), Some("B26000017"));
}
