//! `/fee-schedules`: the default schedule and per-payer ones, and their prices by date.

use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::model::{
    FeeSchedule, FeeScheduleInput, Price, PriceInput, ValidFeeSchedule, ValidPrice,
};
use super::store::{self, PriceAdded, PriceFilter};
use crate::audit::{self, Audit};
use crate::auth::Actor;
use crate::coding::values::ProcedureCode;
use crate::db::DbConnection;
use crate::db::ids::FeeScheduleId;
use crate::directory::patients::parse_date;
use crate::directory::policies::store::active_payer_exists;
use crate::error::{AppError, AppResult, Problem, Validator};
use crate::http::{
    ApiJson, ApiQuery, AppState, ExpectedVersion, Page, Paging, created_with_etag,
    in_write_transaction, with_conn, with_etag,
};

const RESOURCE: &str = "fee_schedule";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_fee_schedules)
        .service(create_fee_schedule)
        .service(get_fee_schedule)
        .service(replace_fee_schedule)
        .service(list_prices)
        .service(add_price);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PagingQuery {
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PriceQuery {
    /// Only this procedure code.
    pub code: Option<String>,
    /// Only prices in effect on this date (`YYYY-MM-DD`).
    pub date: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

fn scope_taken() -> AppError {
    AppError::conflict(
        "schedule_exists",
        "a schedule for this payer (or the default schedule) already exists",
    )
}

/// Checks the payer and that no other schedule has the same scope.
fn check_scope(
    conn: &mut DbConnection,
    s: &ValidFeeSchedule,
    except: Option<&FeeScheduleId>,
) -> AppResult<()> {
    if let Some(payer) = &s.payer_id
        && !active_payer_exists(conn, payer)?
    {
        return Err(AppError::invalid(
            "payer_id",
            "no active payer with this id",
        ));
    }
    if store::scope_taken(conn, s, except)? {
        return Err(scope_taken());
    }
    Ok(())
}

fn find_or_404(conn: &mut DbConnection, id: &FeeScheduleId) -> AppResult<FeeSchedule> {
    store::find(conn, id)?.ok_or(AppError::NotFound("fee schedule"))
}

/// Every fee schedule, the default first.
#[utoipa::path(tag = "fee schedules", params(PagingQuery),
    responses((status = 200, body = Page<FeeSchedule>), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[get("/fee-schedules")]
async fn list_fee_schedules(
    state: web::Data<AppState>,
    query: ApiQuery<PagingQuery>,
) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let paging = Paging::from_query(q.page, q.per_page)?;
    let (items, total) = with_conn(&state.pool, move |conn| {
        Ok(store::list(conn, paging.per_page, paging.offset)?)
    })
    .await?;
    Ok(paging.respond(items, total))
}

/// Creates the default schedule (no `payer_id`) or a payer's. One per payer and one default: 409 `schedule_exists`.
#[utoipa::path(tag = "fee schedules", request_body = FeeScheduleInput,
    responses((status = 201, body = FeeSchedule), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[post("/fee-schedules")]
async fn create_fee_schedule(
    actor: Actor,
    state: web::Data<AppState>,
    body: ApiJson<FeeScheduleInput>,
) -> AppResult<HttpResponse> {
    let valid = ValidFeeSchedule::try_from(&body.0)?;
    let schedule = in_write_transaction(&state.pool, move |conn| {
        check_scope(conn, &valid, None)?;
        let schedule = store::insert(conn, &valid)?;
        audit::record(
            conn,
            &actor.audit(),
            Audit::new("create", RESOURCE, &schedule.id),
        )?;
        Ok(schedule)
    })
    .await?;
    Ok(created_with_etag(schedule.version, &schedule))
}

/// One fee schedule with its version as ETag.
#[utoipa::path(tag = "fee schedules", params(("schedule_id" = String, Path)),
    responses((status = 200, body = FeeSchedule), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[get("/fee-schedules/{schedule_id}")]
async fn get_fee_schedule(
    state: web::Data<AppState>,
    path: web::Path<FeeScheduleId>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let schedule = with_conn(&state.pool, move |conn| find_or_404(conn, &id)).await?;
    Ok(with_etag(schedule.version, &schedule))
}

/// Renames a schedule or moves it to another payer. Versioned: If-Match or `version`; stale is 412.
#[utoipa::path(tag = "fee schedules", params(("schedule_id" = String, Path)), request_body = FeeScheduleInput,
    responses((status = 200, body = FeeSchedule), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 412, body = Problem), (status = 422, body = Problem), (status = 428, body = Problem)),
    security(("bearer" = [])))]
#[put("/fee-schedules/{schedule_id}")]
async fn replace_fee_schedule(
    actor: Actor,
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<FeeScheduleId>,
    body: ApiJson<FeeScheduleInput>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let expected = ExpectedVersion::from_request(&req, body.0.version)?;
    let valid = ValidFeeSchedule::try_from(&body.0)?;
    let schedule = in_write_transaction(&state.pool, move |conn| {
        find_or_404(conn, &id)?;
        check_scope(conn, &valid, Some(&id))?;
        store::update(conn, &id, expected.0, &valid)?.into_result("fee schedule")?;
        audit::record(conn, &actor.audit(), Audit::new("update", RESOURCE, &id))?;
        find_or_404(conn, &id)
    })
    .await?;
    Ok(with_etag(schedule.version, &schedule))
}

/// The schedule's prices, by code, modifier and start date; filter by code and by a date in effect.
#[utoipa::path(tag = "fee schedules", params(("schedule_id" = String, Path), PriceQuery),
    responses((status = 200, body = Page<Price>), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[get("/fee-schedules/{schedule_id}/prices")]
async fn list_prices(
    state: web::Data<AppState>,
    path: web::Path<FeeScheduleId>,
    query: ApiQuery<PriceQuery>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let q = query.into_inner();
    let paging = Paging::from_query(q.page, q.per_page)?;
    let mut v = Validator::new();
    let code = v.optional("code", q.code.as_deref(), ProcedureCode::parse);
    let date = v.optional("date", q.date.as_deref(), parse_date);
    let filter = v.finish(|| {
        Some(PriceFilter {
            code: code?,
            date: date?,
        })
    })?;
    let (items, total) = with_conn(&state.pool, move |conn| {
        find_or_404(conn, &id)?;
        Ok(store::list_prices(
            conn,
            &id,
            &filter,
            paging.per_page,
            paging.offset,
        )?)
    })
    .await?;
    Ok(paging.respond(items, total))
}

/// Adds a price. A later start for the same code and modifier ends the open-ended price before it (a
/// price change); any other overlap is 409 `price_overlaps`.
#[utoipa::path(tag = "fee schedules", params(("schedule_id" = String, Path)), request_body = PriceInput,
    responses((status = 201, body = Price), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[post("/fee-schedules/{schedule_id}/prices")]
async fn add_price(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<FeeScheduleId>,
    body: ApiJson<PriceInput>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let valid = ValidPrice::try_from(&body.0)?;
    let price = in_write_transaction(&state.pool, move |conn| {
        find_or_404(conn, &id)?;
        let price = match store::add_price(conn, &id, &valid)? {
            PriceAdded::Added(price) => price,
            PriceAdded::Overlaps(old) => {
                return Err(AppError::conflict(
                    "price_overlaps",
                    format!(
                        "a price for this code and modifier already applies from {}",
                        old.effective_from
                    ),
                ));
            }
        };
        let event = Audit::new("add_price", RESOURCE, &id).detail(format!("price {}", price.id));
        audit::record(conn, &actor.audit(), event)?;
        Ok(price)
    })
    .await?;
    Ok(HttpResponse::Created().json(price))
}
