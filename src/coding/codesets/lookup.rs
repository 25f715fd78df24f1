//! Questions the coder's desk and the scrubber ask of a snapshot, for a date of service: is a code known
//! and billable, what does it mean, which billable codes sit under a header, which 7th characters and
//! Excludes1 notes apply (inherited down the ICD-10-CM hierarchy), and to whom a diagnosis can apply.

use chrono::NaiveDate;
use serde::Serialize;

use super::catalog::Snapshot;
use super::index::VersionIndex;
use super::model::System;
use super::notes::{CodeNotes, CodeRange, SeventhCharacter, referenced_ranges};

/// A code and its description, codes displayed as people read them (E11.9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CodeRef {
    pub code: String,
    pub description: String,
    pub billable: bool,
}

/// What a code is on a date of service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Validity {
    /// No version of the system governs the date, or it lacks the code.
    Unknown,
    /// Known but not billable (a header or category): name its billable descendants as a hint.
    NotBillable {
        description: String,
    },
    Billable {
        description: String,
    },
}

/// The 7th-character definition that governs a code, and where in the hierarchy it is defined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SeventhCharacterRule {
    pub defined_at: String,
    pub characters: Vec<SeventhCharacter>,
}

/// Whether a diagnosis code carries the 7th character its category requires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeventhCheck {
    /// The category defines no 7th character.
    NotRequired,
    Valid,
    /// Shorter than 7 characters (codes of fewer than 6 need the X placeholder before the 7th).
    Missing {
        rule: SeventhCharacterRule,
    },
    /// The 7th character is not one the category allows.
    Invalid {
        character: char,
        rule: SeventhCharacterRule,
    },
}

/// An Excludes1 note that applies to a code: written at `defined_at` (the code or an ancestor), with the
/// codes it names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Exclusion {
    pub defined_at: String,
    pub note: String,
    pub excludes: Vec<CodeRange>,
}

/// Everything the lookup route shows about a code.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CodeDetail {
    pub system: String,
    pub code: String,
    pub description: String,
    pub short_description: Option<String>,
    pub billable: bool,
    pub version: String,
    /// Nearest first.
    pub parents: Vec<CodeRef>,
    /// The code's own notes from the tabular list.
    pub notes: Option<CodeNotes>,
    pub seventh_character: Option<SeventhCharacterRule>,
    /// Excludes1 notes of the code and its ancestors.
    pub excludes1: Vec<Exclusion>,
    pub applies_to: Applicability,
}

impl Snapshot {
    /// Is `code` known and billable in the version of `system` governing `date`?
    pub fn validity(&self, system: System, code: &str, date: NaiveDate) -> Validity {
        let code = system.normalize(code);
        let Some((_, index)) = self.index_for(system, date) else {
            return Validity::Unknown;
        };
        match index.position(&code).map(|i| index.entry(i)) {
            None => Validity::Unknown,
            Some(e) if e.billable => Validity::Billable {
                description: e.description.to_string(),
            },
            Some(e) => Validity::NotBillable {
                description: e.description.to_string(),
            },
        }
    }

    /// The description of a code of any system on `date` (modifiers, POS, CARC, RARC included).
    pub fn describe(&self, system: System, code: &str, date: NaiveDate) -> Option<String> {
        match self.validity(system, code, date) {
            Validity::Unknown => None,
            Validity::Billable { description } | Validity::NotBillable { description } => {
                Some(description)
            }
        }
    }

    /// Billable codes below a header (at most `limit`), for "use one of these" hints.
    pub fn billable_descendants(
        &self,
        system: System,
        code: &str,
        date: NaiveDate,
        limit: usize,
    ) -> Vec<CodeRef> {
        let code = system.normalize(code);
        let Some((_, index)) = self.index_for(system, date) else {
            return Vec::new();
        };
        index
            .prefix_range(&code)
            .map(|i| index.entry(i as u32))
            .filter(|e| e.billable && *e.code != *code)
            .take(limit)
            .map(|e| code_ref(system, &e.code, &e.description, e.billable))
            .collect()
    }

