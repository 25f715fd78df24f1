//! The invented sample of `shared/oracles/samples` (the same file as the x12 module's test data) reads
//! to exactly what it says, in every line-ending variant, and balances; other transaction sets and cut
//! files are refused naming where; tampered amounts are reported by the balance check. Field-by-field
//! reading of every kept segment and malformed segments are in `segment_tests.rs`.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::balance::{self, Subject};
use super::*;

pub(super) const SAMPLE_835: &[u8] = include_bytes!("../x12/testdata/835_minimal.x12");
const CLAIMS_837P: &[u8] = include_bytes!("../x12/testdata/837p_minimal.x12");
const ACCEPTED_999: &[u8] = include_bytes!("../x12/testdata/999_accepted.x12");

fn text(file: &[u8]) -> String {
    String::from_utf8(file.to_vec()).expect("ASCII sample")
}

/// The sample with `from` replaced by `to` (once), as bytes.
pub(super) fn edited(file: &[u8], from: &str, to: &str) -> Vec<u8> {
    let original = text(file);
    assert!(original.contains(from), "{from:?} is not in the sample");
    original.replacen(from, to, 1).into_bytes()
}

pub(super) fn only(file: &[u8]) -> Remittance {
    let mut sets = read_835(file).unwrap_or_else(|e| panic!("readable 835: {e}"));
    assert_eq!(sets.len(), 1, "one transaction set");
    sets.remove(0)
}

pub(super) fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

pub(super) fn dec(text: &str) -> Decimal {
    text.parse().expect("decimal")
}

/// An interchange around `body` (segments between ST and SE, `~`-terminated), counts right.
pub(super) fn wrap(body: &str) -> Vec<u8> {
    wrap_sets(&[body])
}

/// An interchange of one group holding one transaction set per body.
pub(super) fn wrap_sets(bodies: &[&str]) -> Vec<u8> {
    let mut sets = String::new();
    for (index, body) in bodies.iter().enumerate() {
        let st02 = format!("{:04}", index + 1);
        let count = body.matches('~').count() + 2;
        sets.push_str(&format!("ST*835*{st02}~{body}SE*{count}*{st02}~"));
    }
    format!(
        "ISA*00*          *00*          *ZZ*PAYERRCV01     *ZZ*LABSUBMIT01    *240115*1230*^*00501*000000009*0*T*:~\
         GS*HP*PAYERRCV01*LABSUBMIT01*20240115*1230*9*X*005010X221A1~{sets}GE*{}*9~IEA*1*000000009~",
        bodies.len()
    )
    .into_bytes()
}

/// The remittance with every position's byte offset and line cleared (segment ordinals kept).
fn ordinals_only(mut remittance: Remittance) -> Remittance {
    fn clear(position: &mut crate::x12::Position) {
        position.offset = 0;
        position.line = 0;
    }
    clear(&mut remittance.envelope.position);
    clear(&mut remittance.payment.position);
    for claim in &mut remittance.claims {
        clear(&mut claim.position);
        claim
            .adjustments
            .iter_mut()
            .for_each(|a| clear(&mut a.position));
        claim
            .adjudication
            .iter_mut()
            .for_each(|a| clear(&mut a.position));
        for line in &mut claim.lines {
            clear(&mut line.position);
            line.adjustments
                .iter_mut()
                .for_each(|a| clear(&mut a.position));
        }
    }
    for plb in &mut remittance.provider_adjustments {
        clear(&mut plb.position);
    }
    remittance
}

pub(super) const HEADER: &str = "BPR*I*100*C*CHK************20240120~TRN*1*CHK123*1512345678~\
    N1*PR*ACME HEALTH PLAN~N3*PO BOX 1000~N4*HARTFORD*CT*06101~PER*BL*X*TE*8005551212~\
    N1*PE*ACME LAB*XX*1234567893~";

pub(super) fn malformed_at(file: &[u8]) -> (usize, String) {
    match read_835(file) {
        Err(EraError::Malformed {
            position, problem, ..
        }) => (position.segment, problem),
        other => panic!("expected a malformed-file error, got {other:?}"),
    }
}

