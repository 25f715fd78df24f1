//! What the scrubber asks of the code sets. The catalog implements it; tests implement it with a few
//! invented facts. Codes are passed without the ICD-10-CM dot, upper case.

use chrono::NaiveDate;

pub use crate::coding::codesets::{CodeRange, ModifierIndicator};
use crate::directory::values::Sex;

/// A code's standing on a date of service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeStatus {
    /// In a version covering the date and billable.
    Billable,
    /// Known on the date but a header: these are its billable codes (display form, a few at most).
    Header { billable_children: Vec<String> },
    /// In no version covering the date.
    Unknown,
}

/// The 7th characters a code's category requires (ICD-10-CM `sevenChrDef`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeventhCharacters {
    /// The code (category or subcategory) whose note defines them, display form.
    pub defined_by: String,
    /// Each allowed character and its meaning (`A`, "initial encounter").
    pub allowed: Vec<(char, String)>,
}

/// Who a diagnosis can apply to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Applicability {
    /// Only patients of this sex.
    pub sex: Option<Sex>,
    /// Only patients at most this many days old on the date of service.
    pub max_age_days: Option<u32>,
    /// The age limit is for the coder to judge (a warning), not a rejection.
    pub age_is_advisory: bool,
}

pub trait CodeFacts {
    /// An ICD-10-CM code on the date of service.
    fn diagnosis(&self, code: &str, date: NaiveDate) -> CodeStatus;
    /// The 7th characters required by the code's category or subcategory, if any.
    fn seventh_characters(&self, code: &str, date: NaiveDate) -> Option<SeventhCharacters>;
    /// The codes the code's Excludes1 notes (its own and its ancestors') exclude.
    fn excludes1(&self, code: &str, date: NaiveDate) -> Vec<CodeRange>;
    /// The sex and age the diagnosis applies to.
    fn applicability(&self, code: &str) -> Applicability;
    /// A CPT or HCPCS code on the date of service.
    fn procedure(&self, code: &str, date: NaiveDate) -> CodeStatus;
    /// Whether the modifier is known on the date.
    fn modifier_known(&self, modifier: &str, date: NaiveDate) -> bool;
    /// The MUE: most units of the code per day of service, if it has one.
    fn mue_limit(&self, code: &str, date: NaiveDate) -> Option<u32>;
    /// The NCCI edit with `column1` as the comprehensive code and `column2` the component, in effect on the date.
    fn ncci_edit(&self, column1: &str, column2: &str, date: NaiveDate)
    -> Option<ModifierIndicator>;
}
