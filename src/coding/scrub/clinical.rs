//! Rules on diagnoses that cannot go together or do not fit the patient: Excludes1 pairs, and codes for
//! one sex or for the first days of life (as the code facts say: by chapter, like the CMS Medicare Code
//! Editor's sex and newborn edits).

use super::{CodeFacts, CodeRange, Finding, Subject};
use crate::directory::values::Sex;

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

pub fn sex_conflicts(s: &Subject, facts: &dyn CodeFacts) -> Vec<Finding> {
    if s.patient_sex == Sex::Unknown {
        return Vec::new();
    }
    let mut findings = Vec::new();
    for (i, d) in s.encounter.diagnoses.iter().enumerate() {
        let Some(sex) = facts.applicability(d.code.as_str()).sex else {
            continue;
        };
        if sex != s.patient_sex {
            let label = if sex == Sex::Female { "female" } else { "male" };
            findings.push(Finding::error(
                "sex_conflict",
                format!("diagnoses[{i}].code"),
                format!(
                    "{} applies to {label} patients only; the patient's sex is recorded as {}",
                    d.code.display(),
                    s.patient_sex.as_str()
                ),
            ));
        }
    }
    findings
}

/// Codes for the first days of life on an older patient: an error, or a warning where the limit is
/// advisory (perinatal conditions may be coded for life while they persist, guideline I.C.16.a.4).
pub fn age_conflicts(s: &Subject, facts: &dyn CodeFacts) -> Vec<Finding> {
    let age_days = (s.encounter.date_of_service - s.patient_birth_date).num_days();
    let mut findings = Vec::new();
    for (i, d) in s.encounter.diagnoses.iter().enumerate() {
        let applies = facts.applicability(d.code.as_str());
        let Some(max) = applies.max_age_days else {
            continue;
        };
        if age_days <= i64::from(max) {
            continue;
        }
        let field = format!("diagnoses[{i}].code");
        let code = d.code.display();
        findings.push(if applies.age_is_advisory {
            Finding::warning(
                "age_conflict",
                field,
                format!("{code} is for the first {max} days of life and the patient was {age_days} days old: code it only for a perinatal condition that persists"),
            )
        } else {
            Finding::error(
                "age_conflict",
                field,
                format!("{code} is for the first {max} days of life, but the patient was {age_days} days old on the date of service"),
            )
        });
    }
    findings
}
