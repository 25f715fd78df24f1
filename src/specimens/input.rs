//! Request bodies and the checked commands they become. Every rule that needs no database is here; a 422
//! names each bad field by its JSON path (`tests[1].code`).

use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use super::lifecycle::{Action, RejectionReason};
use crate::db::ids::{PatientId, ProviderId, StationId};
use crate::error::{AppError, AppResult, Validator};

/// The most tests one order may request.
pub const MAX_TESTS: usize = 50;
/// The largest volume anything may hold or take: one litre, in microlitres.
pub const MAX_VOLUME_UL: i64 = 1_000_000;
/// The most aliquots one request may split off.
pub const MAX_ALIQUOTS: u32 = 20;

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

fn volume(value: i64) -> Result<i64, String> {
    if (1..=MAX_VOLUME_UL).contains(&value) {
        Ok(value)
    } else {
        Err(format!("must be between 1 and {MAX_VOLUME_UL} microlitres"))
    }
}

fn note(v: &mut Validator, input: Option<&str>) -> Option<Option<String>> {
    v.optional("note", input, |t| text(t, 1000))
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
}

#[derive(Debug, Clone)]
pub struct ValidTest {
    pub code: String,
    pub container_type: String,
    pub min_volume_ul: i64,
}

#[derive(Debug, Clone)]
pub struct ValidOrder {
    pub patient_id: PatientId,
    pub provider_id: ProviderId,
    pub encounter_id: Option<String>,
    pub priority: String,
    pub tests: Vec<ValidTest>,
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
            if let (Some(code), Some(container_type), Some(min_volume_ul)) = (code, container, min)
            {
                tests.push(ValidTest {
                    code,
                    container_type,
                    min_volume_ul,
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
                clinical_note: clinical_note?,
            })
        })
    }
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

/// An action on a specimen. Only the fields the action uses may be sent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionInput {
    /// `collect`, `receive`, `start_processing`, `mark_ready`, `start_analysis`, `complete`, `store`,
    /// `dispose`, `reject`, `cancel`, `centrifuge`, `freeze` or `move` (aliquots: `POST …/aliquots`).
    pub action: String,
    /// The station where it happens.
    pub station_id: Option<String>,
    /// Where the specimen is put (required for `move`; optional for `store`, `freeze`).
    pub location: Option<String>,
    pub note: Option<String>,
    /// `collect`: when (RFC 3339; default now).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub collected_at: Option<String>,
    /// `collect`: the volume drawn, in microlitres.
    pub volume_ul: Option<i64>,
    /// `reject`: hemolyzed, clotted, quantity_not_sufficient, unlabelled, mislabelled, wrong_container,
    /// exceeded_stability, or other (with a note).
    pub reason: Option<String>,
    /// `reject`: also order a new specimen on the same order.
    pub recollect: Option<bool>,
    /// `centrifuge`: speed in revolutions per minute.
    pub rpm: Option<i32>,
    /// `centrifuge`: duration in minutes.
    pub minutes: Option<i32>,
    /// `freeze`: temperature in °C.
    pub temperature_c: Option<i32>,
}

/// What an action carries beyond its name, checked.
#[derive(Debug, Clone, PartialEq)]
pub enum Details {
    Plain,
    Collect {
        at: DateTime<Utc>,
        volume_ul: i64,
    },
    Reject {
        reason: RejectionReason,
        recollect: bool,
    },
    Centrifuge {
        rpm: i32,
        minutes: i32,
    },
    Freeze {
        temperature_c: i32,
    },
}

/// A checked action.
#[derive(Debug, Clone)]
pub struct Command {
    pub action: Action,
    pub details: Details,
    pub station_id: Option<StationId>,
    pub location: Option<String>,
    pub note: Option<String>,
}

impl Command {
    /// A bare action (a station's scan).
    pub fn plain(action: Action, station_id: StationId) -> Command {
        Command {
            action,
            details: Details::Plain,
            station_id: Some(station_id),
            location: None,
            note: None,
        }
    }

