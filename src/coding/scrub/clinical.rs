//! Rules on diagnoses that cannot go together or do not fit the patient: Excludes1 pairs, and codes for
//! one sex or for the first days of life (the CMS Medicare Code Editor's sex and newborn edits, by chapter).

use super::{CodeFacts, CodeRange, Finding, Subject};
use crate::directory::values::Sex;

/// The first days of life: the perinatal period ends 28 days after birth (ICD-10-CM chapter 16).
const NEWBORN_DAYS: i64 = 28;

fn range(first: &str, last: &str) -> CodeRange {
    CodeRange {
        first: first.into(),
        last: last.into(),
    }
}

/// Pregnancy, childbirth and the puerperium (chapter 15), and the pregnancy-state and antenatal Z codes.
fn female_only() -> [CodeRange; 2] {
    [range("O00", "O9A"), range("Z33", "Z36")]
}

/// Diseases of the male genital organs and their malignant neoplasms.
fn male_only() -> [CodeRange; 2] {
    [range("N40", "N53"), range("C60", "C63")]
}

/// Excludes1 means "not coded here": the two conditions cannot occur together. The guideline allows both
/// when the conditions are unrelated, so this is a warning for the coder to resolve, named on the later code.
pub fn excludes1_pairs(s: &Subject, facts: &dyn CodeFacts) -> Vec<Finding> {
    let date = s.encounter.date_of_service;
    let dx = &s.encounter.diagnoses;
    let excluded: Vec<Vec<CodeRange>> = dx
        .iter()
        .map(|d| facts.excludes1(d.code.as_str(), date))
        .collect();
    let excludes = |a: usize, b: usize| excluded[a].iter().any(|r| r.contains(dx[b].code.as_str()));
    let mut findings = Vec::new();
    for later in 0..dx.len() {
        for first in 0..later {
            let (noted, other) = if excludes(first, later) {
                (first, later)
            } else if excludes(later, first) {
                (later, first)
            } else {
                continue;
            };
            findings.push(Finding::warning(
                "excludes1",
                format!("diagnoses[{later}].code"),
                format!(
                    "{} has an Excludes1 note for {}: code both only when the conditions are unrelated",
                    dx[noted].code.display(),
                    dx[other].code.display()
                ),
            ));
        }
    }
    findings
}

pub fn sex_conflicts(s: &Subject, _: &dyn CodeFacts) -> Vec<Finding> {
    let (conflicting, label): (&[CodeRange], &str) = match s.patient_sex {
        Sex::Male => (&female_only(), "female"),
        Sex::Female => (&male_only(), "male"),
        Sex::Unknown => return Vec::new(),
    };
    s.encounter
        .diagnoses
        .iter()
        .enumerate()
        .filter(|(_, d)| conflicting.iter().any(|r| r.contains(d.code.as_str())))
        .map(|(i, d)| {
            Finding::error(
                "sex_conflict",
                format!("diagnoses[{i}].code"),
                format!(
                    "{} applies to {label} patients only; the patient's sex is recorded as {}",
                    d.code.display(),
                    s.patient_sex.as_str()
                ),
            )
        })
        .collect()
}

/// Newborn codes (Z38, the birth episode) are errors after the first 28 days; perinatal conditions (P00–P96)
/// are warnings then, since the guideline allows them for life while the condition persists.
pub fn age_conflicts(s: &Subject, _: &dyn CodeFacts) -> Vec<Finding> {
    let age_days = (s.encounter.date_of_service - s.patient_birth_date).num_days();
    if age_days <= NEWBORN_DAYS {
        return Vec::new();
    }
    let mut findings = Vec::new();
    for (i, d) in s.encounter.diagnoses.iter().enumerate() {
        let field = format!("diagnoses[{i}].code");
        let code = d.code.display();
        if range("Z38", "Z38").contains(d.code.as_str()) {
            findings.push(Finding::error(
                "age_conflict",
                field,
                format!("{code} is a newborn code, but the patient was {age_days} days old on the date of service"),
            ));
        } else if range("P00", "P96").contains(d.code.as_str()) {
            findings.push(Finding::warning(
                "age_conflict",
                field,
                format!("{code} is a perinatal code and the patient was {age_days} days old: use it only for a condition that began in the perinatal period and persists"),
            ));
        }
    }
    findings
}
