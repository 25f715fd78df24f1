//! Unit tests of the writer and the self-check on the invented samples: the exact text of a simple
//! claim, the situational rules, grouping and splitting, refusals that name claim and loop, and the
//! self-check finding what was tampered with.

use chrono::NaiveDate;

use super::samples::*;
use super::*;
use crate::claims::snapshot::{ClaimSnapshot, Frequency, PartyName};
use crate::x12::{Reader, WriteError};

fn write(claims: &[ClaimSnapshot]) -> Result<Batch, X837Error> {
    write_batch(
        &partner_settings(),
        control_numbers(),
        created(),
        claims,
        &BatchOptions::new("BATCH0001"),
    )
}

fn text(claims: &[ClaimSnapshot]) -> String {
    write(claims)
        .map(|batch| batch.text)
        .unwrap_or_else(|e| panic!("{e}"))
}

fn segments(text: &str) -> Vec<String> {
    text.split('~').map(str::to_string).collect()
}

fn problems(text: &str) -> Vec<Problem> {
    self_check(text.as_bytes(), &SampleCatalog::for_samples())
        .into_iter()
        .map(|finding| finding.problem)
        .collect()
}

#[test]
fn a_simple_claim_is_written_exactly_as_the_guide_shows() {
    let expected = [
        "GS*HC*LABSUBMIT01*CLEARHOUSE01*20261130*1405*501*X*005010X222A1",
        "ST*837*0001*005010X222A1",
        "BHT*0019*00*BATCH0001*20261130*1405*CH",
        "NM1*41*2*ACME LAB BILLING*****46*LABSUBMIT01",
        "PER*IC*JANE BILLER*TE*2175551234*EM*BILLING@EXAMPLE.COM",
        "NM1*40*2*EXAMPLE CLEARINGHOUSE*****46*CLEARHOUSE01",
        "HL*1**20*1",
        "PRV*BI*PXC*207Q00000X",
        "NM1*85*1*OKAFOR*ADA*N***XX*1987654328",
        "N3*9 ELM COURT",
        "N4*SPRINGFIELD*IL*627021111",
        "REF*EI*371112222",
        "HL*2*1*22*0",
        "SBR*P*18*GRP12345******CI",
        "NM1*IL*1*SMITH*JOHN****MI*XYZ123456789",
        "N3*456 OAK AVENUE",
        "N4*SPRINGFIELD*IL*62704",
        "DMG*D8*19800101*M",
        "NM1*PR*2*ACME HEALTH PLAN*****PI*12345",
        "CLM*S1*120***11:B:1*Y*A*Y*Y",
        "HI*ABK:E119",
        "LX*1",
        "SV1*HC:99213*120*UN*1***1",
        "DTP*472*D8*20261120",
        "REF*6R*S1-1",
        "SE*25*0001",
        "GE*1*501",
        "IEA*1*000001001",
        "",
    ];
    let written = text(&[base_claim("S1")]);
    assert_eq!(&segments(&written)[1..], expected);
}

#[test]
fn a_dependent_gets_a_patient_level_and_sbr02_stays_empty() {
    let mut claim = base_claim("S2");
    claim.patient = Some(child("Emma"));
    let written = segments(&text(&[claim]));
    for segment in [
        "HL*2*1*22*1",
        "SBR*P**GRP12345******CI",
        "HL*3*2*23*0",
        "PAT*19",
    ] {
        assert!(
            written.iter().any(|s| s == segment),
            "{segment} in {written:?}"
        );
    }
    assert!(written.iter().any(|s| s.starts_with("NM1*QC*1*SMITH*EMMA")));
    let self_pay = segments(&text(&[base_claim("S3")]));
    assert!(self_pay.iter().any(|s| s == "SBR*P*18*GRP12345******CI"));
    assert!(
        !self_pay
            .iter()
            .any(|s| s.starts_with("HL*3") || s.starts_with("PAT"))
    );
}

