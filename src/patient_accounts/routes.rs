//! `/patients/{id}/payments`, `/refunds`, `/balance`, `/statement`: thin handlers. Writes hold the
//! patient's row lock for their transaction; every read of the account is audited.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;

use super::model::{
    AccountBalance, PaymentInput, PaymentReceipt, RefundInput, RefundReceipt, ValidPayment,
    ValidRefund,
};
use super::statement::{self, Statement};
use super::{account, payments, pdf, store};
use crate::audit::{self, Audit};
use crate::auth::Actor;
use crate::db::ids::PatientId;
use crate::db::{DbConnection, now};
use crate::directory::{patients, practice};
use crate::error::{AppError, AppResult, Problem};
use crate::http::{ApiJson, ApiQuery, AppState, in_write_transaction};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(create_payment)
        .service(create_refund)
        .service(get_balance)
        .service(get_statement);
}

/// An `Idempotency-Key` header: 1 to 200 visible ASCII characters, as the bench scans take it.
fn idempotency_key(req: &HttpRequest) -> AppResult<Option<String>> {
    let wrong = || {
        AppError::invalid(
            "Idempotency-Key",
            "must be 1 to 200 visible ASCII characters",
        )
    };
    match req
        .headers()
        .get("Idempotency-Key")
        .map(HeaderValue::to_str)
    {
        None => Ok(None),
        Some(Err(_)) => Err(wrong()),
        Some(Ok(text)) => {
            let key = text.trim();
            let ok = (1..=200).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic());
            if ok {
                Ok(Some(key.to_owned()))
            } else {
                Err(wrong())
            }
        }
    }
}

fn locked(conn: &mut DbConnection, patient: &PatientId) -> AppResult<()> {
    if patients::store::lock(conn, patient)? {
        Ok(())
    } else {
        Err(AppError::NotFound("patient"))
    }
}

/// Runs a posting once per idempotency key (every time without one) and answers its JSON.
async fn posting(
    state: &AppState,
    patient: PatientId,
    key: Option<String>,
    fingerprint: String,
    work: impl FnOnce(&mut DbConnection, &PatientId) -> AppResult<String> + Send + 'static,
) -> AppResult<HttpResponse> {
    let ((status, body), replayed) = in_write_transaction(&state.pool, move |conn| {
        locked(conn, &patient)?;
        let run = |conn: &mut DbConnection| Ok((201, work(conn, &patient)?));
        match &key {
            None => Ok((run(conn)?, false)),
            Some(key) => store::once(conn, &patient, key, &fingerprint, run),
        }
    })
    .await?;
    let mut response =
        HttpResponse::build(StatusCode::from_u16(status).map_err(AppError::internal)?);
    response.content_type("application/json");
    if replayed {
        response.insert_header(("Idempotent-Replayed", "true"));
    }
    Ok(response.body(body))
}

