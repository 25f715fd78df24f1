//! The code sets shipped in `codesets/` (embedded in the binary so a service started from any folder has
//! them), imported on start under the start-up lock unless settings say otherwise.

use chrono::NaiveDate;

use super::import::{self, ImportError, ImportOutcome, ImportRequest, SourceFile};
use super::model::System;
use crate::audit::AuditActor;
use crate::db::DbConnection;

/// Which shipped sets a start imports (`BACKOFFICE_CODESETS_ON_START`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnStart {
    /// Everything shipped (the default for a real service).
    All,
    /// Everything but the full ICD-10-CM release (tests; a practice importing its own release).
    Small,
    None,
}

impl OnStart {
    pub fn parse(input: &str) -> Result<Self, String> {
        match input.trim().to_ascii_lowercase().as_str() {
            "all" => Ok(OnStart::All),
            "small" => Ok(OnStart::Small),
            "none" => Ok(OnStart::None),
            other => Err(format!("must be all, small or none, got {other:?}")),
        }
    }
}

pub struct ShippedSet {
    pub system: System,
    pub label: &'static str,
    pub effective_from: &'static str,
    pub files: &'static [(&'static str, &'static [u8])],
    /// Large: skipped by `OnStart::Small`.
    pub large: bool,
}

macro_rules! shipped_file {
    ($path:literal) => {
        (
            $path,
            include_bytes!(concat!("../../../codesets/", $path)) as &[u8],
        )
    };
}

/// Everything in `codesets/` that a service imports (the invented NCCI, MUE and HCPCS samples under
/// `codesets/samples/` are for tests only and are not imported).
pub const SHIPPED: &[ShippedSet] = &[
    ShippedSet {
        system: System::Icd10cm,
        label: "2026-04 (April 1, 2026 update)",
        effective_from: "2026-04-01",
        files: &[
            shipped_file!("icd10cm/icd10cm-2026-04.tsv.gz"),
            shipped_file!("icd10cm/icd10cm-tabular-2026-04.xml.gz"),
        ],
        large: true,
    },
    ShippedSet {
        system: System::Pos,
        label: "CMS place of service codes",
        effective_from: "2020-01-01",
        files: &[shipped_file!("pos/pos.tsv")],
        large: false,
    },
    ShippedSet {
        system: System::Modifier,
        label: "common procedure modifiers",
        effective_from: "2020-01-01",
        files: &[shipped_file!("modifiers/modifiers.tsv")],
        large: false,
    },
    ShippedSet {
        system: System::Carc,
        label: "common claim adjustment reason codes",
        effective_from: "2020-01-01",
        files: &[shipped_file!("carc/carc.tsv")],
        large: false,
    },
    ShippedSet {
        system: System::Rarc,
        label: "common remittance advice remark codes",
        effective_from: "2020-01-01",
        files: &[shipped_file!("rarc/rarc.tsv")],
        large: false,
    },
    ShippedSet {
        system: System::Cpt,
        label: "sample (invented descriptions, not CPT text)",
        effective_from: "2025-01-01",
        files: &[shipped_file!("procedures-sample/procedures-sample.csv")],
        large: false,
    },
];

impl ShippedSet {
    pub fn request(&self) -> ImportRequest {
        ImportRequest {
            system: self.system,
            label: self.label.to_owned(),
            effective_from: NaiveDate::parse_from_str(self.effective_from, "%Y-%m-%d")
                .expect("shipped date"),
            effective_to: None,
            files: self
                .files
                .iter()
                .map(|(path, bytes)| SourceFile {
                    name: path.rsplit('/').next().unwrap_or(path).to_owned(),
                    bytes: bytes.to_vec(),
                })
                .collect(),
        }
    }
}

/// Imports the shipped sets `mode` selects; those already imported (same checksum) are skipped cheaply.
/// Returns the sets newly imported.
pub fn import_shipped(conn: &mut DbConnection, mode: OnStart) -> Result<Vec<String>, ImportError> {
    let actor = AuditActor::system("startup");
    let mut imported = Vec::new();
    for set in SHIPPED {
        let wanted = match mode {
            OnStart::All => true,
            OnStart::Small => !set.large,
            OnStart::None => false,
        };
        if !wanted {
            continue;
        }
        if let ImportOutcome::Imported(v) = import::import(conn, &actor, &set.request(), &())? {
            imported.push(format!(
                "{} {} ({} codes)",
                v.system, v.label, v.entry_count
            ));
        }
    }
    Ok(imported)
}
