//! A stand-in for the code-set catalog: which codes are valid from when to when. The database side
//! implements [`Expectations`] over the real catalog; tests use this one.

use chrono::NaiveDate;

use super::{DIAGNOSES, LAB_CODES, date};
use crate::claims::x837p::Expectations;

/// A code and the dates it is valid (inclusive; `None`: still valid).
type Validity = (String, NaiveDate, Option<NaiveDate>);

#[derive(Debug, Clone, Default)]
pub struct SampleCatalog {
    pub diagnoses: Vec<Validity>,
    pub procedures: Vec<Validity>,
}

impl SampleCatalog {
    /// Every code the samples use, valid since 2020.
    pub fn for_samples() -> Self {
        let since = date(2020, 1, 1);
        let valid = |code: &str| (code.to_string(), since, None);
        let extra_diagnoses = ["J069", "M0579", "R5383"];
        let extra_procedures = [
            "99213", "99214", "99392", "20552", "72100", "88305", "J1745", "96413",
        ];
        SampleCatalog {
            diagnoses: DIAGNOSES
                .iter()
                .chain(&extra_diagnoses)
                .map(|c| valid(c))
                .collect(),
            procedures: LAB_CODES
                .iter()
                .map(|(code, _)| *code)
                .chain(extra_procedures)
                .map(valid)
                .collect(),
        }
    }
}

fn problem(table: &[Validity], code: &str, on: NaiveDate) -> Option<String> {
    let Some((_, from, to)) = table.iter().find(|(c, _, _)| c == code) else {
        return Some("not in the code set".into());
    };
    if on < *from {
        return Some(format!("valid only from {from}"));
    }
    match to {
        Some(to) if on > *to => Some(format!("retired after {to}")),
        _ => None,
    }
}

impl Expectations for SampleCatalog {
    fn diagnosis_problem(&self, code: &str, date: NaiveDate) -> Option<String> {
        problem(&self.diagnoses, code, date)
    }

    fn procedure_problem(&self, code: &str, date: NaiveDate) -> Option<String> {
        problem(&self.procedures, code, date)
    }
}
