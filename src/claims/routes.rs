//! `/claims`: build a claim from a ready encounter, read it (with its versions and events), list the
//! work queues, move it and correct it. Every read is a read of patient data and is audited.

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::correction::{CorrectionInput, ValidCorrection};
use super::events;
use super::lifecycle::Status;
use super::model::{
    BuildInput, Claim, ClaimEvent, ClaimSummary, ClaimVersion, StatusInput, ValidBuild,
};
use super::store::{self, ClaimFilter};
use super::workflow::{self, audit_claim, find_or_404};
use crate::auth::Actor;
use crate::db::ids::{ClaimId, EncounterId, PatientId, PayerId};
use crate::directory::values::bounded_text;
use crate::error::{AppError, AppResult, Problem, Validator};
use crate::http::{
    ApiJson, ApiQuery, AppState, Page, Paging, created_with_etag, in_write_transaction, with_etag,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_claims)
        .service(build_claim)
        .service(get_claim)
        .service(get_version)
        .service(list_events)
        .service(change_status)
        .service(correct_claim);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ClaimQuery {
    /// One status: `?status=rejected` is the rejection work queue.
    pub status: Option<String>,
    pub patient_id: Option<String>,
    /// Our payer record id.
    pub payer_id: Option<String>,
    pub encounter_id: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl ClaimQuery {
    fn filter(&self) -> AppResult<ClaimFilter> {
        let mut v = Validator::new();
        let status = v.optional("status", self.status.as_deref(), Status::parse);
        let patient_id = v.optional("patient_id", self.patient_id.as_deref(), PatientId::parse);
        let payer_id = v.optional("payer_id", self.payer_id.as_deref(), PayerId::parse);
        let encounter_id = v.optional(
            "encounter_id",
            self.encounter_id.as_deref(),
            EncounterId::parse,
        );
        v.finish(|| {
            Some(ClaimFilter {
                status: status?,
                patient_id: patient_id?,
                payer_id: payer_id?,
                encounter_id: encounter_id?,
            })
        })
    }
}

/// Claims, oldest first. Each one returned is audited as read.
#[utoipa::path(tag = "claims", params(ClaimQuery),
    responses((status = 200, body = Page<ClaimSummary>), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[get("/claims")]
async fn list_claims(
    actor: Actor,
    state: web::Data<AppState>,
    query: ApiQuery<ClaimQuery>,
) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let paging = Paging::from_query(q.page, q.per_page)?;
    let filter = q.filter()?;
    let (items, total) = in_write_transaction(&state.pool, move |conn| {
        let (items, total) = store::list(conn, &filter, paging.per_page, paging.offset)?;
        for claim in &items {
            audit_claim(
                conn,
                &actor.audit(),
                "read",
                &claim.id,
                &claim.patient_id,
                None,
            )?;
        }
        Ok((items, total))
    })
    .await?;
    Ok(paging.respond(items, total))
}

/// Builds a claim from a ready encounter and one of the patient's policies (the encounter's when none is
/// named): version 1, status ready, CLM01 the new claim number; the encounter becomes billed. 409 when
/// the encounter is not ready (`encounter_not_ready`, naming its status) or a claim for it and the payer
/// is open (`claim_exists`); 422 naming what is missing (`policy_id`, `practice.tax_id`,
/// `practice.address`, `practice.clia_number`, ...).
#[utoipa::path(tag = "claims", request_body = BuildInput,
    responses((status = 201, body = Claim), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[post("/claims")]
async fn build_claim(
    actor: Actor,
    state: web::Data<AppState>,
    body: ApiJson<BuildInput>,
) -> AppResult<HttpResponse> {
    let valid = ValidBuild::try_from(&body.0)?;
    let claim = in_write_transaction(&state.pool, move |conn| {
        workflow::build_claim(conn, &actor.audit(), &valid)
    })
    .await?;
    Ok(created_with_etag(claim.summary.version, &claim))
}

/// One claim: status, reasons, its current version's snapshot and every version. Audited as a read.
#[utoipa::path(tag = "claims", params(("claim_id" = String, Path)),
    responses((status = 200, body = Claim), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[get("/claims/{claim_id}")]
async fn get_claim(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<ClaimId>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let claim = in_write_transaction(&state.pool, move |conn| {
        let claim = find_or_404(conn, &id)?;
        audit_claim(
            conn,
            &actor.audit(),
            "read",
            &id,
            &claim.summary.patient_id,
            None,
        )?;
        Ok(claim)
    })
    .await?;
    Ok(with_etag(claim.summary.version, &claim))
}

/// One version of a claim with its snapshot, exactly as it was (or will be) sent. Audited as a read.
#[utoipa::path(tag = "claims", params(("claim_id" = String, Path), ("version" = i32, Path)),
    responses((status = 200, body = ClaimVersion), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[get("/claims/{claim_id}/versions/{version}")]
async fn get_version(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<(ClaimId, i32)>,
) -> AppResult<HttpResponse> {
    let (id, version) = path.into_inner();
    let found = in_write_transaction(&state.pool, move |conn| {
        let claim = store::find_summary(conn, &id)?.ok_or(AppError::NotFound("claim"))?;
        let found =
            store::find_version(conn, &id, version)?.ok_or(AppError::NotFound("claim version"))?;
        let detail = Some(format!("version {version}"));
        audit_claim(conn, &actor.audit(), "read", &id, &claim.patient_id, detail)?;
        Ok(found)
    })
    .await?;
    Ok(HttpResponse::Ok().json(found))
}

/// The claim's history in order: built, moves, corrections. Audited as a read.
#[utoipa::path(tag = "claims", params(("claim_id" = String, Path)),
    responses((status = 200, body = Vec<ClaimEvent>), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[get("/claims/{claim_id}/events")]
async fn list_events(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<ClaimId>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let items = in_write_transaction(&state.pool, move |conn| {
        let claim = store::find_summary(conn, &id)?.ok_or(AppError::NotFound("claim"))?;
        audit_claim(
            conn,
            &actor.audit(),
            "read",
            &id,
            &claim.patient_id,
            Some("events".into()),
        )?;
        Ok(events::list(conn, &id)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(items))
}

/// A biller's move: `draft` ⇄ `ready` (hold a claim back from batching, release it) and `closed` (from
/// accepted, rejected, paid, partially paid or denied). The other moves are the service's: 409
/// `action_not_allowed` with `current_state` and `allowed_actions`.
#[utoipa::path(tag = "claims", params(("claim_id" = String, Path)), request_body = StatusInput,
    responses((status = 200, body = Claim), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[post("/claims/{claim_id}/status")]
async fn change_status(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<ClaimId>,
    body: ApiJson<StatusInput>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let mut v = Validator::new();
    let to = v.check("status", Status::parse(&body.0.status));
    let reason = v.optional("reason", body.0.reason.as_deref(), |s| bounded_text(s, 200));
    let (to, reason) = v.finish(|| Some((to?, reason?)))?;
    let claim = in_write_transaction(&state.pool, move |conn| {
        workflow::manual_transition(conn, &actor.audit(), &id, to, reason.as_deref())
    })
    .await?;
    Ok(with_etag(claim.summary.version, &claim))
}

/// Corrects a claim the payer has (sent, accepted, paid, partially paid, denied) or that was rejected:
/// version N+1 with frequency 7 (replacement) or 8 (void) and REF*F8, CLM01 `{claim_number}-{N+1}`; a
/// rejected claim may be resubmitted as an original instead. Earlier versions never change. The claim
/// is ready again.
#[utoipa::path(tag = "claims", params(("claim_id" = String, Path)), request_body = CorrectionInput,
    responses((status = 201, body = Claim), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[post("/claims/{claim_id}/corrections")]
async fn correct_claim(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<ClaimId>,
    body: ApiJson<CorrectionInput>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let valid = ValidCorrection::try_from(&body.0)?;
    let claim = in_write_transaction(&state.pool, move |conn| {
        workflow::correct(conn, &actor.audit(), &id, &valid)
    })
    .await?;
    Ok(created_with_etag(claim.summary.version, &claim))
}
