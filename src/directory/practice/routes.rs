//! `/practice`: read and save the one row of practice settings (versioned once it exists).

use actix_web::{HttpRequest, HttpResponse, get, put, web};

use super::model::{Practice, PracticeInput, ValidPractice};
use super::store::{self, PRACTICE_ID};
use crate::audit::{self, Audit};
use crate::auth::Actor;
use crate::error::{AppError, AppResult, Problem, VersionedUpdate};
use crate::http::{
    ApiJson, AppState, ExpectedVersion, created_with_etag, in_write_transaction, with_conn,
    with_etag,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(get_practice).service(save_practice);
}

const NOT_SET: AppError = AppError::NotSet("practice settings have not been set");

/// The practice settings, with their version as ETag; 404 until they are first saved.
#[utoipa::path(tag = "practice",
    responses((status = 200, body = Practice), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[get("/practice")]
async fn get_practice(_actor: Actor, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let practice = with_conn(&state.pool, |conn| store::find(conn)?.ok_or(NOT_SET)).await?;
    Ok(with_etag(practice.version, &practice))
}

/// Saves the practice settings. The first save creates them (201, no version needed); afterwards send
/// the version read as `If-Match` (or `version`): a stale one is 412, none is 428.
#[utoipa::path(tag = "practice", request_body = PracticeInput,
    responses((status = 200, body = Practice), (status = 201, body = Practice), (status = 412, body = Problem),
              (status = 422, body = Problem), (status = 428, body = Problem)),
    security(("bearer" = [])))]
#[put("/practice")]
async fn save_practice(
    actor: Actor,
    req: HttpRequest,
    state: web::Data<AppState>,
    body: ApiJson<PracticeInput>,
) -> AppResult<HttpResponse> {
    let expected = match ExpectedVersion::from_request(&req, body.0.version) {
        Ok(version) => Some(version.0),
        Err(AppError::PreconditionRequired) => None,
        Err(other) => return Err(other),
    };
    let valid = ValidPractice::try_from(&body.0)?;
    let practice = in_write_transaction(&state.pool, move |conn| {
        match store::save(conn, &valid, expected)? {
            VersionedUpdate::Updated => {}
            VersionedUpdate::Stale if expected.is_none() => {
                return Err(AppError::PreconditionRequired);
            }
            VersionedUpdate::Stale | VersionedUpdate::Missing => {
                return Err(AppError::PreconditionFailed);
            }
        }
        let event = Audit::new("update", "practice", PRACTICE_ID);
        audit::record(conn, &actor.audit(), event)?;
        store::find(conn)?.ok_or(NOT_SET)
    })
    .await?;
    if expected.is_some() {
        return Ok(with_etag(practice.version, &practice));
    }
    Ok(created_with_etag(practice.version, &practice))
}
