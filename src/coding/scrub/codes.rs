//! Rules on the codes themselves: each must exist and be billable on the date of service.

use super::{CodeFacts, CodeStatus, Finding, SeventhCharacters, Subject};
use crate::coding::values::DiagnosisCode;

fn allowed_list(rule: &SeventhCharacters) -> String {
    let items: Vec<String> = rule
        .allowed
        .iter()
        .map(|(c, meaning)| format!("{c} ({meaning})"))
        .collect();
    items.join(", ")
}

/// A missing or invalid 7th character, when the code's category requires one.
fn seventh_character(
    field: &str,
    code: &DiagnosisCode,
    rule: &SeventhCharacters,
) -> Option<Finding> {
    let text = code.as_str();
    if text.len() < 7 {
        let padding = if text.len() < 6 {
            "; fill the empty positions with the placeholder X"
        } else {
            ""
        };
        return Some(Finding::error(
            "seventh_character",
            field,
            format!(
                "{} requires a 7th character (defined at {}): one of {}{padding}",
                code.display(),
                rule.defined_by,
                allowed_list(rule)
            ),
        ));
    }
    let seventh = text.chars().nth(6)?;
    if rule.allowed.iter().any(|(c, _)| *c == seventh) {
        return None;
    }
    Some(Finding::error(
        "seventh_character",
        field,
        format!(
            "{seventh} is not a valid 7th character for {}: use one of {}",
            rule.defined_by,
            allowed_list(rule)
        ),
    ))
}

fn billable(field: &str, code: &DiagnosisCode, status: CodeStatus, date: &str) -> Option<Finding> {
    let message = match status {
        CodeStatus::Billable => return None,
        CodeStatus::Header { billable_children } if billable_children.is_empty() => format!(
            "{} is a header, not billable on {date}: code a more specific diagnosis",
            code.display()
        ),
        CodeStatus::Header { billable_children } => format!(
            "{} is a header, not billable on {date}: code one of its billable codes, such as {}",
            code.display(),
            billable_children.join(", ")
        ),
        CodeStatus::Unknown => format!(
            "{} is not an ICD-10-CM code in effect on {date}",
            code.display()
        ),
    };
    Some(Finding::error("diagnosis_not_billable", field, message))
}

/// Every diagnosis is billable on the date of service; a 7th-character problem is reported instead of the
/// (then inevitable) unknown code, since it says what to fix.
pub fn diagnoses_billable(s: &Subject, facts: &dyn CodeFacts) -> Vec<Finding> {
    let date = s.encounter.date_of_service;
    let shown = date.to_string();
    let mut findings = Vec::new();
    for (i, dx) in s.encounter.diagnoses.iter().enumerate() {
        let field = format!("diagnoses[{i}].code");
        let seventh = facts
            .seventh_characters(dx.code.as_str(), date)
            .and_then(|rule| seventh_character(&field, &dx.code, &rule));
        let finding = seventh.or_else(|| {
            billable(
                &field,
                &dx.code,
                facts.diagnosis(dx.code.as_str(), date),
                &shown,
            )
        });
        findings.extend(finding);
    }
    findings
}

/// Every line's code is a billable CPT or HCPCS code on the date of service.
pub fn procedures_known(s: &Subject, facts: &dyn CodeFacts) -> Vec<Finding> {
    let date = s.encounter.date_of_service;
    let mut findings = Vec::new();
    for (i, line) in s.encounter.lines.iter().enumerate() {
        let message = match facts.procedure(line.code.as_str(), date) {
            CodeStatus::Billable => continue,
            CodeStatus::Header { .. } => {
                format!("{} is not billable on {date}", line.code.as_str())
            }
            CodeStatus::Unknown => format!(
                "{} is not a CPT or HCPCS code in effect on {date}",
                line.code.as_str()
            ),
        };
        findings.push(Finding::error(
            "procedure_not_billable",
            format!("lines[{i}].code"),
            message,
        ));
    }
    findings
}

/// Every modifier is a known one.
pub fn modifiers_known(s: &Subject, facts: &dyn CodeFacts) -> Vec<Finding> {
    let date = s.encounter.date_of_service;
    let mut findings = Vec::new();
    for (i, line) in s.encounter.lines.iter().enumerate() {
        for (j, modifier) in line.modifiers.iter().enumerate() {
            if !facts.modifier_known(modifier.as_str(), date) {
                findings.push(Finding::error(
                    "modifier_unknown",
                    format!("lines[{i}].modifiers[{j}]"),
                    format!("{} is not a known modifier", modifier.as_str()),
                ));
            }
        }
    }
    findings
}
