use actix_web::web;

use crate::db::{DbConnection, DbPool};
use crate::error::AppError;

/// Runs blocking diesel work on actix's thread pool with a pooled connection.
pub async fn with_conn<T, F>(pool: &DbPool, f: F) -> Result<T, AppError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    web::block(move || {
        let mut conn = pool.get()?;
        f(&mut conn)
    })
    .await?
}

/// `with_conn` whose work is one write transaction (see `db::write_transaction`): the shape of every
/// handler that changes data, or audits a read, in one commit.
pub async fn in_write_transaction<T, F>(pool: &DbPool, f: F) -> Result<T, AppError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    with_conn(pool, move |conn| crate::db::write_transaction(conn, f)).await
}
