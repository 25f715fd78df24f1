//! Rules on the claim's shape: what a CMS-1500 / 837P can carry.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::{CodeFacts, Finding, Subject};

/// A claim carries at most 12 diagnoses.
const CLAIM_DIAGNOSES: usize = 12;

/// A claim needs a diagnosis and a line.
pub fn something_to_bill(s: &Subject, _: &dyn CodeFacts) -> Vec<Finding> {
    let mut findings = Vec::new();
    if s.encounter.diagnoses.is_empty() {
        findings.push(Finding::error(
            "no_diagnoses",
            "diagnoses",
            "code at least one diagnosis",
        ));
    }
    if s.encounter.lines.is_empty() {
        findings.push(Finding::error(
            "no_lines",
            "lines",
            "code at least one procedure line",
        ));
    }
    findings
}

pub fn at_most_twelve_diagnoses(s: &Subject, _: &dyn CodeFacts) -> Vec<Finding> {
    let count = s.encounter.diagnoses.len();
    if count <= CLAIM_DIAGNOSES {
        return Vec::new();
    }
    vec![Finding::error(
        "too_many_diagnoses",
        format!("diagnoses[{CLAIM_DIAGNOSES}]"),
        format!("a claim carries at most 12 diagnoses; this encounter has {count}"),
    )]
}

/// Every line points at one to four diagnoses that exist, and at most the first 12 (what a claim carries).
pub fn pointers_in_range(s: &Subject, _: &dyn CodeFacts) -> Vec<Finding> {
    let usable = s.encounter.diagnoses.len().min(CLAIM_DIAGNOSES) as i32;
    let mut findings = Vec::new();
    for (i, line) in s.encounter.lines.iter().enumerate() {
        if line.diagnosis_pointers.is_empty() {
            findings.push(Finding::error(
                "diagnosis_pointer",
                format!("lines[{i}].diagnosis_pointers"),
                "point the line at the diagnosis (or up to four) that justifies it",
            ));
        }
        for (j, pointer) in line.diagnosis_pointers.iter().enumerate() {
            if !(1..=usable).contains(pointer) {
                findings.push(Finding::error(
                    "diagnosis_pointer",
                    format!("lines[{i}].diagnosis_pointers[{j}]"),
                    format!("points at diagnosis {pointer}, but the claim has {usable}"),
                ));
            }
        }
    }
    findings
}

/// The same code with the same modifiers on two lines is billed once with more units, or told apart with
/// a modifier (76, 77, 91, 59...).
pub fn no_duplicate_lines(s: &Subject, _: &dyn CodeFacts) -> Vec<Finding> {
    let mut first_seen: HashMap<(&str, Vec<&str>), usize> = HashMap::new();
    let mut findings = Vec::new();
    for (i, line) in s.encounter.lines.iter().enumerate() {
        let mut modifiers: Vec<&str> = line.modifiers.iter().map(|m| m.as_str()).collect();
        modifiers.sort_unstable();
        match first_seen.get(&(line.code.as_str(), modifiers.clone())) {
            Some(first) => findings.push(Finding::error(
                "duplicate_line",
                format!("lines[{i}].code"),
                format!(
                    "duplicates line {}: bill {} once with more units, or add a modifier that tells them apart",
                    first + 1,
                    line.code.as_str()
                ),
            )),
            None => {
                first_seen.insert((line.code.as_str(), modifiers), i);
            }
        }
    }
    findings
}

pub fn charges_positive(s: &Subject, _: &dyn CodeFacts) -> Vec<Finding> {
    s.encounter
        .lines
        .iter()
        .enumerate()
        .filter(|(_, line)| line.charge <= Decimal::ZERO)
        .map(|(i, line)| {
            Finding::error(
                "charge_not_positive",
                format!("lines[{i}].charge"),
                format!("the charge must be more than zero, not {}", line.charge),
            )
        })
        .collect()
}
