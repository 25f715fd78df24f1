//! First start: an empty database gets an administrator and a one-time token to reach the API with.

use chrono::Duration;

use crate::audit::AuditActor;
use crate::auth::routes::add_user;
use crate::auth::{Role, Username, issue_token, store};
use crate::db::{DbConnection, now, write_transaction};
use crate::error::AppResult;

pub const FIRST_ADMIN: &str = "admin";
const FIRST_TOKEN_DAYS: i64 = 30;

/// Creates the first administrator when there are no users; returns its token (to print once).
pub fn ensure_first_admin(conn: &mut DbConnection) -> AppResult<Option<String>> {
    write_transaction(conn, |conn| {
        if store::count_users(conn)? > 0 {
            return Ok(None);
        }
        let actor = AuditActor::system("bootstrap");
        let username = Username::parse(FIRST_ADMIN).map_err(crate::error::AppError::internal)?;
        let user = add_user(conn, &actor, &username, "Administrator", Role::Admin, None)?;
        let expires = now() + Duration::days(FIRST_TOKEN_DAYS);
        let (token, info) = issue_token(conn, &user.id, "first start", expires)?;
        crate::audit::record(
            conn,
            &actor,
            crate::audit::Audit::new("create", "token", &info.id),
        )?;
        Ok(Some(token))
    })
}
