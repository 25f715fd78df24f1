//! The self-check's questions about codes answered from the code set catalog: a claim whose diagnosis
//! or procedure code was not valid on its date of service never leaves.

use chrono::NaiveDate;

use crate::claims::x837p::Expectations;
use crate::coding::codesets::{Snapshot, System, Validity};

pub struct CatalogExpectations<'a>(pub &'a Snapshot);

impl CatalogExpectations<'_> {
    fn problem(&self, systems: &[System], code: &str, date: NaiveDate) -> Option<String> {
        let mut header = None;
        for &system in systems {
            match self.0.validity(system, code, date) {
                Validity::Billable { .. } => return None,
                Validity::NotBillable { description } => header = Some(description),
                Validity::Unknown => {}
            }
        }
        Some(match header {
            Some(description) => format!("{code} ({description}) is not billable on {date}"),
            None => format!("{code} is in no code set version covering {date}"),
        })
    }
}

impl Expectations for CatalogExpectations<'_> {
    fn diagnosis_problem(&self, code: &str, date: NaiveDate) -> Option<String> {
        self.problem(&[System::Icd10cm], code, date)
    }

    /// CPT (the licensed file or the shipped sample) or HCPCS Level II, whichever knows the code.
    fn procedure_problem(&self, code: &str, date: NaiveDate) -> Option<String> {
        self.problem(&[System::Cpt, System::Hcpcs], code, date)
    }
}
