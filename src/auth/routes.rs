//! Login, logout, the current user, and user and token administration.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::Actor;
use super::admin::{self, TokenGrant, ValidUser};
use super::login::{Attempt, log_in};
use super::secrets::hash_password;
use super::store::{self, User};
use crate::audit::{self, Audit};
use crate::db::ids::{TokenId, UserId};
use crate::error::{AppError, AppResult};
use crate::http::{ApiJson, AppState, client_ip, in_write_transaction, request_id, with_conn};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(login)
        .service(logout)
        .service(me)
        .service(list_users)
        .service(create_user)
        .service(get_user)
        .service(disable_user)
        .service(create_token)
        .service(revoke_token);
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// Exchanges a username and password for a bearer token. Failed attempts are rate limited per user
/// and per client address (429 with Retry-After).
#[utoipa::path(tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = super::login::LoginResponse), (status = 401, body = crate::error::Problem),
              (status = 429, body = crate::error::Problem)))]
#[post("/auth/login")]
async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: ApiJson<LoginRequest>,
) -> AppResult<HttpResponse> {
    let LoginRequest { username, password } = body.0;
    let attempt = Attempt {
        username,
        password,
        client_ip: client_ip(&req),
        request_id: request_id(&req),
    };
    let (pool, settings) = (state.pool.clone(), state.settings.clone());
    let response = web::block(move || log_in(&pool, &settings, attempt)).await??;
    Ok(HttpResponse::Ok().json(response))
}

/// Revokes the token used to call it.
#[utoipa::path(tag = "auth", responses((status = 204)), security(("bearer" = [])))]
#[post("/auth/logout")]
async fn logout(actor: Actor, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    in_write_transaction(&state.pool, move |conn| {
        store::revoke_token(conn, &actor.token_id)?;
        audit::record(
            conn,
            &actor.audit(),
            Audit::new("logout", "session", &actor.token_id),
        )?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The authenticated user.
#[utoipa::path(tag = "auth", responses((status = 200, body = User)), security(("bearer" = [])))]
#[get("/auth/me")]
async fn me(actor: Actor, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let user = with_conn(&state.pool, move |conn| {
        store::find_user(conn, &actor.user_id)?.ok_or(AppError::NotFound("user"))
    })
    .await?;
    Ok(HttpResponse::Ok().json(user))
}

/// Every user.
#[utoipa::path(tag = "users", responses((status = 200, body = Vec<User>)), security(("bearer" = [])))]
#[get("/users")]
async fn list_users(_actor: Actor, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let users = with_conn(&state.pool, |conn| Ok(store::list_users(conn)?)).await?;
    Ok(HttpResponse::Ok().json(users))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    pub username: String,
    pub display_name: String,
    pub role: String,
    /// At least 12 characters; omit for a token-only (service) user.
    pub password: Option<String>,
}

/// Creates a user.
#[utoipa::path(tag = "users", request_body = CreateUserRequest,
    responses((status = 201, body = User), (status = 409, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[post("/users")]
async fn create_user(
    actor: Actor,
    state: web::Data<AppState>,
    body: ApiJson<CreateUserRequest>,
) -> AppResult<HttpResponse> {
    let body = body.0;
    let valid = ValidUser::parse(
        &body.username,
        &body.display_name,
        &body.role,
        body.password,
    )?;
    let password_hash = match valid.password.clone() {
        Some(password) => Some(
            web::block(move || hash_password(&password))
                .await?
                .map_err(AppError::internal)?,
        ),
        None => None,
    };
    let user = in_write_transaction(&state.pool, move |conn| {
        admin::add_user(conn, &actor.audit(), &valid, password_hash)
    })
    .await?;
    Ok(HttpResponse::Created().json(user))
}

/// One user.
#[utoipa::path(tag = "users", params(("user_id" = String, Path)),
    responses((status = 200, body = User), (status = 404, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[get("/users/{user_id}")]
async fn get_user(
    _actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<UserId>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let user = with_conn(&state.pool, move |conn| {
        store::find_user(conn, &id)?.ok_or(AppError::NotFound("user"))
    })
    .await?;
    Ok(HttpResponse::Ok().json(user))
}

/// Disables a user and revokes all their tokens. Users are never deleted: the audit trail names them.
#[utoipa::path(tag = "users", params(("user_id" = String, Path)),
    responses((status = 200, body = User), (status = 404, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[post("/users/{user_id}/disable")]
async fn disable_user(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<UserId>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    if id == actor.user_id {
        return Err(AppError::conflict(
            "cannot_disable_self",
            "you cannot disable your own user",
        ));
    }
    let user = in_write_transaction(&state.pool, move |conn| {
        admin::disable_user(conn, &actor.audit(), &id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(user))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTokenRequest {
    /// What the token is for (a bench scanner, an import job).
    pub name: String,
    /// Lifetime in days, 1 to 365 (default 90).
    pub expires_in_days: Option<i64>,
}

/// Issues an API token for a user (for devices and integrations).
#[utoipa::path(tag = "users", params(("user_id" = String, Path)), request_body = CreateTokenRequest,
    responses((status = 201, body = admin::CreatedToken), (status = 404, body = crate::error::Problem),
              (status = 422, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[post("/users/{user_id}/tokens")]
async fn create_token(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<UserId>,
    body: ApiJson<CreateTokenRequest>,
) -> AppResult<HttpResponse> {
    let user_id = path.into_inner();
    let grant = TokenGrant::parse(&body.0.name, body.0.expires_in_days)?;
    let created = in_write_transaction(&state.pool, move |conn| {
        admin::grant_token(conn, &actor.audit(), &user_id, &grant)
    })
    .await?;
    Ok(HttpResponse::Created().json(created))
}

/// Revokes a token at once.
#[utoipa::path(tag = "users", params(("token_id" = String, Path)),
    responses((status = 204), (status = 404, body = crate::error::Problem)),
    security(("bearer" = [])))]
#[post("/tokens/{token_id}/revoke")]
async fn revoke_token(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<TokenId>,
) -> AppResult<HttpResponse> {
    let token_id = path.into_inner();
    in_write_transaction(&state.pool, move |conn| {
        admin::revoke_token(conn, &actor.audit(), &token_id)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
