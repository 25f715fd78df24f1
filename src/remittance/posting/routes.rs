//! `/remittances`: 835 files in (the raw X12 body, as `/x12/inbound` takes acknowledgements), listed
//! and read back with what posting them did, and the work queue of what matched nothing.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::import::{EraFile, RESOURCE, import};
use super::model::{Outcome, QueuedItem, RemittanceFile, RemittanceSummary};
use super::store;
use crate::audit::{self, Audit};
use crate::auth::Actor;
use crate::db::ids::RemittanceId;
use crate::error::{AppError, AppResult, Problem};
use crate::http::{
    ApiQuery, AppState, Page, Paging, in_write_transaction, read_x12_file, with_conn,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_remittances)
        .service(import_remittance)
        .service(list_unmatched)
        .service(get_remittance);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// Answer what would be posted, posting nothing.
    pub dry_run: Option<bool>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Takes in an 835 and posts each claim it pays or denies, each whole or not at all (a group of claims
/// per transaction, or one): 201 with what
/// was posted, how each claim matched, and what matched nothing (also kept in the work queue). The
/// same file, or the same payment (payer, TRN02, amount) in another file, posts nothing: 200 with the
/// first import's outcome and `duplicate: true`. A file whose import was interrupted is finished by
/// importing it again. `?dry_run=true`: 200 with what would be posted, posting nothing. 422 naming
/// `file` when it does not read, or does not balance (each finding listed; nothing posted).
#[utoipa::path(tag = "remittances", params(ImportQuery),
    request_body(description = "The 835 file, exactly as received from the payer or clearinghouse.",
        content((String = "application/edi-x12"), (String = "text/plain"), (String = "application/octet-stream"))),
    responses((status = 201, body = Outcome), (status = 200, body = Outcome, description = "dry run, or already imported"),
              (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[post("/remittances")]
async fn import_remittance(
    actor: Actor,
    state: web::Data<AppState>,
    req: HttpRequest,
    query: ApiQuery<ImportQuery>,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    let bytes = match read_x12_file(&req, payload, "the 835 file").await {
        Ok(bytes) => bytes,
        Err(refusal) => return Ok(refusal),
    };
    let dry_run = query.into_inner().dry_run.unwrap_or(false);
    let file = web::block(move || EraFile::read(bytes)).await??;
    let codes = state.catalog.snapshot();
    let outcome = with_conn(&state.pool, move |conn| {
        import(conn, &actor.audit(), &codes, &file, dry_run)
    })
    .await?;
    let mut response = if outcome.duplicate || outcome.dry_run {
        HttpResponse::Ok()
    } else {
        HttpResponse::Created()
    };
    if let Some(id) = &outcome.id {
        response.insert_header((header::LOCATION, format!("/remittances/{id}")));
    }
    Ok(response.json(outcome))
}

/// Remittance files taken in, newest first.
#[utoipa::path(tag = "remittances", params(PageQuery),
    responses((status = 200, body = Page<RemittanceSummary>), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[get("/remittances")]
async fn list_remittances(
    _actor: Actor,
    state: web::Data<AppState>,
    query: ApiQuery<PageQuery>,
) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let paging = Paging::from_query(q.page, q.per_page)?;
    let (items, total) = with_conn(&state.pool, move |conn| {
        Ok(store::list(conn, paging.per_page, paging.offset)?)
    })
    .await?;
    Ok(paging.respond(items, total))
}

/// The work queue: claims and lines of remittances that matched nothing or were not posted, with why,
/// oldest first.
#[utoipa::path(tag = "remittances", params(PageQuery),
    responses((status = 200, body = Page<QueuedItem>), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[get("/remittances/unmatched")]
async fn list_unmatched(
    _actor: Actor,
    state: web::Data<AppState>,
    query: ApiQuery<PageQuery>,
) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let paging = Paging::from_query(q.page, q.per_page)?;
    let (items, total) = with_conn(&state.pool, move |conn| {
        Ok(store::queued(conn, paging.per_page, paging.offset)?)
    })
    .await?;
    Ok(paging.respond(items, total))
}

/// One remittance file: what importing it did. Audited as a read.
#[utoipa::path(tag = "remittances", params(("remittance_id" = String, Path)),
    responses((status = 200, body = RemittanceFile), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[get("/remittances/{remittance_id}")]
async fn get_remittance(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<RemittanceId>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let file = in_write_transaction(&state.pool, move |conn| {
        let file = store::find(conn, &id)?.ok_or(AppError::NotFound("remittance"))?;
        audit::record(conn, &actor.audit(), Audit::new("read", RESOURCE, &id))?;
        Ok(file)
    })
    .await?;
    Ok(HttpResponse::Ok().json(file))
}
