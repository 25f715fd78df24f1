//! Code systems, what an import carries, and the codes of one version as the catalog holds them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A code system the service knows. Each import is one version of exactly one system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum System {
    /// ICD-10-CM diagnoses (CDC/NCHS).
    Icd10cm,
    /// CPT (AMA, licensed) and the shipped sample of invented-description procedure codes.
    Cpt,
    /// HCPCS Level II (CMS).
    Hcpcs,
    /// Procedure modifiers.
    Modifier,
    /// CMS place of service codes.
    Pos,
    /// Claim adjustment reason codes.
    Carc,
    /// Remittance advice remark codes.
    Rarc,
    /// CMS NCCI procedure-to-procedure edits (practitioner).
    NcciPtp,
    /// CMS medically unlikely edits (practitioner).
    Mue,
}

impl System {
    pub const ALL: [System; 9] = [
        System::Icd10cm,
        System::Cpt,
        System::Hcpcs,
        System::Modifier,
        System::Pos,
        System::Carc,
        System::Rarc,
        System::NcciPtp,
        System::Mue,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            System::Icd10cm => "icd10cm",
            System::Cpt => "cpt",
            System::Hcpcs => "hcpcs",
            System::Modifier => "modifier",
            System::Pos => "pos",
            System::Carc => "carc",
            System::Rarc => "rarc",
            System::NcciPtp => "ncci_ptp",
            System::Mue => "mue",
        }
    }

    pub fn parse(input: &str) -> Result<System, String> {
        let wanted = input.trim().to_ascii_lowercase().replace('-', "_");
        System::ALL
            .into_iter()
            .find(|s| s.as_str() == wanted)
            .ok_or_else(|| {
                let names: Vec<_> = System::ALL.iter().map(|s| s.as_str()).collect();
                format!("must be one of {}", names.join(", "))
            })
    }

    /// Systems whose versions hold codes (searchable); NCCI and MUE hold edits instead.
    pub fn has_codes(self) -> bool {
        !matches!(self, System::NcciPtp | System::Mue)
    }

    /// The code as stored and indexed: upper case, no dot, no spaces (ICD-10-CM's dot is display only).
    pub fn normalize(self, code: &str) -> String {
        code.trim()
            .chars()
            .filter(|c| !c.is_whitespace() && (*c != '.' || !matches!(self, System::Icd10cm)))
            .flat_map(char::to_uppercase)
            .collect()
    }

    /// The code as people read it: ICD-10-CM with its dot after the category (E119 → E11.9).
    pub fn display(self, code: &str) -> String {
        if self == System::Icd10cm && code.len() > 3 {
            format!("{}.{}", &code[..3], &code[3..])
        } else {
            code.to_owned()
        }
    }
}

impl std::fmt::Display for System {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// One code of an import.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCode {
    pub code: String,
    pub description: String,
    pub short_description: Option<String>,
    pub billable: bool,
    /// JSON of the code's own notes (ICD-10-CM instructional notes), when it has any.
    pub notes: Option<String>,
}

/// One NCCI procedure-to-procedure edit row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NcciEdit {
    pub column1: String,
    pub column2: String,
    pub effective_date: NaiveDate,
    pub deletion_date: Option<NaiveDate>,
    /// '0' no modifier allows the pair, '1' an NCCI-associated modifier allows it, '9' not applicable.
    pub modifier_indicator: ModifierIndicator,
    pub rationale: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ModifierIndicator {
    #[serde(rename = "0")]
    NotAllowed,
    #[serde(rename = "1")]
    Allowed,
    #[serde(rename = "9")]
    NotApplicable,
}

impl ModifierIndicator {
    pub fn parse(input: &str) -> Result<Self, String> {
        match input.trim() {
            "0" => Ok(Self::NotAllowed),
            "1" => Ok(Self::Allowed),
            "9" => Ok(Self::NotApplicable),
            other => Err(format!(
                "modifier indicator must be 0, 1 or 9, got {other:?}"
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotAllowed => "0",
            Self::Allowed => "1",
            Self::NotApplicable => "9",
        }
    }
}

/// One MUE row: at most `max_units` of `code` per patient per day of service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MueLimit {
    pub code: String,
    pub max_units: i32,
    pub adjudication_indicator: String,
    pub rationale: String,
}

/// What one import file (or file group) holds.
#[derive(Debug, Clone)]
pub enum Payload {
    Codes(Vec<NewCode>),
    Ncci(Vec<NcciEdit>),
    Mue(Vec<MueLimit>),
}

impl Payload {
    pub fn len(&self) -> usize {
        match self {
            Payload::Codes(rows) => rows.len(),
            Payload::Ncci(rows) => rows.len(),
            Payload::Mue(rows) => rows.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A stored version of a code system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct VersionInfo {
    pub id: String,
    #[schema(value_type = String)]
    pub system: System,
    pub label: String,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    pub checksum: String,
    pub source: String,
    pub entry_count: i64,
    /// Import order: a later import wins over an earlier one covering the same date.
    pub seq: i64,
}

impl VersionInfo {
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.effective_from <= date && self.effective_to.is_none_or(|to| date <= to)
    }
}