    /// The event detail stored with the custody event.
    pub fn detail_json(&self) -> Option<serde_json::Value> {
        use serde_json::json;
        match &self.details {
            Details::Plain => None,
            Details::Collect { volume_ul, .. } => Some(json!({"volume_ul": volume_ul})),
            Details::Reject { reason, recollect } => {
                Some(json!({"reason": reason.as_str(), "recollect": recollect}))
            }
            Details::Centrifuge { rpm, minutes } => Some(json!({"rpm": rpm, "minutes": minutes})),
            Details::Freeze { temperature_c } => Some(json!({"temperature_c": temperature_c})),
        }
    }
}

/// Refuses a field the action does not use.
fn unused<T>(v: &mut Validator, field: &str, value: &Option<T>, action: Action) {
    if value.is_some() {
        v.reject(field, format!("does not apply to `{action}`"));
    }
}

fn collected_at(input: Option<&str>, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let Some(text) = input else { return Ok(now) };
    let at = DateTime::parse_from_rfc3339(text.trim())
        .map_err(|_| "must be an RFC 3339 instant such as 2026-11-29T08:30:00Z".to_owned())?
        .with_timezone(&Utc);
    if at > now + Duration::minutes(5) {
        return Err("must not be in the future".into());
    }
    if at < now - Duration::days(30) {
        return Err("must be within the last 30 days".into());
    }
    Ok(crate::db::to_utc(crate::db::from_utc(at)))
}

