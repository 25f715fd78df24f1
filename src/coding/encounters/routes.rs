//! `/encounters`: open, read, list and replace (versioned) encounters with their diagnoses and lines.
//! Every read is a read of patient data and is audited; every write is audited in its transaction.

use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::lifecycle;
use super::model::{Encounter, EncounterInput, Status, ValidEncounter};
use super::service::{check_references, price_lines};
use super::store::{self, EncounterFilter};
use crate::audit::{self, Audit};
use crate::auth::{Actor, Role};
use crate::db::DbConnection;
use crate::db::ids::{EncounterId, PatientId};
use crate::directory::patients::parse_date;
use crate::error::{AppError, AppResult, Problem, Validator};
use crate::http::{
    ApiJson, ApiQuery, AppState, ExpectedVersion, Page, Paging, created_with_etag,
    in_write_transaction, with_etag,
};

pub const RESOURCE: &str = "encounter";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_encounters)
        .service(create_encounter)
        .service(get_encounter)
        .service(replace_encounter);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EncounterQuery {
    pub patient_id: Option<String>,
    /// `open`, `coded`, `ready` or `billed`.
    pub status: Option<String>,
    /// Dates of service from this day (`YYYY-MM-DD`).
    pub from: Option<String>,
    /// Dates of service up to this day (`YYYY-MM-DD`).
    pub to: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl EncounterQuery {
    fn filter(&self) -> AppResult<EncounterFilter> {
        let mut v = Validator::new();
        let patient_id = v.optional("patient_id", self.patient_id.as_deref(), PatientId::parse);
        let status = v.optional("status", self.status.as_deref(), Status::parse);
        let from = v.optional("from", self.from.as_deref(), parse_date);
        let to = v.optional("to", self.to.as_deref(), parse_date);
        v.finish(|| {
            Some(EncounterFilter {
                patient_id: patient_id?,
                status: status?,
                from: from?,
                to: to?,
            })
        })
    }
}

/// Appends `action` on the encounter, under its patient.
pub fn audit_encounter(
    conn: &mut DbConnection,
    actor: &Actor,
    action: &str,
    encounter: &Encounter,
    detail: Option<String>,
) -> AppResult<()> {
    let mut event = Audit::new(action, RESOURCE, &encounter.id).patient(&encounter.patient_id);
    if let Some(detail) = detail {
        event = event.detail(detail);
    }
    Ok(audit::record(conn, &actor.audit(), event)?)
}

pub fn find_or_404(conn: &mut DbConnection, id: &EncounterId) -> AppResult<Encounter> {
    store::find(conn, id)?.ok_or(AppError::NotFound("encounter"))
}

/// Front desk opens encounters; coding them is for coders and billers.
fn refuse_front_desk_coding(actor: &Actor, valid: &ValidEncounter) -> AppResult<()> {
    if actor.role == Role::FrontDesk && valid.has_coding() {
        return Err(AppError::Forbidden);
    }
    Ok(())
}

/// Encounters, newest date of service first. Each one returned is audited as read.
#[utoipa::path(tag = "encounters", params(EncounterQuery),
    responses((status = 200, body = Page<Encounter>), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[get("/encounters")]
async fn list_encounters(
    actor: Actor,
    state: web::Data<AppState>,
    query: ApiQuery<EncounterQuery>,
) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let paging = Paging::from_query(q.page, q.per_page)?;
    let filter = q.filter()?;
    let (items, total) = in_write_transaction(&state.pool, move |conn| {
        let (items, total) = store::list(conn, &filter, paging.per_page, paging.offset)?;
        for encounter in &items {
            audit_encounter(conn, &actor, "read", encounter, None)?;
        }
        Ok((items, total))
    })
    .await?;
    Ok(paging.respond(items, total))
}

/// Opens an encounter, status `open`. Lines without a charge are priced from the fee schedule of the
/// policy's payer, else the default schedule. Front desk may open encounters but not code them (403).
#[utoipa::path(tag = "encounters", request_body = EncounterInput,
    responses((status = 201, body = Encounter), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[post("/encounters")]
async fn create_encounter(
    actor: Actor,
    state: web::Data<AppState>,
    body: ApiJson<EncounterInput>,
) -> AppResult<HttpResponse> {
    let valid = ValidEncounter::try_from(&body.0)?;
    refuse_front_desk_coding(&actor, &valid)?;
    let encounter = in_write_transaction(&state.pool, move |conn| {
        let policy = check_references(conn, &valid)?;
        let payer = policy.as_ref().map(|p| &p.payer_id);
        let priced = price_lines(conn, &valid, payer, None)?;
        let id = store::insert(conn, &valid, &priced)?;
        let encounter = find_or_404(conn, &id)?;
        audit_encounter(conn, &actor, "create", &encounter, None)?;
        Ok(encounter)
    })
    .await?;
    Ok(created_with_etag(encounter.version, &encounter))
}

/// One encounter with its diagnoses and lines, its version as ETag. Audited as a read.
#[utoipa::path(tag = "encounters", params(("encounter_id" = String, Path)),
    responses((status = 200, body = Encounter), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[get("/encounters/{encounter_id}")]
async fn get_encounter(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<EncounterId>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let encounter = in_write_transaction(&state.pool, move |conn| {
        let encounter = find_or_404(conn, &id)?;
        audit_encounter(conn, &actor, "read", &encounter, None)?;
        Ok(encounter)
    })
    .await?;
    Ok(with_etag(encounter.version, &encounter))
}

/// Replaces the encounter with its diagnoses and lines. Send the version read (If-Match or `version`);
/// stale is 412. Lines keep their id when sent with it; lines without a charge are priced anew. A ready
/// encounter goes back to `coded` (it must be scrubbed again); a billed one is 409 `encounter_billed`.
#[utoipa::path(tag = "encounters", params(("encounter_id" = String, Path)), request_body = EncounterInput,
    responses((status = 200, body = Encounter), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 412, body = Problem), (status = 422, body = Problem), (status = 428, body = Problem)),
    security(("bearer" = [])))]
#[put("/encounters/{encounter_id}")]
async fn replace_encounter(
    actor: Actor,
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<EncounterId>,
    body: ApiJson<EncounterInput>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let expected = ExpectedVersion::from_request(&req, body.0.version)?;
    let valid = ValidEncounter::try_from(&body.0)?;
    let encounter = in_write_transaction(&state.pool, move |conn| {
        let current = find_or_404(conn, &id)?;
        let status = lifecycle::after_edit(current.status)?;
        if current.patient_id != valid.patient_id {
            return Err(AppError::invalid(
                "patient_id",
                "an encounter cannot move to another patient",
            ));
        }
        let policy = check_references(conn, &valid)?;
        let payer = policy.as_ref().map(|p| &p.payer_id);
        let priced = price_lines(conn, &valid, payer, Some(&current))?;
        store::update(conn, &id, expected.0, &valid, &priced, status)?.into_result("encounter")?;
        let encounter = find_or_404(conn, &id)?;
        audit_encounter(conn, &actor, "update", &encounter, None)?;
        Ok(encounter)
    })
    .await?;
    Ok(with_etag(encounter.version, &encounter))
}