#[test]
fn situational_loops_appear_only_when_they_differ_from_the_billing_provider() {
    let plain = text(&[base_claim("S4")]);
    for absent in [
        "NM1*82",
        "NM1*77",
        "NM1*87",
        "REF*F8",
        "REF*X4",
        "REF*G1",
        "SV1*HC:99213*120*UN*1*11",
    ] {
        assert!(!plain.contains(absent), "{absent}");
    }
    let mut same_place = base_claim("S5");
    same_place.claim.lines[0].place_of_service = Some("11".into());
    assert!(text(&[same_place]).contains("SV1*HC:99213*120*UN*1***1~"));
    let all = scenarios();
    let by_name = |name: &str| {
        let claim = &all.iter().find(|(n, _)| *n == name).expect("scenario").1;
        text(std::slice::from_ref(claim))
    };
    assert!(by_name("rendering_differs_from_billing").contains("NM1*82*1*LINDQVIST*MAJA****XX*"));
    assert!(by_name("rendering_differs_from_billing").contains("PRV*PE*PXC*207ZP0102X"));
    assert!(
        by_name("service_facility_differs_from_billing")
            .contains("NM1*77*2*NORTHSIDE SATELLITE CLINIC*****XX*")
    );
    assert!(
        by_name("replacement_of_an_earlier_claim")
            .contains("11:B:7*Y*A*Y*Y~REF*F8*PCN20261120000042~")
    );
    assert!(
        by_name("void_of_an_earlier_claim").contains("11:B:8*Y*A*Y*Y~REF*F8*PCN20261120000042~")
    );
    assert!(
        by_name("lab_claim_with_clia")
            .contains("REF*X4*14D0123456~HI*ABK:E119*ABF:R7309*ABF:Z0000~")
    );
    assert!(by_name("modifiers").contains("SV1*HC:20552:59:RT:XS:76*95*UN*2***1~"));
    assert!(by_name("modifiers").contains("SV1*HC:72100:26*60*UN*1*22**1~"));
    assert!(by_name("twelve_diagnoses").contains("*ABF:R5383~"));
    assert!(
        by_name("accented_names_and_group_name_only")
            .contains("SBR*P*18**SOCIETE GENERALE EMPLOYEES*****CI~")
    );
}

