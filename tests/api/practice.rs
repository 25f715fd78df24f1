use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::api_test;
use crate::fixtures::{expect_each_refused, practice_body, with, without};
use crate::helpers::{expect_problem, expect_status};

api_test! {
    async fn invalid_practice_settings_are_refused_naming_the_field(app) {
        let good = practice_body();
        let cases = [
            (with(good.clone(), "name", json!("")), "name"),
            (with(good.clone(), "name", json!("Family^Medicine")), "name"),
            (with(good.clone(), "name", json!("n".repeat(61))), "name"),
            (without(good.clone(), "name"), "name"),
            (with(good.clone(), "tax_id", json!("12-345678")), "tax_id"),
            (with(good.clone(), "tax_id", json!("00-1234567")), "tax_id"),
            (with(good.clone(), "tax_id", json!(123456789)), "tax_id"),
            (with(good.clone(), "npi", json!("1234567890")), "npi"),
            (with(good.clone(), "npi", json!("123456789")), "npi"),
            (with(good.clone(), "address.line1", json!("")), "address.line1"),
            (with(good.clone(), "address.line2", json!("Suite~5")), "address.line2"),
            (with(good.clone(), "address.city", json!("c".repeat(31))), "address.city"),
            (with(good.clone(), "address.state", json!("XX")), "address.state"),
            (with(good.clone(), "address.zip", json!("01101-")), "address.zip"),
            (with(good.clone(), "address.zip", json!("1234")), "address.zip"),
            (without(good.clone(), "address.zip"), "address.zip"),
            (with(good.clone(), "address.county", json!("Hampden")), "address.county"),
            (with(good.clone(), "phone", json!("+44 20 7946 0958")), "phone"),
            (with(good.clone(), "phone", json!("555-234-5678 x12")), "phone"),
            (with(good.clone(), "phone", json!("055-234-5678")), "phone"),
            (with(good.clone(), "clia_number", json!("05-0987654")), "clia_number"),
            (with(good.clone(), "clia_number", json!("05D098765")), "clia_number"),
            (with(good.clone(), "website", json!("https://example.org")), "website"),
        ];
        expect_each_refused(&app, Method::PUT, "/practice", &cases).await;
        let problem = expect_problem(app.get("/practice", &app.admin_token).await, StatusCode::NOT_FOUND).await;
        assert_eq!(problem["code"], "not_found", "nothing was written");
    }
}

api_test! {
    async fn the_first_save_creates_the_settings_normalized(app) {
        let problem = expect_problem(app.get("/practice", &app.admin_token).await, StatusCode::NOT_FOUND).await;
        assert_eq!(problem["code"], "not_found");

        let body = with(with(practice_body(), "address.state", json!("ma")), "address.zip", json!("01101-1234"));
        let created = app.put("/practice", &app.admin_token, &body, None).await;
        assert_eq!(created.headers()["etag"], "\"1\"");
        let created = expect_status(created, StatusCode::CREATED).await;
        assert_eq!(created["version"], 1);
        assert_eq!((&created["tax_id"], &created["phone"]), (&json!("123456789"), &json!("5552345678")));
        assert_eq!(created["clia_number"], json!(null));
        assert_eq!(created["address"], json!({"line1": "100 Sample Way", "line2": "Suite 5",
            "city": "Springfield", "state": "MA", "zip": "011011234"}));

        let read = expect_status(app.get("/practice", &app.admin_token).await, StatusCode::OK).await;
        assert_eq!(read, created);
    }
}

api_test! {
    async fn a_name_alone_is_enough_and_omitted_parts_are_cleared(app) {
        let with_clia = with(practice_body(), "clia_number", json!(" 05d0987654 "));
        let first = expect_status(app.put("/practice", &app.admin_token, &with_clia, None).await, StatusCode::CREATED).await;
        assert_eq!(first["clia_number"], "05D0987654");
        let bare = json!({"name": "Solo Sample Practice", "npi": " "});
        let saved = expect_status(app.put("/practice", &app.admin_token, &bare, Some(1)).await, StatusCode::OK).await;
        assert_eq!(saved["name"], "Solo Sample Practice");
        for field in ["tax_id", "npi", "address", "phone", "clia_number"] {
            assert_eq!(saved[field], json!(null), "{field} is cleared: {saved}");
        }
    }
}

