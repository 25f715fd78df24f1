//! First start: an empty database gets an administrator and a one-time token to reach the API with.

use crate::audit::AuditActor;
use crate::auth::admin::{TokenGrant, ValidUser, add_user, grant_token};
use crate::auth::{Role, store};
use crate::db::{DbConnection, exclusively, write_transaction};
use crate::error::AppResult;

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
    let admin = ValidUser::parse(FIRST_ADMIN, "Administrator", Role::Admin.as_str(), None)?;
    let user = add_user(conn, &actor, &admin, None)?;
    let grant = TokenGrant {
        name: "first start".into(),
        days: FIRST_TOKEN_DAYS,
    };
    Ok(Some(grant_token(conn, &actor, &user.id, &grant)?.token))
}
