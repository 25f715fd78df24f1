//! Reasons and error placement on 999s and 277CAs written by the test generator and read back.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::json;

use super::reasons::*;
use super::sent::SentClaim;
use crate::claims::acks::generate::{
    AckHeader, ClaimVerdict, ElementFault, SegmentFault, Submission, TransactionVerdict, Verdict,
    generate_277ca, generate_999,
};
use crate::claims::acks::{self, ClaimStatus, ImplementationAck};
use crate::db::ids::{ClaimBatchId, ClaimId, InboundFileId};
use crate::x12::{GroupControlNumber, TransactionControlNumber};

fn st02(n: u32) -> TransactionControlNumber {
    TransactionControlNumber::from_number(n).unwrap()
}

fn read_999(verdicts: &[TransactionVerdict]) -> ImplementationAck {
    let header = AckHeader::new("EXAMPLECH", "SAMPLEPRACTICE", 41).unwrap();
    let file = generate_999(&header, GroupControlNumber::new(7).unwrap(), verdicts).unwrap();
    let ack = acks::read(file.as_bytes()).unwrap();
    ack.implementation().unwrap()[0].clone()
}

fn sent(clm01: &str, segments: (i32, i32)) -> SentClaim {
    SentClaim {
        batch_id: ClaimBatchId::generate(),
        claim_id: ClaimId::generate(),
        claim_version: 1,
        clm01: clm01.into(),
        transaction_control_number: 1,
        first_segment: segments.0,
        last_segment: segments.1,
    }
}

fn nm1_fault(position: u32) -> SegmentFault {
    SegmentFault::new("NM1", position, "8")
        .in_loop("2010BA")
        .with_element(ElementFault::new(9, "7").reference("67").bad_value("123"))
}

#[test]
fn each_error_goes_to_the_claim_whose_segments_hold_it_and_the_header_errors_to_all() {
    let set = read_999(&[TransactionVerdict::rejected(
        st02(1),
        vec![
            nm1_fault(12),
            SegmentFault::new("SV1", 40, "8").in_loop("2400"),
            SegmentFault::new("NM1", 5, "8").in_loop("2010AA"),
            // Outside every claim, but its context names the second claim.
            SegmentFault::new("REF", 99, "8").in_claim("C260000002"),
        ],
    )]);
    let transaction = &set.transactions[0];
    let claims = [sent("C260000001", (10, 30)), sent("C260000002", (31, 50))];
    let placed = place_errors(&transaction.segment_errors, &claims);
    let positions = |errors: &Vec<&crate::claims::acks::ack999::SegmentError>| {
        errors.iter().map(|e| e.position_in_set).collect::<Vec<_>>()
    };
    assert_eq!(positions(&placed[0]), [12, 5]);
    assert_eq!(positions(&placed[1]), [40, 5, 99]);
}

#[test]
fn a_rejected_claim_reads_the_element_in_error_and_the_transaction_sets_codes() {
    let set = read_999(&[TransactionVerdict::rejected(st02(3), vec![nm1_fault(12)])]);
    let transaction = &set.transactions[0];
    let file = InboundFileId::generate();
    let errors: Vec<_> = transaction.segment_errors.iter().collect();
    let reasons = claim_reasons_999(&file, transaction, &errors);
    assert_eq!(reasons.len(), 2, "{reasons:#?}");
    let element = &reasons[0];
    assert_eq!(
        (&element["source"], &element["level"], &element["code"]),
        (&json!("999"), &json!("element"), &json!("7"))
    );
    assert_eq!(element["description"], "Invalid Code Value");
    assert_eq!(
        (&element["segment"], &element["position"], &element["loop"]),
        (&json!("NM1"), &json!(12), &json!("2010BA"))
    );
    assert_eq!(
        (
            &element["element"],
            &element["bad_value"],
            &element["transaction_set"]
        ),
        (&json!("NM109"), &json!("123"), &json!("0003"))
    );
    assert_eq!(
        element["message"],
        "NM109 in NM1 (segment 12 of transaction set 0003, loop 2010BA): 7: Invalid Code Value (sent \"123\")"
    );
    assert_eq!(element["file_id"], json!(file));
    let set_level = &reasons[1];
    assert_eq!(
        (&set_level["level"], &set_level["code"]),
        (&json!("transaction_set"), &json!("5"))
    );
    assert!(
        set_level["message"]
            .as_str()
            .unwrap()
            .starts_with("transaction set 0003 rejected: 5: "),
        "{set_level}"
    );
}

