//! The invented samples of `shared/oracles/samples` (the same files as the x12 module's test data) read
//! to exactly what they say, in every line-ending variant; other transaction sets, broken envelopes and
//! malformed segments give errors naming where.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::ack277::{ClaimOutcome, LevelKind, ServiceDates};
use super::*;

pub(super) const ACCEPTED_999: &[u8] = include_bytes!("../../x12/testdata/999_accepted.x12");
pub(super) const REJECTED_999: &[u8] = include_bytes!("../../x12/testdata/999_rejected.x12");
pub(super) const MIXED_277CA: &[u8] = include_bytes!("../../x12/testdata/277ca_mixed.x12");
const CLAIMS_837P: &[u8] = include_bytes!("../../x12/testdata/837p_minimal.x12");
const REMITTANCE_835: &[u8] = include_bytes!("../../x12/testdata/835_minimal.x12");

pub(super) const SAMPLES: [&[u8]; 3] = [ACCEPTED_999, REJECTED_999, MIXED_277CA];

pub(in crate::claims::acks) fn only_999(file: &[u8]) -> ImplementationAck {
    let ack = read(file).unwrap_or_else(|e| panic!("readable 999: {e}"));
    match ack.implementation() {
        Some([only]) => only.clone(),
        other => panic!("expected one 999 transaction set, got {other:?}"),
    }
}

pub(in crate::claims::acks) fn only_277ca(file: &[u8]) -> ClaimAcknowledgement {
    let ack = read(file).unwrap_or_else(|e| panic!("readable 277CA: {e}"));
    match ack.claim_acknowledgement() {
        Some([only]) => only.clone(),
        other => panic!("expected one 277CA transaction set, got {other:?}"),
    }
}

fn text(file: &[u8]) -> String {
    String::from_utf8(file.to_vec()).expect("ASCII sample")
}

/// The sample with `from` replaced by `to` (once), as bytes.
fn edited(file: &[u8], from: &str, to: &str) -> Vec<u8> {
    let original = text(file);
    assert!(original.contains(from), "{from:?} is not in the sample");
    original.replacen(from, to, 1).into_bytes()
}

fn malformed_problem(result: Result<Ack, AckError>) -> (usize, String) {
    match result {
        Err(AckError::Malformed {
            position, problem, ..
        }) => (position.segment, problem),
        other => panic!("expected a malformed-file error, got {other:?}"),
    }
}

#[test]
fn the_accepted_999_accepts_our_one_transaction_set() {
    let ack = only_999(ACCEPTED_999);
    assert_eq!(ack.envelope.interchange_control_number, "000000101");
    assert_eq!(ack.envelope.group_control_number, "101");
    assert_eq!(ack.envelope.transaction_control_number, "0001");
    assert_eq!(ack.envelope.interchange_sender, "PAYERRCV01");
    assert_eq!(ack.envelope.version, "005010X231A1");
    assert_eq!(ack.group.functional_id, "HC");
    assert_eq!(ack.group.group_control_number, "1");
    assert_eq!(ack.group.version.as_deref(), Some("005010X222A1"));
    let [transaction] = ack.transactions.as_slice() else {
        panic!("one AK2: {:?}", ack.transactions);
    };
    assert_eq!(transaction.transaction_set_id, "837");
    assert_eq!(transaction.control_number, "0001");
    assert!(transaction.accepted());
    assert!(transaction.segment_errors.is_empty());
    assert_eq!(transaction.response.code.label(), "A: Accepted");
    assert!(transaction.response.errors.is_empty());
    let group = &ack.group_response;
    assert_eq!(group.code.code, "A");
    assert_eq!(
        (
            group.transaction_sets_included,
            group.transaction_sets_received,
            group.transaction_sets_accepted
        ),
        (1, 1, 1)
    );
}

