//! Generated acknowledgements judged by a referee we did not write: every 999 and 277CA the test
//! generator writes (accepted, rejected, partial, with errors noted; one line, LF and CRLF) must pass
//! `shared/oracles/x12_check.py` (pyx12 against 005010X231A1 and 005010X214), and read back through our
//! own readers to what was asked for. All claims and patients are invented.

#[path = "common/oracles.rs"]
mod oracles;

use backoffice::claims::acks::generate::{
    AckHeader, ClaimVerdict, ElementFault, SegmentFault, Submission, TransactionVerdict, Verdict,
    generate_277ca, generate_999,
};
use backoffice::claims::acks::{self, ClaimOutcome};
use backoffice::x12::{GroupControlNumber, LineBreak, TransactionControlNumber};
use chrono::NaiveDate;
use oracles::{Oracles, Scratch};
use rust_decimal::Decimal;

fn st02(number: u32) -> TransactionControlNumber {
    TransactionControlNumber::from_number(number).expect("ST02")
}

fn header(control_number: u32, line_break: LineBreak) -> AckHeader {
    let mut header = AckHeader::new("PAYERRCV01", "LABSUBMIT01", control_number).expect("header");
    header.line_break = line_break;
    header
}

fn fault(claim: &str) -> SegmentFault {
    SegmentFault::new("NM1", 10, "8")
        .in_loop("2010")
        .in_claim(claim)
        .with_element(ElementFault::new(9, "7").reference("67").bad_value("123"))
}

/// 999s: accepted, rejected, partially accepted, accepted with errors noted.
fn generated_999s(line_break: LineBreak) -> Vec<(String, String)> {
    let group = GroupControlNumber::new(17).expect("GS06");
    let cases = [
        ("999_accepted", vec![TransactionVerdict::accepted(st02(1))]),
        (
            "999_rejected",
            vec![TransactionVerdict::rejected(
                st02(1),
                vec![fault("C260000123")],
            )],
        ),
        (
            "999_partial",
            vec![
                TransactionVerdict::accepted(st02(1)),
                TransactionVerdict::rejected(st02(2), vec![fault("C260000124-2")]),
            ],
        ),
        (
            "999_noted",
            vec![TransactionVerdict {
                errors: vec![fault("C260000125")],
                ..TransactionVerdict::accepted(st02(3))
            }],
        ),
    ];
    cases
        .into_iter()
        .enumerate()
        .map(|(i, (name, verdicts))| {
            let file = generate_999(&header(400 + i as u32, line_break), group, &verdicts)
                .expect("writable 999");
            (name.to_string(), file)
        })
        .collect()
}

fn claim(number: &str, outcome: Verdict) -> ClaimVerdict {
    ClaimVerdict {
        claim_number: number.into(),
        patient_last: "Doe".into(),
        patient_first: "Jane".into(),
        member_id: "ABC987654321".into(),
        charge: Decimal::new(12550, 2),
        service_date: NaiveDate::from_ymd_opt(2026, 3, 2).expect("date"),
        outcome,
    }
}

fn accepted(payer_claim_number: &str) -> Verdict {
    Verdict::Accepted {
        payer_claim_number: payer_claim_number.into(),
    }
}

fn rejected(category: &str, status: &str, entity: Option<&str>) -> Verdict {
    Verdict::Rejected {
        category: category.into(),
        status: status.into(),
        entity: entity.map(String::from),
    }
}

/// 277CAs: mixed, all accepted, all rejected.
fn generated_277cas(line_break: LineBreak) -> Vec<(String, String)> {
    let submission = Submission {
        source_name: "Acme Clearinghouse".into(),
        submitter_name: "Acme Lab Billing".into(),
        batch_reference: "B26000017".into(),
        billing_provider_name: "Acme Clinical Laboratory".into(),
        billing_provider_npi: "1234567893".into(),
        billing_provider_tax_id: "371234567".into(),
    };
    let cases = [
        (
            "277ca_mixed",
            vec![
                claim("C260000123", accepted("PAYER0001")),
                claim("C260000124-2", rejected("A7", "562", Some("85"))),
            ],
        ),
        (
            "277ca_accepted",
            vec![
                claim("C260000125", accepted("PAYER0002")),
                claim("C260000126", accepted("PAYER0003")),
            ],
        ),
        (
            "277ca_rejected",
            vec![
                claim("C260000127", rejected("A6", "21", None)),
                claim("C260000128", rejected("A3", "21", Some("QC"))),
            ],
        ),
    ];
    cases
        .into_iter()
        .enumerate()
        .map(|(i, (name, claims))| {
            let file = generate_277ca(&header(500 + i as u32, line_break), &submission, &claims)
                .expect("writable 277CA");
            (name.to_string(), file)
        })
        .collect()
}

#[test]
fn generated_acknowledgements_pass_the_x12_referee_and_read_back() {
    let scratch = Scratch::new("acks");
    let mut paths = Vec::new();
    for (suffix, line_break) in [
        ("line", LineBreak::None),
        ("lf", LineBreak::Lf),
        ("crlf", LineBreak::CrLf),
    ] {
        for (name, file) in generated_999s(line_break)
            .into_iter()
            .chain(generated_277cas(line_break))
        {
            let ack = acks::read(file.as_bytes())
                .unwrap_or_else(|e| panic!("{name} ({suffix}) does not read back: {e}"));
            if let Some(sets) = ack.claim_acknowledgement() {
                let outcomes: Vec<ClaimOutcome> =
                    sets[0].claims.iter().map(|c| c.outcome).collect();
                let expected = match name.as_str() {
                    "277ca_mixed" => [ClaimOutcome::Accepted, ClaimOutcome::Rejected],
                    "277ca_accepted" => [ClaimOutcome::Accepted; 2],
                    _ => [ClaimOutcome::Rejected; 2],
                };
                assert_eq!(outcomes, expected, "{name}");
            }
            let path = scratch.path(&format!("{name}_{suffix}.x12"));
            std::fs::write(&path, &file).expect("scratch file");
            paths.push(path);
        }
    }
    let Some(oracles) = Oracles::find() else {
        return;
    };
    if let Err(report) = oracles.x12_check(&paths) {
        panic!("the X12 referee refused generated acknowledgements:\n{report}");
    }
}
