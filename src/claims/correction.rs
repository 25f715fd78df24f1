//! Corrections: a new version of a claim the payer (or clearinghouse) already has. A replacement
//! (frequency 7) or void (8) names the payer's claim number (REF*F8); a rejected claim the payer never
//! accepted is resubmitted as an original (1). The new snapshot copies the previous one; a replacement
//! may give new diagnoses and lines (checked as an encounter's are). Pure: no database.

use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::ToSchema;

use super::build::{MAX_CLAIM_DIAGNOSES, is_lab_test};
use super::model::reference;
use super::snapshot::{ClaimSnapshot, Frequency, ServiceLine};
use crate::coding::encounters::model::{
    DiagnosisInput, LineInput, ValidLine, check_diagnoses, check_lines,
};
use crate::coding::values::DiagnosisCode;
use crate::db::ids::LineId;
use crate::directory::values::bounded_text;
use crate::error::{AppError, FieldError, Validator};

/// A correction as the API takes it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectionInput {
    /// `replacement` (7) or `void` (8); `original` (1) only resubmits a rejected claim.
    pub frequency: String,
    /// The payer's claim control number (REF*F8): required for a replacement or void.
    pub payer_claim_number: Option<String>,
    /// Why, at most 200 characters.
    pub reason: String,
    /// Replacement diagnoses in claim order (1 to 12); absent: the previous version's.
    pub diagnoses: Option<Vec<DiagnosisInput>>,
    /// Replacement lines, each with a charge; a line keeps its REF*6R id when sent with the `id` of a
    /// line of the previous version. Absent: the previous version's lines.
    pub lines: Option<Vec<LineInput>>,
}

#[derive(Debug, Clone)]
pub struct ValidCorrection {
    pub frequency: Frequency,
    pub payer_claim_number: Option<String>,
    pub reason: String,
    pub diagnoses: Option<Vec<DiagnosisCode>>,
    pub lines: Option<Vec<ValidLine>>,
}

fn frequency(text: &str) -> Result<Frequency, String> {
    match text.trim() {
        "original" => Ok(Frequency::Original),
        "replacement" => Ok(Frequency::Replacement),
        "void" => Ok(Frequency::Void),
        _ => Err("must be replacement, void or original".into()),
    }
}

fn check_payer_claim_number(
    v: &mut Validator,
    frequency: Option<Frequency>,
    input: Option<&str>,
) -> Option<Option<String>> {
    let number = v.optional("payer_claim_number", input, |s| reference(s, 50))?;
    match (frequency, &number) {
        (Some(Frequency::Original), Some(_)) => {
            v.reject(
                "payer_claim_number",
                "must be absent when resubmitting as an original",
            );
            None
        }
        _ => Some(number),
    }
}

fn check_new_lines(
    v: &mut Validator,
    input: Option<&[LineInput]>,
) -> Option<Option<Vec<ValidLine>>> {
    let Some(input) = input else {
        return Some(None);
    };
    if input.is_empty() {
        v.reject("lines", "a claim needs a line");
        return None;
    }
    let lines = check_lines(v, input)?;
    for (i, line) in lines.iter().enumerate() {
        if line.charge.is_none() {
            v.reject(
                &format!("lines[{i}].charge"),
                "is required on a corrected line",
            );
        }
        if line.diagnosis_pointers.is_empty() {
            v.reject(
                &format!("lines[{i}].diagnosis_pointers"),
                "a claim line points at one diagnosis at least",
            );
        }
    }
    Some(Some(lines))
}

impl TryFrom<&CorrectionInput> for ValidCorrection {
    type Error = AppError;

    fn try_from(input: &CorrectionInput) -> Result<Self, AppError> {
        let mut v = Validator::new();
        let freq = v.check("frequency", frequency(&input.frequency));
        let number = check_payer_claim_number(&mut v, freq, input.payer_claim_number.as_deref());
        let reason = v.check("reason", bounded_text(&input.reason, 200));
        let void = freq == Some(Frequency::Void);
        for (field, given) in [
            ("diagnoses", input.diagnoses.is_some()),
            ("lines", input.lines.is_some()),
        ] {
            if void && given {
                v.reject(field, "a void sends the previous version as it was");
            }
        }
        let diagnoses = match input.diagnoses.as_deref() {
            _ if void => Some(None),
            None => Some(None),
            Some(dx) if dx.is_empty() || dx.len() > MAX_CLAIM_DIAGNOSES => {
                v.reject("diagnoses", "a claim carries 1 to 12 diagnoses");
                None
            }
            Some(dx) => check_diagnoses(&mut v, dx).map(Some),
        };
        let lines = match void {
            true => Some(None),
            false => check_new_lines(&mut v, input.lines.as_deref()),
        };
        v.finish(|| {
            Some(ValidCorrection {
                frequency: freq?,
                payer_claim_number: number?,
                reason: reason?,
                diagnoses: diagnoses?,
                lines: lines?,
            })
        })
    }
}

