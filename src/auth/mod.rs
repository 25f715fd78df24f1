//! Users, passwords, tokens, roles, and the one table of which role may call which route.

pub mod admin;
mod extract;
mod login;
mod model;
pub mod policy;
pub mod routes;
mod secrets;
pub mod store;

use chrono::{DateTime, Utc};
use diesel::QueryResult;

pub use extract::{Actor, authorize};
pub use model::{Role, Username, check_new_password};
pub use secrets::{hash_password, verify_password};
pub use store::{TokenInfo, User};

use crate::db::DbConnection;
use crate::db::ids::UserId;

/// Creates a token for a user and returns the secret (shown once) with what is stored about it.
pub fn issue_token(
    conn: &mut DbConnection,
    user_id: &UserId,
    name: &str,
    expires_at: DateTime<Utc>,
) -> QueryResult<(String, TokenInfo)> {
    let (token, hash) = secrets::new_token();
    let info = store::insert_token(conn, user_id, name, &hash, expires_at)?;
    Ok((token, info))
}