#[test]
fn the_rejected_999_names_the_claim_segment_element_and_reasons() {
    let ack = only_999(REJECTED_999);
    assert_eq!(ack.envelope.interchange_control_number, "000000102");
    assert_eq!(ack.envelope.group_control_number, "102");
    let [transaction] = ack.transactions.as_slice() else {
        panic!("one AK2: {:?}", ack.transactions);
    };
    assert!(!transaction.accepted());
    assert_eq!(transaction.claim_references(), ["S24000123"]);
    let [segment] = transaction.segment_errors.as_slice() else {
        panic!("one IK3: {:?}", transaction.segment_errors);
    };
    assert_eq!(segment.segment_id, "NM1");
    assert_eq!(segment.position_in_set, 10);
    assert_eq!(segment.loop_id.as_deref(), Some("2010"));
    assert_eq!(
        segment.error.as_ref().map(Code::label).as_deref(),
        Some("8: Segment Has Data Element Errors")
    );
    assert_eq!(segment.claim(), Some("S24000123"));
    assert_eq!(
        segment.position.segment, 6,
        "the IK3 is the 999's 6th segment"
    );
    let [element] = segment.element_errors.as_slice() else {
        panic!("one IK4: {:?}", segment.element_errors);
    };
    assert_eq!(element.element_position, 9);
    assert_eq!(element.component_position, None);
    assert_eq!(element.data_element_reference.as_deref(), Some("67"));
    assert_eq!(element.error.label(), "7: Invalid Code Value");
    assert_eq!(element.bad_value.as_deref(), Some("123"));
    assert_eq!(transaction.response.code.label(), "R: Rejected");
    let reasons: Vec<String> = transaction
        .response
        .errors
        .iter()
        .map(Code::label)
        .collect();
    assert_eq!(reasons, ["5: One or More Segments in Error"]);
    assert_eq!(ack.group_response.code.label(), "R: Rejected");
    assert_eq!(ack.group_response.transaction_sets_accepted, 0);
}

#[test]
fn the_mixed_277ca_accepts_one_claim_and_rejects_the_other_with_reasons() {
    let ack = only_277ca(MIXED_277CA);
    assert_eq!(ack.envelope.interchange_control_number, "000000103");
    assert_eq!(ack.envelope.group_control_number, "103");
    assert_eq!(ack.reference, "277CA0001");
    assert_eq!(ack.created, NaiveDate::from_ymd_opt(2024, 1, 16));
    let kinds: Vec<&LevelKind> = ack.levels.iter().map(|level| &level.kind).collect();
    assert_eq!(
        kinds,
        [
            &LevelKind::InformationSource,
            &LevelKind::InformationReceiver,
            &LevelKind::BillingProvider
        ]
    );
    assert_eq!(ack.levels[1].trace.as_deref(), Some("BATCH0001"));
    let provider = ack.levels[2].party.as_ref().expect("NM1*85");
    assert_eq!(provider.id.as_deref(), Some("1234567893"));
    assert_eq!(ack.levels[2].statuses[0].category.code, "A1");

    let [accepted, rejected] = ack.claims.as_slice() else {
        panic!("two claims: {:?}", ack.claims);
    };
    let january_10 = NaiveDate::from_ymd_opt(2024, 1, 10).expect("date");
    assert_eq!(accepted.claim_reference, "S24000123");
    assert_eq!(accepted.outcome, ClaimOutcome::Accepted);
    assert_eq!(accepted.payer_claim_number.as_deref(), Some("PAYERCLM0001"));
    assert_eq!(accepted.clearinghouse_trace, None);
    assert_eq!(
        accepted.service_dates,
        Some(ServiceDates {
            from: january_10,
            to: january_10
        })
    );
    let patient = accepted.patient.as_ref().expect("NM1*QC");
    assert_eq!(
        (
            patient.last_or_organization.as_str(),
            patient.first.as_deref(),
            patient.middle.as_deref(),
            patient.id.as_deref()
        ),
        ("SMITH", Some("JOHN"), Some("A"), Some("XYZ123456789"))
    );
    let [status] = accepted.statuses.as_slice() else {
        panic!("one status: {:?}", accepted.statuses);
    };
    assert_eq!(
        status.describe(),
        "A2: Acknowledgement/Acceptance into adjudication system: the claim/encounter has been \
         accepted into the adjudication system / 20: Accepted for processing. / PR: Payer"
    );
    assert_eq!(status.date, NaiveDate::from_ymd_opt(2024, 1, 16));
    assert_eq!(
        status.action.as_ref().map(Code::label).as_deref(),
        Some("WQ: Accept")
    );
    assert_eq!(status.amount, Some(Decimal::new(100, 0)));

    assert_eq!(rejected.claim_reference, "S24000124");
    assert_eq!(rejected.outcome, ClaimOutcome::Rejected);
    assert_eq!(rejected.payer_claim_number, None);
    assert_eq!(
        rejected
            .patient
            .as_ref()
            .map(|p| p.last_or_organization.as_str()),
        Some("DOE")
    );
    let [status] = rejected.statuses.as_slice() else {
        panic!("one status: {:?}", rejected.statuses);
    };
    assert_eq!(status.category.code, "A7");
    assert!(
        status
            .category
            .description
            .is_some_and(|d| d.contains("Rejected for Invalid Information"))
    );
    assert_eq!(
        status.status.label(),
        "562: Entity's National Provider Identifier (NPI)."
    );
    assert_eq!(
        status.entity.as_ref().map(Code::label).as_deref(),
        Some("85: Billing Provider")
    );
    assert_eq!(status.action.as_ref().map(|a| a.code.as_str()), Some("U"));
    assert_eq!(status.amount, Some(Decimal::new(50, 0)));
}

