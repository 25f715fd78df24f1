//! `Actor`: the authenticated caller of a route, checked against the route table. A handler that takes an
//! `Actor` cannot run for an unauthenticated caller (401) or a role the table does not allow (403).

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};

use super::model::Role;
use super::policy::{Access, rule_for};
use super::secrets::{TOKEN_PREFIX, token_hash};
use super::store::session_for_token;
use crate::audit::AuditActor;
use crate::error::AppError;
use crate::http::{AppState, request_id, with_conn};

#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: String,
    pub username: String,
    pub role: Role,
    pub token_id: String,
    pub request_id: Option<String>,
}

impl Actor {
    /// The caller as the audit trail records it.
    pub fn audit(&self) -> AuditActor {
        AuditActor {
            user_id: Some(self.user_id.clone()),
            name: self.username.clone(),
            request_id: self.request_id.clone(),
        }
    }
}

impl FromRequest for Actor {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let access = access_for(req);
        let token = bearer_token(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let request_id = request_id(req);
        Box::pin(async move {
            let access = access?;
            let token = token.ok_or(AppError::Unauthenticated)?;
            let state = state.ok_or_else(|| AppError::internal("application state missing"))?;
            let hash = token_hash(&token);
            let session = with_conn(&state.pool, move |conn| Ok(session_for_token(conn, &hash)?))
                .await?
                .ok_or(AppError::Unauthenticated)?;
            if !access.allows(session.user.role) {
                return Err(AppError::Forbidden);
            }
            Ok(Actor {
                user_id: session.user.id,
                username: session.user.username,
                role: session.user.role,
                token_id: session.token_id,
                request_id,
            })
        })
    }
}

/// The table's rule for the matched route. A route without one is refused: the table is the authority.
fn access_for(req: &HttpRequest) -> Result<Access, AppError> {
    let pattern = req.match_pattern().unwrap_or_default();
    match rule_for(req.method(), &pattern) {
        Some(rule) => Ok(rule.access),
        None => {
            tracing::error!(method = %req.method(), %pattern, "route missing from the role table");
            Err(AppError::Forbidden)
        }
    }
}

fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && token.starts_with(TOKEN_PREFIX))
        .then(|| token.to_owned())
}