api_test! {
    async fn later_saves_need_the_current_version(app) {
        let token = &app.admin_token;
        expect_status(app.put("/practice", token, &practice_body(), None).await, StatusCode::CREATED).await;

        let again = expect_problem(app.put("/practice", token, &practice_body(), None).await, StatusCode::PRECONDITION_REQUIRED).await;
        assert_eq!(again["code"], "version_required");

        let renamed = with(practice_body(), "name", json!("Renamed Sample Clinic"));
        let saved = app.put("/practice", token, &renamed, Some(1)).await;
        assert_eq!(saved.headers()["etag"], "\"2\"");
        let saved = expect_status(saved, StatusCode::OK).await;
        assert_eq!((&saved["version"], &saved["name"]), (&json!(2), &json!("Renamed Sample Clinic")));

        let by_body = with(with(practice_body(), "name", json!("Third Sample Clinic")), "version", json!(2));
        let saved = expect_status(app.put("/practice", token, &by_body, None).await, StatusCode::OK).await;
        assert_eq!(saved["version"], 3);

        let lost = with(practice_body(), "name", json!("Lost Update Clinic"));
        for (body, if_match) in [(lost.clone(), Some(2)), (with(lost.clone(), "version", json!(1)), None)] {
            let problem = expect_problem(app.put("/practice", token, &body, if_match).await, StatusCode::PRECONDITION_FAILED).await;
            assert_eq!(problem["code"], "stale_version");
        }
        let bad = with(practice_body(), "phone", json!("12"));
        expect_problem(app.put("/practice", token, &bad, Some(3)).await, StatusCode::UNPROCESSABLE_ENTITY).await;

        let now = expect_status(app.get("/practice", token).await, StatusCode::OK).await;
        assert_eq!((&now["version"], &now["name"]), (&json!(3), &json!("Third Sample Clinic")));
        assert_eq!(now["phone"], "5552345678");
    }
}

api_test! {
    async fn saving_with_a_version_before_the_first_save_is_412(app) {
        let problem = expect_problem(app.put("/practice", &app.admin_token, &practice_body(), Some(1)).await, StatusCode::PRECONDITION_FAILED).await;
        assert_eq!(problem["code"], "stale_version");
        expect_problem(app.get("/practice", &app.admin_token).await, StatusCode::NOT_FOUND).await;
    }
}

api_test! {
    async fn concurrent_first_saves_create_once_and_the_rest_need_a_version(app) {
        let bodies: Vec<_> = (0..6).map(|i| with(practice_body(), "name", json!(format!("Sample Clinic {i}")))).collect();
        let saves = bodies.iter().map(|body| app.put("/practice", &app.admin_token, body, None));
        let mut statuses: Vec<StatusCode> = futures_util::future::join_all(saves).await.iter().map(|r| r.status()).collect();
        statuses.sort();
        let mut expected = vec![StatusCode::PRECONDITION_REQUIRED; 5];
        expected.insert(0, StatusCode::CREATED);
        assert_eq!(statuses, expected);
        let now = expect_status(app.get("/practice", &app.admin_token).await, StatusCode::OK).await;
        assert_eq!(now["version"], 1);
    }
}

api_test! {
    async fn every_role_reads_the_settings_but_only_an_admin_saves_them(app) {
        expect_status(app.put("/practice", &app.admin_token, &practice_body(), None).await, StatusCode::CREATED).await;
        for role in ["front_desk", "biller", "lab_tech"] {
            let token = app.token_for(role).await;
            let read = expect_status(app.get("/practice", &token).await, StatusCode::OK).await;
            assert_eq!(read["name"], "Sample Family Medicine");
            let renamed = with(practice_body(), "name", json!("Taken Over"));
            let problem = expect_problem(app.put("/practice", &token, &renamed, Some(1)).await, StatusCode::FORBIDDEN).await;
            assert_eq!(problem["code"], "forbidden");
        }
        let now = expect_status(app.get("/practice", &app.admin_token).await, StatusCode::OK).await;
        assert_eq!((&now["version"], &now["name"]), (&json!(1), &json!("Sample Family Medicine")));
    }
}
