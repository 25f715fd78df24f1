//! No route answers 500 or panics on malformed JSON, wrong types, unknown fields, huge bodies or bad UTF-8.

use backoffice::auth::policy::ROUTES;
use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::api_test;
use crate::helpers::TestApp;

const BODIES: &[(&str, &[u8])] = &[
    ("malformed", b"{\"name\": "),
    ("not an object", b"[1, 2, 3]"),
    (
        "wrong types",
        b"{\"npi\": 5, \"name\": [], \"date_of_birth\": {}, \"version\": \"x\"}",
    ),
    ("unknown field", b"{\"surely_not_a_field\": true}"),
    ("bad utf-8", b"{\"name\": \"\xff\xfe\xfd\"}"),
    ("nul and controls", b"{\"name\": \"\\u0000\\u0007\"}"),
    ("deep nesting", &[b'['; 5000]),
];

fn concrete(path: &str) -> String {
    path.split('/')
        .map(|part| {
            if part.starts_with('{') {
                "01a22780-0000-7000-8000-000000000000"
            } else {
                part
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

async fn send(
    app: &TestApp,
    method: &str,
    path: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (StatusCode, String, String) {
    let response = app
        .request(
            Method::from_bytes(method.as_bytes()).unwrap(),
            &concrete(path),
            Some(&app.admin_token),
        )
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let kind = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, kind, response.text().await.unwrap())
}

fn assert_clean_refusal(what: &str, status: StatusCode, kind: &str, text: &str) {
    assert!(!status.is_server_error(), "{what}: {status} {text}");
    if status.is_client_error() {
        assert_eq!(kind, "application/problem+json", "{what}: {text}");
        let problem: Value = serde_json::from_str(text).unwrap();
        assert!(problem["code"].is_string(), "{what}: {text}");
    }
}

api_test! {
    async fn bad_bodies_get_a_problem_answer_on_every_route(app) {
        let writes = ROUTES.iter().filter(|r| (r.method == "POST" || r.method == "PUT") && r.path != "/auth/logout");
        for rule in writes {
            for (name, body) in BODIES {
                let (status, kind, text) = send(&app, rule.method, rule.path, "application/json", body.to_vec()).await;
                assert_clean_refusal(&format!("{} {} {name}", rule.method, rule.path), status, &kind, &text);
            }
            let huge = format!("{{\"name\": \"{}\"}}", "x".repeat(2 * 1024 * 1024)).into_bytes();
            let (status, kind, text) = send(&app, rule.method, rule.path, "application/json", huge).await;
            assert_clean_refusal(&format!("{} {} huge", rule.method, rule.path), status, &kind, &text);
            let (status, kind, text) = send(&app, rule.method, rule.path, "text/plain", b"hello".to_vec()).await;
            assert_clean_refusal(&format!("{} {} text/plain", rule.method, rule.path), status, &kind, &text);
        }
    }
}

api_test! {
    async fn a_huge_body_is_413_and_a_wrong_media_type_415(app) {
        let huge = format!("{{\"last_name\": \"{}\"}}", "x".repeat(1024 * 1024)).into_bytes();
        let (status, kind, _) = send(&app, "POST", "/providers", "application/json", huge).await;
        assert_eq!((status, kind.as_str()), (StatusCode::PAYLOAD_TOO_LARGE, "application/problem+json"));
        let (status, _, _) = send(&app, "POST", "/providers", "text/plain", b"{}".to_vec()).await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let (status, _, text) = send(&app, "POST", "/providers", "application/json", b"{\"npi\": ".to_vec()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    }
}

api_test! {
    async fn bad_query_parameters_are_422_naming_the_parameter_on_every_list(app) {
        for rule in ROUTES.iter().filter(|r| r.method == "GET" && !r.path.contains('{')) {
            let path = format!("{}?page=abc&per_page=-1&active=maybe&date_of_birth=yesterday", rule.path);
            let (status, kind, text) = send(&app, "GET", &path, "application/json", Vec::new()).await;
            assert_clean_refusal(&format!("GET {path}"), status, &kind, &text);
        }
        let (status, _, text) = send(&app, "GET", "/providers?page=abc", "application/json", Vec::new()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(text.contains("\"field\":\"page\""), "{text}");
    }
}