/// Takes a patient payment: one journal entry (Dr bank; Cr the patient receivable of each claim paid,
/// oldest date of service first, or of the named claim; Cr unapplied payments for the rest). Send an
/// `Idempotency-Key` so a repeated submit answers the first receipt and posts nothing. A date in a
/// closed period is a 409 `period_closed` naming `date`.
#[utoipa::path(tag = "patient accounts", request_body = PaymentInput,
    params(("patient_id" = String, Path),
           ("Idempotency-Key" = Option<String>, Header, description = "repeat-safe key, 1 to 200 characters")),
    responses((status = 201, body = PaymentReceipt), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[post("/patients/{patient_id}/payments")]
async fn create_payment(
    actor: Actor,
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<PatientId>,
    body: ApiJson<PaymentInput>,
) -> AppResult<HttpResponse> {
    let key = idempotency_key(&req)?;
    let valid = ValidPayment::check(&body.0, now().date_naive())?;
    let fingerprint = ValidPayment::fingerprint(&body.0);
    posting(
        &state,
        path.into_inner(),
        key,
        fingerprint,
        move |conn, patient| {
            let receipt = payments::pay(conn, &actor.audit(), patient, &valid)?;
            serde_json::to_string(&receipt).map_err(AppError::internal)
        },
    )
    .await
}

/// Refunds credit the patient holds (unapplied payments): Dr unapplied payments, Cr bank. 422 naming
/// `amount` when it is more than the credit. `Idempotency-Key` as for payments.
#[utoipa::path(tag = "patient accounts", request_body = RefundInput,
    params(("patient_id" = String, Path),
           ("Idempotency-Key" = Option<String>, Header, description = "repeat-safe key, 1 to 200 characters")),
    responses((status = 201, body = RefundReceipt), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[post("/patients/{patient_id}/refunds")]
async fn create_refund(
    actor: Actor,
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<PatientId>,
    body: ApiJson<RefundInput>,
) -> AppResult<HttpResponse> {
    let key = idempotency_key(&req)?;
    let valid = ValidRefund::check(&body.0, now().date_naive())?;
    let fingerprint = ValidRefund::fingerprint(&body.0);
    posting(
        &state,
        path.into_inner(),
        key,
        fingerprint,
        move |conn, patient| {
            let receipt = payments::refund(conn, &actor.audit(), patient, &valid)?;
            serde_json::to_string(&receipt).map_err(AppError::internal)
        },
    )
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct BalanceQuery {
    /// Entries dated on or before this date (`YYYY-MM-DD`); today (UTC) when absent.
    pub as_of: Option<NaiveDate>,
}

/// What the patient owes, what is still with the payers, the credit held, and each claim's figures.
/// Audited as a read.
#[utoipa::path(tag = "patient accounts", params(("patient_id" = String, Path), BalanceQuery),
    responses((status = 200, body = AccountBalance), (status = 404, body = Problem),
              (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[get("/patients/{patient_id}/balance")]
async fn get_balance(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<PatientId>,
    query: ApiQuery<BalanceQuery>,
) -> AppResult<HttpResponse> {
    let patient = path.into_inner();
    let as_of = query
        .into_inner()
        .as_of
        .unwrap_or_else(|| now().date_naive());
    let balance = in_write_transaction(&state.pool, move |conn| {
        if !patients::store::exists(conn, &patient)? {
            return Err(AppError::NotFound("patient"));
        }
        let account = account::load(conn, &patient, Some(as_of))?;
        let event = Audit::new("read", "patient_balance", &patient).patient(&patient);
        audit::record(conn, &actor.audit(), event)?;
        Ok(account.balance(&patient, as_of))
    })
    .await?;
    Ok(HttpResponse::Ok().json(balance))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StatementQuery {
    /// The statement date: entries dated on or before it (`YYYY-MM-DD`); today (UTC) when absent.
    pub as_of: Option<NaiveDate>,
    /// `json` or `pdf`; when absent, `Accept: application/pdf` asks for the PDF.
    pub format: Option<String>,
}

/// Whether the statement is wanted as PDF: `format` first, then the `Accept` header.
fn wants_pdf(req: &HttpRequest, format: Option<&str>) -> AppResult<bool> {
    match format.map(|f| f.trim().to_ascii_lowercase()).as_deref() {
        Some("pdf") => Ok(true),
        Some("json") => Ok(false),
        Some(_) => Err(AppError::invalid("format", "must be json or pdf")),
        None => Ok(req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.to_ascii_lowercase().contains("application/pdf"))),
    }
}

/// The patient's statement: practice, patient, open items by date of service, totals and amount due,
/// as JSON or as a one-page (more when the items need it) PDF. Audited as a read. 409
/// `practice_not_set` before the practice settings are saved.
#[utoipa::path(tag = "patient accounts", params(("patient_id" = String, Path), StatementQuery),
    responses((status = 200, body = Statement, description = "JSON, or the PDF (application/pdf)"),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[get("/patients/{patient_id}/statement")]
async fn get_statement(
    actor: Actor,
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<PatientId>,
    query: ApiQuery<StatementQuery>,
) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let pdf = wants_pdf(&req, q.format.as_deref())?;
    let patient_id = path.into_inner();
    let as_of = q.as_of.unwrap_or_else(|| now().date_naive());
    let codes = state.catalog.snapshot();
    let statement = in_write_transaction(&state.pool, move |conn| {
        let patient = patients::store::find(conn, &patient_id)?.ok_or(AppError::NotFound("patient"))?;
        let practice = practice::store::find(conn)?.ok_or_else(|| {
            AppError::conflict(
                "practice_not_set",
                "the practice settings (PUT /practice) are not saved: a statement names the practice",
            )
        })?;
        let account = account::load(conn, &patient_id, Some(as_of))?;
        let format = if pdf { "pdf" } else { "json" };
        let event = Audit::new("read", "patient_statement", &patient_id)
            .patient(&patient_id)
            .detail(format!("as of {as_of}, {format}"));
        audit::record(conn, &actor.audit(), event)?;
        Ok(statement::build(&practice, &patient, &account, &codes, as_of))
    })
    .await?;
    if !pdf {
        return Ok(HttpResponse::Ok().json(statement));
    }
    let bytes = web::block(move || pdf::render(&statement))
        .await
        .map_err(AppError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "inline; filename=\"statement.pdf\"",
        ))
        .body(bytes))
}
