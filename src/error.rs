//! The one error type. Every failure leaves the service as an RFC 9457 `application/problem+json` answer
//! with a stable `code`; database errors are mapped here and nowhere else.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::Serialize;
use utoipa::ToSchema;

/// One invalid field of a request: `field` is the JSON path (`address.zip`), `message` the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{}", describe_fields(.0))]
    Validation(Vec<FieldError>),
    #[error("malformed request: {0}")]
    BadRequest(String),
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A singleton resource (the practice settings) not saved yet: 404 `not_found` with this detail.
    #[error("{0}")]
    NotSet(&'static str),
    #[error("no route: {0}")]
    NoRoute(String),
    #[error("method {0} not allowed")]
    MethodNotAllowed(String),
    #[error("conflict: {detail}")]
    Conflict { code: &'static str, detail: String },
    /// An action the resource's current state does not allow: 409 naming the state and what is allowed.
    #[error("{action} is not allowed in state {state}")]
    NotAllowedInState {
        action: String,
        state: String,
        allowed: Vec<String>,
    },
    /// Taking more than is left (a specimen's volume): 409 saying how much remains.
    #[error("requested {requested} but only {remaining} remains")]
    InsufficientQuantity {
        what: &'static str,
        requested: i64,
        remaining: i64,
    },
    /// A 409 whose body carries more than a detail (the findings that block an encounter), as extra
    /// members of the problem object.
    #[error("conflict: {detail}")]
    ConflictWith {
        code: &'static str,
        detail: String,
        members: serde_json::Map<String, serde_json::Value>,
    },
    #[error("stale version")]
    PreconditionFailed,
    #[error("If-Match or version required")]
    PreconditionRequired,
    #[error("authentication required")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    #[error("too many attempts")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// The `Accept` header (as sent) names no media type the route can answer.
    #[error("not acceptable: {0}")]
    NotAcceptable(String),
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

/// `username must be 3 to 64 characters; role must be one of …` (for logs and the command line).
fn describe_fields(errors: &[FieldError]) -> String {
    let parts: Vec<String> = errors
        .iter()
        .map(|e| format!("{} {}", e.field, e.message))
        .collect();
    parts.join("; ")
}

/// The problem+json body.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub code: String,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Members particular to the problem: `current_state` and `allowed_actions` of a refused action,
    /// `requested` and `remaining` of a refused withdrawal, `findings` of a failed scrub.
    #[serde(flatten)]
    #[schema(ignore)]
    pub extensions: serde_json::Map<String, serde_json::Value>,
}

impl AppError {
    /// A single-field validation error.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Validation(vec![FieldError::new(field, message)])
    }

    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        AppError::Conflict {
            code,
            detail: detail.into(),
        }
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        AppError::Internal(cause.to_string())
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::Validation(_) => "validation_failed",
            AppError::BadRequest(_) => "malformed_request",
            AppError::NotFound(_) | AppError::NotSet(_) => "not_found",
            AppError::NoRoute(_) => "route_not_found",
            AppError::MethodNotAllowed(_) => "method_not_allowed",
            AppError::Conflict { code, .. } | AppError::ConflictWith { code, .. } => code,
            AppError::NotAllowedInState { .. } => "action_not_allowed",
            AppError::InsufficientQuantity { .. } => "insufficient_quantity",
            AppError::PreconditionFailed => "stale_version",
            AppError::PreconditionRequired => "version_required",
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::TooManyRequests { .. } => "too_many_attempts",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::UnsupportedMediaType => "unsupported_media_type",
            AppError::NotAcceptable(_) => "not_acceptable",
            AppError::Unavailable(_) => "database_unavailable",
            AppError::Internal(_) => "internal_error",
        }
    }

    fn detail(&self) -> String {
        match self {
            AppError::Validation(errors) => {
                let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
                format!("invalid fields: {}", fields.join(", "))
            }
            AppError::BadRequest(detail) => detail.clone(),
            AppError::NotFound(what) => format!("{what} not found"),
            AppError::NotSet(detail) => (*detail).to_owned(),
            AppError::NoRoute(route) => format!("no route for {route}"),
            AppError::MethodNotAllowed(method) => {
                format!("{method} is not allowed on this resource")
            }
            AppError::Conflict { detail, .. } | AppError::ConflictWith { detail, .. } => {
                detail.clone()
            }
            AppError::NotAllowedInState {
                action,
                state,
                allowed,
            } => {
                let allowed = match allowed.is_empty() {
                    true => "nothing".to_owned(),
                    false => allowed.join(", "),
                };
                format!(
                    "`{action}` is not allowed while the state is `{state}`; allowed: {allowed}"
                )
            }
            AppError::InsufficientQuantity {
                what,
                requested,
                remaining,
            } => format!("{requested} {what} requested but only {remaining} left"),
            AppError::PreconditionFailed => {
                "the resource changed since you read it; fetch it again and retry".into()
            }
            AppError::PreconditionRequired => {
                "send the version you read, as an If-Match header or a `version` field".into()
            }
            AppError::Unauthenticated => "a valid bearer token is required".into(),
            AppError::Forbidden => "your role may not perform this action".into(),
            AppError::TooManyRequests { retry_after_secs } => {
                format!("too many failed attempts; retry in {retry_after_secs} seconds")
            }
            AppError::PayloadTooLarge => "the request body is larger than allowed".into(),
            AppError::UnsupportedMediaType => "send the body as application/json".into(),
            AppError::NotAcceptable(accept) => format!(
                "cannot answer Accept: {accept}; ask for application/json, text/csv or the xlsx type, or use ?format="
            ),
            AppError::Unavailable(_) => "the database is unavailable; retry shortly".into(),
            // Never leak internals to the caller; the cause is logged.
            AppError::Internal(_) => "an unexpected error occurred".into(),
        }
    }

    fn title(&self) -> &'static str {
        self.status_code().canonical_reason().unwrap_or("Error")
    }

    pub fn problem(&self) -> Problem {
        Problem {
            kind: format!("https://backoffice.invalid/problems/{}", self.code()),
            title: self.title().to_owned(),
            status: self.status_code().as_u16(),
            code: self.code().to_owned(),
            detail: self.detail(),
            errors: match self {
                AppError::Validation(errors) => errors.clone(),
                AppError::NotAcceptable(_) => vec![FieldError::new(
                    "Accept",
                    "names no media type this route answers",
                )],
                _ => Vec::new(),
            },
            extensions: self.extensions(),
        }
    }

    /// Members particular to the problem: the state and allowed actions of a refused action, the amounts
    /// of a refused withdrawal, or whatever a `ConflictWith` carries (a failed scrub's findings).
    fn extensions(&self) -> serde_json::Map<String, serde_json::Value> {
        use serde_json::json;
        let mut members = serde_json::Map::new();
        match self {
            AppError::ConflictWith { members: extra, .. } => members.clone_from(extra),
            AppError::NotAllowedInState { state, allowed, .. } => {
                members.insert("current_state".into(), json!(state));
                members.insert("allowed_actions".into(), json!(allowed));
            }
            AppError::InsufficientQuantity {
                requested,
                remaining,
                ..
            } => {
                members.insert("requested".into(), json!(requested));
                members.insert("remaining".into(), json!(remaining));
            }
            _ => {}
        }
        members
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::NotFound(_) | AppError::NotSet(_) | AppError::NoRoute(_) => {
                StatusCode::NOT_FOUND
            }
            AppError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Conflict { .. }
            | AppError::ConflictWith { .. }
            | AppError::NotAllowedInState { .. }
            | AppError::InsufficientQuantity { .. } => StatusCode::CONFLICT,
            AppError::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            AppError::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::NotAcceptable(_) => StatusCode::NOT_ACCEPTABLE,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            AppError::Internal(cause) => tracing::error!(%cause, "internal error"),
            AppError::Unavailable(cause) => tracing::warn!(%cause, "database unavailable"),
            _ => {}
        }
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        ));
        match self {
            AppError::Unauthenticated => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            AppError::TooManyRequests { retry_after_secs } => {
                response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            _ => {}
        }
        response.body(serde_json::to_string(&self.problem()).unwrap_or_default())
    }
}