/// The result without positions (which move with line breaks), as JSON.
fn without_positions(ack: &Ack) -> serde_json::Value {
    fn strip(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::Object(map) => {
                map.remove("position");
                map.values_mut().for_each(strip);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut value = serde_json::to_value(ack).expect("serializable");
    strip(&mut value);
    value
}

#[test]
fn one_line_lf_and_crlf_files_read_the_same() {
    for sample in SAMPLES {
        let expected = without_positions(&read(sample).expect("readable sample"));
        let one_line = text(sample).replace('\n', "");
        let crlf = text(sample).replace('\n', "\r\n");
        // A file whose terminator is the newline itself (the ISA's last byte is then `\n` too).
        let newline_terminated = text(sample).replace("~\n", "\n");
        for variant in [one_line, crlf, newline_terminated] {
            let ack = read(variant.as_bytes()).expect("readable variant");
            assert_eq!(without_positions(&ack), expected);
        }
    }
}

#[test]
fn the_kind_comes_from_st01_and_other_transaction_sets_are_named() {
    assert_eq!(
        read(ACCEPTED_999).map(|a| a.kind()),
        Ok(AckKind::Implementation)
    );
    assert_eq!(
        read(MIXED_277CA).map(|a| a.kind()),
        Ok(AckKind::ClaimAcknowledgement)
    );
    for (file, found) in [(CLAIMS_837P, "\"837\""), (REMITTANCE_835, "\"835\"")] {
        let error = read(file).expect_err("not an acknowledgement");
        let AckError::Unsupported { found: named, .. } = &error else {
            panic!("{error:?}");
        };
        assert_eq!(named, found);
        assert!(error.to_string().contains("segment 3"), "{error}");
    }
    let claim_status_response = edited(
        MIXED_277CA,
        "ST*277*0001*005010X214",
        "ST*277*0001*005010X212",
    );
    let error = read(&claim_status_response).expect_err("a 277 of another guide");
    assert!(error.to_string().contains("005010X212"), "{error}");
    assert_eq!(
        read_999(MIXED_277CA),
        Err(AckError::WrongKind {
            expected: "999",
            found: "277CA"
        })
    );
    assert!(read_277ca(REJECTED_999).is_err());
    assert!(read_999(ACCEPTED_999).is_ok());
    assert!(read_277ca(MIXED_277CA).is_ok());
}

#[test]
fn envelope_problems_refuse_the_file_and_say_where() {
    let wrong_count = edited(REJECTED_999, "SE*9*0001", "SE*8*0001");
    let error = read(&wrong_count).expect_err("SE01 disagrees");
    let AckError::Envelope(findings) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(error.position().map(|p| p.segment), Some(11));
    assert!(error.to_string().contains("SE01"), "{error}");

    let no_isa = read(b"GS*FA*X~").expect_err("no ISA");
    assert!(matches!(no_isa, AckError::Unreadable(_)), "{no_isa:?}");

    let empty_group = text(ACCEPTED_999);
    let start = empty_group.find("ST*").expect("ST");
    let end = empty_group.find("GE*").expect("GE");
    let without_sets = format!("{}GE*0*101~\nIEA*1*000000101~\n", &empty_group[..start]);
    assert!(end > start);
    assert_eq!(
        read(without_sets.as_bytes()),
        Err(AckError::NoTransactionSet)
    );
}

#[test]
fn malformed_999s_name_the_segment_and_problem() {
    let cases: [(&str, &str, usize, &str); 6] = [
        ("IK5*R*5", "IK3*NM1*11*2010*8", 10, "no IK5"),
        (
            "AK9*R*1*1*0",
            "AK9*R*1*ONE*0",
            10,
            "AK903 \"ONE\" is not a whole number",
        ),
        ("IK5*R*5", "IK5*Q*5", 9, "IK501 \"Q\" is not one of"),
        (
            "IK4*9*67*7*123",
            "IK4*X*67*7*123",
            8,
            "IK401 \"X\" is not a whole number",
        ),
        (
            "AK1*HC*1*005010X222A1",
            "AK2*837*0000",
            4,
            "starts with AK1",
        ),
        (
            "IK3*NM1*10*2010*8",
            "IK3*NM1**2010*8",
            6,
            "IK302 is required",
        ),
    ];
    for (from, to, segment, problem) in cases {
        let (at, found) = malformed_problem(read(&edited(REJECTED_999, from, to)));
        assert_eq!(at, segment, "{to}: {found}");
        assert!(found.contains(problem), "{to}: {found}");
    }
    let no_ak9 = edited(REJECTED_999, "AK9*R*1*1*0~\n", "IK4*9*67*7*123~\n");
    let (at, found) = malformed_problem(read(&no_ak9));
    assert_eq!(
        (at, found.as_str()),
        (10, "IK4 is not expected here in a 999")
    );
}

#[test]
fn malformed_277cas_name_the_segment_and_problem() {
    let cases: [(&str, &str, usize, &str); 6] = [
        ("TRN*2*S24000124", "TRN*1*S24000124", 35, "TRN01 must be 2"),
        (
            "STC*A7:562:85*20240116",
            "STC*:562:85*20240116",
            36,
            "STC01 needs a category",
        ),
        (
            "STC*A7:562:85*20240116",
            "STC*A7:562:85*20241316",
            36,
            "STC02 \"20241316\"",
        ),
        (
            "DTP*472*RD8*20240110-20240110~\nSE",
            "DTP*472*RD8*20240110~\nSE",
            37,
            "range",
        ),
        ("BHT*0085", "QTY*0085", 4, "starts with BHT"),
        (
            "STC*A2:20:PR*20240116*WQ*100",
            "STC*A2:20:PR*20240116*WQ*ONE",
            30,
            "STC04 \"ONE\"",
        ),
    ];
    for (from, to, segment, problem) in cases {
        let (at, found) = malformed_problem(read(&edited(MIXED_277CA, from, to)));
        assert_eq!(at, segment, "{to}: {found}");
        assert!(found.contains(problem), "{to}: {found}");
    }
    let nameless = edited(MIXED_277CA, "TRN*2*S24000124~\n", "REF*D9*X~\n");
    let (at, found) = malformed_problem(read(&nameless));
    assert_eq!(at, 33, "{found}");
    assert!(found.contains("no TRN*2"), "{found}");
}

#[test]
fn fingerprints_are_sha256_of_the_bytes() {
    assert_eq!(
        fingerprint(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(fingerprint(ACCEPTED_999), fingerprint(ACCEPTED_999));
    assert_ne!(fingerprint(ACCEPTED_999), fingerprint(REJECTED_999));
    assert_eq!(fingerprint(MIXED_277CA).len(), 64);
}

#[test]
fn claim_outcomes_follow_the_categories_and_a_rejection_wins() {
    use super::ack277::classify;
    for (category, outcome) in [
        ("A0", ClaimOutcome::Received),
        ("A1", ClaimOutcome::Received),
        ("A2", ClaimOutcome::Accepted),
        ("A3", ClaimOutcome::Rejected),
        ("A4", ClaimOutcome::Rejected),
        ("A5", ClaimOutcome::Accepted),
        ("A6", ClaimOutcome::Rejected),
        ("A7", ClaimOutcome::Rejected),
        ("A8", ClaimOutcome::Rejected),
        ("E1", ClaimOutcome::NeedsReview),
        ("P1", ClaimOutcome::NeedsReview),
    ] {
        assert_eq!(classify(category), outcome, "{category}");
    }
    // An accepted status and a rejected one (STC10) on the same claim: rejected.
    let both = edited(
        MIXED_277CA,
        "STC*A2:20:PR*20240116*WQ*100",
        "STC*A2:20:PR*20240116*WQ*100******A3:21:IL",
    );
    let ack = only_277ca(&both);
    assert_eq!(ack.claims[0].outcome, ClaimOutcome::Rejected);
    let elements: Vec<u8> = ack.claims[0].statuses.iter().map(|s| s.element).collect();
    assert_eq!(elements, [1, 10]);
    assert_eq!(
        ack.claims[0].statuses[1]
            .entity
            .as_ref()
            .map(|e| e.code.as_str()),
        Some("IL")
    );
    let received = edited(MIXED_277CA, "STC*A2:20:PR", "STC*A1:19:PR");
    assert_eq!(
        only_277ca(&received).claims[0].outcome,
        ClaimOutcome::Received
    );
}

#[test]
fn service_lines_keep_their_own_statuses() {
    let with_line = edited(
        MIXED_277CA,
        "DTP*472*RD8*20240110-20240110~\nSE",
        "DTP*472*RD8*20240110-20240110~\nSVC*HC:85025*50~\nSTC*A7:454*20240116*U*50~\nREF*FJ*L0002~\nDTP*472*D8*20240110~\nSE",
    );
    let with_line = edited(&with_line, "SE*36*0001", "SE*40*0001");
    let ack = only_277ca(&with_line);
    let [line] = ack.claims[1].lines.as_slice() else {
        panic!("one line: {:?}", ack.claims[1].lines);
    };
    assert_eq!(line.procedure, "HC:85025");
    assert_eq!(line.charge, Some(Decimal::new(50, 0)));
    assert_eq!(line.line_item_control_number.as_deref(), Some("L0002"));
    assert_eq!(line.statuses[0].status.code, "454");
    assert_eq!(
        ack.claims[1].statuses.len(),
        1,
        "the line's STC stays on the line"
    );
}
