//! The scrubber's `CodeFacts` answered from the code set catalog: codes, notes and applicability from the
//! in-memory snapshot, NCCI and MUE from the database (the catalog keeps those files there).

use std::cell::RefCell;

use chrono::NaiveDate;

use crate::coding::codesets::{self, Snapshot, System, Validity};
use crate::coding::scrub::{
    Applicability, CodeFacts, CodeRange, CodeStatus, ModifierIndicator, SeventhCharacters,
};
use crate::db::DbConnection;
use crate::directory::values::Sex;

/// How many billable codes a header's hint names.
const HINT_CHILDREN: usize = 5;

/// Categories only male patients can have (the catalog's applicability names female-only codes): diseases
/// of the male genital organs (N40–N53) and their malignant neoplasms (C60–C63).
fn male_only(code: &str) -> bool {
    let category = code.get(..3).unwrap_or("");
    ("N40"..="N53").contains(&category) || ("C60"..="C63").contains(&category)
}

pub struct CatalogFacts<'a> {
    snapshot: &'a Snapshot,
    conn: RefCell<&'a mut DbConnection>,
    /// The first database error of an NCCI or MUE lookup; the scrub is void if one happened.
    failure: RefCell<Option<diesel::result::Error>>,
}

impl<'a> CatalogFacts<'a> {
    pub fn new(snapshot: &'a Snapshot, conn: &'a mut DbConnection) -> Self {
        CatalogFacts {
            snapshot,
            conn: RefCell::new(conn),
            failure: RefCell::new(None),
        }
    }

    /// Ok unless a database lookup failed while scrubbing.
    pub fn finish(self) -> diesel::QueryResult<()> {
        match self.failure.into_inner() {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }

    fn lookup<T>(
        &self,
        query: impl FnOnce(&mut DbConnection) -> diesel::QueryResult<Option<T>>,
    ) -> Option<T> {
        let mut conn = self.conn.borrow_mut();
        match query(&mut conn) {
            Ok(found) => found,
            Err(error) => {
                self.failure.borrow_mut().get_or_insert(error);
                None
            }
        }
    }

    fn status(&self, system: System, code: &str, date: NaiveDate) -> CodeStatus {
        match self.snapshot.validity(system, code, date) {
            Validity::Billable { .. } => CodeStatus::Billable,
            Validity::Unknown => CodeStatus::Unknown,
            Validity::NotBillable { .. } => CodeStatus::Header {
                billable_children: self
                    .snapshot
                    .billable_descendants(system, code, date, HINT_CHILDREN)
                    .into_iter()
                    .map(|c| c.code)
                    .collect(),
            },
        }
    }
}

impl CodeFacts for CatalogFacts<'_> {
    fn diagnosis(&self, code: &str, date: NaiveDate) -> CodeStatus {
        self.status(System::Icd10cm, code, date)
    }

    fn seventh_characters(&self, code: &str, date: NaiveDate) -> Option<SeventhCharacters> {
        let rule = self.snapshot.seventh_character_rule(code, date)?;
        Some(SeventhCharacters {
            defined_by: rule.defined_at,
            allowed: rule
                .characters
                .into_iter()
                .filter_map(|c| Some((c.character.chars().next()?, c.meaning)))
                .collect(),
        })
    }

    fn excludes1(&self, code: &str, date: NaiveDate) -> Vec<CodeRange> {
        self.snapshot
            .excludes1(code, date)
            .into_iter()
            .flat_map(|x| x.excludes)
            .collect()
    }

    fn applicability(&self, code: &str) -> Applicability {
        let catalog = codesets::applicability(code);
        let sex = match catalog.sex.as_deref() {
            Some(text) => Sex::parse(text).ok(),
            None if male_only(code) => Some(Sex::Male),
            None => None,
        };
        Applicability {
            sex,
            max_age_days: catalog.max_age_days,
            age_is_advisory: catalog.age_is_advisory,
        }
    }

    /// CPT (the licensed file or the shipped sample) or HCPCS Level II, whichever knows the code.
    fn procedure(&self, code: &str, date: NaiveDate) -> CodeStatus {
        match self.status(System::Cpt, code, date) {
            CodeStatus::Unknown => self.status(System::Hcpcs, code, date),
            known => known,
        }
    }

    fn modifier_known(&self, modifier: &str, date: NaiveDate) -> bool {
        self.snapshot
            .describe(System::Modifier, modifier, date)
            .is_some()
    }

    fn mue_limit(&self, code: &str, date: NaiveDate) -> Option<u32> {
        let limit = self.lookup(|conn| codesets::mue_limit(conn, code, date))?;
        u32::try_from(limit.max_units).ok()
    }

    /// The catalog finds a pair in either order; the scrubber asks about one order.
    fn ncci_edit(
        &self,
        column1: &str,
        column2: &str,
        date: NaiveDate,
    ) -> Option<ModifierIndicator> {
        let edit = self.lookup(|conn| codesets::ncci_edit(conn, column1, column2, date))?;
        (edit.column1 == column1 && edit.column2 == column2).then_some(edit.modifier_indicator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn male_genital_categories_are_male_only() {
        for code in ["N400", "N53", "C61", "C609"] {
            assert!(male_only(code), "{code}");
        }
        for code in ["N39", "N54", "C59", "C64", "I10", ""] {
            assert!(!male_only(code), "{code}");
        }
    }
}
