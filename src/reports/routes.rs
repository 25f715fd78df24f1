//! `GET /reports/...`: thin handlers. Parse the dates (422 naming the field), choose the format
//! (`?format=`, else `Accept`; 406 when `Accept` names nothing we answer), run the report, answer JSON
//! or an attachment. Reports that list patients (AR by patient, the journal) audit one read per
//! patient in the same transaction as the query.

use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use utoipa::IntoParams;

use super::aging::{self, By};
use super::format::{Format, respond};
use super::table::Table;
use super::{denials, deposits, journal, trial};
use crate::audit::{self, Audit, AuditActor};
use crate::auth::Actor;
use crate::db::DbConnection;
use crate::error::{AppError, AppResult};
use crate::http::{ApiQuery, AppState, in_write_transaction, with_conn};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(ar_aging)
        .service(trial_balance)
        .service(journal_report)
        .service(daily_deposit)
        .service(denial_summary);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AgingQuery {
    /// Lines dated on or before this date (`YYYY-MM-DD`); today (UTC) when absent.
    pub as_of: Option<NaiveDate>,
    /// `payer` (default) or `patient`.
    pub by: Option<By>,
    /// `json` (default), `csv` or `xlsx`; overrides `Accept`.
    pub format: Option<Format>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TrialBalanceQuery {
    /// Entries dated on or before this date; today (UTC) when absent.
    pub as_of: Option<NaiveDate>,
    /// Only entries dated on or after this date: a period's activity rather than balances.
    pub from: Option<NaiveDate>,
    /// `json` (default), `csv` or `xlsx`; overrides `Accept`.
    pub format: Option<Format>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PeriodQuery {
    /// First day (`YYYY-MM-DD`); the first of `to`'s month when absent.
    pub from: Option<NaiveDate>,
    /// Last day, included; today (UTC) when absent.
    pub to: Option<NaiveDate>,
    /// `json` (default), `csv` or `xlsx`; overrides `Accept`.
    pub format: Option<Format>,
}

impl PeriodQuery {
    fn period(&self) -> AppResult<(NaiveDate, NaiveDate)> {
        let to = self.to.unwrap_or_else(today);
        let from = self.from.unwrap_or_else(|| to.with_day(1).unwrap_or(to));
        if from > to {
            return Err(AppError::invalid("from", "must not be after to"));
        }
        Ok((from, to))
    }
}

fn today() -> NaiveDate {
    crate::db::now().date_naive()
}

/// One audited read per patient the report lists.
fn audit_patients(
    conn: &mut DbConnection,
    actor: &AuditActor,
    report: &Table,
    patients: &[String],
) -> AppResult<()> {
    let detail = report
        .parameters
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ");
    for patient in patients {
        let event = Audit::new("read", "report", report.name)
            .patient(patient)
            .detail(detail.clone());
        audit::record(conn, actor, event)?;
    }
    Ok(())
}

/// AR aging as of a date: open receivables aged by date of service (0–30, 31–60, 61–90, 91–120,
/// over 120 days), per payer (patient receivables on one `Patient responsibility` row) or per
/// patient (audited: one read per patient listed).
#[utoipa::path(tag = "reports", params(AgingQuery),
    responses((status = 200, content((super::json::Report = "application/json"), (String = "text/csv"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 406, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[get("/reports/ar-aging")]
async fn ar_aging(
    actor: Actor,
    state: web::Data<AppState>,
    req: HttpRequest,
    query: ApiQuery<AgingQuery>,
) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let format = Format::choose(q.format, &req)?;
    let as_of = q.as_of.unwrap_or_else(today);
    let by = q.by.unwrap_or_default();
    let table = in_write_transaction(&state.pool, move |conn| {
        let (table, patients) = aging::report(conn, as_of, by)?;
        audit_patients(conn, &actor.audit(), &table, &patients)?;
        Ok(table)
    })
    .await?;
    respond(&table, format)
}

/// The trial balance as of a date (or the activity from `from` to `as_of`): every account's debits,
/// credits and balance.
#[utoipa::path(tag = "reports", params(TrialBalanceQuery),
    responses((status = 200, content((super::json::Report = "application/json"), (String = "text/csv"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 406, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[get("/reports/trial-balance")]
async fn trial_balance(
    _actor: Actor,
    state: web::Data<AppState>,
    req: HttpRequest,
    query: ApiQuery<TrialBalanceQuery>,
) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let format = Format::choose(q.format, &req)?;
    let as_of = q.as_of.unwrap_or_else(today);
    if q.from.is_some_and(|from| from > as_of) {
        return Err(AppError::invalid("from", "must not be after as_of"));
    }
    let from = q.from;
    let table = with_conn(&state.pool, move |conn| trial::report(conn, as_of, from)).await?;
    respond(&table, format)
}

/// The journal for a period: one row per entry line (date, entry, kind, memo, account, debit,
/// credit, claim, patient, reversed entry). Audited: one read per patient listed.
#[utoipa::path(tag = "reports", params(PeriodQuery),
    responses((status = 200, content((super::json::Report = "application/json"), (String = "text/csv"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 406, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[get("/reports/journal")]
async fn journal_report(
    actor: Actor,
    state: web::Data<AppState>,
    req: HttpRequest,
    query: ApiQuery<PeriodQuery>,
) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let format = Format::choose(q.format, &req)?;
    let (from, to) = q.period()?;
    let table = in_write_transaction(&state.pool, move |conn| {
        let (table, patients) = journal::report(conn, from, to)?;
        audit_patients(conn, &actor.audit(), &table, &patients)?;
        Ok(table)
    })
    .await?;
    respond(&table, format)
}

/// Money received per day, kind, payer and method (insurance by the 835's BPR04, patients by cash,
/// card or check); refunds are negative.
#[utoipa::path(tag = "reports", params(PeriodQuery),
    responses((status = 200, content((super::json::Report = "application/json"), (String = "text/csv"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 406, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[get("/reports/daily-deposit")]
async fn daily_deposit(
    _actor: Actor,
    state: web::Data<AppState>,
    req: HttpRequest,
    query: ApiQuery<PeriodQuery>,
) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let format = Format::choose(q.format, &req)?;
    let (from, to) = q.period()?;
    let table = with_conn(&state.pool, move |conn| deposits::report(conn, from, to)).await?;
    respond(&table, format)
}

/// Claims denied by 835s paid in the period, by CARC group and reason: denied claims, amount and
/// the code's description.
#[utoipa::path(tag = "reports", params(PeriodQuery),
    responses((status = 200, content((super::json::Report = "application/json"), (String = "text/csv"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 406, body = crate::error::Problem), (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[get("/reports/denials")]
async fn denial_summary(
    _actor: Actor,
    state: web::Data<AppState>,
    req: HttpRequest,
    query: ApiQuery<PeriodQuery>,
) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let format = Format::choose(q.format, &req)?;
    let (from, to) = q.period()?;
    let codes = state.catalog.snapshot();
    let table = with_conn(&state.pool, move |conn| {
        denials::report(conn, &codes, from, to)
    })
    .await?;
    respond(&table, format)
}
