//! `/lab-orders`, `/specimens`, `/scans`, `/fhir/Specimen`: thin handlers. Every read of order or specimen
//! data is audited as a read of the patient's data; every write is audited in its transaction.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::actions::ActionInput;
use super::custody::{self, ActionResult};
use super::input::{AliquotInput, OrderInput, ValidAliquots, ValidOrder};
use super::lifecycle::Status;
use super::model::{LabOrder, Specimen, SpecimenEvent};
use super::scans::{self, ScanInput, ScanResult, ValidScan};
use super::store::{self, SpecimenFilter};
use super::{aliquots, fhir, orders, setup};
use crate::audit::{self, Audit, AuditActor};
use crate::auth::Actor;
use crate::db::DbConnection;
use crate::db::ids::{LabOrderId, PatientId, SpecimenId, StationId};
use crate::directory::patients::parse_date;
use crate::error::{AppError, AppResult, Problem};
use crate::http::{ApiJson, ApiQuery, AppState, Page, Paging, in_write_transaction, with_etag};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create_order)
        .service(get_order)
        .service(cancel_order)
        .service(list_specimens)
        .service(get_specimen)
        .service(specimen_events)
        .service(specimen_action)
        .service(create_aliquots)
        .service(scan)
        .service(fhir_specimen);
}

/// Creates a lab order and one specimen (with its accession number) per distinct container.
#[utoipa::path(tag = "specimens", request_body = OrderInput,
    responses((status = 201, body = LabOrder), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[post("/lab-orders")]
async fn create_order(
    actor: Actor,
    state: web::Data<AppState>,
    body: ApiJson<OrderInput>,
) -> AppResult<HttpResponse> {
    let valid = ValidOrder::try_from(&body.0)?;
    let prefix = state.settings.accession_prefix.clone();
    let order = in_write_transaction(&state.pool, move |conn| {
        orders::create(conn, &actor.audit(), &prefix, &valid)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::ETAG, format!("\"{}\"", order.version)))
        .json(order))
}

/// One lab order with its tests and specimens. Audited as a read of the patient's data.
#[utoipa::path(tag = "specimens", params(("order_id" = String, Path)),
    responses((status = 200, body = LabOrder), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[get("/lab-orders/{order_id}")]
async fn get_order(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<LabOrderId>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let order = in_write_transaction(&state.pool, move |conn| {
        orders::read(conn, &actor.audit(), &id)
    })
    .await?;
    Ok(with_etag(order.version, &order))
}

/// Cancels an order and its specimens while none has been collected (409 otherwise).
#[utoipa::path(tag = "specimens", params(("order_id" = String, Path)),
    responses((status = 200, body = LabOrder), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = [])))]
