//! The claim scrubber: every problem a payer would reject, found before the claim is built. Pure code over
//! an encounter and the facts it needs about codes (the `CodeFacts` trait), so each rule is one small
//! function tested on its own. Findings name the encounter field at fault as a JSON path
//! (`diagnoses[2].code`, `lines[0].units`).

mod claim_shape;
mod clinical;
mod codes;
mod dates;
mod edits;
pub mod facts;

#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

pub use facts::{
    Applicability, CodeFacts, CodeRange, CodeStatus, ModifierIndicator, SeventhCharacters,
};

use crate::coding::encounters::model::Encounter;
use crate::directory::values::Sex;

/// Errors block an encounter from becoming ready; warnings are for the coder to judge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Finding {
    pub severity: Severity,
    /// Stable name of the rule (`diagnosis_not_billable`, `ncci_pair`, ...).
    pub rule: &'static str,
    pub message: String,
    /// JSON path into the encounter of the field at fault.
    pub field: String,
}

impl Finding {
    pub fn error(rule: &'static str, field: impl Into<String>, message: impl Into<String>) -> Self {
        Finding {
            severity: Severity::Error,
            rule,
            message: message.into(),
            field: field.into(),
        }
    }

    pub fn warning(
        rule: &'static str,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            severity: Severity::Warning,
            ..Finding::error(rule, field, message)
        }
    }
}

/// The period a policy covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Coverage {
    pub effective_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
}

/// The encounter and what the scrubber needs to know about its patient and policy.
#[derive(Debug, Clone)]
pub struct Subject<'a> {
    pub encounter: &'a Encounter,
    pub patient_sex: Sex,
    pub patient_birth_date: NaiveDate,
    pub coverage: Option<Coverage>,
    /// Today's date where the practice is (dates of service after it are in the future).
    pub today: NaiveDate,
}

/// The result of a scrub: findings, errors first, in encounter order.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScrubReport {
    pub errors: usize,
    pub warnings: usize,
    pub findings: Vec<Finding>,
}

impl ScrubReport {
    pub fn passes(&self) -> bool {
        self.errors == 0
    }
}

type Rule = fn(&Subject, &dyn CodeFacts) -> Vec<Finding>;

/// Every rule, in the order findings are reported.
const RULES: &[Rule] = &[
    claim_shape::something_to_bill,
    claim_shape::at_most_twelve_diagnoses,
    codes::diagnoses_billable,
    codes::procedures_known,
    codes::modifiers_known,
    claim_shape::pointers_in_range,
    claim_shape::no_duplicate_lines,
    claim_shape::charges_positive,
    edits::units_within_mue,
    edits::ncci_pairs,
    clinical::excludes1_pairs,
    clinical::sex_conflicts,
    clinical::age_conflicts,
    dates::date_of_service_not_future,
    dates::policy_in_effect,
];

pub fn scrub(subject: &Subject, facts: &dyn CodeFacts) -> ScrubReport {
    let mut findings: Vec<Finding> = RULES.iter().flat_map(|rule| rule(subject, facts)).collect();
    // Stable: errors first, each group in rule order.
    findings.sort_by_key(|f| f.severity);
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    ScrubReport {
        errors,
        warnings: findings.len() - errors,
        findings,
    }
}