    /// Full detail of one code, or None when the governing version lacks it.
    pub fn detail(&self, system: System, code: &str, date: NaiveDate) -> Option<CodeDetail> {
        let code = system.normalize(code);
        let (info, index) = self.index_for(system, date)?;
        let position = index.position(&code)?;
        let entry = index.entry(position);
        let icd = system == System::Icd10cm;
        Some(CodeDetail {
            system: system.as_str().to_owned(),
            code: system.display(&code),
            description: entry.description.to_string(),
            short_description: entry.short_description.as_deref().map(str::to_owned),
            billable: entry.billable,
            version: info.label.clone(),
            parents: if icd {
                ancestors(index, &code).map(|i| icd_ref(index, i)).collect()
            } else {
                Vec::new()
            },
            notes: index.notes(position).cloned(),
            seventh_character: if icd {
                seventh_rule(index, &code)
            } else {
                None
            },
            excludes1: if icd {
                exclusions(index, &code)
            } else {
                Vec::new()
            },
            applies_to: if icd {
                applicability(&code)
            } else {
                Applicability::default()
            },
        })
    }

    /// The 7th-character rule governing an ICD-10-CM code (the code need not exist: S52001Z is checked
    /// against S52's rule).
    pub fn seventh_character_rule(
        &self,
        code: &str,
        date: NaiveDate,
    ) -> Option<SeventhCharacterRule> {
        let (_, index) = self.index_for(System::Icd10cm, date)?;
        seventh_rule(index, &System::Icd10cm.normalize(code))
    }

    pub fn check_seventh_character(&self, code: &str, date: NaiveDate) -> SeventhCheck {
        let code = System::Icd10cm.normalize(code);
        let Some(rule) = self.seventh_character_rule(&code, date) else {
            return SeventhCheck::NotRequired;
        };
        match code.chars().nth(6) {
            None => SeventhCheck::Missing { rule },
            Some(c) if rule.characters.iter().any(|d| d.character.starts_with(c)) => {
                SeventhCheck::Valid
            }
            Some(character) => SeventhCheck::Invalid { character, rule },
        }
    }

    /// Excludes1 notes of an ICD-10-CM code and its ancestors, with the codes each names.
    pub fn excludes1(&self, code: &str, date: NaiveDate) -> Vec<Exclusion> {
        match self.index_for(System::Icd10cm, date) {
            Some((_, index)) => exclusions(index, &System::Icd10cm.normalize(code)),
            None => Vec::new(),
        }
    }

    /// The Excludes1 note forbidding two diagnoses together, looked up in both directions.
    pub fn excludes1_conflict(
        &self,
        first: &str,
        second: &str,
        date: NaiveDate,
    ) -> Option<Exclusion> {
        let (a, b) = (
            System::Icd10cm.normalize(first),
            System::Icd10cm.normalize(second),
        );
        let names = |code: &str, other: &str| {
            self.excludes1(code, date)
                .into_iter()
                .find(|x| x.excludes.iter().any(|range| range.contains(other)))
        };
        names(&a, &b).or_else(|| names(&b, &a))
    }
}

fn code_ref(system: System, code: &str, description: &str, billable: bool) -> CodeRef {
    CodeRef {
        code: system.display(code),
        description: description.to_owned(),
        billable,
    }
}

fn icd_ref(index: &VersionIndex, position: u32) -> CodeRef {
    let e = index.entry(position);
    code_ref(System::Icd10cm, &e.code, &e.description, e.billable)
}

/// Ancestors of a (possibly non-existent) code, nearest first.
fn ancestors<'a>(index: &'a VersionIndex, code: &str) -> impl Iterator<Item = u32> + 'a {
    let mut current = code.to_owned();
    std::iter::from_fn(move || {
        let parent = index.parent_of(&current)?;
        current = index.entry(parent).code.to_string();
        Some(parent)
    })
}

