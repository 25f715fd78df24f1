//! `/codes`: search, look up one code, list the imported versions. Every authenticated user may read;
//! imports go through the command line (`backoffice codesets import`).

use actix_web::{HttpResponse, get, web};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;

use super::lookup::CodeDetail;
use super::model::{System, VersionInfo};
use super::search::SearchResult;
use crate::auth::Actor;
use crate::error::{AppError, AppResult, Problem, Validator};
use crate::http::{ApiQuery, AppState};

pub const MAX_LIMIT: usize = 100;
const DEFAULT_LIMIT: usize = 20;

#[derive(utoipa::OpenApi)]
#[openapi(paths(search_codes, get_code, list_versions))]
pub struct CodesApi;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(search_codes)
        .service(list_versions)
        .service(get_code);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    /// icd10cm, cpt, hcpcs, modifier, pos, carc or rarc.
    pub system: Option<String>,
    /// A code (E11.9 or E119), a code prefix, or words (each matched as a word prefix).
    pub q: Option<String>,
    /// Date of service (default today): the version governing it is searched.
    pub date: Option<NaiveDate>,
    /// 1 to 100 (default 20).
    pub limit: Option<i64>,
}

fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

fn code_system(input: &str) -> Result<System, String> {
    System::parse(input).and_then(|s| {
        if s.has_codes() {
            Ok(s)
        } else {
            Err("holds edits, not codes: it cannot be searched".into())
        }
    })
}

/// Codes by exact code, code prefix (with or without the dot), or description words.
#[utoipa::path(tag = "codes", params(SearchQuery),
    responses((status = 200, body = SearchResult), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[get("/codes/search")]
async fn search_codes(
    _actor: Actor,
    state: web::Data<AppState>,
    query: ApiQuery<SearchQuery>,
) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let mut v = Validator::new();
    let system = match q.system.as_deref() {
        Some(s) => v.check("system", code_system(s)),
        None => {
            v.reject("system", "is required");
            None
        }
    };
    let text = q.q.as_deref().map(str::trim).unwrap_or("");
    if text.is_empty() {
        v.reject("q", "must not be empty");
    } else if text.chars().count() > 200 {
        v.reject("q", "must be at most 200 characters");
    }
    let limit = match q.limit {
        None => Some(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT as i64).contains(&n) => Some(n as usize),
        Some(_) => {
            v.reject("limit", format!("must be between 1 and {MAX_LIMIT}"));
            None
        }
    };
    let (system, limit) = v.finish(|| Some((system?, limit?)))?;
    let snapshot = state.catalog.fresh(&state.pool).await?;
    let result = snapshot.search(system, text, q.date.unwrap_or_else(today), limit);
    Ok(HttpResponse::Ok().json(result))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LookupQuery {
    /// Date of service (default today).
    pub date: Option<NaiveDate>,
}

/// One code on a date of service: descriptions, billable flag, parents, notes (Excludes1/2, includes,
/// code first, use additional code), its 7th-character rule and the patients it applies to.
#[utoipa::path(tag = "codes", params(("system" = String, Path), ("code" = String, Path), LookupQuery),
    responses((status = 200, body = CodeDetail), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[get("/codes/{system}/{code}")]
async fn get_code(
    _actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    query: ApiQuery<LookupQuery>,
) -> AppResult<HttpResponse> {
    let (system, code) = path.into_inner();
    let system = code_system(&system).map_err(|m| AppError::invalid("system", m))?;
    let date = query.into_inner().date.unwrap_or_else(today);
    let snapshot = state.catalog.fresh(&state.pool).await?;
    let detail = snapshot
        .detail(system, &code, date)
        .ok_or(AppError::NotFound("code"))?;
    Ok(HttpResponse::Ok().json(detail))
}

/// Every imported version of every code system, with its effective dates.
#[utoipa::path(tag = "codes",
    responses((status = 200, body = Vec<VersionInfo>)),
    security(("bearer" = [])))]
#[get("/codes/versions")]
async fn list_versions(_actor: Actor, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let snapshot = state.catalog.fresh(&state.pool).await?;
    let versions: Vec<VersionInfo> = snapshot.versions().into_iter().cloned().collect();
    Ok(HttpResponse::Ok().json(versions))
}
