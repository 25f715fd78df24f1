//! Moving an encounter along (`POST /encounters/{id}/status`) and scrubbing it (`POST
//! /encounters/{id}/scrub`). Moving to ready scrubs first: errors block it with 409 `scrub_failed`, the
//! findings in the problem.

use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::lifecycle::{self, Move};
use super::model::{Encounter, Status};
use super::routes::{audit_encounter, find_or_404};
use super::service;
use super::store;
use crate::auth::{Actor, Role};
use crate::coding::codesets::Catalog;
use crate::coding::scrub::ScrubReport;
use crate::db::DbConnection;
use crate::db::ids::EncounterId;
use crate::error::{AppError, AppResult, Problem};
use crate::http::{ApiJson, AppState, ExpectedVersion, in_write_transaction, with_etag};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(change_status).service(scrub_encounter);
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusInput {
    /// `open`, `coded`, `ready` or `billed`.
    pub status: String,
    /// The version read; optional (or send If-Match): when given, a stale one is 412.
    pub version: Option<i32>,
}

fn incomplete() -> AppError {
    AppError::conflict(
        "encounter_incomplete",
        "code at least one diagnosis and one procedure line first",
    )
}

fn scrub_failed(report: &ScrubReport) -> AppError {
    let mut members = serde_json::Map::new();
    members.insert("findings".into(), serde_json::json!(report.findings));
    members.insert("errors_found".into(), serde_json::json!(report.errors));
    AppError::ConflictWith {
        code: "scrub_failed",
        detail: format!(
            "the scrubber found {} error(s); fix them before the encounter is ready",
            report.errors
        ),
        members,
    }
}

/// Checks what the move needs; the scrub of a move to ready is returned for the audit detail.
fn allow_move(
    conn: &mut DbConnection,
    catalog: &Catalog,
    encounter: &Encounter,
    planned: Move,
) -> AppResult<Option<ScrubReport>> {
    let coded = !encounter.diagnoses.is_empty() && !encounter.lines.is_empty();
    match planned {
        Move::Stay | Move::Go => Ok(None),
        Move::GoIfCoded if coded => Ok(None),
        Move::GoIfCoded => Err(incomplete()),
        Move::GoIfClean => {
            let report = service::scrub(conn, catalog, encounter)?;
            if !report.passes() {
                return Err(scrub_failed(&report));
            }
            Ok(Some(report))
        }
    }
}

/// Moves the encounter: open ⇄ coded ⇄ ready → billed. `coded` needs a diagnosis and a line (409
/// `encounter_incomplete`); `ready` needs a scrub without errors (409 `scrub_failed` with `findings`);
/// `billed` only from ready and only by a biller or administrator (403 otherwise); a billed encounter does
/// not move (409 `encounter_billed`).
#[utoipa::path(tag = "encounters", params(("encounter_id" = String, Path)), request_body = StatusInput,
    responses((status = 200, body = Encounter), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 403, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[post("/encounters/{encounter_id}/status")]
async fn change_status(
    actor: Actor,
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<EncounterId>,
    body: ApiJson<StatusInput>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let to = Status::parse(&body.0.status).map_err(|m| AppError::invalid("status", m))?;
    // Marking an encounter billed is the biller's call (the claims work will do it when a claim goes out).
    if to == Status::Billed && !matches!(actor.role, Role::Admin | Role::Biller) {
        return Err(AppError::Forbidden);
    }
    let expected = match ExpectedVersion::from_request(&req, body.0.version) {
        Ok(version) => Some(version),
        Err(AppError::PreconditionRequired) => None,
        Err(other) => return Err(other),
    };
    let catalog = state.catalog.clone();
    let encounter = in_write_transaction(&state.pool, move |conn| {
        let current = find_or_404(conn, &id)?;
        if expected.is_some_and(|v| v.0 != current.version) {
            return Err(AppError::PreconditionFailed);
        }
        let planned = lifecycle::plan(current.status, to)?;
        if planned == Move::Stay {
            return Ok(current);
        }
        let report = allow_move(conn, &catalog, &current, planned)?;
        if !store::set_status(conn, &id, current.version, to)? {
            return Err(AppError::conflict(
                "concurrent_update",
                "the encounter changed meanwhile; read it again",
            ));
        }
        let encounter = find_or_404(conn, &id)?;
        let mut detail = format!("{} -> {}", current.status.as_str(), to.as_str());
        if let Some(report) = report {
            detail.push_str(&format!(" ({} warning(s))", report.warnings));
        }
        audit_encounter(conn, &actor, "status", &encounter, Some(detail))?;
        Ok(encounter)
    })
    .await?;
    Ok(with_etag(encounter.version, &encounter))
}

/// Scrubs the encounter: every finding (errors block ready; warnings are for the coder), each naming the
/// field at fault as a JSON path (`diagnoses[1].code`, `lines[0].units`). Changes nothing; audited as a read.
#[utoipa::path(tag = "encounters", params(("encounter_id" = String, Path)),
    responses((status = 200, body = ScrubReport), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[post("/encounters/{encounter_id}/scrub")]
async fn scrub_encounter(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<EncounterId>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let catalog = state.catalog.clone();
    let report = in_write_transaction(&state.pool, move |conn| {
        let encounter = find_or_404(conn, &id)?;
        let report = service::scrub(conn, &catalog, &encounter)?;
        let detail = format!("{} error(s), {} warning(s)", report.errors, report.warnings);
        audit_encounter(conn, &actor, "scrub", &encounter, Some(detail))?;
        Ok(report)
    })
    .await?;
    Ok(HttpResponse::Ok().json(report))
}
