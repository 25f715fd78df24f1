//! What administrators send to configure the bench: stations (and the action a scan there performs) and
//! container types.

use serde::Deserialize;
use utoipa::ToSchema;

use super::input::{container_code, in_range, text};
use super::lifecycle::Action;
use crate::error::{AppError, AppResult, Validator};

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