#[test]
fn the_sample_reads_to_exactly_what_it_says() {
    let remittance = only(SAMPLE_835);
    assert_eq!(remittance.envelope.interchange_control_number, "000000002");
    assert_eq!(remittance.envelope.interchange_sender, "LABSUBMIT01");
    assert_eq!(remittance.envelope.version, "005010X221A1");
    assert_eq!(remittance.envelope.transaction_control_number, "0001");
    let payment = &remittance.payment;
    assert_eq!(
        (
            payment.handling_code.as_str(),
            payment.amount,
            payment.credit_debit.as_str(),
            payment.method.as_str(),
            payment.format.as_deref(),
            payment.date
        ),
        ("I", dec("122.5"), "C", "ACH", Some("CCP"), day(2024, 1, 20))
    );
    assert_eq!(payment.position.segment, 4);
    assert_eq!(remittance.trace.kind, "1");
    assert_eq!(remittance.trace.number, "EFT0000001");
    assert_eq!(remittance.trace.originator_id, "1512345678");
    assert_eq!(remittance.production_date, Some(day(2024, 1, 19)));
    let payer = &remittance.payer;
    assert_eq!(payer.name, "ACME HEALTH PLAN");
    assert_eq!(payer.address.lines, ["PO BOX 1000"]);
    assert_eq!(payer.address.city.as_deref(), Some("HARTFORD"));
    assert_eq!(payer.address.state.as_deref(), Some("CT"));
    assert_eq!(payer.address.postal_code.as_deref(), Some("06101"));
    assert_eq!(payer.additional_id, None);
    let payee = &remittance.payee;
    assert_eq!(payee.name, "ACME CLINICAL LABORATORY");
    assert_eq!(payee.npi(), Some("1234567893"));
    assert_eq!(payee.references[0].qualifier, "TJ");
    assert_eq!(payee.references[0].value, "371234567");

    let [claim] = remittance.claims.as_slice() else {
        panic!("one claim");
    };
    assert_eq!(claim.header_number.as_deref(), Some("1"));
    assert_eq!(claim.claim_id, "S24000123");
    assert_eq!(claim.status, "1");
    assert_eq!((claim.charge, claim.paid), (dec("150"), dec("120")));
    assert_eq!(claim.patient_responsibility, None);
    assert_eq!(claim.filing_indicator, "12");
    assert_eq!(claim.payer_claim_number.as_deref(), Some("PAYERCLM0001"));
    assert_eq!(
        (claim.facility.as_ref(), claim.frequency.as_ref()),
        (None, None)
    );
    assert!(claim.adjustments.is_empty());
    let patient = claim.patient.as_ref().expect("NM1*QC");
    assert_eq!(patient.last_or_organization.as_deref(), Some("SMITH"));
    assert_eq!(patient.first.as_deref(), Some("JOHN"));
    assert_eq!(patient.middle.as_deref(), Some("A"));
    assert_eq!(patient.id_qualifier.as_deref(), Some("MI"));
    assert_eq!(patient.id.as_deref(), Some("XYZ123456789"));
    assert_eq!(claim.date("050"), Some(day(2024, 1, 12)));
    assert_eq!(claim.position.segment, 14);

    let lines: Vec<_> = claim
        .lines
        .iter()
        .map(|line| {
            (
                line.procedure.qualifier.as_str(),
                line.procedure.code.as_str(),
                line.charge,
                line.paid,
                line.units,
                line.service_date(),
                line.allowed(),
                line.position.segment,
            )
        })
        .collect();
    let service = Some(day(2024, 1, 10));
    assert_eq!(
        lines,
        [
            (
                "HC",
                "80053",
                dec("100"),
                dec("80"),
                Some(dec("1")),
                service,
                Some(dec("80")),
                17
            ),
            (
                "HC",
                "85025",
                dec("50"),
                dec("40"),
                Some(dec("1")),
                service,
                Some(dec("40")),
                21
            ),
        ]
    );
    let cas: Vec<_> = claim.lines[0]
        .adjustments
        .iter()
        .chain(&claim.lines[1].adjustments)
        .map(|a| (a.group.as_str(), a.reason.as_str(), a.amount, a.quantity))
        .collect();
    assert_eq!(
        cas,
        [("CO", "45", dec("20"), None), ("CO", "45", dec("10"), None)]
    );
    assert_eq!(claim.adjusted_in_group("CO"), dec("30"));

    let [plb] = remittance.provider_adjustments.as_slice() else {
        panic!("one PLB");
    };
    assert_eq!(plb.provider_id, "1234567893");
    assert_eq!(plb.fiscal_period_end, day(2024, 12, 31));
    assert_eq!(plb.items.len(), 1);
    assert_eq!(plb.items[0].reason, "L6");
    assert_eq!(plb.items[0].reference, None);
    assert_eq!(plb.items[0].amount, dec("-2.5"));
    assert_eq!(remittance.provider_adjustment_total(), dec("-2.5"));
}

#[test]
fn the_sample_balances() {
    assert_eq!(balance::check(&only(SAMPLE_835)), []);
}

#[test]
fn line_endings_do_not_change_what_is_read() {
    let lf = ordinals_only(only(SAMPLE_835));
    for ending in ["\r\n", "\r", ""] {
        let variant = text(SAMPLE_835).replace('\n', ending);
        assert_eq!(ordinals_only(only(variant.as_bytes())), lf, "{ending:?}");
    }
}

