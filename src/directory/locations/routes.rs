//! `/locations`: create, read, list, replace (versioned), deactivate.

use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::model::{Location, LocationInput, ValidLocation};
use super::store::{self, LocationFilter};
use crate::auth::Actor;
use crate::db::ids::LocationId;
use crate::directory::record;
use crate::error::{AppResult, Problem};
use crate::http::{ApiJson, ApiQuery, AppState, ExpectedVersion, Page, Paging, with_conn};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_locations)
        .service(create_location)
        .service(get_location)
        .service(replace_location)
        .service(deactivate_location);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LocationQuery {
    pub active: Option<bool>,
    /// Prefix of the name, any case.
    pub name: Option<String>,
    /// CMS place of service code, e.g. 11.
    pub place_of_service: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Locations, by name.
#[utoipa::path(tag = "locations", params(LocationQuery),
    responses((status = 200, body = Page<Location>), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[get("/locations")]
async fn list_locations(
    _actor: Actor,
    state: web::Data<AppState>,
    query: ApiQuery<LocationQuery>,
) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let paging = Paging::from_query(q.page, q.per_page)?;
    let filter = LocationFilter {
        active: q.active,
        name: q.name,
        place_of_service: q.place_of_service,
    };
    let (items, total) = with_conn(&state.pool, move |conn| {
        Ok(store::list(conn, &filter, paging.per_page, paging.offset)?)
    })
    .await?;
    Ok(paging.respond(items, total))
}

/// Adds a location.
#[utoipa::path(tag = "locations", request_body = LocationInput,
    responses((status = 201, body = Location), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[post("/locations")]
async fn create_location(
    actor: Actor,
    state: web::Data<AppState>,
    body: ApiJson<LocationInput>,
) -> AppResult<HttpResponse> {
    record::create::<Location>(&state, actor, ValidLocation::try_from(&body.0)?).await
}

/// One location, with its version as ETag.
#[utoipa::path(tag = "locations", params(("location_id" = String, Path)),
    responses((status = 200, body = Location), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[get("/locations/{location_id}")]
async fn get_location(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<LocationId>,
) -> AppResult<HttpResponse> {
    record::read::<Location>(&state, actor, path.into_inner()).await
}

/// Replaces a location's fields. Send the version read as `If-Match` (or `version`); a stale one is 412.
#[utoipa::path(tag = "locations", params(("location_id" = String, Path)), request_body = LocationInput,
    responses((status = 200, body = Location), (status = 404, body = Problem), (status = 412, body = Problem),
              (status = 422, body = Problem), (status = 428, body = Problem)),
    security(("bearer" = [])))]
#[put("/locations/{location_id}")]
async fn replace_location(
    actor: Actor,
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<LocationId>,
    body: ApiJson<LocationInput>,
) -> AppResult<HttpResponse> {
    let expected = ExpectedVersion::from_request(&req, body.0.version)?;
    let valid = ValidLocation::try_from(&body.0)?;
    record::replace::<Location>(&state, actor, path.into_inner(), expected, valid).await
}

/// Deactivates a location: kept for the encounters and claims that name it, offered no more.
#[utoipa::path(tag = "locations", params(("location_id" = String, Path)),
    responses((status = 200, body = Location), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[post("/locations/{location_id}/deactivate")]
async fn deactivate_location(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<LocationId>,
) -> AppResult<HttpResponse> {
    record::deactivate::<Location>(&state, actor, path.into_inner()).await
}