#[post("/lab-orders/{order_id}/cancel")]
async fn cancel_order(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<LabOrderId>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let order = in_write_transaction(&state.pool, move |conn| {
        orders::cancel(conn, &actor.audit(), &id)
    })
    .await?;
    Ok(with_etag(order.version, &order))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SpecimenQuery {
    /// A lifecycle state (`received`, `in_analysis`, …).
    pub status: Option<String>,
    /// The station that last handled the specimen.
    pub station_id: Option<String>,
    pub order_id: Option<String>,
    pub patient_id: Option<String>,
    /// Collected on or after this date (`YYYY-MM-DD`, UTC).
    pub collected_from: Option<String>,
    /// Collected on or before this date (`YYYY-MM-DD`, UTC).
    pub collected_to: Option<String>,
    /// `true`: awaiting analysis longer than the container type's stability window; `false`: not.
    pub overdue: Option<bool>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl SpecimenQuery {
    fn filter(&self) -> AppResult<SpecimenFilter> {
        let mut v = crate::error::Validator::new();
        let status = v.optional("status", self.status.as_deref(), Status::parse);
        let station = v.optional("station_id", self.station_id.as_deref(), StationId::parse);
        let order = v.optional("order_id", self.order_id.as_deref(), LabOrderId::parse);
        let patient = v.optional("patient_id", self.patient_id.as_deref(), PatientId::parse);
        let day = |d: NaiveDate| d.and_hms_opt(0, 0, 0).expect("midnight").and_utc();
        let from = v.optional("collected_from", self.collected_from.as_deref(), parse_date);
        let to = v.optional("collected_to", self.collected_to.as_deref(), parse_date);
        if let (Some(Some(from)), Some(Some(to))) = (from, to)
            && to < from
        {
            v.reject("collected_to", "must not be before collected_from");
        }
        v.finish(|| {
            Some(SpecimenFilter {
                status: status?,
                station_id: station?,
                order_id: order?,
                patient_id: patient?,
                collected_from: from?.map(day),
                collected_before: to?.and_then(|d| d.checked_add_days(Days::new(1))).map(day),
                overdue: self.overdue,
            })
        })
    }
}

/// Specimens (aliquots included), oldest first, filtered. Each one listed is audited as accessed.
#[utoipa::path(tag = "specimens", params(SpecimenQuery),
    responses((status = 200, body = Page<Specimen>), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[get("/specimens")]
async fn list_specimens(
    actor: Actor,
    state: web::Data<AppState>,
    query: ApiQuery<SpecimenQuery>,
) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let paging = Paging::from_query(q.page, q.per_page)?;
    let filter = q.filter()?;
    let (items, total) = in_write_transaction(&state.pool, move |conn| {
        let found = store::list(conn, &filter, Utc::now(), paging.per_page, paging.offset)?;
        for s in &found.0 {
            audit_read(conn, &actor.audit(), "search", s)?;
        }
        Ok(found)
    })
    .await?;
    Ok(paging.respond(items, total))
}

fn audit_read(
    conn: &mut DbConnection,
    actor: &AuditActor,
    action: &str,
    s: &Specimen,
) -> AppResult<()> {
    let event = Audit::new(action, "specimen", &s.id).patient(&s.patient_id);
    Ok(audit::record(conn, actor, event)?)
}

fn read_specimen(
    conn: &mut DbConnection,
    actor: &AuditActor,
    action: &str,
    id: &SpecimenId,
) -> AppResult<Specimen> {
    let specimen = store::find(conn, id)?.ok_or(AppError::NotFound("specimen"))?;
    audit_read(conn, actor, action, &specimen)?;
    Ok(specimen)
}

/// One specimen or aliquot, with the actions its state allows. Audited as a read.
#[utoipa::path(tag = "specimens", params(("specimen_id" = String, Path)),
    responses((status = 200, body = Specimen), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[get("/specimens/{specimen_id}")]
async fn get_specimen(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<SpecimenId>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let specimen = in_write_transaction(&state.pool, move |conn| {
        read_specimen(conn, &actor.audit(), "read", &id)
    })
    .await?;
    Ok(with_etag(specimen.version, &specimen))
}

/// The specimen's whole journey: every custody event, in order. Audited as a read.
#[utoipa::path(tag = "specimens", params(("specimen_id" = String, Path)),
    responses((status = 200, body = Vec<SpecimenEvent>), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[get("/specimens/{specimen_id}/events")]
async fn specimen_events(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<SpecimenId>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let events = in_write_transaction(&state.pool, move |conn| {
        read_specimen(conn, &actor.audit(), "read_events", &id)?;
        Ok(store::events(conn, &id)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(events))
}

/// Applies an action (a transition or a preparation step). 409 names the state and the allowed actions.
#[utoipa::path(tag = "specimens", params(("specimen_id" = String, Path)), request_body = ActionInput,
    responses((status = 200, body = ActionResult), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[post("/specimens/{specimen_id}/actions")]
async fn specimen_action(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<SpecimenId>,
    body: ApiJson<ActionInput>,
) -> AppResult<HttpResponse> {
    let command = body.0.validate(crate::db::now())?;
    let id = path.into_inner();
    let prefix = state.settings.accession_prefix.clone();
    let applied = in_write_transaction(&state.pool, move |conn| {
        custody::apply_command(conn, &actor.audit(), &id, &command, &prefix)
    })
    .await?;
    Ok(HttpResponse::Ok().json(applied))
}

/// The parent after the split and the new aliquots.
#[derive(Debug, Serialize, ToSchema)]
pub struct AliquotResult {
    pub parent: Specimen,
    pub aliquots: Vec<Specimen>,
}

/// Splits aliquots off a specimen; their volume comes out of its remaining volume (409 if not enough).
#[utoipa::path(tag = "specimens", params(("specimen_id" = String, Path)), request_body = AliquotInput,
    responses((status = 201, body = AliquotResult), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[post("/specimens/{specimen_id}/aliquots")]
async fn create_aliquots(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<SpecimenId>,
    body: ApiJson<AliquotInput>,
) -> AppResult<HttpResponse> {
    let request = ValidAliquots::try_from(&body.0)?;
    let id = path.into_inner();
    let (parent, aliquots) = in_write_transaction(&state.pool, move |conn| {
        aliquots::split(conn, &actor.audit(), &id, &request)
    })
    .await?;
    Ok(HttpResponse::Created().json(AliquotResult { parent, aliquots }))
}

/// A bench scan: checks the accession's check character (422 for a damaged or mistyped barcode), finds
/// the specimen or aliquot (404), and applies the station's action. A specimen already at or past that
/// step answers 200 with `already: true` and records a `seen` event. Send `Idempotency-Key` to make a
/// retried scan return the first answer without recording anything again.
#[utoipa::path(tag = "specimens", request_body = ScanInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "repeat-safe key, 1 to 200 characters")),
    responses((status = 200, body = ScanResult), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[post("/scans")]
async fn scan(
    actor: Actor,
    req: HttpRequest,
    state: web::Data<AppState>,
    body: ApiJson<ScanInput>,
) -> AppResult<HttpResponse> {
    let header = req.headers().get("Idempotency-Key");
    let key = match header.map(HeaderValue::to_str) {
        Some(Err(_)) => {
            return Err(AppError::invalid(
                "Idempotency-Key",
                "must be visible ASCII",
            ));
        }
        Some(Ok(text)) => scans::idempotency_key(Some(text))?,
        None => None,
    };
    let valid = ValidScan::try_from(&body.0)?;
    let ((status, body), replayed) = in_write_transaction(&state.pool, move |conn| {
        let audit_actor = actor.audit();
        let work = |conn: &mut DbConnection| {
            let result = scans::apply_scan(conn, &audit_actor, &valid)?;
            let body = serde_json::to_string(&result).map_err(AppError::internal)?;
            Ok((200, body))
        };
        match &key {
            None => Ok((work(conn)?, false)),
            Some(key) => scans::once(
                conn,
                actor.user_id.as_str(),
                key,
                &valid.fingerprint(),
                work,
            ),
        }
    })
    .await?;
    let status = StatusCode::from_u16(status).map_err(AppError::internal)?;
    let mut response = HttpResponse::build(status);
    response.content_type("application/json");
    if replayed {
        response.insert_header(("Idempotent-Replayed", "true"));
    }
    Ok(response.body(body))
}

/// The specimen as an HL7 FHIR R4 `Specimen` resource (`application/fhir+json`). Audited as a read.
#[utoipa::path(tag = "specimens", params(("specimen_id" = String, Path)),
    responses((status = 200, description = "FHIR R4 Specimen", content_type = "application/fhir+json",
               body = Object),
              (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[get("/fhir/Specimen/{specimen_id}")]
async fn fhir_specimen(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<SpecimenId>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let resource = in_write_transaction(&state.pool, move |conn| {
        let specimen = read_specimen(conn, &actor.audit(), "read", &id)?;
        let events = store::events(conn, &id)?;
        let container = setup::find_container_type(conn, &specimen.container_type)?
            .map(|c| c.name)
            .unwrap_or_else(|| specimen.container_type.clone());
        Ok(fhir::specimen_resource(&specimen, &events, &container))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type(fhir::MEDIA_TYPE)
        .json(resource))
}
