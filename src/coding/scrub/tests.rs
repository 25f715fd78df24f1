//! Each rule with an encounter that passes it and one that fails it, over invented code facts.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, Utc};
use rust_decimal::Decimal;

use super::*;
use crate::coding::encounters::model::{ChargeSource, Diagnosis, Encounter, Line, Status};
use crate::coding::values::{DiagnosisCode, Modifier, ProcedureCode};
use crate::db::ids::{EncounterId, LineId, LocationId, PatientId, ProviderId};

#[derive(Default)]
struct Facts {
    billable: HashSet<&'static str>,
    headers: HashMap<&'static str, Vec<String>>,
    seventh: HashMap<&'static str, Vec<(char, String)>>,
    excludes: HashMap<&'static str, Vec<CodeRange>>,
    procedures: HashSet<&'static str>,
    modifiers: HashSet<&'static str>,
    mue: HashMap<&'static str, u32>,
    ncci: HashMap<(&'static str, &'static str), ModifierIndicator>,
}

impl CodeFacts for Facts {
    fn diagnosis(&self, code: &str, _: NaiveDate) -> CodeStatus {
        if self.billable.contains(code) {
            CodeStatus::Billable
        } else if let Some(children) = self.headers.get(code) {
            CodeStatus::Header {
                billable_children: children.clone(),
            }
        } else {
            CodeStatus::Unknown
        }
    }
    fn seventh_characters(&self, code: &str, _: NaiveDate) -> Option<SeventhCharacters> {
        let (defined_by, allowed) = self.seventh.iter().find(|(k, _)| code.starts_with(*k))?;
        Some(SeventhCharacters {
            defined_by: defined_by.to_string(),
            allowed: allowed.clone(),
        })
    }
    fn excludes1(&self, code: &str, _: NaiveDate) -> Vec<CodeRange> {
        self.excludes.get(code).cloned().unwrap_or_default()
    }
    /// Invented by chapter: pregnancy female, male genital organs male, Z38 and P codes newborn.
    fn applicability(&self, code: &str) -> Applicability {
        let newborn = |advisory| Applicability {
            max_age_days: Some(28),
            age_is_advisory: advisory,
            ..Applicability::default()
        };
        match &code[..1] {
            "O" => Applicability {
                sex: Some(Sex::Female),
                ..Applicability::default()
            },
            "N" if ("N40".."N54").contains(&code) => Applicability {
                sex: Some(Sex::Male),
                ..Applicability::default()
            },
            "Z" if code.starts_with("Z38") => newborn(false),
            "P" => newborn(true),
            _ => Applicability::default(),
        }
    }

    fn procedure(&self, code: &str, _: NaiveDate) -> CodeStatus {
        if self.procedures.contains(code) {
            CodeStatus::Billable
        } else {
            CodeStatus::Unknown
        }
    }
    fn modifier_known(&self, modifier: &str, _: NaiveDate) -> bool {
        self.modifiers.contains(modifier)
    }
    fn mue_limit(&self, code: &str, _: NaiveDate) -> Option<u32> {
        self.mue.get(code).copied()
    }
    fn ncci_edit(&self, c1: &str, c2: &str, _: NaiveDate) -> Option<ModifierIndicator> {
        self.ncci.get(&(c1, c2)).copied()
    }
}

fn facts() -> Facts {
    let mut f = Facts::default();
    f.billable.extend([
        "E119", "I10", "E109", "O800", "P599", "Z3800", "N400", "S52501A",
    ]);
    f.headers
        .insert("E11", vec!["E11.9".into(), "E11.65".into()]);
    f.seventh.insert(
        "S52",
        vec![
            ('A', "initial encounter".into()),
            ('D', "subsequent encounter".into()),
        ],
    );
    f.excludes.insert(
        "E119",
        vec![CodeRange {
            from: "E10".into(),
            to: "E10".into(),
        }],
    );
    f.procedures
        .extend(["36415", "80053", "80048", "85025", "99213"]);
    f.modifiers.extend(["25", "59", "91", "XS"]);
    f.mue.insert("36415", 2);
    f.ncci
        .insert(("80053", "80048"), ModifierIndicator::NotAllowed);
    f.ncci
        .insert(("99213", "36415"), ModifierIndicator::Allowed);
    f.ncci
        .insert(("80053", "85025"), ModifierIndicator::NotApplicable);
    f
}

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn line(code: &str, modifiers: &[&str], units: i32, charge: &str, pointers: &[i32]) -> Line {
    Line {
        id: LineId::generate(),
        position: 1,
        code: ProcedureCode::parse(code).unwrap(),
        modifiers: modifiers
            .iter()
            .map(|m| Modifier::parse(m).unwrap())
            .collect(),
        units,
        charge: charge.parse::<Decimal>().unwrap(),
        charge_source: ChargeSource::Manual,
        diagnosis_pointers: pointers.to_vec(),
        note: None,
        specimen_id: None,
        order_id: None,
    }
}

