//! `/patients/{patient_id}/policies`: add, read, list, replace (versioned), deactivate. Reads are audited
//! under the patient like writes.

use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::model::{Policy, PolicyInput, Priority, ValidPolicy};
use super::store::{self, PolicyFilter};
use crate::audit::{self, Audit};
use crate::auth::Actor;
use crate::db::DbConnection;
use crate::db::ids::{PatientId, PayerId, PolicyId};
use crate::directory::patients;
use crate::error::{AppError, AppResult, Problem};
use crate::http::{
    ApiJson, ApiQuery, AppState, ExpectedVersion, Page, Paging, created_with_etag,
    in_write_transaction, with_etag,
};

const RESOURCE: &str = "insurance_policy";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_policies)
        .service(create_policy)
        .service(get_policy)
        .service(replace_policy)
        .service(deactivate_policy);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PolicyQuery {
    /// Only active (or only inactive) policies; all when absent.
    pub active: Option<bool>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

fn require_patient(conn: &mut DbConnection, patient_id: &PatientId) -> AppResult<()> {
    if !patients::store::exists(conn, patient_id)? {
        return Err(AppError::NotFound("patient"));
    }
    Ok(())
}

fn require_active_payer(conn: &mut DbConnection, payer_id: &PayerId) -> AppResult<()> {
    if !store::active_payer_exists(conn, payer_id)? {
        return Err(AppError::invalid(
            "payer_id",
            "no active payer with this id",
        ));
    }
    Ok(())
}

fn priority_taken(priority: Priority) -> AppError {
    AppError::conflict(
        "priority_taken",
        format!(
            "the patient already has an active {} policy",
            priority.as_str()
        ),
    )
}

/// Refuses a second active policy of the same priority (the partial unique index backs this up).
fn refuse_taken_priority(
    conn: &mut DbConnection,
    patient_id: &PatientId,
    p: &ValidPolicy,
    except: Option<&PolicyId>,
) -> AppResult<()> {
    if store::priority_taken(conn, patient_id, p.priority, except)? {
        return Err(priority_taken(p.priority));
    }
    Ok(())
}

/// A write that lost a race to the unique index is the same conflict as one the check caught.
fn unique_as_priority_taken(priority: Priority) -> impl Fn(diesel::result::Error) -> AppError {
    move |error| match AppError::from(error) {
        AppError::Conflict {
            code: "already_exists",
            ..
        } => priority_taken(priority),
        other => other,
    }
}

/// The patient's insurance policies. Each policy returned is audited as read.
#[utoipa::path(tag = "insurance policies", params(("patient_id" = String, Path), PolicyQuery),
    responses((status = 200, body = Page<Policy>), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[get("/patients/{patient_id}/policies")]
async fn list_policies(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<PatientId>,
    query: ApiQuery<PolicyQuery>,
) -> AppResult<HttpResponse> {
    let patient_id = path.into_inner();
    let q = query.into_inner();
    let paging = Paging::from_query(q.page, q.per_page)?;
    let filter = PolicyFilter { active: q.active };
    let (items, total) = in_write_transaction(&state.pool, move |conn| {
        require_patient(conn, &patient_id)?;
        let (items, total) =
            store::list(conn, &patient_id, &filter, paging.per_page, paging.offset)?;
        for policy in &items {
            let event = Audit::new("read", RESOURCE, &policy.id).patient(&patient_id);
            audit::record(conn, &actor.audit(), event)?;
        }
        Ok((items, total))
    })
    .await?;
    Ok(paging.respond(items, total))
}

/// Adds a policy to the patient. Only one active policy of each priority: a second is 409 `priority_taken`.
#[utoipa::path(tag = "insurance policies", params(("patient_id" = String, Path)), request_body = PolicyInput,
    responses((status = 201, body = Policy), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[post("/patients/{patient_id}/policies")]
async fn create_policy(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<PatientId>,
    body: ApiJson<PolicyInput>,
) -> AppResult<HttpResponse> {
    let patient_id = path.into_inner();
    let valid = ValidPolicy::try_from(&body.0)?;
    let policy = in_write_transaction(&state.pool, move |conn| {
        require_patient(conn, &patient_id)?;
        require_active_payer(conn, &valid.payer_id)?;
        refuse_taken_priority(conn, &patient_id, &valid, None)?;
        let policy = store::insert(conn, &patient_id, &valid)
            .map_err(unique_as_priority_taken(valid.priority))?;
        let event = Audit::new("create", RESOURCE, &policy.id).patient(&patient_id);
        audit::record(conn, &actor.audit(), event)?;
        Ok(policy)
    })
    .await?;
    Ok(created_with_etag(policy.version, &policy))
}

/// One policy of the patient, with its version as ETag. Audited as a read.
#[utoipa::path(tag = "insurance policies", params(("patient_id" = String, Path), ("policy_id" = String, Path)),
    responses((status = 200, body = Policy), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[get("/patients/{patient_id}/policies/{policy_id}")]
async fn get_policy(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<(PatientId, PolicyId)>,
) -> AppResult<HttpResponse> {
    let (patient_id, id) = path.into_inner();
    let policy = in_write_transaction(&state.pool, move |conn| {
        let policy =
            store::find(conn, &patient_id, &id)?.ok_or(AppError::NotFound("insurance policy"))?;
        let event = Audit::new("read", RESOURCE, &id).patient(&patient_id);
        audit::record(conn, &actor.audit(), event)?;
        Ok(policy)
    })
    .await?;
    Ok(with_etag(policy.version, &policy))
}

/// Replaces a policy's fields. Send the version read as `If-Match` (or `version`); a stale one is 412.
/// A payer deactivated since the policy was written may stay; a changed payer must be active.
#[utoipa::path(tag = "insurance policies", params(("patient_id" = String, Path), ("policy_id" = String, Path)),
    request_body = PolicyInput,
    responses((status = 200, body = Policy), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 412, body = Problem), (status = 422, body = Problem), (status = 428, body = Problem)),
    security(("bearer" = [])))]
#[put("/patients/{patient_id}/policies/{policy_id}")]
async fn replace_policy(
    actor: Actor,
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(PatientId, PolicyId)>,
    body: ApiJson<PolicyInput>,
) -> AppResult<HttpResponse> {
    let (patient_id, id) = path.into_inner();
    let expected = ExpectedVersion::from_request(&req, body.0.version)?;
    let valid = ValidPolicy::try_from(&body.0)?;
    let policy = in_write_transaction(&state.pool, move |conn| {
        let current =
            store::find(conn, &patient_id, &id)?.ok_or(AppError::NotFound("insurance policy"))?;
        if current.payer_id != valid.payer_id {
            require_active_payer(conn, &valid.payer_id)?;
        }
        if current.active {
            refuse_taken_priority(conn, &patient_id, &valid, Some(&id))?;
        }
        store::update(conn, &patient_id, &id, expected.0, &valid)
            .map_err(unique_as_priority_taken(valid.priority))?
            .into_result("insurance policy")?;
        let event = Audit::new("update", RESOURCE, &id).patient(&patient_id);
        audit::record(conn, &actor.audit(), event)?;
        store::find(conn, &patient_id, &id)?.ok_or(AppError::NotFound("insurance policy"))
    })
    .await?;
    Ok(with_etag(policy.version, &policy))
}

/// Deactivates a policy: kept for the claims and audit events that name it; its priority becomes free.
#[utoipa::path(tag = "insurance policies", params(("patient_id" = String, Path), ("policy_id" = String, Path)),
    responses((status = 200, body = Policy), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[post("/patients/{patient_id}/policies/{policy_id}/deactivate")]
async fn deactivate_policy(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<(PatientId, PolicyId)>,
) -> AppResult<HttpResponse> {
    let (patient_id, id) = path.into_inner();
    let policy = in_write_transaction(&state.pool, move |conn| {
        if !store::deactivate(conn, &patient_id, &id)? {
            return Err(AppError::NotFound("insurance policy"));
        }
        let event = Audit::new("deactivate", RESOURCE, &id).patient(&patient_id);
        audit::record(conn, &actor.audit(), event)?;
        store::find(conn, &patient_id, &id)?.ok_or(AppError::NotFound("insurance policy"))
    })
    .await?;
    Ok(with_etag(policy.version, &policy))
}
