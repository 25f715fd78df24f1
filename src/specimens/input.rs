//! Request bodies for orders and aliquots, the checked values they become, and the field rules the other
//! bodies share. Every rule that needs no database is here; a 422 names each bad field by its JSON path
//! (`tests[1].code`).

use serde::Deserialize;
use utoipa::ToSchema;

use crate::coding::values::DiagnosisCode;
use crate::db::ids::{PatientId, ProviderId, StationId};
use crate::error::{AppError, AppResult, Validator};

/// The most tests one order may request.
pub const MAX_TESTS: usize = 50;
/// The largest volume anything may hold or take: one litre, in microlitres.
pub const MAX_VOLUME_UL: i64 = 1_000_000;
/// The most aliquots one request may split off.
pub const MAX_ALIQUOTS: u32 = 20;
/// The most diagnoses a requisition gives (what one claim carries).
pub const MAX_ORDER_DIAGNOSES: usize = 12;
/// The most diagnoses one test points at (what one claim line carries).
pub const MAX_TEST_POINTERS: usize = 4;

/// A CPT or HCPCS Level II code: five digits, four digits and `F`/`T`/`U` (CPT categories II, III and
/// PLA), or a letter A–V and four digits (HCPCS).
pub fn procedure_code(input: &str) -> Result<String, String> {
    let code = input.trim().to_ascii_uppercase();
    let b = code.as_bytes();
    let cpt = b.len() == 5
        && b[..4].iter().all(u8::is_ascii_digit)
        && (b[4].is_ascii_digit() || matches!(b[4], b'F' | b'T' | b'U'));
    let hcpcs =
        b.len() == 5 && (b'A'..=b'V').contains(&b[0]) && b[1..].iter().all(u8::is_ascii_digit);
    if cpt || hcpcs {
        Ok(code)
    } else {
        Err("must be a CPT or HCPCS code: 5 characters such as 85025, 0001U or G0103".into())
    }
}

/// Free text a person typed: trimmed, at most `max` characters, no control characters.
pub fn text(input: &str, max: usize) -> Result<String, String> {
    let text = input.trim();
    if text.is_empty() {
        return Err("must not be empty".into());
    }
    if text.chars().count() > max {
        return Err(format!("must be at most {max} characters"));
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        return Err("must not contain control characters".into());
    }
    Ok(text.to_owned())
}

pub(super) fn volume(value: i64) -> Result<i64, String> {
    if (1..=MAX_VOLUME_UL).contains(&value) {
        Ok(value)
    } else {
        Err(format!("must be between 1 and {MAX_VOLUME_UL} microlitres"))
    }
}

pub(super) fn note(v: &mut Validator, input: Option<&str>) -> Option<Option<String>> {
    v.optional("note", input, |t| text(t, 1000))
}

/// A whole number within `range`, or why not.
pub(super) fn in_range(
    value: Option<i32>,
    range: std::ops::RangeInclusive<i32>,
    unit: &str,
) -> Result<i32, String> {
    match value {
        None => Err("is required".into()),
        Some(v) if range.contains(&v) => Ok(v),
        Some(_) => Err(format!(
            "must be between {} and {} {unit}",
            range.start(),
            range.end()
        )),
    }
}

/// A container type code: 2 to 20 capital letters, digits or `_`.
pub fn container_code(input: &str) -> Result<String, String> {
    let code = input.trim().to_ascii_uppercase();
    let ok = (2..=20).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    ok.then_some(code)
        .ok_or_else(|| "must be 2 to 20 letters, digits or `_` (such as SST)".into())
}

/// A lab order as the front desk sends it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderInput {
    pub patient_id: String,
    /// The ordering provider.
    pub provider_id: String,
    /// The encounter the order belongs to, when there is one.
    pub encounter_id: Option<String>,
    /// `routine` (default) or `stat`.
    pub priority: Option<String>,
    /// 1 to 50 tests; one specimen is created per distinct container type.
    pub tests: Vec<TestInput>,
    /// Up to 12 ICD-10-CM codes justifying the tests (`E11.9` or `E119`). When the order's encounter is
    /// billed, its lab lines point at these. Whether each is billable on the date of service is the
    /// encounter scrubber's business.
    #[serde(default)]
    pub diagnoses: Vec<String>,
    pub clinical_note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TestInput {
    /// CPT or HCPCS code (`85025`, `0001U`, `G0103`).
    pub code: String,
    /// A configured container type code (`SST`, `LAV_EDTA`, …).
    pub container_type: String,
    /// The least volume the test needs, in microlitres.
    pub min_volume_ul: i64,
    /// Positions (1-based) in the order's `diagnoses` this test serves, up to four, most relevant first.
    /// Absent: the order's first four.
    #[serde(default)]
    pub diagnosis_pointers: Vec<i32>,
}