fn in_range(
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

impl ActionInput {
    /// Checks the body for its action, at `now` (the latest acceptable collection time).
    pub fn validate(&self, now: DateTime<Utc>) -> AppResult<Command> {
        let mut v = Validator::new();
        let action = v.check("action", Action::parse(&self.action));
        let action = match action {
            Some(Action::Aliquot) => {
                v.reject(
                    "action",
                    "use POST /specimens/{specimen_id}/aliquots to aliquot",
                );
                None
            }
            other => other,
        };
        let station_id = v.optional("station_id", self.station_id.as_deref(), StationId::parse);
        let location = v.optional("location", self.location.as_deref(), |t| text(t, 100));
        let note = note(&mut v, self.note.as_deref());
        let details = action.and_then(|action| self.details(&mut v, action, now));
        if action == Some(Action::Move) && matches!(location, Some(None)) {
            v.reject("location", "is required to move a specimen");
        }
        if let Some(action) = action
            && !matches!(action, Action::Move | Action::Store | Action::Freeze)
        {
            unused(&mut v, "location", &self.location, action);
        }
        if let (Some(Details::Reject { reason, .. }), Some(None)) = (&details, &note)
            && *reason == RejectionReason::Other
        {
            v.reject("note", "is required when the reason is `other`");
        }
        v.finish(|| {
            Some(Command {
                action: action?,
                details: details?,
                station_id: station_id?,
                location: location?,
                note: note?,
            })
        })
    }

    fn details(&self, v: &mut Validator, action: Action, now: DateTime<Utc>) -> Option<Details> {
        let unused_unless = |v: &mut Validator, wanted: &[Action], field: &str, set: bool| {
            if set && !wanted.contains(&action) {
                v.reject(field, format!("does not apply to `{action}`"));
            }
        };
        unused_unless(
            v,
            &[Action::Collect],
            "collected_at",
            self.collected_at.is_some(),
        );
        unused_unless(v, &[Action::Collect], "volume_ul", self.volume_ul.is_some());
        unused_unless(v, &[Action::Reject], "reason", self.reason.is_some());
        unused_unless(v, &[Action::Reject], "recollect", self.recollect.is_some());
        unused_unless(v, &[Action::Centrifuge], "rpm", self.rpm.is_some());
        unused_unless(v, &[Action::Centrifuge], "minutes", self.minutes.is_some());
        unused_unless(
            v,
            &[Action::Freeze],
            "temperature_c",
            self.temperature_c.is_some(),
        );
        match action {
            Action::Collect => {
                let at = v.check(
                    "collected_at",
                    collected_at(self.collected_at.as_deref(), now),
                );
                let volume_ul = match self.volume_ul {
                    None => v.check("volume_ul", Err("is required".into())),
                    Some(value) => v.check("volume_ul", volume(value)),
                };
                Some(Details::Collect {
                    at: at?,
                    volume_ul: volume_ul?,
                })
            }
            Action::Reject => {
                let reason = match self.reason.as_deref() {
                    None => v.check("reason", Err("is required".into())),
                    Some(text) => v.check("reason", RejectionReason::parse(text)),
                };
                Some(Details::Reject {
                    reason: reason?,
                    recollect: self.recollect.unwrap_or(false),
                })
            }
            Action::Centrifuge => {
                let rpm = v.check("rpm", in_range(self.rpm, 100..=20_000, "rpm"));
                let minutes = v.check("minutes", in_range(self.minutes, 1..=120, "minutes"));
                Some(Details::Centrifuge {
                    rpm: rpm?,
                    minutes: minutes?,
                })
            }
            Action::Freeze => {
                let t = self.temperature_c.or(Some(-20));
                let temperature_c = v.check("temperature_c", in_range(t, -196..=0, "°C"));
                Some(Details::Freeze {
                    temperature_c: temperature_c?,
                })
            }
            _ => Some(Details::Plain),
        }
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

/// A station as an administrator configures it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StationInput {
    pub name: String,
    pub location: String,
    /// What a scan there does: `receive`, `start_processing`, `mark_ready`, `start_analysis`, `complete`,
    /// `store`, `dispose`, or `seen`.
    pub action: String,
    /// On replace: whether the station is in use (default true).
    pub active: Option<bool>,
    /// On replace: the version read (or send If-Match).
    pub version: Option<i32>,
}

/// What a scan at a station does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StationAction {
    Apply(Action),
    Seen,
}

impl StationAction {
    pub const SCANNABLE: [Action; 7] = [
        Action::Receive,
        Action::StartProcessing,
        Action::MarkReady,
        Action::StartAnalysis,
        Action::Complete,
        Action::Store,
        Action::Dispose,
    ];

    pub fn parse(text: &str) -> Result<StationAction, String> {
        let text = text.trim();
        if text == "seen" {
            return Ok(StationAction::Seen);
        }
        match Action::parse(text) {
            Ok(action) if Self::SCANNABLE.contains(&action) => Ok(StationAction::Apply(action)),
            _ => Err(
                "must be one of: receive, start_processing, mark_ready, start_analysis, \
                      complete, store, dispose, seen"
                    .into(),
            ),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StationAction::Apply(action) => action.as_str(),
            StationAction::Seen => "seen",
        }
    }
}

#[derive(Debug, Clone)]
pub struct ValidStation {
    pub name: String,
    pub location: String,
    pub action: StationAction,
    pub active: bool,
}

impl TryFrom<&StationInput> for ValidStation {
    type Error = AppError;

    fn try_from(input: &StationInput) -> AppResult<ValidStation> {
        let mut v = Validator::new();
        let name = v.check("name", text(&input.name, 60));
        let location = v.check("location", text(&input.location, 100));
        let action = v.check("action", StationAction::parse(&input.action));
        v.finish(|| {
            Some(ValidStation {
                name: name?,
                location: location?,
                action: action?,
                active: input.active.unwrap_or(true),
            })
        })
    }
}

/// A container type as an administrator adds or edits it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContainerTypeInput {
    /// On create: the new code (2 to 20 capitals, digits or `_`). On replace: must match the path if sent.
    pub code: Option<String>,
    pub name: String,
    /// 1 to 8760 hours (a year).
    pub stability_hours: i32,
    pub active: Option<bool>,
    /// On replace: the version read (or send If-Match).
    pub version: Option<i32>,
}