/// The code itself (when it exists) and then its ancestors.
fn self_and_ancestors<'a>(index: &'a VersionIndex, code: &str) -> impl Iterator<Item = u32> + 'a {
    index
        .position(code)
        .into_iter()
        .chain(ancestors(index, code))
}

fn seventh_rule(index: &VersionIndex, code: &str) -> Option<SeventhCharacterRule> {
    self_and_ancestors(index, code).find_map(|i| {
        let notes = index.notes(i)?;
        (!notes.seventh_characters.is_empty()).then(|| SeventhCharacterRule {
            defined_at: System::Icd10cm.display(&index.entry(i).code),
            characters: notes.seventh_characters.clone(),
        })
    })
}

fn exclusions(index: &VersionIndex, code: &str) -> Vec<Exclusion> {
    self_and_ancestors(index, code)
        .filter_map(|i| index.notes(i).map(|n| (i, n)))
        .flat_map(|(i, notes)| {
            let at = System::Icd10cm.display(&index.entry(i).code);
            notes.excludes1.iter().map(move |note| Exclusion {
                defined_at: at.clone(),
                note: note.clone(),
                excludes: referenced_ranges(note),
            })
        })
        .collect()
}

/// Which patients a diagnosis can apply to, derived from where it sits in the classification (the
/// tabular list has no sex or age attributes; CMS's Medicare Code Editor lists would be finer):
/// - chapter 15 (O00–O9A, pregnancy, childbirth and the puerperium) and the pregnancy-status encounter
///   categories Z33, Z34, Z36, Z37, Z39 and Z3A: female patients only;
/// - chapter 16 (P00–P96, conditions originating in the perinatal period) and Z38 (liveborn infants by
///   place of birth): patients up to 28 days old (the neonatal period). Guideline I.C.16.a.4 allows a
///   P code later in life for a condition that persists, so `age_is_advisory` marks that case: the
///   scrubber should warn rather than block. Z38 is only for the birth record: not advisory.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Applicability {
    /// "F" when only female patients can have the code.
    pub sex: Option<String>,
    pub max_age_days: Option<u32>,
    pub age_is_advisory: bool,
    /// Why, in a few words, when either limit applies.
    pub reason: Option<String>,
}

pub const NEONATAL_DAYS: u32 = 28;

pub fn applicability(code: &str) -> Applicability {
    let code = System::Icd10cm.normalize(code);
    let female = |reason: &str| Applicability {
        sex: Some("F".into()),
        reason: Some(reason.into()),
        ..Applicability::default()
    };
    let newborn = |advisory: bool, reason: &str| Applicability {
        max_age_days: Some(NEONATAL_DAYS),
        age_is_advisory: advisory,
        reason: Some(reason.into()),
        ..Applicability::default()
    };
    let category = code.get(..3).unwrap_or("");
    if code.starts_with('O') {
        female("pregnancy, childbirth and the puerperium (chapter 15)")
    } else if matches!(category, "Z33" | "Z34" | "Z36" | "Z37" | "Z39" | "Z3A") {
        female("pregnancy-related encounter or status")
    } else if code.starts_with('P') && category <= "P96" {
        newborn(
            true,
            "condition originating in the perinatal period (chapter 16)",
        )
    } else if category == "Z38" {
        newborn(false, "liveborn infant, birth record only")
    } else {
        Applicability::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applicability_follows_chapters() {
        assert_eq!(applicability("O80").sex.as_deref(), Some("F"));
        assert_eq!(applicability("O9A.11").sex.as_deref(), Some("F"));
        assert_eq!(applicability("Z3A.20").sex.as_deref(), Some("F"));
        let perinatal = applicability("P07.30");
        assert_eq!(perinatal.max_age_days, Some(28));
        assert!(perinatal.age_is_advisory);
        let newborn = applicability("Z38.00");
        assert_eq!(
            (newborn.max_age_days, newborn.age_is_advisory),
            (Some(28), false)
        );
        assert_eq!(applicability("E11.9"), Applicability::default());
        assert_eq!(applicability("Z00.00"), Applicability::default());
    }
}
