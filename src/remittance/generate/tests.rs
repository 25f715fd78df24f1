//! Generated 835s read back through the reader to what was described, balance unless told otherwise, and
//! (a property test) balance for any description whose totals are left to the generator. The X12
//! referee judges the scenario files in `tests/era_oracles.rs`.

use proptest::prelude::*;
use rust_decimal::Decimal;

use super::scenarios::{self, money, patient, service_date};
use super::*;
use crate::remittance::balance::{self, Subject};
use crate::remittance::{Remittance, read_835};
use crate::x12::check_envelopes;

fn header(control_number: u32) -> EraHeader {
    EraHeader::new("PAYERRCV01", "LABSUBMIT01", control_number).expect("header")
}

fn read_back(spec: &RemittanceSpec) -> Remittance {
    let file = generate_835(&header(11), spec).expect("writable");
    assert_eq!(check_envelopes(file.as_bytes()), Ok(vec![]));
    let mut sets = read_835(file.as_bytes()).unwrap_or_else(|e| panic!("readable: {e}\n{file}"));
    assert_eq!(sets.len(), 1);
    sets.remove(0)
}

/// Everything the description says is what the reader finds.
fn assert_read_as_described(spec: &RemittanceSpec, read: &Remittance) {
    assert_eq!(read.payment.signed_amount(), spec.settled_amount());
    assert_eq!(read.payment.date, spec.payment.date);
    assert_eq!(read.trace.number, spec.payment.trace_number);
    assert_eq!(read.trace.originator_id, spec.payer.id);
    assert_eq!(read.production_date, Some(spec.payment.production_date));
    assert_eq!(read.payer.name, spec.payer.name);
    assert_eq!(read.payer.additional_id, spec.payer.additional_id);
    assert_eq!(read.payee.npi(), Some(spec.payee.npi.as_str()));
    assert_eq!(read.claims.len(), spec.claims.len());
    for (claim, described) in read.claims.iter().zip(&spec.claims) {
        assert_eq!(claim.claim_id, described.claim_id);
        assert_eq!(claim.status, described.status);
        assert_eq!(claim.charge, described.settled_charge());
        assert_eq!(claim.paid, described.settled_paid());
        assert_eq!(
            claim.patient_responsibility,
            described.settled_patient_responsibility()
        );
        assert_eq!(
            claim.payer_claim_number.as_deref(),
            Some(described.payer_claim_number.as_str())
        );
        let patient = claim.patient.as_ref().expect("NM1*QC");
        assert_eq!(
            patient.id.as_deref(),
            Some(described.patient.member_id.as_str())
        );
        let adjustments: Vec<AdjustmentSpec> = claim
            .adjustments
            .iter()
            .map(|a| AdjustmentSpec::new(&a.group, &a.reason, a.amount))
            .collect();
        assert_eq!(sorted(adjustments), sorted(described.adjustments.clone()));
        let remarks: Vec<String> = claim
            .adjudication
            .iter()
            .flat_map(|a| a.remark_codes.clone())
            .collect();
        assert_eq!(remarks, described.remark_codes);
        assert_eq!(claim.lines.len(), described.lines.len());
        for (line, described) in claim.lines.iter().zip(&described.lines) {
            assert_eq!(line.procedure.code, described.code);
            assert_eq!(line.charge, described.charge);
            assert_eq!(line.paid, described.settled_paid());
            assert_eq!(line.units, Some(described.units));
            assert_eq!(line.service_date(), Some(described.service_date));
            assert_eq!(line.line_id(), described.line_id.as_deref());
            assert_eq!(line.allowed(), described.allowed);
            assert_eq!(line.remark_codes(), described.remark_codes);
            let adjustments: Vec<AdjustmentSpec> = line
                .adjustments
                .iter()
                .map(|a| AdjustmentSpec::new(&a.group, &a.reason, a.amount))
                .collect();
            assert_eq!(sorted(adjustments), sorted(described.adjustments.clone()));
        }
    }
    let plb: Vec<(String, Option<String>, Decimal)> = read
        .provider_adjustments
        .iter()
        .flat_map(|p| &p.items)
        .map(|i| (i.reason.clone(), i.reference.clone(), i.amount))
        .collect();
    let described: Vec<(String, Option<String>, Decimal)> = spec
        .provider_adjustments
        .iter()
        .map(|p| (p.reason.clone(), p.reference.clone(), p.amount))
        .collect();
    assert_eq!(plb, described);
}