#[derive(Debug, Clone)]
pub struct ValidTest {
    pub code: String,
    pub container_type: String,
    pub min_volume_ul: i64,
    pub diagnosis_pointers: Vec<i32>,
}

#[derive(Debug, Clone)]
pub struct ValidOrder {
    pub patient_id: PatientId,
    pub provider_id: ProviderId,
    pub encounter_id: Option<String>,
    pub priority: String,
    pub tests: Vec<ValidTest>,
    pub diagnoses: Vec<DiagnosisCode>,
    pub clinical_note: Option<String>,
}

impl TryFrom<&OrderInput> for ValidOrder {
    type Error = AppError;

    fn try_from(input: &OrderInput) -> AppResult<ValidOrder> {
        let mut v = Validator::new();
        let patient_id = v.check("patient_id", PatientId::parse(&input.patient_id));
        let provider_id = v.check("provider_id", ProviderId::parse(&input.provider_id));
        let encounter_id = v.optional("encounter_id", input.encounter_id.as_deref(), |t| {
            uuid::Uuid::parse_str(t)
                .map(|u| u.hyphenated().to_string())
                .map_err(|_| "must be a UUID".to_owned())
        });
        let priority = match input.priority.as_deref().map(str::trim) {
            None | Some("") | Some("routine") => Some("routine".to_owned()),
            Some("stat") => Some("stat".to_owned()),
            Some(_) => {
                v.reject("priority", "must be one of: routine, stat");
                None
            }
        };
        if input.tests.is_empty() || input.tests.len() > MAX_TESTS {
            v.reject("tests", format!("must list 1 to {MAX_TESTS} tests"));
        }
        let diagnoses = order_diagnoses(&mut v, &input.diagnoses);
        let mut tests = Vec::new();
        for (i, test) in input.tests.iter().enumerate() {
            let code = v.check(&format!("tests[{i}].code"), procedure_code(&test.code));
            let container = v.check(
                &format!("tests[{i}].container_type"),
                container_code(&test.container_type),
            );
            let min = v.check(
                &format!("tests[{i}].min_volume_ul"),
                volume(test.min_volume_ul),
            );
            if let Some(code) = &code
                && tests.iter().any(|t: &ValidTest| &t.code == code)
            {
                v.reject(&format!("tests[{i}].code"), "is requested twice");
            }
            let pointers =
                test_pointers(&mut v, i, &test.diagnosis_pointers, input.diagnoses.len());
            if let (
                Some(code),
                Some(container_type),
                Some(min_volume_ul),
                Some(diagnosis_pointers),
            ) = (code, container, min, pointers)
            {
                tests.push(ValidTest {
                    code,
                    container_type,
                    min_volume_ul,
                    diagnosis_pointers,
                });
            }
        }
        let clinical_note = v.optional("clinical_note", input.clinical_note.as_deref(), |t| {
            text(t, 2000)
        });
        v.finish(|| {
            Some(ValidOrder {
                patient_id: patient_id?,
                provider_id: provider_id?,
                encounter_id: encounter_id?,
                priority: priority?,
                tests,
                diagnoses: diagnoses?,
                clinical_note: clinical_note?,
            })
        })
    }
}

/// The requisition's diagnoses: up to 12 ICD-10-CM codes, none twice.
fn order_diagnoses(v: &mut Validator, input: &[String]) -> Option<Vec<DiagnosisCode>> {
    if input.len() > MAX_ORDER_DIAGNOSES {
        v.reject(
            "diagnoses",
            format!("at most {MAX_ORDER_DIAGNOSES} diagnoses"),
        );
        return None;
    }
    let mut codes: Vec<DiagnosisCode> = Vec::with_capacity(input.len());
    let mut ok = true;
    for (i, text) in input.iter().enumerate() {
        match v.check(&format!("diagnoses[{i}]"), DiagnosisCode::parse(text)) {
            Some(code) if codes.contains(&code) => {
                v.reject(&format!("diagnoses[{i}]"), "is given twice");
                ok = false;
            }
            Some(code) => codes.push(code),
            None => ok = false,
        }
    }
    ok.then_some(codes)
}

