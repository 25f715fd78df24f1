//! CMS edits: medically unlikely units (MUE) and procedure-to-procedure pairs (NCCI PTP).

use std::collections::HashMap;

use super::{CodeFacts, Finding, ModifierIndicator, Subject};
use crate::coding::encounters::model::Line;

/// Modifiers the NCCI accepts to bill a pair whose indicator is 1 (NCCI policy manual, chapter I):
/// anatomic, global surgery, and the distinct-service modifiers.
const NCCI_ASSOCIATED: &[&str] = &[
    "E1", "E2", "E3", "E4", "FA", "F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "TA", "T1",
    "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "LT", "RT", "LC", "LD", "RC", "LM", "RI", "24",
    "25", "57", "58", "78", "79", "27", "59", "91", "XE", "XS", "XP", "XU",
];

fn has_ncci_modifier(line: &Line) -> bool {
    line.modifiers
        .iter()
        .any(|m| NCCI_ASSOCIATED.contains(&m.as_str()))
}

/// The units of one code on the encounter (one date of service) stay within its MUE. The finding names the
/// line where the running total passes the limit.
pub fn units_within_mue(s: &Subject, facts: &dyn CodeFacts) -> Vec<Finding> {
    let date = s.encounter.date_of_service;
    let mut running: HashMap<&str, i64> = HashMap::new();
    let mut findings = Vec::new();
    for (i, line) in s.encounter.lines.iter().enumerate() {
        let code = line.code.as_str();
        let Some(limit) = facts.mue_limit(code, date) else {
            continue;
        };
        let total = running.entry(code).or_default();
        let before = *total;
        *total += i64::from(line.units);
        if *total > i64::from(limit) && before <= i64::from(limit) {
            findings.push(Finding::error(
                "mue_exceeded",
                format!("lines[{i}].units"),
                format!(
                    "{code} is billed for {} units on this date; its MUE allows {limit}",
                    running_total(s, code)
                ),
            ));
        }
    }
    findings
}

fn running_total(s: &Subject, code: &str) -> i64 {
    s.encounter
        .lines
        .iter()
        .filter(|l| l.code.as_str() == code)
        .map(|l| i64::from(l.units))
        .sum()
}

fn pair_finding(
    indicator: ModifierIndicator,
    column1: (usize, &Line),
    column2: (usize, &Line),
) -> Option<Finding> {
    let (c1, c2) = (column1.1.code.as_str(), column2.1.code.as_str());
    let message = match indicator {
        ModifierIndicator::NotApplicable => return None,
        ModifierIndicator::Allowed
            if has_ncci_modifier(column1.1) || has_ncci_modifier(column2.1) =>
        {
            return None;
        }
        ModifierIndicator::Allowed => format!(
            "{c2} is bundled into {c1} (line {}): bill it only when distinct, with an NCCI-associated modifier such as 59 or XS",
            column1.0 + 1
        ),
        ModifierIndicator::NotAllowed => format!(
            "{c2} is bundled into {c1} (line {}) and no modifier allows billing them together",
            column1.0 + 1
        ),
    };
    Some(Finding::error(
        "ncci_pair",
        format!("lines[{}].code", column2.0),
        message,
    ))
}

/// No two lines form an NCCI pair unless its modifier indicator and the lines' modifiers allow it. The
/// finding names the column-2 (component) line.
pub fn ncci_pairs(s: &Subject, facts: &dyn CodeFacts) -> Vec<Finding> {
    let date = s.encounter.date_of_service;
    let lines: Vec<(usize, &Line)> = s.encounter.lines.iter().enumerate().collect();
    let mut findings = Vec::new();
    for &a in &lines {
        for &b in &lines {
            if a.0 == b.0 || a.1.code == b.1.code {
                continue;
            }
            if let Some(indicator) = facts.ncci_edit(a.1.code.as_str(), b.1.code.as_str(), date) {
                findings.extend(pair_finding(indicator, a, b));
            }
        }
    }
    findings
}
