//! What providers, locations and payers share: versioned records that are created, read, replaced and
//! deactivated (never deleted) the same way, each write audited in its transaction. Their route handlers
//! stay thin and typed (for the OpenAPI document); the shared steps live here once.

use actix_web::HttpResponse;
use diesel::QueryResult;
use serde::Serialize;

use crate::audit::{self, Audit};
use crate::auth::Actor;
use crate::db::{DbConnection, write_transaction};
use crate::error::{AppError, AppResult, VersionedUpdate};
use crate::http::{AppState, ExpectedVersion, created_with_etag, with_conn, with_etag};

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
    fn find(conn: &mut DbConnection, id: &Self::Id) -> QueryResult<Option<Self>>;
    fn insert(conn: &mut DbConnection, valid: &Self::Valid) -> QueryResult<Self>;
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

fn find_or_404<R: Record>(conn: &mut DbConnection, id: &R::Id) -> AppResult<R> {
    R::find(conn, id)?.ok_or(AppError::NotFound(R::RESOURCE))
}

/// 201 with the new record.
pub async fn create<R: Record>(
    state: &AppState,
    actor: Actor,
    valid: R::Valid,
) -> AppResult<HttpResponse> {
    let record = with_conn(&state.pool, move |conn| {
        write_transaction(conn, |conn| {
            R::check_unique(conn, &valid, None)?;
            let record = R::insert(conn, &valid)?;
            audit::record(
                conn,
                &actor.audit(),
                Audit::new("create", R::RESOURCE, record.id()),
            )?;
            Ok(record)
        })
    })
    .await?;
    Ok(created_with_etag(record.version(), &record))
}

/// 200 with the record and its version as ETag, or 404.
pub async fn read<R: Record>(state: &AppState, id: R::Id) -> AppResult<HttpResponse> {
    let record = with_conn(&state.pool, move |conn| find_or_404::<R>(conn, &id)).await?;
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
    let record = with_conn(&state.pool, move |conn| {
        write_transaction(conn, |conn| {
            R::check_unique(conn, &valid, Some(&id))?;
            R::update(conn, &id, expected.0, &valid)?.into_result(R::RESOURCE)?;
            audit::record(conn, &actor.audit(), Audit::new("update", R::RESOURCE, &id))?;
            find_or_404::<R>(conn, &id)
        })
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
    let record = with_conn(&state.pool, move |conn| {
        write_transaction(conn, |conn| {
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
    })
    .await?;
    Ok(with_etag(record.version(), &record))
}
