//! What directory records share: versioned records that are created, read, replaced and deactivated
//! (never deleted) the same way, each write audited in its transaction. A record that is patient data
//! (a patient) also has its reads audited, and its events name the patient. Route handlers stay thin and
//! typed (for the OpenAPI document); the shared steps live here once.

use actix_web::HttpResponse;
use diesel::QueryResult;
use serde::Serialize;

use crate::audit::{self, Audit};
use crate::auth::Actor;
use crate::db::{DbConnection, write_transaction};
use crate::error::{AppError, AppResult, VersionedUpdate};
use crate::http::{
    AppState, ExpectedVersion, created_with_etag, in_write_transaction, with_conn, with_etag,
};

/// A directory record kept with a version.
pub trait Record: Serialize + Send + Sized + 'static {
    /// The resource's name in problems and in the audit trail (`provider`).
    const RESOURCE: &'static str;
    /// The record's typed id.
    type Id: std::fmt::Display + Send + 'static;
    /// The checked input a create or replace writes.
    type Valid: Send + 'static;

    fn id(&self) -> &str;
    fn version(&self) -> i32;

    /// The patient whose data this is, for records that are patient data: their reads are audited too.
    fn patient_id(&self) -> Option<&str> {
        None
    }
    /// Whether reads are audited (patient data). Known before the read, unlike `patient_id`.
    const AUDIT_READS: bool = false;
    fn find(conn: &mut DbConnection, id: &Self::Id) -> QueryResult<Option<Self>>;
    fn update(
        conn: &mut DbConnection,
        id: &Self::Id,
        expected_version: i32,
        valid: &Self::Valid,
    ) -> QueryResult<VersionedUpdate>;
    fn deactivate(conn: &mut DbConnection, id: &Self::Id) -> QueryResult<bool>;

    /// Rules that need the database (a unique NPI), checked before a write; `id` is the record replaced.
    fn check_unique(
        _conn: &mut DbConnection,
        _valid: &Self::Valid,
        _id: Option<&Self::Id>,
    ) -> AppResult<()> {
        Ok(())
    }
}

/// A record created from its checked input alone (a patient is not: registering one assigns an MRN).
pub trait Insert: Record {
    fn insert(conn: &mut DbConnection, valid: &Self::Valid) -> QueryResult<Self>;
}

fn find_or_404<R: Record>(conn: &mut DbConnection, id: &R::Id) -> AppResult<R> {
    R::find(conn, id)?.ok_or(AppError::NotFound(R::RESOURCE))
}

/// Appends `action` on `record` to the audit trail, naming the patient when the record is patient data.
fn audit_action<R: Record>(
    conn: &mut DbConnection,
    actor: &Actor,
    action: &str,
    record: &R,
) -> AppResult<()> {
    let mut event = Audit::new(action, R::RESOURCE, record.id());
    if let Some(patient_id) = record.patient_id() {
        event = event.patient(patient_id);
    }
    Ok(audit::record(conn, &actor.audit(), event)?)
}

/// 201 with the new record.
pub async fn create<R: Insert>(
    state: &AppState,
    actor: Actor,
    valid: R::Valid,
) -> AppResult<HttpResponse> {
    let record = in_write_transaction(&state.pool, move |conn| {
        R::check_unique(conn, &valid, None)?;
        let record = R::insert(conn, &valid)?;
        audit::record(
            conn,
            &actor.audit(),
            Audit::new("create", R::RESOURCE, record.id()),
        )?;
        Ok(record)
    })
    .await?;
    Ok(created_with_etag(record.version(), &record))
}

/// 200 with the record and its version as ETag, or 404. Reading patient data is audited.
pub async fn read<R: Record>(state: &AppState, actor: Actor, id: R::Id) -> AppResult<HttpResponse> {
    let record = with_conn(&state.pool, move |conn| {
        if !R::AUDIT_READS {
            return find_or_404::<R>(conn, &id);
        }
        write_transaction(conn, |conn| {
            let record = find_or_404::<R>(conn, &id)?;
            audit_action(conn, &actor, "read", &record)?;
            Ok(record)
        })
    })
    .await?;
    Ok(with_etag(record.version(), &record))
}

/// Replaces the record if it is still at the expected version (412 otherwise, changing nothing).
pub async fn replace<R: Record>(
    state: &AppState,
    actor: Actor,
    id: R::Id,
    expected: ExpectedVersion,
    valid: R::Valid,
) -> AppResult<HttpResponse> {
    let record = in_write_transaction(&state.pool, move |conn| {
        R::check_unique(conn, &valid, Some(&id))?;
        R::update(conn, &id, expected.0, &valid)?.into_result(R::RESOURCE)?;
        let record = find_or_404::<R>(conn, &id)?;
        audit_action(conn, &actor, "update", &record)?;
        Ok(record)
    })
    .await?;
    Ok(with_etag(record.version(), &record))
}

/// Marks the record inactive: kept for what refers to it, offered no more.
pub async fn deactivate<R: Record>(
    state: &AppState,
    actor: Actor,
    id: R::Id,
) -> AppResult<HttpResponse> {
    let record = in_write_transaction(&state.pool, move |conn| {
        if !R::deactivate(conn, &id)? {
            return Err(AppError::NotFound(R::RESOURCE));
        }
        audit::record(
            conn,
            &actor.audit(),
            Audit::new("deactivate", R::RESOURCE, &id),
        )?;
        find_or_404::<R>(conn, &id)
    })
    .await?;
    Ok(with_etag(record.version(), &record))
}
