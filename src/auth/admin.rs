//! User and token administration, shared by the API, the command line and the first-start bootstrap:
//! each operation checks its input the same way and audits itself in the caller's transaction.

use chrono::Duration;
use serde::Serialize;
use utoipa::ToSchema;

use super::issue_token;
use super::model::{Role, Username, check_new_password};
use super::store::{self, NewUser, TokenInfo, User};
use crate::audit::{self, Audit, AuditActor};
use crate::db::ids::{TokenId, UserId};
use crate::db::{DbConnection, now};
use crate::error::{AppError, AppResult, Validator};

/// A user to create, checked.
pub struct ValidUser {
    pub username: Username,
    pub display_name: String,
    pub role: Role,
    /// Checked for length, not yet hashed (hashing is slow: callers do it off the async threads).
    pub password: Option<String>,
}

impl ValidUser {
    pub fn parse(
        username: &str,
        display_name: &str,
        role: &str,
        password: Option<String>,
    ) -> AppResult<Self> {
        let mut v = Validator::new();
        let username = v.check("username", Username::parse(username));
        let display_name = display_name.trim().to_owned();
        if display_name.is_empty() || display_name.chars().count() > 100 {
            v.reject("display_name", "must be 1 to 100 characters");
        }
        let role = v.check("role", Role::parse(role));
        if let Some(Err(message)) = password.as_deref().map(check_new_password) {
            v.reject("password", message);
        }
        v.finish(|| {
            Some(ValidUser {
                username: username?,
                display_name,
                role: role?,
                password,
            })
        })
    }
}

/// Inserts the user (a taken username is 409) and audits it.
pub fn add_user(
    conn: &mut DbConnection,
    actor: &AuditActor,
    user: &ValidUser,
    password_hash: Option<String>,
) -> AppResult<User> {
    if store::find_user_by_name(conn, user.username.as_str())?.is_some() {
        return Err(AppError::conflict(
            "username_taken",
            "a user with this username already exists",
        ));
    }
    let new = NewUser {
        username: user.username.as_str(),
        display_name: &user.display_name,
        role: user.role,
        password_hash,
    };
    let created = store::insert_user(conn, new)?;
    let event = Audit::new("create", "user", &created.id).detail(format!("role={}", user.role));
    audit::record(conn, actor, event)?;
    Ok(created)
}

/// Disables the user and revokes all their tokens (users are never deleted: the audit trail names them).
pub fn disable_user(conn: &mut DbConnection, actor: &AuditActor, id: &UserId) -> AppResult<User> {
    if !store::disable_user(conn, id)? {
        return Err(AppError::NotFound("user"));
    }
    audit::record(conn, actor, Audit::new("disable", "user", id))?;
    store::find_user(conn, id)?.ok_or(AppError::NotFound("user"))
}

/// What a new API token is for and how long it lives.
pub struct TokenGrant {
    pub name: String,
    pub days: i64,
}

impl TokenGrant {
    pub const DEFAULT_DAYS: i64 = 90;

    pub fn parse(name: &str, days: Option<i64>) -> AppResult<Self> {
        let mut v = Validator::new();
        let name = name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 100 {
            v.reject("name", "must be 1 to 100 characters");
        }
        let days = days.unwrap_or(Self::DEFAULT_DAYS);
        if !(1..=365).contains(&days) {
            v.reject("expires_in_days", "must be between 1 and 365");
        }
        v.finish(|| Some(TokenGrant { name, days }))
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedToken {
    /// The secret, shown only in this answer.
    pub token: String,
    #[serde(flatten)]
    pub info: TokenInfo,
}

/// Issues a token to an active user (404 unknown, 409 disabled) and audits it.
pub fn grant_token(
    conn: &mut DbConnection,
    actor: &AuditActor,
    user_id: &UserId,
    grant: &TokenGrant,
) -> AppResult<CreatedToken> {
    let user = store::find_user(conn, user_id)?.ok_or(AppError::NotFound("user"))?;
    if !user.active {
        return Err(AppError::conflict("user_disabled", "the user is disabled"));
    }
    let expires_at = now() + Duration::days(grant.days);
    let (token, info) = issue_token(conn, &user.id, &grant.name, expires_at)?;
    audit::record(conn, actor, Audit::new("create", "token", &info.id))?;
    Ok(CreatedToken { token, info })
}

/// Revokes a token that is still active (404 otherwise) and audits it.
pub fn revoke_token(conn: &mut DbConnection, actor: &AuditActor, id: &TokenId) -> AppResult<()> {
    if !store::revoke_token(conn, id)? {
        return Err(AppError::NotFound("active token"));
    }
    audit::record(conn, actor, Audit::new("revoke", "token", id))?;
    Ok(())
}
