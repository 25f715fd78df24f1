use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::api_test;
use crate::helpers::{
    Backend, TestApp, expect_problem, expect_status, invalid_fields, spawn_app_with,
};

async fn add_user(app: &TestApp, username: &str, role: &str, password: &str) {
    let body = json!({"username": username, "display_name": "Test User", "role": role, "password": password});
    expect_status(
        app.post("/users", &app.admin_token, &body).await,
        StatusCode::CREATED,
    )
    .await;
}

api_test! {
    async fn login_returns_a_token_that_works_until_logout(app) {
        add_user(&app, "frontdesk1", "front_desk", "a long enough password").await;
        let session = expect_status(app.login("FrontDesk1", "a long enough password").await, StatusCode::OK).await;
        let token = session["token"].as_str().unwrap();
        assert!(token.starts_with("bo_") && token.len() >= 3 + 32, "at least 128 random bits");
        assert_eq!(session["user"]["role"], "front_desk");
        let me = expect_status(app.get("/auth/me", token).await, StatusCode::OK).await;
        assert_eq!(me["username"], "frontdesk1");
        let out = app.request(Method::POST, "/auth/logout", Some(token)).send().await.unwrap();
        assert_eq!(out.status(), StatusCode::NO_CONTENT);
        expect_problem(app.get("/auth/me", token).await, StatusCode::UNAUTHORIZED).await;
    }
}

api_test! {
    async fn wrong_passwords_and_unknown_users_get_the_same_401(app) {
        add_user(&app, "coder1", "coder", "a long enough password").await;
        let wrong = expect_problem(app.login("coder1", "not the password").await, StatusCode::UNAUTHORIZED).await;
        let unknown = expect_problem(app.login("nobody", "not the password").await, StatusCode::UNAUTHORIZED).await;
        assert_eq!(wrong, unknown);
    }
}

api_test! {
    async fn tokens_are_stored_only_as_hashes(app) {
        use diesel::prelude::*;
        use backoffice::db::schema::api_tokens;
        let mut conn = app.db();
        let hashes: Vec<String> = api_tokens::table.select(api_tokens::token_hash).load(&mut conn).unwrap();
        assert!(!hashes.is_empty());
        for hash in hashes {
            assert!(!hash.contains(&app.admin_token[3..]), "the raw token is stored");
        }
    }
}

api_test! {
    async fn a_revoked_or_expired_token_or_disabled_user_is_refused(app) {
        use diesel::prelude::*;
        use backoffice::db::schema::api_tokens;
        let user = expect_status(
            app.post("/users", &app.admin_token, &json!({"username": "biller1", "display_name": "B", "role": "biller"})).await,
            StatusCode::CREATED,
        ).await;
        let id = user["id"].as_str().unwrap();
        let mut tokens = Vec::new();
        for _ in 0..3 {
            let created = app.post(&format!("/users/{id}/tokens"), &app.admin_token, &json!({"name": "t", "expires_in_days": 1})).await;
            tokens.push(expect_status(created, StatusCode::CREATED).await);
        }
        let secret = |i: usize| tokens[i]["token"].as_str().unwrap().to_owned();
        expect_status(app.get("/auth/me", &secret(0)).await, StatusCode::OK).await;

        let revoke = app.post(&format!("/tokens/{}/revoke", tokens[0]["id"].as_str().unwrap()), &app.admin_token, &json!({})).await;
        assert_eq!(revoke.status(), StatusCode::NO_CONTENT);
        expect_problem(app.get("/auth/me", &secret(0)).await, StatusCode::UNAUTHORIZED).await;

        let past = chrono::Utc::now().naive_utc() - chrono::Duration::hours(1);
        diesel::update(api_tokens::table.find(tokens[1]["id"].as_str().unwrap()))
            .set(api_tokens::expires_at.eq(past))
            .execute(&mut app.db())
            .unwrap();
        expect_problem(app.get("/auth/me", &secret(1)).await, StatusCode::UNAUTHORIZED).await;

        expect_status(app.get("/auth/me", &secret(2)).await, StatusCode::OK).await;
        expect_status(app.post(&format!("/users/{id}/disable"), &app.admin_token, &json!({})).await, StatusCode::OK).await;
        expect_problem(app.get("/auth/me", &secret(2)).await, StatusCode::UNAUTHORIZED).await;
    }
}

api_test! {
    async fn user_creation_rejects_bad_fields_by_name(app) {
        let cases = [
            (json!({"username": "x", "display_name": "X", "role": "admin"}), "username"),
            (json!({"username": "okname", "display_name": "", "role": "admin"}), "display_name"),
            (json!({"username": "okname", "display_name": "X", "role": "root"}), "role"),
            (json!({"username": "okname", "display_name": "X", "role": "admin", "password": "short"}), "password"),
            (json!({"username": "okname", "display_name": "X"}), "role"),
            (json!({"username": "okname", "display_name": "X", "role": "admin", "extra": 1}), "extra"),
        ];
        for (body, field) in cases {
            let problem = expect_problem(app.post("/users", &app.admin_token, &body).await, StatusCode::UNPROCESSABLE_ENTITY).await;
            assert!(invalid_fields(&problem).contains(&field.to_owned()), "{body}: {problem}");
        }
        let body = json!({"username": "twice", "display_name": "X", "role": "coder"});
        expect_status(app.post("/users", &app.admin_token, &body).await, StatusCode::CREATED).await;
        let problem = expect_problem(app.post("/users", &app.admin_token, &body).await, StatusCode::CONFLICT).await;
        assert_eq!(problem["code"], "username_taken");
    }
}

async fn failed_logins_are_rate_limited(backend: Backend) {
    let Some(app) = spawn_app_with(backend, |s| s.login_max_failures = 3).await else {
        return;
    };
    add_user(&app, "labtech1", "lab_tech", "a long enough password").await;
    for _ in 0..3 {
        expect_problem(
            app.login("labtech1", "wrong password!").await,
            StatusCode::UNAUTHORIZED,
        )
        .await;
    }
    let limited = app.login("labtech1", "a long enough password").await;
    assert!(limited.headers().contains_key("retry-after"));
    let problem = expect_problem(limited, StatusCode::TOO_MANY_REQUESTS).await;
    assert_eq!(problem["code"], "too_many_attempts");
    // The address is limited too: guessing across many usernames stops at four times the per-user limit.
    for i in 0..9 {
        app.login(&format!("someone{i}"), "wrong password!").await;
    }
    expect_problem(
        app.login("fresh-name", "wrong password!").await,
        StatusCode::TOO_MANY_REQUESTS,
    )
    .await;
}

#[tokio::test]
async fn failed_logins_are_rate_limited_per_user_and_address_on_sqlite() {
    failed_logins_are_rate_limited(Backend::Sqlite).await;
}

#[tokio::test]
async fn failed_logins_are_rate_limited_per_user_and_address_on_postgres() {
    failed_logins_are_rate_limited(Backend::Postgres).await;
}
