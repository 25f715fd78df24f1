//! `GET /audit`: the trail, filtered, for administrators.

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{AuditEvent, AuditFilter, list_events};
use crate::auth::Actor;
use crate::error::AppResult;
use crate::http::{ApiQuery, AppState, Page, Paging, with_conn};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_audit);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// e.g. `patient`, `provider`, `user`, `session`.
    pub resource_type: Option<String>,
    pub resource_id: Option<String>,
    /// The acting user's id.
    pub actor_id: Option<String>,
    /// Events touching this patient's data.
    pub patient_id: Option<String>,
    /// e.g. `read`, `create`, `update`, `deactivate`, `login`.
    pub action: Option<String>,
    /// Events at or after this instant (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Events before this instant (RFC 3339).
    pub to: Option<DateTime<Utc>>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Audit events, oldest first.
#[utoipa::path(tag = "audit", params(AuditQuery),
    responses((status = 200, body = Page<AuditEvent>)), security(("bearer" = [])))]
#[get("/audit")]
async fn list_audit(
    _actor: Actor,
    state: web::Data<AppState>,
    query: ApiQuery<AuditQuery>,
) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let paging = Paging::from_query(q.page, q.per_page)?;
    let filter = AuditFilter {
        resource_type: q.resource_type,
        resource_id: q.resource_id,
        actor_id: q.actor_id,
        patient_id: q.patient_id,
        action: q.action,
        from: q.from,
        to: q.to,
    };
    let (items, total) = with_conn(&state.pool, move |conn| {
        Ok(list_events(conn, &filter, paging.per_page, paging.offset)?)
    })
    .await?;
    Ok(paging.respond(items, total))
}