#[test]
fn an_accepted_set_gives_only_the_errors_it_notes() {
    let clean = read_999(&[TransactionVerdict::accepted(st02(1))]);
    let t = &clean.transactions[0];
    assert!(claim_reasons_999(&InboundFileId::generate(), t, &[]).is_empty());
    let noted = read_999(&[TransactionVerdict {
        errors: vec![nm1_fault(12)],
        ..TransactionVerdict::accepted(st02(1))
    }]);
    let t = &noted.transactions[0];
    let errors: Vec<_> = t.segment_errors.iter().collect();
    let reasons = claim_reasons_999(&InboundFileId::generate(), t, &errors);
    assert_eq!(reasons.len(), 1, "no IK5 reason on an accepted set");
}

fn read_277(verdicts: Vec<(&str, Verdict)>) -> Vec<ClaimStatus> {
    let header = AckHeader::new("EXAMPLECH", "SAMPLEPRACTICE", 42).unwrap();
    let submission = Submission {
        source_name: "Example Clearinghouse".into(),
        submitter_name: "Sample Family Medicine".into(),
        batch_reference: "B1".into(),
        billing_provider_name: "Sample Clinic".into(),
        billing_provider_npi: "1234567893".into(),
        billing_provider_tax_id: "123456789".into(),
    };
    let claims: Vec<ClaimVerdict> = verdicts
        .into_iter()
        .map(|(number, outcome)| ClaimVerdict {
            claim_number: number.into(),
            patient_last: "Samplewoman".into(),
            patient_first: "Pat".into(),
            member_id: "XYZ123".into(),
            charge: Decimal::new(16200, 2),
            service_date: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
            outcome,
        })
        .collect();
    let file = generate_277ca(&header, &submission, &claims).unwrap();
    acks::read(file.as_bytes())
        .unwrap()
        .claim_acknowledgement()
        .unwrap()[0]
        .claims
        .clone()
}

#[test]
fn a_277ca_rejection_reads_category_status_and_entity_with_descriptions() {
    let claims = read_277(vec![(
        "C260000001",
        Verdict::Rejected {
            category: "A7".into(),
            status: "562".into(),
            entity: Some("85".into()),
        },
    )]);
    let file = InboundFileId::generate();
    let reasons = claim_reasons_277(&file, &claims[0]);
    assert_eq!(reasons.len(), 1);
    let r = &reasons[0];
    assert_eq!(
        (&r["source"], &r["level"], &r["code"]),
        (&json!("277CA"), &json!("claim"), &json!("A7:562:85"))
    );
    assert_eq!(
        (
            &r["category"]["code"],
            &r["status"]["code"],
            &r["entity"]["code"]
        ),
        (&json!("A7"), &json!("562"), &json!("85"))
    );
    for part in ["category", "status", "entity"] {
        assert!(r[part]["description"].is_string(), "{part}: {r}");
    }
    assert_eq!(
        (&r["action"], &r["clm01"]),
        (&json!("U"), &json!("C260000001"))
    );
    assert!(r["message"].as_str().unwrap().starts_with("A7: "), "{r}");
}

#[test]
fn a_277ca_acceptance_carries_the_payers_claim_number() {
    let claims = read_277(vec![(
        "C260000001",
        Verdict::Accepted {
            payer_claim_number: "PCN0001".into(),
        },
    )]);
    let reasons = claim_reasons_277(&InboundFileId::generate(), &claims[0]);
    assert_eq!(reasons[0]["payer_claim_number"], "PCN0001");
    assert_eq!(reasons[0]["code"], "A2:20:PR");
}