/// A clean encounter: E11.9 and I10, an office visit and a panel, on 2026-06-01.
fn encounter() -> Encounter {
    Encounter {
        id: EncounterId::generate(),
        patient_id: PatientId::generate(),
        rendering_provider_id: ProviderId::generate(),
        billing_provider_id: ProviderId::generate(),
        location_id: LocationId::generate(),
        policy_id: None,
        date_of_service: date("2026-06-01"),
        status: Status::Coded,
        diagnoses: Vec::new(),
        lines: vec![
            line("99213", &[], 1, "120.00", &[1, 2]),
            line("80053", &[], 1, "42.00", &[1]),
        ],
        total_charge: Decimal::ZERO,
        version: 1,
        created_at: Utc::now(),
        updated_at: Utc::now(),
    }
    .with_diagnoses(&["E11.9", "I10"])
}

trait WithDiagnoses {
    fn with_diagnoses(self, codes: &[&str]) -> Self;
}

impl WithDiagnoses for Encounter {
    fn with_diagnoses(mut self, codes: &[&str]) -> Self {
        self.diagnoses = codes
            .iter()
            .zip(1..)
            .map(|(c, position)| Diagnosis {
                position,
                code: DiagnosisCode::parse(c).unwrap(),
            })
            .collect();
        self
    }
}

fn findings_of(encounter: &Encounter, edit: impl FnOnce(&mut Subject)) -> Vec<Finding> {
    let mut subject = Subject {
        encounter,
        patient_sex: Sex::Female,
        patient_birth_date: date("1980-05-05"),
        coverage: Some(Coverage {
            effective_date: date("2026-01-01"),
            end_date: Some(date("2026-12-31")),
        }),
        today: date("2026-11-29"),
    };
    edit(&mut subject);
    scrub(&subject, &facts()).findings
}

/// The (rule, field) of every finding.
fn found(encounter: &Encounter) -> Vec<(&'static str, String)> {
    found_with(encounter, |_| {})
}

fn found_with(
    encounter: &Encounter,
    edit: impl FnOnce(&mut Subject),
) -> Vec<(&'static str, String)> {
    findings_of(encounter, edit)
        .into_iter()
        .map(|f| (f.rule, f.field))
        .collect()
}

fn one(rule: &'static str, field: &str) -> Vec<(&'static str, String)> {
    vec![(rule, field.to_owned())]
}

#[test]
fn a_clean_encounter_has_no_findings() {
    assert_eq!(found(&encounter()), vec![]);
}

#[test]
fn an_empty_encounter_needs_a_diagnosis_and_a_line() {
    let mut e = encounter().with_diagnoses(&[]);
    e.lines.clear();
    assert_eq!(
        found(&e),
        vec![
            ("no_diagnoses", "diagnoses".into()),
            ("no_lines", "lines".into())
        ]
    );
}

#[test]
fn a_header_code_is_not_billable_and_names_its_children() {
    let e = encounter().with_diagnoses(&["E11", "I10"]);
    let findings = findings_of(&e, |_| {});
    assert_eq!(findings.len(), 1);
    assert_eq!(
        (findings[0].rule, findings[0].field.as_str()),
        ("diagnosis_not_billable", "diagnoses[0].code")
    );
    assert!(
        findings[0].message.contains("E11.9, E11.65"),
        "{}",
        findings[0].message
    );
}