fn service_line(previous: &ClaimSnapshot, line: &ValidLine) -> ServiceLine {
    let kept = line.id.as_ref().and_then(|id| {
        previous
            .claim
            .lines
            .iter()
            .find(|l| l.line_id == id.as_str())
    });
    ServiceLine {
        line_id: line.id.clone().unwrap_or_else(LineId::generate).to_string(),
        code: line.code.as_str().to_owned(),
        modifiers: line
            .modifiers
            .iter()
            .map(|m| m.as_str().to_owned())
            .collect(),
        charge: line.charge.unwrap_or_default(),
        units: Decimal::from(line.units),
        place_of_service: kept.and_then(|k| k.place_of_service.clone()),
        diagnosis_pointers: line
            .diagnosis_pointers
            .iter()
            .filter_map(|p| u8::try_from(*p).ok())
            .collect(),
        date_of_service: kept.map_or(previous.claim.date_of_service, |k| k.date_of_service),
        drug: kept.and_then(|k| k.drug.clone()),
        note: line.note.clone(),
    }
}

/// Lines that name an id must name a line of the previous version, and every pointer a diagnosis.
fn check_lines_fit(
    previous: &ClaimSnapshot,
    given: Option<&[ValidLine]>,
    lines: &[ServiceLine],
    diagnoses: usize,
    errors: &mut Vec<FieldError>,
) {
    for (i, line) in given.unwrap_or_default().iter().enumerate() {
        let known = line.id.as_ref().is_none_or(|id| {
            previous
                .claim
                .lines
                .iter()
                .any(|l| l.line_id == id.as_str())
        });
        if !known {
            errors.push(FieldError::new(
                format!("lines[{i}].id"),
                "is not a line of this claim",
            ));
        }
    }
    let prefix = if given.is_some() {
        "lines"
    } else {
        "diagnoses"
    };
    for (i, line) in lines.iter().enumerate() {
        for (j, p) in line.diagnosis_pointers.iter().enumerate() {
            if usize::from(*p) > diagnoses {
                let field = match given {
                    Some(_) => format!("{prefix}[{i}].diagnosis_pointers[{j}]"),
                    None => prefix.to_owned(),
                };
                errors.push(FieldError::new(
                    field,
                    format!(
                        "line {} points at diagnosis {p}, which the claim no longer has",
                        i + 1
                    ),
                ));
            }
        }
    }
}

/// The snapshot of version `version` (CLM01 `{claim_number}-{version}`), or why it cannot be made.
pub fn apply(
    previous: &ClaimSnapshot,
    c: &ValidCorrection,
    claim_number: &str,
    version: i32,
    practice_clia: Option<&str>,
) -> Result<ClaimSnapshot, Vec<FieldError>> {
    let mut next = previous.clone();
    let claim = &mut next.claim;
    claim.claim_number = clm01(claim_number, version);
    claim.version = version;
    claim.frequency = c.frequency;
    claim.payer_claim_number = c.payer_claim_number.clone();
    if let Some(dx) = &c.diagnoses {
        claim.diagnoses = dx.iter().map(|d| d.as_str().to_owned()).collect();
    }
    if let Some(lines) = &c.lines {
        claim.lines = lines.iter().map(|l| service_line(previous, l)).collect();
    }
    let mut errors = Vec::new();
    let given = c.lines.as_deref();
    check_lines_fit(
        previous,
        given,
        &claim.lines,
        claim.diagnoses.len(),
        &mut errors,
    );
    claim.total_charge = claim.lines.iter().map(|l| l.charge).sum();
    let lab = claim.lines.iter().any(|l| is_lab_test(&l.code, None));
    if lab && claim.clia_number.is_none() {
        match practice_clia {
            Some(clia) => claim.clia_number = Some(clia.to_owned()),
            None => errors.push(FieldError::new(
                "practice.clia_number",
                "the claim bills lab tests: the practice's CLIA number is required (REF*X4)",
            )),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    super::build::writable(&next)?;
    Ok(next)
}

/// CLM01 of a version: the claim number for the first, `{claim_number}-{version}` after.
pub fn clm01(claim_number: &str, version: i32) -> String {
    if version <= 1 {
        claim_number.to_owned()
    } else {
        format!("{claim_number}-{version}")
    }
}

#[cfg(test)]
#[path = "correction_tests.rs"]
mod tests;
