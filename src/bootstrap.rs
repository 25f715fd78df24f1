//! First start: an empty database gets an administrator and a one-time token to reach the API with.

use chrono::Duration;

use crate::audit::{self, Audit, AuditActor};
use crate::auth::routes::add_user;
use crate::auth::{Role, Username, issue_token, store};
use crate::db::{DbConnection, exclusively, now, write_transaction};
use crate::error::{AppError, AppResult};

pub const FIRST_ADMIN: &str = "admin";
const FIRST_TOKEN_DAYS: i64 = 30;

/// Creates the first administrator when there are no users; returns its token (to print once).
pub fn ensure_first_admin(conn: &mut DbConnection) -> AppResult<Option<String>> {
    // Under the start-up lock, two instances starting together cannot both create the first admin.
    exclusively(conn, |conn| write_transaction(conn, create_first_admin))
}

fn create_first_admin(conn: &mut DbConnection) -> AppResult<Option<String>> {
    if store::count_users(conn)? > 0 {
        return Ok(None);
    }
    let actor = AuditActor::system("bootstrap");
    let username = Username::parse(FIRST_ADMIN).map_err(AppError::internal)?;
    let user = add_user(conn, &actor, &username, "Administrator", Role::Admin, None)?;
    let expires = now() + Duration::days(FIRST_TOKEN_DAYS);
    let (token, info) = issue_token(conn, &user.id, "first start", expires)?;
    audit::record(conn, &actor, Audit::new("create", "token", &info.id))?;
    Ok(Some(token))
}
