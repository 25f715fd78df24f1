//! Queries on users, tokens and failed logins. Nothing else touches these tables.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::model::Role;
use crate::db::ids::{TokenId, UserId};
use crate::db::schema::{api_tokens, login_failures, users};
use crate::db::{DbConnection, from_utc, new_id, now, to_utc};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
struct UserRow {
    id: String,
    username: String,
    display_name: String,
    password_hash: Option<String>,
    role: String,
    active: bool,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub has_password: bool,
    pub created_at: DateTime<Utc>,
}

impl From<UserRow> for User {
    fn from(row: UserRow) -> Self {
        User {
            id: UserId::from_stored(row.id),
            username: row.username,
            display_name: row.display_name,
            // The CHECK constraint keeps this column within the role names.
            role: Role::parse(&row.role).unwrap_or(Role::FrontDesk),
            active: row.active,
            has_password: row.password_hash.is_some(),
            created_at: to_utc(row.created_at),
        }
    }
}

pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub password_hash: Option<String>,
}

pub fn insert_user(conn: &mut DbConnection, new: NewUser<'_>) -> QueryResult<User> {
    let at = from_utc(now());
    let row = UserRow {
        id: UserId::generate().to_string(),
        username: new.username.to_owned(),
        display_name: new.display_name.to_owned(),
        password_hash: new.password_hash,
        role: new.role.as_str().to_owned(),
        active: true,
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(users::table)
        .values(&row)
        .execute(conn)?;
    Ok(row.into())
}

pub fn count_users(conn: &mut DbConnection) -> QueryResult<i64> {
    users::table.count().get_result(conn)
}

pub fn list_users(conn: &mut DbConnection) -> QueryResult<Vec<User>> {
    let rows: Vec<UserRow> = users::table
        .order(users::username.asc())
        .select(UserRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(User::from).collect())
}

pub fn find_user(conn: &mut DbConnection, id: &UserId) -> QueryResult<Option<User>> {
    let row: Option<UserRow> = users::table
        .find(id.as_str())
        .select(UserRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row.map(User::from))
}

pub fn find_user_by_name(conn: &mut DbConnection, username: &str) -> QueryResult<Option<User>> {
    let row: Option<UserRow> = users::table
        .filter(users::username.eq(username))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row.map(User::from))
}

/// The stored password hash of an active user, for login.
pub fn login_credentials(
    conn: &mut DbConnection,
    username: &str,
) -> QueryResult<Option<(User, Option<String>)>> {
    let row: Option<UserRow> = users::table
        .filter(users::username.eq(username))
        .filter(users::active.eq(true))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row.map(|r| {
        let hash = r.password_hash.clone();
        (User::from(r), hash)
    }))
}

/// Disables the user and revokes every token they hold. Returns false when no such user.
pub fn disable_user(conn: &mut DbConnection, id: &UserId) -> QueryResult<bool> {
    let at = from_utc(now());
    let changed = diesel::update(users::table.find(id.as_str()))
        .set((users::active.eq(false), users::updated_at.eq(at)))
        .execute(conn)?;
    diesel::update(api_tokens::table.filter(api_tokens::user_id.eq(id.as_str())))
        .filter(api_tokens::revoked_at.is_null())
        .set(api_tokens::revoked_at.eq(Some(at)))
        .execute(conn)?;
    Ok(changed > 0)
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TokenInfo {
    pub id: TokenId,
    pub user_id: UserId,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

pub fn insert_token(
    conn: &mut DbConnection,
    user_id: &UserId,
    name: &str,
    token_hash: &str,
    expires_at: DateTime<Utc>,
) -> QueryResult<TokenInfo> {
    let id = TokenId::generate();
    let created_at = now();
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::id.eq(id.as_str()),
            api_tokens::user_id.eq(user_id.as_str()),
            api_tokens::name.eq(name),
            api_tokens::token_hash.eq(token_hash),
            api_tokens::created_at.eq(from_utc(created_at)),
            api_tokens::expires_at.eq(from_utc(expires_at)),
        ))
        .execute(conn)?;
    Ok(TokenInfo {
        id,
        user_id: user_id.clone(),
        name: name.to_owned(),
        created_at,
        expires_at,
    })
}

/// Revokes a token by id; false when it does not exist or was already revoked.
pub fn revoke_token(conn: &mut DbConnection, token_id: &TokenId) -> QueryResult<bool> {
    let changed = diesel::update(api_tokens::table.find(token_id.as_str()))
        .filter(api_tokens::revoked_at.is_null())
        .set(api_tokens::revoked_at.eq(Some(from_utc(now()))))
        .execute(conn)?;
    Ok(changed > 0)
}

/// The session behind a presented token: who, and which token.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub token_id: TokenId,
}

/// The active user holding an unexpired, unrevoked token with this hash.
pub fn session_for_token(
    conn: &mut DbConnection,
    token_hash: &str,
) -> QueryResult<Option<Session>> {
    let found: Option<(String, UserRow)> = api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::token_hash.eq(token_hash))
        .filter(api_tokens::revoked_at.is_null())
        .filter(api_tokens::expires_at.gt(from_utc(now())))
        .filter(users::active.eq(true))
        .select((api_tokens::id, UserRow::as_select()))
        .first(conn)
        .optional()?;
    Ok(found.map(|(token_id, row)| Session {
        user: row.into(),
        token_id: TokenId::from_stored(token_id),
    }))
}

pub fn record_login_failure(conn: &mut DbConnection, username: &str, ip: &str) -> QueryResult<()> {
    diesel::insert_into(login_failures::table)
        .values((
            login_failures::id.eq(new_id().to_string()),
            login_failures::username.eq(username),
            login_failures::client_ip.eq(ip),
            login_failures::failed_at.eq(from_utc(now())),
        ))
        .execute(conn)?;
    Ok(())
}

/// Failed logins since `since`, for this username and for this address.
pub fn recent_failures(
    conn: &mut DbConnection,
    username: &str,
    ip: &str,
    since: DateTime<Utc>,
) -> QueryResult<(i64, i64)> {
    let since = from_utc(since);
    let by_user = login_failures::table
        .filter(login_failures::username.eq(username))
        .filter(login_failures::failed_at.ge(since))
        .count()
        .get_result(conn)?;
    let by_ip = login_failures::table
        .filter(login_failures::client_ip.eq(ip))
        .filter(login_failures::failed_at.ge(since))
        .count()
        .get_result(conn)?;
    Ok((by_user, by_ip))
}

/// A successful login forgives the user's earlier failures (the address keeps its count).
pub fn clear_user_failures(conn: &mut DbConnection, username: &str) -> QueryResult<usize> {
    diesel::delete(login_failures::table.filter(login_failures::username.eq(username)))
        .execute(conn)
}