#[test]
fn several_transaction_sets_read_in_file_order() {
    let first = format!("{HEADER}LX*1~CLP*A*1*10*10**12*I1~");
    let second = format!("{HEADER}LX*1~CLP*B*1*10*10**12*I2~");
    let sets = read_835(&wrap_sets(&[&first, &second])).expect("two sets");
    let claims: Vec<_> = sets.iter().map(|s| s.claims[0].claim_id.as_str()).collect();
    assert_eq!(claims, ["A", "B"]);
    assert_eq!(sets[1].envelope.transaction_control_number, "0002");
}

#[test]
fn other_transaction_sets_are_refused_naming_what_they_are() {
    for (file, found) in [(CLAIMS_837P, "\"837\""), (ACCEPTED_999, "\"999\"")] {
        match read_835(file) {
            Err(EraError::NotRemittance {
                position,
                found: what,
            }) => {
                assert!(what.starts_with(found), "{what}");
                assert_eq!(position.segment, 3);
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
    }
    let old = edited(SAMPLE_835, "005010X221A1", "004010X091A1");
    let error = read_835(&old).expect_err("4010 refused");
    assert!(
        error
            .to_string()
            .contains("835 of version \"004010X091A1\""),
        "{error}"
    );
}

#[test]
fn a_cut_file_is_refused_with_a_position() {
    let sample = text(SAMPLE_835);
    let cut = &sample[..sample.find("SVC*HC:85025").expect("second line")];
    let error = read_835(cut.as_bytes()).expect_err("cut file");
    assert!(matches!(error, EraError::Envelope(_)), "{error:?}");
    let position = error.position().expect("a position");
    assert!(position.segment >= 1, "{position}");
    assert!(error.to_string().contains("SE"), "{error}");
    let unterminated = &sample[..sample.find("PLB").expect("PLB") + 10];
    let error = read_835(unterminated.as_bytes()).expect_err("unterminated");
    assert!(error.position().is_some(), "{error}");
    assert!(read_835(b"").is_err());
    assert!(read_835(b"ISA*00").is_err());
}

#[test]
fn tampered_amounts_are_reported_not_guessed() {
    let tampered = edited(SAMPLE_835, "BPR*I*122.5", "BPR*I*123.5");
    let [finding] = balance::check(&only(&tampered))
        .try_into()
        .expect("one finding");
    assert_eq!(
        finding.subject,
        Subject::Payment {
            trace: "EFT0000001".into()
        }
    );
    assert_eq!(
        (finding.expected, finding.found),
        (dec("122.5"), dec("123.5"))
    );
    assert_eq!(finding.difference(), dec("1"));
    assert_eq!(finding.position.segment, 4);

    let tampered = edited(
        SAMPLE_835,
        "CLP*S24000123*1*150*120",
        "CLP*S24000123*1*150*110",
    );
    let findings = balance::check(&only(&tampered));
    let subjects: Vec<_> = findings.iter().map(|f| f.subject.to_string()).collect();
    assert_eq!(subjects, ["payment EFT0000001", "claim S24000123"]);
    assert_eq!(
        (findings[1].expected, findings[1].found),
        (dec("30"), dec("40"))
    );
    assert!(
        findings[1].to_string().contains("CLP03 - CLP04"),
        "{}",
        findings[1]
    );

    let tampered = edited(SAMPLE_835, "SVC*HC:85025*50*40", "SVC*HC:85025*50*45");
    let findings = balance::check(&only(&tampered));
    let [line] = findings.as_slice() else {
        panic!("one finding: {findings:?}");
    };
    assert_eq!(
        line.subject,
        Subject::Line {
            claim_id: "S24000123".into(),
            line_id: None,
            line_number: 2
        }
    );
    assert_eq!((line.expected, line.found), (dec("10"), dec("5")));
    assert_eq!(line.position.segment, 21);
    assert_eq!(line.subject.to_string(), "claim S24000123 line #2");
}

#[test]
fn a_debit_payment_balances_with_its_sign() {
    let file = wrap(&format!(
        "{}LX*1~CLP*A*22*-10*-10**12*I~PLB*1*20241231*WO:I0*5~",
        HEADER.replace("BPR*I*100*C", "BPR*I*15*D")
    ));
    let remittance = only(&file);
    assert_eq!(remittance.payment.signed_amount(), dec("-15"));
    assert!(remittance.claims[0].is_reversal());
    assert_eq!(balance::check(&remittance), []);
}

#[test]
fn fingerprints_tell_files_apart_and_payment_keys_tell_payments() {
    let lf = text(SAMPLE_835);
    let crlf = lf.replace('\n', "\r\n");
    assert_eq!(fingerprint(lf.as_bytes()), fingerprint(SAMPLE_835));
    assert_ne!(fingerprint(lf.as_bytes()), fingerprint(crlf.as_bytes()));
    assert_eq!(
        only(lf.as_bytes()).payment_key(),
        only(crlf.as_bytes()).payment_key()
    );
    assert_eq!(
        only(SAMPLE_835).payment_key(),
        (
            "1512345678".to_string(),
            "EFT0000001".to_string(),
            dec("122.5")
        )
    );
}
