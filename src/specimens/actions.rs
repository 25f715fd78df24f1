//! The body of `POST /specimens/{id}/actions` and the checked command it becomes: each action takes only
//! the fields it uses (a centrifuge its speed and minutes, a rejection its coded reason).

use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use super::collection::CollectionMethod;
use super::input::{in_range, note, text, volume};
use super::lifecycle::{Action, RejectionReason};
use crate::db::ids::StationId;
use crate::error::{AppResult, Validator};

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
    /// `collect`: venipuncture, capillary, arterial, urine, swab or other. A venous or capillary draw adds
    /// its collection charge to the order's encounter (once per encounter) when the tests are completed.
    pub method: Option<String>,
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
        method: Option<CollectionMethod>,
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
            Details::Collect {
                volume_ul,
                method: None,
                ..
            } => Some(json!({"volume_ul": volume_ul})),
            Details::Collect {
                volume_ul,
                method: Some(method),
                ..
            } => Some(json!({"volume_ul": volume_ul, "method": method.as_str()})),
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
        unused_unless(v, &[Action::Collect], "method", self.method.is_some());
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
                let method = v.optional("method", self.method.as_deref(), CollectionMethod::parse);
                Some(Details::Collect {
                    at: at?,
                    volume_ul: volume_ul?,
                    method: method?,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AppError;

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
            (
                Box::new(|i| {
                    i.action = "receive".into();
                    i.method = Some("venipuncture".into());
                }),
                &["method"],
            ),
            (
                Box::new(|i| {
                    i.action = "collect".into();
                    i.volume_ul = Some(4000);
                    i.method = Some("needle".into());
                }),
                &["method"],
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
}
