//! The role table, walked: every route with every role, and without a token.

use backoffice::auth::Role;
use backoffice::auth::policy::{Access, ROUTES};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::api_test;
use crate::helpers::TestApp;

fn concrete(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let end = rest[start..].find('}').unwrap() + start;
        out.push_str(&rest[..start]);
        out.push_str(&uuid::Uuid::now_v7().to_string());
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

async fn call(app: &TestApp, method: &str, path: &str, token: Option<&str>) -> (StatusCode, Value) {
    let method = Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = app.request(method.clone(), &concrete(path), token);
    if method == Method::POST || method == Method::PUT {
        request = request.json(&json!({}));
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let body = response.json::<Value>().await.unwrap_or(Value::Null);
    (status, body)
}

api_test! {
    async fn every_route_admits_exactly_the_roles_the_table_names(app) {
        let mut tokens = Vec::new();
        for role in Role::ALL {
            tokens.push((role, app.token_for(role.as_str()).await));
        }
        for rule in ROUTES {
            for (role, token) in &tokens {
                // Logging out revokes the token used, so it gets one of its own.
                let fresh;
                let token = if rule.path == "/auth/logout" {
                    fresh = app.token_for(role.as_str()).await;
                    &fresh
                } else {
                    token
                };
                let (status, body) = call(&app, rule.method, rule.path, Some(token)).await;
                let what = format!("{} {} as {role}: {status} {body}", rule.method, rule.path);
                assert_ne!(status, StatusCode::INTERNAL_SERVER_ERROR, "{what}");
                assert_ne!(body["code"], "route_not_found", "not mounted: {what}");
                if rule.access.allows(*role) {
                    assert!(status != StatusCode::FORBIDDEN && status != StatusCode::UNAUTHORIZED, "{what}");
                } else {
                    assert_eq!(status, StatusCode::FORBIDDEN, "{what}");
                    assert_eq!(body["code"], "forbidden", "{what}");
                }
            }
        }
    }
}

api_test! {
    async fn every_private_route_refuses_a_caller_without_a_valid_token(app) {
        for rule in ROUTES.iter().filter(|r| r.access != Access::Public) {
            for token in [None, Some("bo_0000"), Some("not-a-token")] {
                let (status, body) = call(&app, rule.method, rule.path, token).await;
                assert_eq!(status, StatusCode::UNAUTHORIZED, "{} {}: {body}", rule.method, rule.path);
                assert_eq!(body["code"], "unauthenticated");
            }
        }
    }
}

api_test! {
    async fn an_unrouted_method_is_405_and_an_unknown_path_404(app) {
        let response = app.request(Method::DELETE, "/providers", Some(&app.admin_token)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
        let response = app.request(Method::GET, "/no/such/thing", Some(&app.admin_token)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["code"], "route_not_found");
    }
}
