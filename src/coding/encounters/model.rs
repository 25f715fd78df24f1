//! Encounters as the API takes and shows them. Input is checked here for shape (codes, counts, amounts,
//! dates); whether codes are valid on the date of service and fit together is the scrubber's business, so
//! a coder can save work in progress and see every finding at once.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::coding::values::{DiagnosisCode, Modifier, ProcedureCode};
use crate::db::ids::{EncounterId, LineId, LocationId, PatientId, PolicyId, ProviderId};
use crate::directory::patients::parse_date;
use crate::directory::values::bounded_text;
use crate::error::{AppError, Validator};
use crate::money;

/// A claim carries 12 diagnoses; more may be stored while coding (the scrubber flags them).
pub const MAX_STORED_DIAGNOSES: usize = 24;
pub const MAX_LINES: usize = 50;
pub const MAX_MODIFIERS: usize = 4;
pub const MAX_POINTERS: usize = 4;
pub const MAX_UNITS: i32 = 9999;

/// Where an encounter is on its way to a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Being documented; codes may be missing.
    Open,
    /// Coded, not yet checked.
    Coded,
    /// Scrubbed without errors: may be billed.
    Ready,
    /// On a claim: no longer editable.
    Billed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Coded => "coded",
            Status::Ready => "ready",
            Status::Billed => "billed",
        }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        match text.trim() {
            "open" => Ok(Status::Open),
            "coded" => Ok(Status::Coded),
            "ready" => Ok(Status::Ready),
            "billed" => Ok(Status::Billed),
            _ => Err("must be open, coded, ready or billed".into()),
        }
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DiagnosisInput {
    /// ICD-10-CM, with or without the dot (`E11.9`, `E119`).
    pub code: String,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineInput {
    /// The id of a line of this encounter to keep (its id is what a remittance names); absent for a new line.
    pub id: Option<String>,
    /// CPT or HCPCS code.
    pub code: String,
    /// Up to four two-character modifiers.
    #[serde(default)]
    pub modifiers: Vec<String>,
    /// 1 to 9999; 1 when absent.
    pub units: Option<i32>,
    /// Decimal string. Absent: the price from the fee schedule (the policy's payer's, else the default) times units.
    pub charge: Option<String>,
    /// Positions (1-based) in `diagnoses`, up to four, the first the most relevant.
    #[serde(default)]
    pub diagnosis_pointers: Vec<i32>,
    pub note: Option<String>,
    /// The lab specimen this line bills, when it came from one.
    pub specimen_id: Option<String>,
    /// The lab order this line bills, when it came from one.
    pub order_id: Option<String>,
}

/// An encounter as opened or replaced through the API.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EncounterInput {
    pub patient_id: String,
    pub rendering_provider_id: String,
    pub billing_provider_id: String,
    pub location_id: String,
    /// The patient's policy billed for this encounter; absent for self-pay.
    pub policy_id: Option<String>,
    /// `YYYY-MM-DD`.
    pub date_of_service: String,
    #[serde(default)]
    pub diagnoses: Vec<DiagnosisInput>,
    #[serde(default)]
    pub lines: Vec<LineInput>,
    /// On replace: the version read (or send If-Match). Ignored on create.
    pub version: Option<i32>,
}