/// CAS groups adjustments by group code, so order within a claim or line may change.
fn sorted(mut adjustments: Vec<AdjustmentSpec>) -> Vec<AdjustmentSpec> {
    adjustments.sort_by(|a, b| (&a.group, &a.reason).cmp(&(&b.group, &b.reason)));
    adjustments
}

#[test]
fn every_scenario_reads_back_as_described_and_balances() {
    for scenario in scenarios::all() {
        let read = read_back(&scenario.remittance);
        assert_read_as_described(&scenario.remittance, &read);
        assert_eq!(balance::check(&read), [], "{}", scenario.name);
    }
}

#[test]
fn the_scenarios_say_what_their_names_say() {
    let partial = read_back(&scenarios::partial_payment());
    assert_eq!(partial.payment.amount, money(11950));
    assert!(partial.claims[0].paid < partial.claims[0].charge);

    let denial = read_back(&scenarios::denial());
    assert!(denial.claims[0].is_denied());
    assert_eq!(
        (
            denial.payment.handling_code.as_str(),
            denial.payment.method.as_str()
        ),
        ("H", "NON")
    );
    assert_eq!(denial.payment.amount, Decimal::ZERO);

    let readjudicated = read_back(&scenarios::reversal_and_readjudication());
    let [reversal, again] = readjudicated.claims.as_slice() else {
        panic!("two claims");
    };
    assert!(reversal.is_reversal());
    assert_eq!(
        (reversal.charge, reversal.paid),
        (money(-6000), money(-3500))
    );
    assert_eq!(reversal.claim_id, again.claim_id);
    assert_eq!(readjudicated.payment.amount, money(1000));

    let plb = read_back(&scenarios::plb_interest_and_recoupment());
    assert_eq!(plb.provider_adjustment_total(), money(750));
    assert_eq!(plb.payment.amount, money(2500 - 750));

    let split = read_back(&scenarios::patient_responsibility_split());
    let claim = &split.claims[0];
    assert_eq!(claim.patient_responsibility, Some(money(7400)));
    let owed: Vec<_> = claim
        .lines
        .iter()
        .flat_map(|l| &l.adjustments)
        .filter(|a| a.group == "PR")
        .map(|a| (a.reason.as_str(), a.amount))
        .collect();
    assert_eq!(
        owed,
        [("1", money(5000)), ("3", money(2000)), ("2", money(400))]
    );

    let unmatched = read_back(&scenarios::unmatched_claim());
    assert_eq!(unmatched.claims[1].claim_id, "Z99000001");
    assert!(unmatched.claims[1].lines.is_empty());

    let by_line_id = read_back(&scenarios::lines_matched_by_ref_6r());
    let ids: Vec<_> = by_line_id.claims[0]
        .lines
        .iter()
        .map(|l| l.line_id())
        .collect();
    assert_eq!(
        ids,
        [
            Some("S24000129-3"),
            Some("S24000129-1"),
            Some("S24000129-2")
        ]
    );
}

#[test]
fn the_same_payment_in_two_files_has_one_key_and_two_fingerprints() {
    let spec = scenarios::duplicate_file();
    let first = generate_835(&header(21), &spec).expect("writable");
    let second = generate_835(&header(22), &spec).expect("writable");
    let key = |file: &str| read_835(file.as_bytes()).expect("readable")[0].payment_key();
    assert_eq!(key(&first), key(&second));
    assert_ne!(
        crate::remittance::fingerprint(first.as_bytes()),
        crate::remittance::fingerprint(second.as_bytes())
    );
}

