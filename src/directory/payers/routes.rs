//! `/payers`: create, read, list, replace (versioned), deactivate.

use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::model::{Payer, PayerInput, ValidPayer};
use super::store::{self, PayerFilter};
use crate::auth::Actor;
use crate::db::ids::PayerId;
use crate::directory::record;
use crate::error::{AppResult, Problem};
use crate::http::{ApiJson, ApiQuery, AppState, ExpectedVersion, Page, Paging, with_conn};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_payers)
        .service(create_payer)
        .service(get_payer)
        .service(replace_payer)
        .service(deactivate_payer);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PayerQuery {
    pub active: Option<bool>,
    /// Prefix of the name, any case.
    pub name: Option<String>,
    /// Exact electronic payer id (X12 NM109), any case.
    pub payer_id: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Payers, by name.
#[utoipa::path(tag = "payers", params(PayerQuery),
    responses((status = 200, body = Page<Payer>), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[get("/payers")]
async fn list_payers(
    _actor: Actor,
    state: web::Data<AppState>,
    query: ApiQuery<PayerQuery>,
) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let paging = Paging::from_query(q.page, q.per_page)?;
    let filter = PayerFilter {
        active: q.active,
        name: q.name,
        payer_id: q.payer_id,
    };
    let (items, total) = with_conn(&state.pool, move |conn| {
        Ok(store::list(conn, &filter, paging.per_page, paging.offset)?)
    })
    .await?;
    Ok(paging.respond(items, total))
}

/// Adds a payer. Electronic payer ids need not be unique: one clearinghouse id can serve several plans.
#[utoipa::path(tag = "payers", request_body = PayerInput,
    responses((status = 201, body = Payer), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[post("/payers")]
async fn create_payer(
    actor: Actor,
    state: web::Data<AppState>,
    body: ApiJson<PayerInput>,
) -> AppResult<HttpResponse> {
    record::create::<Payer>(&state, actor, ValidPayer::try_from(&body.0)?).await
}

/// One payer, with its version as ETag.
/// The path's `payer_id` is the payer's row id, not its electronic payer id.
#[utoipa::path(tag = "payers", params(("payer_id" = String, Path)),
    responses((status = 200, body = Payer), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[get("/payers/{payer_id}")]
async fn get_payer(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<PayerId>,
) -> AppResult<HttpResponse> {
    record::read::<Payer>(&state, actor, path.into_inner()).await
}

/// Replaces a payer's fields. Send the version read as `If-Match` (or `version`); a stale one is 412.
#[utoipa::path(tag = "payers", params(("payer_id" = String, Path)), request_body = PayerInput,
    responses((status = 200, body = Payer), (status = 404, body = Problem), (status = 412, body = Problem),
              (status = 422, body = Problem), (status = 428, body = Problem)),
    security(("bearer" = [])))]
#[put("/payers/{payer_id}")]
async fn replace_payer(
    actor: Actor,
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<PayerId>,
    body: ApiJson<PayerInput>,
) -> AppResult<HttpResponse> {
    let expected = ExpectedVersion::from_request(&req, body.0.version)?;
    let valid = ValidPayer::try_from(&body.0)?;
    record::replace::<Payer>(&state, actor, path.into_inner(), expected, valid).await
}

/// Deactivates a payer: kept for the policies and claims that name it, offered no more.
#[utoipa::path(tag = "payers", params(("payer_id" = String, Path)),
    responses((status = 200, body = Payer), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[post("/payers/{payer_id}/deactivate")]
async fn deactivate_payer(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<PayerId>,
) -> AppResult<HttpResponse> {
    record::deactivate::<Payer>(&state, actor, path.into_inner()).await
}
