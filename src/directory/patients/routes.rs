//! `/patients`: register, read, search, replace (versioned), deactivate. Reads are audited like writes.

use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::model::{Patient, PatientInput, ValidPatient, parse_date};
use super::store::{self, PatientFilter};
use crate::audit::{self, Audit};
use crate::auth::Actor;
use crate::db::ids::PatientId;
use crate::directory::record;
use crate::error::{AppError, AppResult, Problem};
use crate::http::{
    ApiJson, ApiQuery, AppState, ExpectedVersion, Page, Paging, created_with_etag,
    in_write_transaction,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_patients)
        .service(create_patient)
        .service(get_patient)
        .service(replace_patient)
        .service(deactivate_patient);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PatientQuery {
    /// Words separated by spaces or commas; each must start the last or first name (any case).
    pub name: Option<String>,
    /// Prefix of the last name, any case.
    pub last_name: Option<String>,
    /// Prefix of the first name, any case.
    pub first_name: Option<String>,
    /// Exact MRN, any case.
    pub mrn: Option<String>,
    /// `YYYY-MM-DD`.
    pub date_of_birth: Option<String>,
    pub active: Option<bool>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl PatientQuery {
    fn filter(self) -> AppResult<PatientFilter> {
        let date_of_birth = match self.date_of_birth.as_deref() {
            None => None,
            Some(text) => {
                Some(parse_date(text).map_err(|m| AppError::invalid("date_of_birth", m))?)
            }
        };
        Ok(PatientFilter {
            name: self.name,
            last_name: self.last_name,
            first_name: self.first_name,
            mrn: self.mrn,
            date_of_birth,
            active: self.active,
        })
    }
}

/// Searches patients, by last name, first name and id. Each patient returned is audited as accessed.
#[utoipa::path(tag = "patients", params(PatientQuery),
    responses((status = 200, body = Page<Patient>), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[get("/patients")]
async fn list_patients(
    actor: Actor,
    state: web::Data<AppState>,
    query: ApiQuery<PatientQuery>,
) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let paging = Paging::from_query(q.page, q.per_page)?;
    let filter = q.filter()?;
    let (items, total) = in_write_transaction(&state.pool, move |conn| {
        let (items, total) = store::list(conn, &filter, paging.per_page, paging.offset)?;
        for p in &items {
            let event = Audit::new("search", "patient", &p.id).patient(&p.id);
            audit::record(conn, &actor.audit(), event)?;
        }
        Ok((items, total))
    })
    .await?;
    Ok(paging.respond(items, total))
}

/// Registers a patient and assigns the next MRN.
#[utoipa::path(tag = "patients", request_body = PatientInput,
    responses((status = 201, body = Patient), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[post("/patients")]
async fn create_patient(
    actor: Actor,
    state: web::Data<AppState>,
    body: ApiJson<PatientInput>,
) -> AppResult<HttpResponse> {
    let valid = ValidPatient::try_from(&body.0)?;
    let prefix = state.settings.mrn_prefix.clone();
    let patient = in_write_transaction(&state.pool, move |conn| {
        let patient = store::insert(conn, &prefix, &valid)?;
        let event = Audit::new("create", "patient", &patient.id).patient(&patient.id);
        audit::record(conn, &actor.audit(), event)?;
        Ok(patient)
    })
    .await?;
    Ok(created_with_etag(patient.version, &patient))
}

/// One patient, with its version as ETag. Audited as a read.
#[utoipa::path(tag = "patients", params(("patient_id" = String, Path)),
    responses((status = 200, body = Patient), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[get("/patients/{patient_id}")]
async fn get_patient(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<PatientId>,
) -> AppResult<HttpResponse> {
    record::read::<Patient>(&state, actor, path.into_inner()).await
}

/// Replaces a patient's fields (the MRN stays). Send the version read as `If-Match` (or `version`).
#[utoipa::path(tag = "patients", params(("patient_id" = String, Path)), request_body = PatientInput,
    responses((status = 200, body = Patient), (status = 404, body = Problem), (status = 412, body = Problem),
              (status = 422, body = Problem), (status = 428, body = Problem)),
    security(("bearer" = [])))]
#[put("/patients/{patient_id}")]
async fn replace_patient(
    actor: Actor,
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<PatientId>,
    body: ApiJson<PatientInput>,
) -> AppResult<HttpResponse> {
    let expected = ExpectedVersion::from_request(&req, body.0.version)?;
    let valid = ValidPatient::try_from(&body.0)?;
    record::replace::<Patient>(&state, actor, path.into_inner(), expected, valid).await
}

/// Deactivates a patient: kept for the records and audit events that name it.
#[utoipa::path(tag = "patients", params(("patient_id" = String, Path)),
    responses((status = 200, body = Patient), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[post("/patients/{patient_id}/deactivate")]
async fn deactivate_patient(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<PatientId>,
) -> AppResult<HttpResponse> {
    record::deactivate::<Patient>(&state, actor, path.into_inner()).await
}