/// A line whose every field has the right shape. `charge` is `None` when the schedule prices it.
#[derive(Debug, Clone)]
pub struct ValidLine {
    pub id: Option<LineId>,
    pub code: ProcedureCode,
    pub modifiers: Vec<Modifier>,
    pub units: i32,
    pub charge: Option<Decimal>,
    pub diagnosis_pointers: Vec<i32>,
    pub note: Option<String>,
    pub specimen_id: Option<String>,
    pub order_id: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ValidEncounter {
    pub patient_id: PatientId,
    pub rendering_provider_id: ProviderId,
    pub billing_provider_id: ProviderId,
    pub location_id: LocationId,
    pub policy_id: Option<PolicyId>,
    pub date_of_service: NaiveDate,
    pub diagnoses: Vec<DiagnosisCode>,
    pub lines: Vec<ValidLine>,
}

impl ValidEncounter {
    /// Whether the input codes anything (front desk may open encounters, not code them).
    pub fn has_coding(&self) -> bool {
        !self.diagnoses.is_empty() || !self.lines.is_empty()
    }
}

fn reference(input: &str) -> Result<String, String> {
    let text = bounded_text(input, 64)?;
    let ok = text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !ok {
        return Err("may contain only letters, digits and -".into());
    }
    Ok(text)
}

fn check_modifiers(v: &mut Validator, path: &str, input: &[String]) -> Option<Vec<Modifier>> {
    if input.len() > MAX_MODIFIERS {
        v.reject(&format!("{path}.modifiers"), "at most 4 modifiers");
        return None;
    }
    let parsed: Vec<Option<Modifier>> = input
        .iter()
        .enumerate()
        .map(|(i, m)| v.check(&format!("{path}.modifiers[{i}]"), Modifier::parse(m)))
        .collect();
    parsed.into_iter().collect()
}

fn check_pointers(v: &mut Validator, path: &str, input: &[i32]) -> Option<Vec<i32>> {
    if input.len() > MAX_POINTERS {
        v.reject(&format!("{path}.diagnosis_pointers"), "at most 4 pointers");
        return None;
    }
    let mut ok = true;
    for (i, pointer) in input.iter().enumerate() {
        // Whether a diagnosis sits at that position is a scrubber finding, so work in progress saves.
        if !(1..=MAX_STORED_DIAGNOSES as i32).contains(pointer) {
            v.reject(
                &format!("{path}.diagnosis_pointers[{i}]"),
                format!("must be a diagnosis position from 1 to {MAX_STORED_DIAGNOSES}"),
            );
            ok = false;
        }
        if input[..i].contains(pointer) {
            v.reject(&format!("{path}.diagnosis_pointers[{i}]"), "is repeated");
            ok = false;
        }
    }
    ok.then(|| input.to_vec())
}

fn check_line(v: &mut Validator, path: &str, line: &LineInput) -> Option<ValidLine> {
    let id = v.optional(&format!("{path}.id"), line.id.as_deref(), LineId::parse);
    let code = v.check(&format!("{path}.code"), ProcedureCode::parse(&line.code));
    let modifiers = check_modifiers(v, path, &line.modifiers);
    let units = line.units.unwrap_or(1);
    if !(1..=MAX_UNITS).contains(&units) {
        v.reject(&format!("{path}.units"), "must be from 1 to 9999");
    }
    let charge = v.optional(
        &format!("{path}.charge"),
        line.charge.as_deref(),
        money::parse_amount,
    );
    let diagnosis_pointers = check_pointers(v, path, &line.diagnosis_pointers);
    let note = v.optional(&format!("{path}.note"), line.note.as_deref(), |s| {
        bounded_text(s, 80)
    });
    let specimen_id = v.optional(
        &format!("{path}.specimen_id"),
        line.specimen_id.as_deref(),
        reference,
    );
    let order_id = v.optional(
        &format!("{path}.order_id"),
        line.order_id.as_deref(),
        reference,
    );
    Some(ValidLine {
        id: id?,
        code: code?,
        modifiers: modifiers?,
        units,
        charge: charge?,
        diagnosis_pointers: diagnosis_pointers?,
        note: note?,
        specimen_id: specimen_id?,
        order_id: order_id?,
    })
}

pub fn check_diagnoses(v: &mut Validator, input: &[DiagnosisInput]) -> Option<Vec<DiagnosisCode>> {
    if input.len() > MAX_STORED_DIAGNOSES {
        v.reject("diagnoses", "at most 24 diagnoses (a claim carries 12)");
        return None;
    }
    let parsed: Vec<Option<DiagnosisCode>> = input
        .iter()
        .enumerate()
        .map(|(i, d)| {
            v.check(
                &format!("diagnoses[{i}].code"),
                DiagnosisCode::parse(&d.code),
            )
        })
        .collect();
    parsed.into_iter().collect()
}

pub fn check_lines(v: &mut Validator, input: &[LineInput]) -> Option<Vec<ValidLine>> {
    if input.len() > MAX_LINES {
        v.reject("lines", "at most 50 lines");
        return None;
    }
    let lines: Vec<Option<ValidLine>> = input
        .iter()
        .enumerate()
        .map(|(i, line)| check_line(v, &format!("lines[{i}]"), line))
        .collect();
    let lines: Option<Vec<ValidLine>> = lines.into_iter().collect();
    if let Some(lines) = &lines {
        for (i, line) in lines.iter().enumerate() {
            let repeated = line.id.is_some() && lines[..i].iter().any(|l| l.id == line.id);
            if repeated {
                v.reject(&format!("lines[{i}].id"), "names a line already given");
            }
        }
    }
    lines
}

impl TryFrom<&EncounterInput> for ValidEncounter {
    type Error = AppError;