impl From<DieselError> for AppError {
    fn from(error: DieselError) -> Self {
        match error {
            DieselError::NotFound => AppError::NotFound("resource"),
            DieselError::DatabaseError(kind, info) => match kind {
                DatabaseErrorKind::UniqueViolation => AppError::conflict(
                    "already_exists",
                    "a record with the same unique value already exists",
                ),
                DatabaseErrorKind::ForeignKeyViolation => AppError::conflict(
                    "referenced_record_missing",
                    "a referenced record does not exist or is still referenced",
                ),
                DatabaseErrorKind::SerializationFailure => AppError::conflict(
                    "concurrent_update",
                    "a concurrent change interfered; retry the request",
                ),
                DatabaseErrorKind::ClosedConnection => AppError::Unavailable(info.message().into()),
                // The ledger's trigger, when a period closed between the code's check and the insert.
                _ if info.message().contains("period_closed") => AppError::conflict(
                    "period_closed",
                    "the accounting period of the entry date is closed",
                ),
                _ if is_busy(info.message()) => AppError::Unavailable(info.message().into()),
                _ => AppError::Internal(format!("database error: {}", info.message())),
            },
            other => AppError::Internal(format!("database error: {other}")),
        }
    }
}

/// SQLite reports lock contention past busy_timeout as a generic error.
fn is_busy(message: &str) -> bool {
    message.contains("database is locked") || message.contains("database is busy")
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(error: diesel::r2d2::PoolError) -> Self {
        AppError::Unavailable(error.to_string())
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(error: actix_web::error::BlockingError) -> Self {
        AppError::Internal(format!("blocking task failed: {error}"))
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// Collects every invalid field of a request before answering, so the caller learns all problems at once.
#[derive(Debug, Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    pub fn new() -> Self {
        Validator::default()
    }

    /// Keeps the value, or records why `field` is invalid.
    pub fn check<T>(&mut self, field: &str, result: Result<T, String>) -> Option<T> {
        result
            .map_err(|message| self.errors.push(FieldError::new(field, message)))
            .ok()
    }

    /// An optional input: absent or blank is `None`; otherwise it must parse.
    pub fn optional<T>(
        &mut self,
        field: &str,
        input: Option<&str>,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<Option<T>> {
        match input.map(str::trim).filter(|s| !s.is_empty()) {
            None => Some(None),
            Some(text) => self.check(field, parse(text)).map(Some),
        }
    }

    /// Records a failed rule that is not a parse (`end_date` before `effective_date`).
    pub fn reject(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    /// The built value when every field was valid; `build` returns `None` only if a field was invalid.
    pub fn finish<T>(self, build: impl FnOnce() -> Option<T>) -> AppResult<T> {
        if !self.errors.is_empty() {
            return Err(AppError::Validation(self.errors));
        }
        build().ok_or_else(|| AppError::internal("validated field missing"))
    }
}

/// What an update guarded by a version did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionedUpdate {
    Updated,
    Stale,
    Missing,
}

impl VersionedUpdate {
    /// From the rows an `UPDATE … WHERE id = ? AND version = ?` changed and whether the row exists.
    pub fn from_rows(changed: usize, exists: bool) -> Self {
        match (changed, exists) {
            (0, false) => VersionedUpdate::Missing,
            (0, true) => VersionedUpdate::Stale,
            _ => VersionedUpdate::Updated,
        }
    }

    pub fn into_result(self, what: &'static str) -> AppResult<()> {
        match self {
            VersionedUpdate::Updated => Ok(()),
            VersionedUpdate::Stale => Err(AppError::PreconditionFailed),
            VersionedUpdate::Missing => Err(AppError::NotFound(what)),
        }
    }
}
