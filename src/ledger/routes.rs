//! `GET /ledger/trial-balance`: every account's debits, credits and balance as of a date, for
//! accountants. Thin: parse, call `balances::trial_balance`, answer.

use actix_web::{HttpResponse, get, web};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;

use super::balances::{Span, TrialBalance, trial_balance};
use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::http::{ApiQuery, AppState, with_conn};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(get_trial_balance);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TrialBalanceQuery {
    /// Entries dated on or before this date (`YYYY-MM-DD`); today (UTC) when absent.
    pub as_of: Option<NaiveDate>,
    /// Only entries dated on or after this date: the activity of a period rather than balances.
    pub from: Option<NaiveDate>,
}

/// The trial balance: total debits equal total credits.
#[utoipa::path(tag = "ledger", params(TrialBalanceQuery),
    responses((status = 200, body = TrialBalance), (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[get("/ledger/trial-balance")]
async fn get_trial_balance(
    _actor: Actor,
    state: web::Data<AppState>,
    query: ApiQuery<TrialBalanceQuery>,
) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let as_of = q.as_of.unwrap_or_else(|| crate::db::now().date_naive());
    let span = match q.from {
        Some(from) if from > as_of => {
            return Err(AppError::invalid("from", "must not be after as_of"));
        }
        Some(from) => Span::Between(from, as_of),
        None => Span::AsOf(as_of),
    };
    let balance = with_conn(&state.pool, move |conn| trial_balance(conn, span)).await?;
    Ok(HttpResponse::Ok().json(balance))
}
