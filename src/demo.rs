//! Invented demo practice (filled in once the directory is complete).

use crate::db::DbConnection;
use crate::error::AppResult;

pub fn load(_conn: &mut DbConnection) -> AppResult<String> {
    Ok("demo data: not yet available".into())
}
