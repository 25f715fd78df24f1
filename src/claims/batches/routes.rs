//! `/claim-batches`: build a batch (biller), read batches, download a batch's file (the exact bytes
//! stored, every time), mark it sent.

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::build::{self, RESOURCE};
use super::model::{BatchInput, BatchStatus, ClaimBatch, ValidBatchInput};
use super::store;
use crate::audit::{self, Audit};
use crate::auth::Actor;
use crate::claims::workflow::RESOURCE as CLAIM;
use crate::db::ids::{ClaimBatchId, TradingPartnerId};
use crate::db::now;
use crate::error::{AppError, AppResult, Problem, Validator};
use crate::http::{ApiJson, ApiQuery, AppState, Page, Paging, in_write_transaction};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_batches)
        .service(create_batch)
        .service(get_batch)
        .service(get_file)
        .service(mark_sent);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct BatchQuery {
    pub partner_id: Option<String>,
    /// `open` or `sent`.
    pub status: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Batches, newest first, without their claims.
#[utoipa::path(tag = "claims", params(BatchQuery),
    responses((status = 200, body = Page<ClaimBatch>), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[get("/claim-batches")]
async fn list_batches(
    state: web::Data<AppState>,
    query: ApiQuery<BatchQuery>,
) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let paging = Paging::from_query(q.page, q.per_page)?;
    let mut v = Validator::new();
    let partner = v.optional("partner_id", q.partner_id.as_deref(), TradingPartnerId::parse);
    let status = v.optional("status", q.status.as_deref(), BatchStatus::parse);
    let (partner, status) = v.finish(|| Some((partner?, status?)))?;
    let (items, total) = in_write_transaction(&state.pool, move |conn| {
        let offset = paging.offset;
        Ok(store::list(conn, partner.as_ref(), status, paging.per_page, offset)?)
    })
    .await?;
    Ok(paging.respond(items, total))
}

/// Builds one 837P file for a clearinghouse from the named ready claims, or from every ready claim whose
/// payer routes through it. ISA13, GS06 and ST02 come from database counters in the same transaction;
/// the file is read back and checked before it is stored (409 `batch_blocked` with `findings` naming
/// claim, loop and segment otherwise, and nothing is recorded). Its claims become batched. 409
/// `no_ready_claims` when there is nothing to send; 422 naming a claim that is not ready or not routed.
#[utoipa::path(tag = "claims", request_body = BatchInput,
    responses((status = 201, body = ClaimBatch), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[post("/claim-batches")]
async fn create_batch(
    actor: Actor,
    state: web::Data<AppState>,
    body: ApiJson<BatchInput>,
) -> AppResult<HttpResponse> {
    let valid = ValidBatchInput::try_from(&body.0)?;
    let catalog = state.catalog.clone();
    let batch = in_write_transaction(&state.pool, move |conn| {
        let codes = catalog.refresh(conn, false)?;
        build::create_batch(conn, &actor.audit(), &codes, &valid, now().naive_utc())
    })
    .await?;
    Ok(HttpResponse::Created().json(batch))
}

/// One batch with where each claim went (ST02, position, segments).
#[utoipa::path(tag = "claims", params(("batch_id" = String, Path)),
    responses((status = 200, body = ClaimBatch), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[get("/claim-batches/{batch_id}")]
async fn get_batch(
    state: web::Data<AppState>,
    path: web::Path<ClaimBatchId>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let batch = in_write_transaction(&state.pool, move |conn| {
        store::find(conn, &id)?.ok_or(AppError::NotFound(RESOURCE))
    })
    .await?;
    Ok(HttpResponse::Ok().json(batch))
}

/// The batch's 837P file: the bytes stored when it was built, identical on every download (`ETag` is
/// their SHA-256). The file holds patient data: each download is audited once per claim in it.
#[utoipa::path(tag = "claims", params(("batch_id" = String, Path)),
    responses((status = 200, content_type = "application/edi-x12", body = String),
              (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[get("/claim-batches/{batch_id}/file")]
async fn get_file(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<ClaimBatchId>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let (batch, file) = in_write_transaction(&state.pool, move |conn| {
        let batch = store::find(conn, &id)?.ok_or(AppError::NotFound(RESOURCE))?;
        let file = store::file(conn, &id)?.ok_or(AppError::NotFound(RESOURCE))?;
        let note = format!("batch {}", batch.reference);
        let audits = store::claim_patients(conn, &id)?
            .into_iter()
            .map(|(claim, patient)| {
                Audit::new("export", CLAIM, claim)
                    .patient(patient)
                    .detail(note.clone())
            })
            .collect();
        audit::record_many(conn, &actor.audit(), audits)?;
        Ok((batch, file))
    })
    .await?;
    let disposition = format!("attachment; filename=\"{}.x12\"", batch.reference);
    Ok(HttpResponse::Ok()
        .content_type("application/edi-x12")
        .insert_header((header::CONTENT_DISPOSITION, disposition))
        .insert_header((header::ETAG, format!("\"{}\"", batch.sha256)))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(file))
}

/// Records that the file went to the clearinghouse: the batch and its claims become sent. Marking a
/// sent batch again changes nothing.
#[utoipa::path(tag = "claims", params(("batch_id" = String, Path)),
    responses((status = 200, body = ClaimBatch), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = [])))]
#[post("/claim-batches/{batch_id}/sent")]
async fn mark_sent(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<ClaimBatchId>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let batch = in_write_transaction(&state.pool, move |conn| {
        build::mark_sent(conn, &actor.audit(), &id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(batch))
}