#[derive(Debug, Clone)]
pub struct ValidContainerType {
    pub code: Option<String>,
    pub name: String,
    pub stability_hours: i32,
    pub active: bool,
}

impl TryFrom<&ContainerTypeInput> for ValidContainerType {
    type Error = AppError;

    fn try_from(input: &ContainerTypeInput) -> AppResult<ValidContainerType> {
        let mut v = Validator::new();
        let code = v.optional("code", input.code.as_deref(), container_code);
        let name = v.check("name", text(&input.name, 100));
        let hours = v.check(
            "stability_hours",
            in_range(Some(input.stability_hours), 1..=8760, "hours"),
        );
        v.finish(|| {
            Some(ValidContainerType {
                code: code?,
                name: name?,
                stability_hours: hours?,
                active: input.active.unwrap_or(true),
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

    fn fields(result: AppResult<Command>) -> Vec<String> {
        match result {
            Err(AppError::Validation(errors)) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected 422, got {other:?}"),
        }
    }

    #[test]
    fn actions_take_only_their_own_fields() {
        let now = Utc::now();
        let body = |f: &dyn Fn(&mut ActionInput)| {
            let mut input = ActionInput::default();
            f(&mut input);
            input.validate(now)
        };
        type Edit = Box<dyn Fn(&mut ActionInput)>;
        let cases: Vec<(Edit, &[&str])> = vec![
            (Box::new(|i| i.action = "teleport".into()), &["action"]),
            (Box::new(|i| i.action = "aliquot".into()), &["action"]),
            (Box::new(|i| i.action = "collect".into()), &["volume_ul"]),
            (
                Box::new(|i| {
                    i.action = "collect".into();
                    i.volume_ul = Some(0);
                    i.collected_at = Some("yesterday".into());
                }),
                &["collected_at", "volume_ul"],
            ),
            (
                Box::new(|i| {
                    i.action = "receive".into();
                    i.rpm = Some(3000);
                }),
                &["rpm"],
            ),
            (Box::new(|i| i.action = "reject".into()), &["reason"]),
            (
                Box::new(|i| {
                    i.action = "reject".into();
                    i.reason = Some("other".into());
                }),
                &["note"],
            ),
            (
                Box::new(|i| i.action = "centrifuge".into()),
                &["minutes", "rpm"],
            ),
            (Box::new(|i| i.action = "move".into()), &["location"]),
            (
                Box::new(|i| {
                    i.action = "receive".into();
                    i.location = Some("Fridge 2".into());
                }),
                &["location"],
            ),
            (
                Box::new(|i| {
                    i.action = "receive".into();
                    i.station_id = Some("bench".into());
                }),
                &["station_id"],
            ),
        ];
        for (edit, want) in cases {
            let mut got = fields(body(&*edit));
            got.sort();
            assert_eq!(got, want.to_vec());
        }
        let ok = body(&|i| {
            i.action = "centrifuge".into();
            i.rpm = Some(3500);
            i.minutes = Some(10);
        })
        .unwrap();
        assert_eq!(
            ok.details,
            Details::Centrifuge {
                rpm: 3500,
                minutes: 10
            }
        );
    }

    #[test]
    fn an_order_needs_one_specimen_per_distinct_container() {
        let test = |code: &str, container: &str, min: i64| TestInput {
            code: code.into(),
            container_type: container.into(),
            min_volume_ul: min,
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
            clinical_note: None,
        };
        let order = ValidOrder::try_from(&input).unwrap();
        assert_eq!(order.priority, "routine");
        assert_eq!(
            order.containers(),
            vec![
                ("SST".into(), vec!["80053".into(), "84443".into()], 1500),
                ("LAV_EDTA".into(), vec!["85025".into()], 500),
            ]
        );
    }
}