/// A test's pointers into the order's diagnoses; absent, the first four (so every line is justified).
fn test_pointers(
    v: &mut Validator,
    test: usize,
    input: &[i32],
    diagnoses: usize,
) -> Option<Vec<i32>> {
    let field = format!("tests[{test}].diagnosis_pointers");
    if input.is_empty() {
        return Some((1..=diagnoses.min(MAX_TEST_POINTERS) as i32).collect());
    }
    if input.len() > MAX_TEST_POINTERS {
        v.reject(&field, format!("at most {MAX_TEST_POINTERS} pointers"));
        return None;
    }
    let mut ok = true;
    for (i, pointer) in input.iter().enumerate() {
        if !(1..=diagnoses as i32).contains(pointer) {
            let reason = match diagnoses {
                0 => "points at a diagnosis, but the order gives none".to_owned(),
                n => format!("must be a position in diagnoses, from 1 to {n}"),
            };
            v.reject(&format!("{field}[{i}]"), reason);
            ok = false;
        } else if input[..i].contains(pointer) {
            v.reject(&format!("{field}[{i}]"), "is repeated");
            ok = false;
        }
    }
    ok.then(|| input.to_vec())
}

impl ValidOrder {
    /// The specimens the order needs: one per distinct container, with its tests and their total volume,
    /// in the order the containers were first requested.
    pub fn containers(&self) -> Vec<(String, Vec<String>, i64)> {
        let mut out: Vec<(String, Vec<String>, i64)> = Vec::new();
        for test in &self.tests {
            match out.iter_mut().find(|(c, _, _)| *c == test.container_type) {
                Some((_, codes, volume)) => {
                    codes.push(test.code.clone());
                    *volume += test.min_volume_ul;
                }
                None => out.push((
                    test.container_type.clone(),
                    vec![test.code.clone()],
                    test.min_volume_ul,
                )),
            }
        }
        out
    }
}

/// Splitting a specimen into aliquots.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AliquotInput {
    /// Volume of each aliquot in microlitres; `count × volume_ul` comes out of the parent.
    pub volume_ul: i64,
    /// How many aliquots of that volume (1 to 20; default 1).
    pub count: Option<u32>,
    /// The aliquots' container (default: the parent's).
    pub container_type: Option<String>,
    pub station_id: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ValidAliquots {
    pub volume_ul: i64,
    pub count: u32,
    pub container_type: Option<String>,
    pub station_id: Option<StationId>,
    pub note: Option<String>,
}

impl TryFrom<&AliquotInput> for ValidAliquots {
    type Error = AppError;

    fn try_from(input: &AliquotInput) -> AppResult<ValidAliquots> {
        let mut v = Validator::new();
        let volume_ul = v.check("volume_ul", volume(input.volume_ul));
        let count = input.count.unwrap_or(1);
        if !(1..=MAX_ALIQUOTS).contains(&count) {
            v.reject("count", format!("must be between 1 and {MAX_ALIQUOTS}"));
        }
        let container_type = v.optional(
            "container_type",
            input.container_type.as_deref(),
            container_code,
        );
        let station_id = v.optional("station_id", input.station_id.as_deref(), StationId::parse);
        let note = note(&mut v, input.note.as_deref());
        v.finish(|| {
            Some(ValidAliquots {
                volume_ul: volume_ul?,
                count,
                container_type: container_type?,
                station_id: station_id?,
                note: note?,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn procedure_codes_have_the_cpt_or_hcpcs_shape() {
        for good in [
            "85025", "80053", "0001U", "0500T", "3074F", "G0103", "a4253", "V5008",
        ] {
            assert!(procedure_code(good).is_ok(), "{good}");
        }
        for bad in [
            "8502", "850255", "W1234", "8502X", "G010", "", "ABCDE", "85 25",
        ] {
            assert!(procedure_code(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_order_needs_one_specimen_per_distinct_container() {
        let test = |code: &str, container: &str, min: i64| TestInput {
            code: code.into(),
            container_type: container.into(),
            min_volume_ul: min,
            diagnosis_pointers: Vec::new(),
        };
        let input = OrderInput {
            patient_id: uuid::Uuid::now_v7().to_string(),
            provider_id: uuid::Uuid::now_v7().to_string(),
            encounter_id: None,
            priority: None,
            tests: vec![
                test("80053", "SST", 1000),
                test("85025", "lav_edta", 500),
                test("84443", "SST", 500),
            ],
            diagnoses: vec!["E11.9".into(), "I10".into()],
            clinical_note: None,
        };
        let order = ValidOrder::try_from(&input).unwrap();
        assert_eq!(order.priority, "routine");
        assert_eq!(
            order.tests[0].diagnosis_pointers,
            vec![1, 2],
            "absent: the first four"
        );
        assert_eq!(
            order.containers(),
            vec![
                ("SST".into(), vec!["80053".into(), "84443".into()], 1500),
                ("LAV_EDTA".into(), vec!["85025".into()], 500),
            ]
        );
    }
}