#[test]
fn an_unknown_diagnosis_or_procedure_or_modifier_is_an_error() {
    let mut e = encounter().with_diagnoses(&["E11.9", "Q99.9"]);
    e.lines[1] = line("12345", &["ZZ"], 1, "1.00", &[1]);
    assert_eq!(
        found(&e),
        vec![
            ("diagnosis_not_billable", "diagnoses[1].code".into()),
            ("procedure_not_billable", "lines[1].code".into()),
            ("modifier_unknown", "lines[1].modifiers[0]".into()),
        ]
    );
}

#[test]
fn a_seventh_character_must_be_present_and_allowed() {
    let pointer_to_s52 = |mut e: Encounter| {
        e.lines[0].diagnosis_pointers = vec![1];
        e
    };
    assert_eq!(
        found(&pointer_to_s52(
            encounter().with_diagnoses(&["S52.501A", "I10"])
        )),
        vec![]
    );
    let missing = findings_of(&encounter().with_diagnoses(&["S52.501", "I10"]), |_| {});
    assert_eq!((missing[0].rule, missing.len()), ("seventh_character", 1));
    assert!(missing[0].message.contains("A (initial encounter)"));
    let invalid = found(&encounter().with_diagnoses(&["S52.501Z", "I10"]));
    assert_eq!(invalid, one("seventh_character", "diagnoses[0].code"));
    let short = findings_of(&encounter().with_diagnoses(&["S52.5", "I10"]), |_| {});
    assert!(
        short[0].message.contains("placeholder X"),
        "{}",
        short[0].message
    );
}

#[test]
fn pointers_must_name_an_existing_diagnosis() {
    let mut e = encounter();
    e.lines[0].diagnosis_pointers = vec![1, 3];
    e.lines[1].diagnosis_pointers = vec![];
    assert_eq!(
        found(&e),
        vec![
            ("diagnosis_pointer", "lines[0].diagnosis_pointers[1]".into()),
            ("diagnosis_pointer", "lines[1].diagnosis_pointers".into()),
        ]
    );
}

#[test]
fn more_than_twelve_diagnoses_do_not_fit_a_claim() {
    let twelve = ["I10"; 12];
    assert_eq!(found(&encounter().with_diagnoses(&twelve)), vec![]);
    let thirteen = ["I10"; 13];
    assert_eq!(
        found(&encounter().with_diagnoses(&thirteen)),
        one("too_many_diagnoses", "diagnoses[12]")
    );
}

#[test]
fn the_same_code_and_modifiers_twice_is_a_duplicate() {
    let mut e = encounter();
    e.lines.push(line("80053", &[], 1, "42.00", &[1]));
    assert_eq!(found(&e), one("duplicate_line", "lines[2].code"));
    e.lines[2].modifiers = vec![Modifier::parse("91").unwrap()];
    assert_eq!(found(&e), vec![]);
}

#[test]
fn charges_must_be_more_than_zero() {
    let mut e = encounter();
    e.lines[0].charge = Decimal::ZERO;
    e.lines[1].charge = "-5.00".parse().unwrap();
    assert_eq!(
        found(&e),
        vec![
            ("charge_not_positive", "lines[0].charge".into()),
            ("charge_not_positive", "lines[1].charge".into())
        ]
    );
}

#[test]
fn units_past_the_mue_are_an_error_on_the_line_that_passes_it() {
    let mut e = encounter();
    e.lines[1] = line("36415", &[], 2, "10.00", &[1]);
    e.lines[0] = line("85025", &[], 1, "10.00", &[1]);
    assert_eq!(found(&e), vec![]);
    e.lines.push(line("36415", &["XS"], 1, "10.00", &[1]));
    assert_eq!(found(&e), one("mue_exceeded", "lines[2].units"));
}

