use std::process::Command;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::api_test;
use crate::fixtures::provider_body;
use crate::helpers::{TestApp, expect_status};

fn audit_verify(app: &TestApp) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_backoffice"))
        .args(["audit", "verify"])
        .env("BACKOFFICE_DATABASE_URL", &app.database_url)
        .output()
        .expect("run backoffice audit verify");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

api_test! {
    async fn writes_are_audited_with_actor_and_request_id(app) {
        let created = app.post("/providers", &app.admin_token, &provider_body("1234567893")).await;
        let request_id = created.headers()["x-request-id"].to_str().unwrap().to_owned();
        let provider = expect_status(created, StatusCode::CREATED).await;
        let id = provider["id"].as_str().unwrap();
        let page = expect_status(
            app.get(&format!("/audit?resource_type=provider&resource_id={id}"), &app.admin_token).await,
            StatusCode::OK,
        ).await;
        assert_eq!(page["total"], 1);
        let event = &page["items"][0];
        assert_eq!(event["action"], "create");
        assert_eq!(event["actor"], "admin");
        assert_eq!(event["request_id"], request_id);
        assert_eq!(event["hash"].as_str().unwrap().len(), 64);
    }
}

api_test! {
    async fn the_audit_trail_filters_by_actor_and_time(app) {
        let me = expect_status(app.get("/auth/me", &app.admin_token).await, StatusCode::OK).await;
        let before = chrono::Utc::now() - chrono::Duration::seconds(1);
        expect_status(app.post("/providers", &app.admin_token, &provider_body("1234567893")).await, StatusCode::CREATED).await;
        let from = before.to_rfc3339_opts(chrono::SecondsFormat::Micros, true).replace('+', "%2B");
        let path = format!("/audit?actor_id={}&from={from}&action=create", me["id"].as_str().unwrap());
        let page = expect_status(app.get(&path, &app.admin_token).await, StatusCode::OK).await;
        assert_eq!(page["total"], 1, "{page}");
        let path = "/audit?to=2000-01-01T00:00:00Z";
        assert_eq!(expect_status(app.get(path, &app.admin_token).await, StatusCode::OK).await["total"], 0);
    }
}

api_test! {
    async fn audit_verify_finds_a_tampered_or_deleted_event(app) {
        use diesel::prelude::*;
        use backoffice::db::schema::audit_events;
        for npi in ["1234567893", "1245319599"] {
            expect_status(app.post("/providers", &app.admin_token, &provider_body(npi)).await, StatusCode::CREATED).await;
        }
        let (code, out) = audit_verify(&app);
        assert_eq!(code, 0, "{out}");
        assert!(out.contains("intact"), "{out}");

        // Event 2 is whatever start-up or the test wrote second (the shipped code set imports are audited).
        let original: String = audit_events::table.find(2_i64).select(audit_events::action).first(&mut app.db()).unwrap();
        diesel::update(audit_events::table.find(2_i64))
            .set(audit_events::action.eq("tampered"))
            .execute(&mut app.db())
            .unwrap();
        let (code, out) = audit_verify(&app);
        assert_eq!(code, 1, "{out}");
        assert!(out.contains("BROKEN at event 2"), "{out}");

        diesel::update(audit_events::table.find(2_i64))
            .set(audit_events::action.eq(&original))
            .execute(&mut app.db())
            .unwrap();
        assert_eq!(audit_verify(&app).0, 0, "restoring the row mends the chain");

        let last: i64 = audit_events::table.select(diesel::dsl::max(audit_events::seq)).first::<Option<i64>>(&mut app.db()).unwrap().unwrap();
        diesel::delete(audit_events::table.find(last)).execute(&mut app.db()).unwrap();
        let (code, out) = audit_verify(&app);
        assert_eq!(code, 1, "a removed last event is found too: {out}");
    }
}

api_test! {
    async fn concurrent_writers_keep_one_unbroken_chain(app) {
        let npis = ["1234567893", "1245319599", "1003000126", "1000000004", "1000000012", "1000000020"];
        let bodies: Vec<Value> = npis.iter().map(|npi| provider_body(npi)).collect();
        let requests = bodies.iter().map(|body| app.post("/providers", &app.admin_token, body));
        for response in futures_util::future::join_all(requests).await {
            assert_eq!(response.status(), StatusCode::CREATED);
        }
        let (code, out) = audit_verify(&app);
        assert_eq!(code, 0, "{out}");
    }
}

api_test! {
    async fn audit_verify_on_a_live_service_checks_what_was_there_when_it_started(app) {
        let bodies: Vec<Value> = (0..40).map(|i| json!({"username": format!("busy{i:02}"), "display_name": "Busy", "role": "coder"})).collect();
        let writes = futures_util::future::join_all(bodies.iter().map(|body| app.post("/users", &app.admin_token, body)));
        let verifies = tokio::task::spawn_blocking({
            let url = app.database_url.clone();
            move || {
                (0..5)
                    .map(|_| {
                        let output = Command::new(env!("CARGO_BIN_EXE_backoffice"))
                            .args(["audit", "verify"])
                            .env("BACKOFFICE_DATABASE_URL", &url)
                            .output()
                            .unwrap();
                        (output.status.code(), String::from_utf8_lossy(&output.stdout).into_owned())
                    })
                    .collect::<Vec<_>>()
            }
        });
        let (responses, verdicts) = tokio::join!(writes, verifies);
        assert!(responses.iter().all(|r| r.status() == StatusCode::CREATED));
        for (code, out) in verdicts.unwrap() {
            assert_eq!(code, Some(0), "a chain growing during the walk is not broken: {out}");
        }
    }
}
