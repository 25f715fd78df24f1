//! Code sets: versioned imports of ICD-10-CM, procedure codes (CPT file, HCPCS Level II), modifiers,
//! place of service, CARC/RARC and the CMS NCCI/MUE edits; an in-memory catalog for search and lookup.
//!
//! For encounters and the scrubber, the public API is:
//! - `Catalog` (in `AppState::catalog`): `catalog.fresh(&pool).await` in a handler or
//!   `catalog.refresh(conn, false)` inside a transaction gives an `Arc<Snapshot>`;
//! - on a `Snapshot`: `validity`, `describe`, `billable_descendants`, `detail`, `check_seventh_character`,
//!   `seventh_character_rule`, `excludes1`, `excludes1_conflict`, `search`;
//! - `applicability(code)` for the sex and age a diagnosis can apply to;
//! - `ncci_edit(conn, a, b, date)` and `mue_limit(conn, code, date)` (database lookups: real NCCI files
//!   hold millions of rows, too many to keep in memory).

pub mod catalog;
pub mod formats;
pub mod icd10cm;
pub mod import;
pub mod index;
pub mod lookup;
pub mod model;
pub mod notes;
pub mod routes;
pub mod search;
pub mod shipped;
pub mod store;

pub use catalog::{Catalog, Snapshot};
pub use lookup::{
    Applicability, CodeDetail, CodeRef, Exclusion, SeventhCharacterRule, SeventhCheck, Validity,
    applicability,
};
pub use model::{ModifierIndicator, MueLimit, NcciEdit, System, VersionInfo};
pub use notes::{CodeNotes, CodeRange, SeventhCharacter};
pub use store::{mue_limit, ncci_edit};