    fn try_from(input: &EncounterInput) -> Result<Self, AppError> {
        let mut v = Validator::new();
        let patient_id = v.check("patient_id", PatientId::parse(&input.patient_id));
        let rendering = v.check(
            "rendering_provider_id",
            ProviderId::parse(&input.rendering_provider_id),
        );
        let billing = v.check(
            "billing_provider_id",
            ProviderId::parse(&input.billing_provider_id),
        );
        let location_id = v.check("location_id", LocationId::parse(&input.location_id));
        let policy_id = v.optional("policy_id", input.policy_id.as_deref(), PolicyId::parse);
        let date_of_service = v.check("date_of_service", parse_date(&input.date_of_service));
        let diagnoses = check_diagnoses(&mut v, &input.diagnoses);
        let lines = check_lines(&mut v, &input.lines);
        v.finish(|| {
            Some(ValidEncounter {
                patient_id: patient_id?,
                rendering_provider_id: rendering?,
                billing_provider_id: billing?,
                location_id: location_id?,
                policy_id: policy_id?,
                date_of_service: date_of_service?,
                diagnoses: diagnoses?,
                lines: lines?,
            })
        })
    }
}

/// Where a line's charge came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChargeSource {
    /// Priced from the fee schedule when saved.
    Schedule,
    /// Given by the coder.
    Manual,
}

impl ChargeSource {
    pub fn as_str(self) -> &'static str {
        match self {
            ChargeSource::Schedule => "schedule",
            ChargeSource::Manual => "manual",
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Diagnosis {
    /// 1-based; line pointers name it. Position 1 is the primary diagnosis.
    pub position: i32,
    #[schema(value_type = String, example = "E11.9")]
    pub code: DiagnosisCode,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Line {
    pub id: LineId,
    pub position: i32,
    #[schema(value_type = String, example = "80053")]
    pub code: ProcedureCode,
    #[schema(value_type = Vec<String>)]
    pub modifiers: Vec<Modifier>,
    pub units: i32,
    /// Decimal string: the line's total (price times units when priced from the schedule).
    #[schema(value_type = String, example = "42.00")]
    pub charge: Decimal,
    pub charge_source: ChargeSource,
    pub diagnosis_pointers: Vec<i32>,
    pub note: Option<String>,
    pub specimen_id: Option<String>,
    pub order_id: Option<String>,
}

/// An encounter as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Encounter {
    pub id: EncounterId,
    pub patient_id: PatientId,
    pub rendering_provider_id: ProviderId,
    pub billing_provider_id: ProviderId,
    pub location_id: LocationId,
    pub policy_id: Option<PolicyId>,
    pub date_of_service: NaiveDate,
    pub status: Status,
    pub diagnoses: Vec<Diagnosis>,
    pub lines: Vec<Line>,
    /// Sum of the line charges, decimal string.
    #[schema(value_type = String, example = "84.00")]
    pub total_charge: Decimal,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
