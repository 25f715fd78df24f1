//! `/providers`: create, read, list, replace (versioned), deactivate.

use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::model::{Provider, ProviderInput, ValidProvider};
use super::store::{self, ProviderFilter};
use crate::auth::Actor;
use crate::db::ids::ProviderId;
use crate::directory::record;
use crate::error::{AppResult, Problem};
use crate::http::{ApiJson, ApiQuery, AppState, ExpectedVersion, Page, Paging, with_conn};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_providers)
        .service(create_provider)
        .service(get_provider)
        .service(replace_provider)
        .service(deactivate_provider);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ProviderQuery {
    pub active: Option<bool>,
    pub npi: Option<String>,
    /// Prefix of the last or organization name, any case.
    pub name: Option<String>,
    pub is_billing: Option<bool>,
    pub is_rendering: Option<bool>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Providers, by name.
#[utoipa::path(tag = "providers", params(ProviderQuery),
    responses((status = 200, body = Page<Provider>), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[get("/providers")]
async fn list_providers(
    _actor: Actor,
    state: web::Data<AppState>,
    query: ApiQuery<ProviderQuery>,
) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let paging = Paging::from_query(q.page, q.per_page)?;
    let filter = ProviderFilter {
        active: q.active,
        npi: q.npi,
        name: q.name,
        is_billing: q.is_billing,
        is_rendering: q.is_rendering,
    };
    let (items, total) = with_conn(&state.pool, move |conn| {
        Ok(store::list(conn, &filter, paging.per_page, paging.offset)?)
    })
    .await?;
    Ok(paging.respond(items, total))
}

/// Adds a provider. The NPI must be unique.
#[utoipa::path(tag = "providers", request_body = ProviderInput,
    responses((status = 201, body = Provider), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[post("/providers")]
async fn create_provider(
    actor: Actor,
    state: web::Data<AppState>,
    body: ApiJson<ProviderInput>,
) -> AppResult<HttpResponse> {
    record::create::<Provider>(&state, actor, ValidProvider::try_from(&body.0)?).await
}

/// One provider, with its version as ETag.
#[utoipa::path(tag = "providers", params(("provider_id" = String, Path)),
    responses((status = 200, body = Provider), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[get("/providers/{provider_id}")]
async fn get_provider(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<ProviderId>,
) -> AppResult<HttpResponse> {
    record::read::<Provider>(&state, actor, path.into_inner()).await
}

/// Replaces a provider's fields. Send the version read as `If-Match` (or `version`); a stale one is 412.
#[utoipa::path(tag = "providers", params(("provider_id" = String, Path)), request_body = ProviderInput,
    responses((status = 200, body = Provider), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 412, body = Problem), (status = 422, body = Problem), (status = 428, body = Problem)),
    security(("bearer" = [])))]
#[put("/providers/{provider_id}")]
async fn replace_provider(
    actor: Actor,
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<ProviderId>,
    body: ApiJson<ProviderInput>,
) -> AppResult<HttpResponse> {
    let expected = ExpectedVersion::from_request(&req, body.0.version)?;
    let valid = ValidProvider::try_from(&body.0)?;
    record::replace::<Provider>(&state, actor, path.into_inner(), expected, valid).await
}

/// Deactivates a provider: kept for the claims and audit events that name it, offered no more.
#[utoipa::path(tag = "providers", params(("provider_id" = String, Path)),
    responses((status = 200, body = Provider), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[post("/providers/{provider_id}/deactivate")]
async fn deactivate_provider(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<ProviderId>,
) -> AppResult<HttpResponse> {
    record::deactivate::<Provider>(&state, actor, path.into_inner()).await
}
