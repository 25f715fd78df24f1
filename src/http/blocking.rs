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
