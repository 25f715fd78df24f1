//! Logging in: rate limit, password check, token. The slow argon2 check runs with no pooled connection
//! held, so a burst of logins cannot starve the pool.

use chrono::Duration;
use serde::Serialize;
use utoipa::ToSchema;

use super::issue_token;
use super::secrets::{verify_password, verify_password_against_nothing};
use super::store::{self, User};
use crate::audit::{self, Audit, AuditActor};
use crate::config::Settings;
use crate::db::{DbPool, now, write_transaction};
use crate::error::{AppError, AppResult};

/// Who is trying to log in, from where.
pub struct Attempt {
    pub username: String,
    pub password: String,
    pub client_ip: String,
    pub request_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    /// The bearer token; send it as `Authorization: Bearer <token>`. Shown only here.
    pub token: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    pub user: User,
}

/// A token for the right password; 401 for a wrong one or an unknown user (the same answer, in the same
/// time); 429 once the user or the address has failed too often within the window.
pub fn log_in(pool: &DbPool, settings: &Settings, attempt: Attempt) -> AppResult<LoginResponse> {
    let username = attempt.username.trim().to_ascii_lowercase();
    let window = Duration::from_std(settings.login_window).unwrap_or(Duration::minutes(15));
    let credentials = {
        let mut conn = pool.get()?;
        let (by_user, by_ip) =
            store::recent_failures(&mut conn, &username, &attempt.client_ip, now() - window)?;
        let max = i64::from(settings.login_max_failures);
        if by_user >= max || by_ip >= max * 4 {
            return Err(AppError::TooManyRequests {
                retry_after_secs: window.num_seconds() as u64,
            });
        }
        store::login_credentials(&mut conn, &username)?
    };
    let user = match credentials {
        Some((user, Some(hash))) if verify_password(&attempt.password, &hash) => Some(user),
        Some((_, Some(_))) => None,
        _ => {
            verify_password_against_nothing(&attempt.password);
            None
        }
    };
    let actor = AuditActor {
        user_id: None,
        name: username.clone(),
        request_id: attempt.request_id,
    };
    let mut conn = pool.get()?;
    let Some(user) = user else {
        write_transaction(&mut conn, |conn| {
            store::record_login_failure(conn, &username, &attempt.client_ip)?;
            audit::record(conn, &actor, Audit::about("login_failed", "session"))
        })?;
        return Err(AppError::Unauthenticated);
    };
    let ttl = Duration::from_std(settings.login_token_ttl).unwrap_or(Duration::hours(12));
    write_transaction(&mut conn, |conn| {
        store::clear_user_failures(conn, &username)?;
        let (token, info) = issue_token(conn, &user.id, "login", now() + ttl)?;
        let actor = AuditActor {
            user_id: Some(user.id.to_string()),
            ..actor
        };
        audit::record(conn, &actor, Audit::new("login", "session", &info.id))?;
        Ok(LoginResponse {
            token,
            expires_at: info.expires_at,
            user,
        })
    })
}
