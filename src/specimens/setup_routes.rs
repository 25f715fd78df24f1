//! `/stations` and `/container-types`: what administrators configure for the bench. Everyone may read
//! them (scanners and order forms need them); writes are audited and versioned.

use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::input::container_code;
use super::model::{ContainerType, Station};
use super::setup;
use super::setup_input::{ContainerTypeInput, StationInput, ValidContainerType, ValidStation};
use crate::audit::{self, Audit};
use crate::auth::Actor;
use crate::db::ids::StationId;
use crate::error::{AppError, AppResult, Problem};
use crate::http::{
    ApiJson, ApiQuery, AppState, ExpectedVersion, Page, Paging, created_with_etag,
    in_write_transaction, with_conn, with_etag,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_stations)
        .service(create_station)
        .service(get_station)
        .service(replace_station)
        .service(list_container_types)
        .service(create_container_type)
        .service(get_container_type)
        .service(replace_container_type);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StationQuery {
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Stations, by name.
#[utoipa::path(tag = "bench setup", params(StationQuery),
    responses((status = 200, body = Page<Station>), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[get("/stations")]
async fn list_stations(
    _actor: Actor,
    state: web::Data<AppState>,
    query: ApiQuery<StationQuery>,
) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let paging = Paging::from_query(q.page, q.per_page)?;
    let (items, total) = with_conn(&state.pool, move |conn| {
        Ok(setup::list_stations(conn, paging.per_page, paging.offset)?)
    })
    .await?;
    Ok(paging.respond(items, total))
}

/// Adds a station (name unique; 409 if taken).
#[utoipa::path(tag = "bench setup", request_body = StationInput,
    responses((status = 201, body = Station), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[post("/stations")]
async fn create_station(
    actor: Actor,
    state: web::Data<AppState>,
    body: ApiJson<StationInput>,
) -> AppResult<HttpResponse> {
    let valid = ValidStation::try_from(&body.0)?;
    let station = in_write_transaction(&state.pool, move |conn| {
        let station = setup::insert_station(conn, &valid)?;
        audit::record(
            conn,
            &actor.audit(),
            Audit::new("create", "station", &station.id),
        )?;
        Ok(station)
    })
    .await?;
    Ok(created_with_etag(station.version, &station))
}

/// One station.
#[utoipa::path(tag = "bench setup", params(("station_id" = String, Path)),
    responses((status = 200, body = Station), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[get("/stations/{station_id}")]
async fn get_station(
    _actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<StationId>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let station = with_conn(&state.pool, move |conn| {
        setup::find_station(conn, &id)?.ok_or(AppError::NotFound("station"))
    })
    .await?;
    Ok(with_etag(station.version, &station))
}

/// Replaces a station (name, location, action, active). Send the version read as If-Match or `version`.
#[utoipa::path(tag = "bench setup", params(("station_id" = String, Path)), request_body = StationInput,
    responses((status = 200, body = Station), (status = 404, body = Problem), (status = 412, body = Problem),
              (status = 422, body = Problem), (status = 428, body = Problem)),
    security(("bearer" = [])))]
#[put("/stations/{station_id}")]
async fn replace_station(
    actor: Actor,
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<StationId>,
    body: ApiJson<StationInput>,
) -> AppResult<HttpResponse> {
    let expected = ExpectedVersion::from_request(&req, body.0.version)?;
    let valid = ValidStation::try_from(&body.0)?;
    let id = path.into_inner();
    let station = in_write_transaction(&state.pool, move |conn| {
        setup::update_station(conn, &id, expected.0, &valid)?.into_result("station")?;
        audit::record(conn, &actor.audit(), Audit::new("update", "station", &id))?;
        setup::find_station(conn, &id)?.ok_or(AppError::NotFound("station"))
    })
    .await?;
    Ok(with_etag(station.version, &station))
}

/// Every container type, by code.
#[utoipa::path(tag = "bench setup",
    responses((status = 200, body = Vec<ContainerType>)),
    security(("bearer" = [])))]
#[get("/container-types")]
async fn list_container_types(
    _actor: Actor,
    state: web::Data<AppState>,
) -> AppResult<HttpResponse> {
    let types = with_conn(&state.pool, |conn| Ok(setup::list_container_types(conn)?)).await?;
    Ok(HttpResponse::Ok().json(types))
}

/// Adds a container type (`code` required; 409 if taken).
#[utoipa::path(tag = "bench setup", request_body = ContainerTypeInput,
    responses((status = 201, body = ContainerType), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[post("/container-types")]
async fn create_container_type(
    actor: Actor,
    state: web::Data<AppState>,
    body: ApiJson<ContainerTypeInput>,
) -> AppResult<HttpResponse> {
    let valid = ValidContainerType::try_from(&body.0)?;
    let code = valid
        .code
        .clone()
        .ok_or_else(|| AppError::invalid("code", "is required"))?;
    let created = in_write_transaction(&state.pool, move |conn| {
        let created = setup::insert_container_type(conn, &code, &valid)?;
        audit::record(
            conn,
            &actor.audit(),
            Audit::new("create", "container_type", &code),
        )?;
        Ok(created)
    })
    .await?;
    Ok(created_with_etag(created.version, &created))
}

fn code_from_path(raw: &str) -> AppResult<String> {
    container_code(raw).map_err(|_| AppError::NotFound("container type"))
}

/// One container type.
#[utoipa::path(tag = "bench setup", params(("code" = String, Path)),
    responses((status = 200, body = ContainerType), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[get("/container-types/{code}")]
async fn get_container_type(
    _actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let code = code_from_path(&path.into_inner())?;
    let found = with_conn(&state.pool, move |conn| {
        setup::find_container_type(conn, &code)?.ok_or(AppError::NotFound("container type"))
    })
    .await?;
    Ok(with_etag(found.version, &found))
}

/// Replaces a container type's name, stability window and active flag (the code stays).
#[utoipa::path(tag = "bench setup", params(("code" = String, Path)), request_body = ContainerTypeInput,
    responses((status = 200, body = ContainerType), (status = 404, body = Problem), (status = 412, body = Problem),
              (status = 422, body = Problem), (status = 428, body = Problem)),
    security(("bearer" = [])))]
#[put("/container-types/{code}")]
async fn replace_container_type(
    actor: Actor,
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: ApiJson<ContainerTypeInput>,
) -> AppResult<HttpResponse> {
    let expected = ExpectedVersion::from_request(&req, body.0.version)?;
    let valid = ValidContainerType::try_from(&body.0)?;
    let code = code_from_path(&path.into_inner())?;
    if valid.code.as_ref().is_some_and(|c| *c != code) {
        return Err(AppError::invalid(
            "code",
            "must match the code in the path (codes do not change)",
        ));
    }
    let updated = in_write_transaction(&state.pool, move |conn| {
        setup::update_container_type(conn, &code, expected.0, &valid)?
            .into_result("container type")?;
        audit::record(
            conn,
            &actor.audit(),
            Audit::new("update", "container_type", &code),
        )?;
        setup::find_container_type(conn, &code)?.ok_or(AppError::NotFound("container type"))
    })
    .await?;
    Ok(with_etag(updated.version, &updated))
}
