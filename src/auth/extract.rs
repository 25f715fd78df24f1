//! Authorization happens in a middleware, before any extractor reads the body: an unauthenticated or
//! unauthorized caller learns nothing from validation errors. The middleware looks the matched route up in
//! the role table, checks the bearer token, and leaves the `Actor` in the request for the handler.

use std::future::{Ready, ready};

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};

use super::model::Role;
use super::policy::{Access, ROUTES, rule_for};
use super::secrets::{TOKEN_PREFIX, token_hash};
use super::store::session_for_token;
use crate::audit::AuditActor;
use crate::db::ids::{TokenId, UserId};
use crate::error::AppError;
use crate::http::{AppState, request_id, with_conn};

#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: UserId,
    pub username: String,
    pub role: Role,
    pub token_id: TokenId,
    pub request_id: Option<String>,
}

impl Actor {
    /// The caller as the audit trail records it.
    pub fn audit(&self) -> AuditActor {
        AuditActor {
            user_id: Some(self.user_id.to_string()),
            name: self.username.clone(),
            request_id: self.request_id.clone(),
        }
    }
}

/// The middleware: 401 without a valid token, 403 for a role the table does not allow.
pub async fn authorize(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if let Some(actor) = check(req.request()).await? {
        req.extensions_mut().insert(actor);
    }
    next.call(req).await
}

/// `Ok(None)` for public routes and for paths no route matches (the default service answers 404).
async fn check(req: &HttpRequest) -> Result<Option<Actor>, AppError> {
    let Some(pattern) = req.match_pattern() else {
        return Ok(None);
    };
    let access = match rule_for(req.method(), &pattern) {
        Some(rule) => rule.access,
        None if ROUTES.iter().any(|r| r.path == pattern) => {
            return Err(AppError::MethodNotAllowed(req.method().to_string()));
        }
        None => {
            tracing::error!(method = %req.method(), %pattern, "route missing from the role table");
            return Err(AppError::Forbidden);
        }
    };
    if access == Access::Public {
        return Ok(None);
    }
    let token = bearer_token(req).ok_or(AppError::Unauthenticated)?;
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| AppError::internal("application state missing"))?;
    let hash = token_hash(&token);
    let session = with_conn(&state.pool, move |conn| Ok(session_for_token(conn, &hash)?))
        .await?
        .ok_or(AppError::Unauthenticated)?;
    if !access.allows(session.user.role) {
        return Err(AppError::Forbidden);
    }
    Ok(Some(Actor {
        user_id: session.user.id,
        username: session.user.username,
        role: session.user.role,
        token_id: session.token_id,
        request_id: request_id(req),
    }))
}

fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && token.starts_with(TOKEN_PREFIX))
        .then(|| token.to_owned())
}

/// The handler's view of the caller the middleware authorized.
impl FromRequest for Actor {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        ready(
            req.extensions()
                .get::<Actor>()
                .cloned()
                .ok_or(AppError::Unauthenticated),
        )
    }
}