#[test]
fn claims_are_grouped_per_billing_npi_and_payer_in_order_of_first_appearance() {
    let claims: Vec<ClaimSnapshot> = (0..12).map(typical_claim).collect();
    let batch = write(&claims).expect("written");
    let mut keys: Vec<(String, String)> = Vec::new();
    for claim in &claims {
        let (npi, payer) = claim.group_key();
        let key = (npi.to_string(), payer.to_string());
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    assert_eq!(batch.transaction_control_numbers.len(), keys.len());
    assert_eq!(batch.transaction_control_numbers[0], "0001");
    for (placement, claim) in batch.placements.iter().zip(&claims) {
        assert_eq!(placement.claim.claim_number, claim.claim.claim_number);
        let (npi, payer) = claim.group_key();
        let expected = keys
            .iter()
            .position(|k| k.0 == npi && k.1 == payer)
            .expect("key");
        assert_eq!(
            placement.transaction_control_number,
            format!("{:04}", expected + 1)
        );
    }
    assert_eq!(problems(&batch.text), vec![]);
}

#[test]
fn one_npi_with_two_billing_addresses_gets_two_billing_provider_levels_in_one_transaction_set() {
    let first = base_claim("S6");
    let mut moved = base_claim("S7");
    moved.billing_provider.address.line1 = "10 New Street".into();
    let third = base_claim("S8");
    let batch = write(&[first, moved, third]).expect("written");
    assert_eq!(batch.transaction_control_numbers.len(), 1);
    assert_eq!(batch.text.matches("*20*1~").count(), 2);
    // S8 joins S6's billing provider level, ahead of S7.
    let positions: Vec<usize> = batch
        .placements
        .iter()
        .map(|p| p.position_in_transaction)
        .collect();
    assert_eq!(positions, vec![1, 3, 2]);
    assert_eq!(problems(&batch.text), vec![]);
}

#[test]
fn placements_point_at_each_claims_segments_counted_from_st() {
    let claims: Vec<ClaimSnapshot> = (0..6).map(typical_claim).collect();
    let batch = write(&claims).expect("written");
    let mut in_transaction = Vec::new();
    let mut st = String::new();
    let mut ordinal = 0;
    for segment in Reader::new(batch.text.as_bytes()).expect("ISA").flatten() {
        if segment.id() == "ST" {
            st = segment.get(2).to_string();
            ordinal = 0;
        }
        ordinal += 1;
        in_transaction.push((st.clone(), ordinal, segment.as_str().to_string()));
    }
    for placement in &batch.placements {
        let at = |n: usize| {
            in_transaction
                .iter()
                .find(|(s, o, _)| *s == placement.transaction_control_number && *o == n)
                .map(|(_, _, text)| text.clone())
                .unwrap_or_default()
        };
        assert!(at(*placement.segments.start()).starts_with("HL*"));
        let claim_segments: Vec<String> = placement.segments.clone().map(at).collect();
        let clm = format!("CLM*{}*", placement.claim.claim_number);
        assert_eq!(
            claim_segments
                .iter()
                .filter(|s| s.starts_with(&clm))
                .count(),
            1
        );
        assert!(
            claim_segments
                .last()
                .is_some_and(|s| s.starts_with("REF*6R"))
        );
    }
}

#[test]
fn more_than_five_thousand_claims_split_into_several_transaction_sets() {
    let mut claims: Vec<ClaimSnapshot> =
        (0..5001).map(|i| base_claim(&format!("S{i:07}"))).collect();
    claims.push(typical_claim(0)); // another group (the lab), after the split one
    let batch = write(&claims).expect("written");
    assert_eq!(
        batch.transaction_control_numbers,
        vec!["0001", "0002", "0003"]
    );
    let in_first = batch
        .placements
        .iter()
        .filter(|p| p.transaction_control_number == "0001")
        .count();
    assert_eq!(in_first, MAX_CLAIMS_PER_TRANSACTION);
    let last_of_group = &batch.placements[5000];
    assert_eq!(
        (
            last_of_group.transaction_control_number.as_str(),
            last_of_group.position_in_transaction
        ),
        ("0002", 1)
    );
    assert_eq!(batch.placements[5001].transaction_control_number, "0003");
    assert_eq!(batch.text.matches("~ST*837*").count(), 3);
    assert_eq!(problems(&batch.text), vec![]);
}

#[test]
fn a_smaller_limit_per_transaction_set_is_honoured() {
    let claims: Vec<ClaimSnapshot> = (0..5).map(|i| base_claim(&format!("S{i}"))).collect();
    let mut options = BatchOptions::new("B1");
    options.max_claims_per_transaction = 2;
    let batch = write_batch(
        &partner_settings(),
        control_numbers(),
        created(),
        &claims,
        &options,
    )
    .expect("written");
    assert_eq!(batch.transaction_control_numbers.len(), 3);
    assert_eq!(problems(&batch.text), vec![]);
}

#[test]
fn a_separator_in_a_patients_name_is_refused_naming_the_claim_and_loop() {
    let mut patient = child("Emma");
    patient.name = PartyName::Person {
        last: "Smith*Jones".into(),
        first: "Emma".into(),
        middle: None,
        suffix: None,
    };
    let mut bad = base_claim("S26009999");
    bad.patient = Some(patient);
    let error = write(&[base_claim("S1"), bad]).expect_err("refused");
    match &error {
        X837Error::Data {
            claim,
            loop_id,
            source: WriteError::SeparatorInData { location, .. },
        } => {
            assert_eq!(
                (claim.claim_number.as_str(), claim.index, *loop_id),
                ("S26009999", 1, "2010CA")
            );
            assert_eq!(location.to_string(), "NM1-03");
        }
        other => panic!("unexpected {other:?}"),
    }
    let message = error.to_string();
    assert!(
        message.contains("S26009999") && message.contains("2010CA") && message.contains("NM1-03"),
        "{message}"
    );
}

#[test]
fn text_without_an_ascii_form_is_refused_and_accents_are_folded() {
    let mut claim = base_claim("S9");
    claim.subscriber.address.city = "東京".into();
    let error = write(&[claim]).expect_err("refused");
    assert!(
        matches!(
            &error,
            X837Error::Invalid {
                loop_id: "2010BA",
                ..
            }
        ),
        "{error}"
    );
    assert!(error.to_string().contains("city"), "{error}");
}

#[test]
fn claims_breaking_the_guide_are_refused_before_writing_naming_claim_and_loop() {
    type Change = fn(&mut ClaimSnapshot);
    let cases: [(&str, &str, Change); 9] = [
        ("2300", "13 diagnoses", |c| {
            c.claim.diagnoses = vec!["E119".into(); 13]
        }),
        ("2300", "1 to 12", |c| c.claim.diagnoses.clear()),
        ("2400", "pointer 2", |c| {
            c.claim.lines[0].diagnosis_pointers = vec![2]
        }),
        ("2400", "modifiers", |c| {
            c.claim.lines[0].modifiers = vec!["25".into(); 5]
        }),
        ("2300", "sum of the lines", |c| {
            c.claim.total_charge += rust_decimal::Decimal::ONE
        }),
        ("2300", "F8", |c| c.claim.frequency = Frequency::Replacement),
        ("2010AA", "check digit", |c| {
            c.billing_provider.npi = "1234567890".into()
        }),
        ("2010AA", "ZIP+4", |c| {
            c.billing_provider.address.zip = "62701".into()
        }),
        ("2400", "51 service lines", |c| {
            let line = c.claim.lines[0].clone();
            let lines = (0..51).map(|n| {
                let mut l = line.clone();
                l.line_id = format!("L{n}");
                l
            });
            set_lines(c, lines.collect());
        }),
    ];
    for (loop_expected, words, change) in cases {
        let mut claim = base_claim("S26000777");
        change(&mut claim);
        let error = write(&[claim]).expect_err(words);
        let message = error.to_string();
        assert!(
            matches!(&error, X837Error::Invalid { loop_id, claim, .. } if *loop_id == loop_expected && claim.claim_number == "S26000777"),
            "{words}: {message}"
        );
        assert!(message.contains(words), "{words}: {message}");
    }
}

#[test]
fn an_empty_batch_and_bad_settings_are_refused() {
    assert_eq!(write(&[]), Err(X837Error::NoClaims));
    let with_settings = |change: fn(&mut crate::claims::partner::PartnerSettings)| {
        let mut settings = partner_settings();
        change(&mut settings);
        let claims = [base_claim("S1")];
        write_batch(
            &settings,
            control_numbers(),
            created(),
            &claims,
            &BatchOptions::new("B"),
        )
    };
    let error = with_settings(|s| s.usage_indicator = "X".into());
    assert!(
        matches!(error, Err(X837Error::Settings { place: "ISA15", .. })),
        "{error:?}"
    );
    let error = with_settings(|s| s.submitter_name = "ACME~LAB".into());
    assert!(
        matches!(error, Err(X837Error::Settings { place: "1000A", .. })),
        "{error:?}"
    );
    let error = with_settings(|s| s.receiver_id = "X".repeat(16));
    assert!(
        matches!(error, Err(X837Error::Settings { place: "ISA", .. })),
        "{error:?}"
    );
}

#[test]
fn the_self_check_passes_every_scenario() {
    for (name, claim) in scenarios() {
        let findings = self_check(text(&[claim]).as_bytes(), &SampleCatalog::for_samples());
        assert!(findings.is_empty(), "{name}: {findings:?}");
    }
}

/// The written file of a scenario with one segment replaced.
fn tampered(scenario: &str, from: &str, to: &str) -> String {
    let claim = scenarios()
        .into_iter()
        .find(|(n, _)| *n == scenario)
        .expect("scenario")
        .1;
    let written = text(&[claim]);
    assert!(written.contains(from), "{from} not in {written}");
    written.replacen(from, to, 1)
}

#[test]
fn the_self_check_finds_what_was_tampered_with_and_names_claim_loop_and_position() {
    let base = "patient_is_subscriber_one_diagnosis_one_line";
    let findings = self_check(
        tampered(base, "CLM*S26000101*120*", "CLM*S26000101*125*").as_bytes(),
        &NoExpectations,
    );
    assert_eq!(findings.len(), 1, "{findings:?}");
    let finding = &findings[0];
    assert_eq!(
        (
            finding.claim.as_deref(),
            finding.loop_id,
            finding.segment.as_str(),
            finding.position.segment
        ),
        (Some("S26000101"), Some("2300"), "CLM", 21)
    );
    assert!(
        finding
            .to_string()
            .contains("claim \"S26000101\", loop 2300, CLM at segment 21"),
        "{finding}"
    );

    type Expected = fn(&Problem) -> bool;
    let cases: [(&str, &str, &str, Expected); 9] = [
        (base, "XX*1987654328", "XX*1987654321", |p| {
            matches!(p, Problem::InvalidNpi { .. })
        }),
        (base, "***1~DTP", "***2~DTP", |p| {
            matches!(p, Problem::PointerOutOfRange { .. })
        }),
        (
            "twelve_diagnoses",
            "HI*ABK:E119",
            "HI*ABK:E119*ABF:E119",
            |p| matches!(p, Problem::TooManyDiagnoses { count: 13 }),
        ),
        (base, "HL*2*1*22*0", "HL*3*1*22*0", |p| {
            matches!(p, Problem::HlSequence { .. })
        }),
        (base, "HL*2*1*22*0", "HL*2*1*22*1", |p| {
            matches!(p, Problem::HlChildCode { .. })
        }),
        (base, "HL*2*1*22*0", "HL*2*2*22*0", |p| {
            matches!(p, Problem::HlParent { .. })
        }),
        (base, "REF*6R*S26000101-1~", "", |p| {
            matches!(p, Problem::Envelope(_))
        }),
        (
            "secondary_with_primary_line_adjudication",
            "CAS*CO*45*30~",
            "CAS*CO*45*35~",
            |p| matches!(p, Problem::LineUnbalanced { .. }),
        ),
        (
            "secondary_with_primary_claim_adjudication",
            "AMT*D*90~",
            "AMT*D*95~",
            |p| matches!(p, Problem::ClaimUnbalanced { .. }),
        ),
    ];
    for (scenario, from, to, expected) in cases {
        let found = problems(&tampered(scenario, from, to));
        assert!(found.iter().any(expected), "{from} -> {to}: {found:?}");
    }
}

#[test]
fn the_self_check_asks_the_expectations_about_codes_on_the_date_of_service() {
    let mut catalog = SampleCatalog::for_samples();
    let retired = NaiveDate::from_ymd_opt(2026, 9, 30).expect("date");
    for entry in catalog
        .diagnoses
        .iter_mut()
        .filter(|(code, _, _)| code == "E119")
    {
        entry.2 = Some(retired);
    }
    catalog.procedures.retain(|(code, _, _)| code != "99213");
    let findings = self_check(text(&[base_claim("S1")]).as_bytes(), &catalog);
    let codes: Vec<(&str, String)> = findings
        .iter()
        .filter_map(|f| match &f.problem {
            Problem::CodeNotValid { code, why, .. } => Some((code.as_str(), why.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        codes,
        vec![
            ("E119", "retired after 2026-09-30".to_string()),
            ("99213", "not in the code set".to_string())
        ]
    );
}

#[test]
fn the_self_check_reports_input_that_is_not_x12() {
    let findings = self_check(b"hello", &NoExpectations);
    assert!(matches!(
        findings.as_slice(),
        [Finding {
            problem: Problem::NotX12(_),
            ..
        }]
    ));
}