#[test]
fn ncci_pairs_respect_the_modifier_indicator() {
    let mut e = encounter();
    // Indicator 0: no modifier helps.
    e.lines[0] = line("80048", &["59"], 1, "30.00", &[1]);
    assert_eq!(found(&e), one("ncci_pair", "lines[0].code"));
    // Indicator 1: an NCCI-associated modifier on either line allows the pair.
    e.lines = vec![
        line("99213", &[], 1, "120.00", &[1]),
        line("36415", &[], 1, "10.00", &[1]),
    ];
    assert_eq!(found(&e), one("ncci_pair", "lines[1].code"));
    e.lines[0].modifiers = vec![Modifier::parse("25").unwrap()];
    assert_eq!(found(&e), vec![]);
    // Indicator 9: the edit does not apply.
    e.lines = vec![
        line("80053", &[], 1, "42.00", &[1]),
        line("85025", &[], 1, "10.00", &[1]),
    ];
    assert_eq!(found(&e), vec![]);
}

#[test]
fn excludes1_pairs_are_flagged_on_the_later_diagnosis_whichever_carries_the_note() {
    let pair = findings_of(&encounter().with_diagnoses(&["E10.9", "E11.9"]), |_| {});
    assert_eq!(pair.len(), 1);
    assert_eq!(
        (pair[0].rule, pair[0].severity, pair[0].field.as_str()),
        ("excludes1", Severity::Warning, "diagnoses[1].code")
    );
    let reversed = found(&encounter().with_diagnoses(&["E11.9", "E10.9"]));
    assert_eq!(reversed, one("excludes1", "diagnoses[1].code"));
}

#[test]
fn pregnancy_codes_conflict_with_a_male_patient_and_male_codes_with_a_female_one() {
    let e = encounter().with_diagnoses(&["O80.0", "I10"]);
    assert_eq!(found(&e), vec![]);
    assert_eq!(
        found_with(&e, |s| s.patient_sex = Sex::Male),
        one("sex_conflict", "diagnoses[0].code")
    );
    assert_eq!(found_with(&e, |s| s.patient_sex = Sex::Unknown), vec![]);
    let male = encounter().with_diagnoses(&["I10", "N40.0"]);
    assert_eq!(found(&male), one("sex_conflict", "diagnoses[1].code"));
}

#[test]
fn newborn_codes_fit_only_the_first_days_of_life() {
    let e = encounter().with_diagnoses(&["Z38.00", "P59.9"]);
    let newborn = |s: &mut Subject| s.patient_birth_date = date("2026-05-20");
    assert_eq!(found_with(&e, newborn), vec![]);
    let findings = findings_of(&e, |_| {});
    let got: Vec<_> = findings
        .iter()
        .map(|f| (f.rule, f.severity, f.field.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("age_conflict", Severity::Error, "diagnoses[0].code"),
            ("age_conflict", Severity::Warning, "diagnoses[1].code"),
        ]
    );
}

#[test]
fn the_date_of_service_must_not_be_in_the_future_nor_outside_the_policy() {
    let e = encounter();
    assert_eq!(
        found_with(&e, |s| s.today = date("2026-05-31")),
        one("date_of_service_future", "date_of_service")
    );
    let ended = |s: &mut Subject| {
        s.coverage = Some(Coverage {
            effective_date: date("2025-01-01"),
            end_date: Some(date("2026-05-31")),
        })
    };
    assert_eq!(
        found_with(&e, ended),
        one("policy_not_in_effect", "policy_id")
    );
    let later = |s: &mut Subject| {
        s.coverage = Some(Coverage {
            effective_date: date("2026-06-02"),
            end_date: None,
        })
    };
    assert_eq!(
        found_with(&e, later),
        one("policy_not_in_effect", "policy_id")
    );
    assert_eq!(found_with(&e, |s| s.coverage = None), vec![]);
}

#[test]
fn errors_come_before_warnings_and_are_counted() {
    let mut e = encounter().with_diagnoses(&["E10.9", "E11.9"]);
    e.lines[0].charge = Decimal::ZERO;
    let subject = Subject {
        encounter: &e,
        patient_sex: Sex::Female,
        patient_birth_date: date("1980-05-05"),
        coverage: None,
        today: date("2026-11-29"),
    };
    let report = scrub(&subject, &facts());
    assert_eq!(
        (report.errors, report.warnings, report.passes()),
        (1, 1, false)
    );
    assert_eq!(report.findings[0].severity, Severity::Error);
}
