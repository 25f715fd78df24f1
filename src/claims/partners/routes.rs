//! `/trading-partners`: create, read, list and replace (versioned) clearinghouse settings. Not patient
//! data: reads are not audited; writes are, in their transaction.

use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::model::{PartnerInput, TradingPartner, ValidPartner};
use super::store;
use crate::audit::{self, Audit};
use crate::auth::Actor;
use crate::db::DbConnection;
use crate::db::ids::TradingPartnerId;
use crate::directory::payers;
use crate::error::{AppError, AppResult, FieldError, Problem};
use crate::http::{
    ApiJson, ApiQuery, AppState, ExpectedVersion, Page, Paging, created_with_etag,
    in_write_transaction, with_conn, with_etag,
};

pub const RESOURCE: &str = "trading_partner";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_partners)
        .service(create_partner)
        .service(get_partner)
        .service(replace_partner);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PartnerQuery {
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Every payer named must exist and route through no other partner (422 naming `payer_ids[i]`).
fn check_payers(
    conn: &mut DbConnection,
    valid: &ValidPartner,
    this: Option<&TradingPartnerId>,
) -> AppResult<()> {
    let mut errors = Vec::new();
    for (i, payer) in valid.payer_ids.iter().enumerate() {
        let field = format!("payer_ids[{i}]");
        if payers::store::find(conn, payer)?.is_none() {
            errors.push(FieldError::new(field, "no payer with this id"));
            continue;
        }
        match store::partner_of(conn, payer)? {
            Some(other) if Some(&other) != this => errors.push(FieldError::new(
                field,
                format!("already routes through trading partner {other}"),
            )),
            _ => {}
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

fn find_or_404(conn: &mut DbConnection, id: &TradingPartnerId) -> AppResult<TradingPartner> {
    store::find(conn, id)?.ok_or(AppError::NotFound(RESOURCE))
}

/// Trading partners, by name.
#[utoipa::path(tag = "trading partners", params(PartnerQuery),
    responses((status = 200, body = Page<TradingPartner>), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[get("/trading-partners")]
async fn list_partners(
    _actor: Actor,
    state: web::Data<AppState>,
    query: ApiQuery<PartnerQuery>,
) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let paging = Paging::from_query(q.page, q.per_page)?;
    let (items, total) = with_conn(&state.pool, move |conn| {
        Ok(store::list(conn, paging.per_page, paging.offset)?)
    })
    .await?;
    Ok(paging.respond(items, total))
}

/// Adds a clearinghouse with its envelope settings and the payers routed through it. A payer routes
/// through at most one partner: naming one already taken is 422 on `payer_ids[i]`.
#[utoipa::path(tag = "trading partners", request_body = PartnerInput,
    responses((status = 201, body = TradingPartner), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[post("/trading-partners")]
async fn create_partner(
    actor: Actor,
    state: web::Data<AppState>,
    body: ApiJson<PartnerInput>,
) -> AppResult<HttpResponse> {
    let valid = ValidPartner::try_from(&body.0)?;
    let partner = in_write_transaction(&state.pool, move |conn| {
        check_payers(conn, &valid, None)?;
        let partner = store::insert(conn, &valid)?;
        audit::record(
            conn,
            &actor.audit(),
            Audit::new("create", RESOURCE, &partner.id),
        )?;
        Ok(partner)
    })
    .await?;
    Ok(created_with_etag(partner.version, &partner))
}

/// One trading partner, with its version as ETag.
#[utoipa::path(tag = "trading partners", params(("partner_id" = String, Path)),
    responses((status = 200, body = TradingPartner), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[get("/trading-partners/{partner_id}")]
async fn get_partner(
    _actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<TradingPartnerId>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let partner = with_conn(&state.pool, move |conn| find_or_404(conn, &id)).await?;
    Ok(with_etag(partner.version, &partner))
}

/// Replaces the partner's settings and payers. Send the version read as `If-Match` (or `version`); a
/// stale one is 412.
#[utoipa::path(tag = "trading partners", params(("partner_id" = String, Path)), request_body = PartnerInput,
    responses((status = 200, body = TradingPartner), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 412, body = Problem), (status = 422, body = Problem), (status = 428, body = Problem)),
    security(("bearer" = [])))]
#[put("/trading-partners/{partner_id}")]
async fn replace_partner(
    actor: Actor,
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<TradingPartnerId>,
    body: ApiJson<PartnerInput>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let expected = ExpectedVersion::from_request(&req, body.0.version)?;
    let valid = ValidPartner::try_from(&body.0)?;
    let partner = in_write_transaction(&state.pool, move |conn| {
        find_or_404(conn, &id)?;
        check_payers(conn, &valid, Some(&id))?;
        store::update(conn, &id, expected.0, &valid)?.into_result(RESOURCE)?;
        audit::record(conn, &actor.audit(), Audit::new("update", RESOURCE, &id))?;
        find_or_404(conn, &id)
    })
    .await?;
    Ok(with_etag(partner.version, &partner))
}