#[test]
fn amounts_given_instead_of_computed_are_reported_by_the_balance_check() {
    let mut spec = scenarios::lines_matched_by_ref_6r();
    spec.payment.amount = Some(money(100));
    spec.claims[0].lines[2].paid = Some(money(4000));
    let findings = balance::check(&read_back(&spec));
    let subjects: Vec<_> = findings.iter().map(|f| f.subject.clone()).collect();
    assert_eq!(
        subjects,
        [
            Subject::Payment {
                trace: "EFT0000107".into()
            },
            // The claim's CLP04 is computed from its charge and adjustments, so the claim balances.
            Subject::Line {
                claim_id: "S24000129".into(),
                line_id: Some("S24000129-2".into()),
                line_number: 3
            }
        ]
    );
    let line = &findings[1];
    assert_eq!((line.expected, line.found), (money(1500), money(2000)));
    assert!(
        line.to_string()
            .contains("claim S24000129 line S24000129-2"),
        "{line}"
    );

    let mut spec = scenarios::partial_payment();
    spec.claims[0].paid = Some(money(10000));
    let findings = balance::check(&read_back(&spec));
    assert_eq!(
        findings.len(),
        1,
        "the payment follows the claim: {findings:?}"
    );
    assert_eq!(
        (findings[0].expected, findings[0].found),
        (money(3050), money(5000))
    );
}

#[test]
fn a_payment_smaller_than_a_recoupment_is_a_debit() {
    let mut spec = scenarios::base("EFT0000199");
    spec.claims.push(
        ClaimSpec::new("S24000130", "PAYERCLM0010", patient("DOE", "JANE", "XYZ9"))
            .line(LineSpec::new("85025", money(1000), service_date())),
    );
    spec.provider_adjustments.push(ProviderAdjustmentSpec {
        reason: "WO".into(),
        reference: Some("PAYERCLM0001".into()),
        amount: money(3000),
    });
    let read = read_back(&spec);
    assert_eq!(read.payment.credit_debit, "D");
    assert_eq!(read.payment.amount, money(2000));
    assert_eq!(balance::check(&read), []);
}

fn adjustment() -> impl Strategy<Value = AdjustmentSpec> {
    (
        prop::sample::select(vec!["CO", "PR", "OA", "PI"]),
        prop::sample::select(vec!["1", "2", "3", "45", "23", "253"]),
        0i64..5_000,
    )
        .prop_map(|(group, reason, cents)| AdjustmentSpec::new(group, reason, money(cents)))
}

fn line() -> impl Strategy<Value = LineSpec> {
    (
        1i64..50_000,
        prop::collection::vec(adjustment(), 0..8),
        prop::option::of("[A-Z0-9]{1,10}"),
    )
        .prop_map(|(cents, adjustments, line_id)| {
            let mut line = LineSpec::new("85025", money(cents), service_date());
            line.adjustments = adjustments;
            line.line_id = line_id;
            line
        })
}

fn claim() -> impl Strategy<Value = ClaimSpec> {
    (
        prop::collection::vec(line(), 0..4),
        prop::collection::vec(adjustment(), 0..3),
        0i64..20_000,
        prop::bool::ANY,
    )
        .prop_map(|(lines, adjustments, charge, reversed)| {
            let mut claim = ClaimSpec::new("S24000131", "PAYERCLM0011", patient("DOE", "JO", "X1"));
            claim.adjustments = adjustments;
            if lines.is_empty() {
                claim.charge = Some(money(charge));
            }
            claim.lines = lines;
            if reversed { claim.reversal() } else { claim }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any description whose totals are left to the generator writes a file that reads back as
    /// described and balances, whatever the amounts, adjustments and PLBs (positive or negative).
    #[test]
    fn computed_totals_always_balance(
        claims in prop::collection::vec(claim(), 0..4),
        plb in prop::collection::vec(-5_000i64..5_000, 0..8),
    ) {
        let mut spec = scenarios::base("EFT0000200");
        spec.claims = claims;
        spec.provider_adjustments = plb
            .into_iter()
            .map(|cents| ProviderAdjustmentSpec { reason: "L6".into(), reference: None, amount: money(cents) })
            .collect();
        let read = read_back(&spec);
        assert_read_as_described(&spec, &read);
        prop_assert_eq!(balance::check(&read), vec![]);
    }
}
