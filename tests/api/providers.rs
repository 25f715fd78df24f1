use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::api_test;
use crate::fixtures::{provider_body, with};
use crate::helpers::{expect_problem, expect_status, invalid_fields};

api_test! {
    async fn invalid_providers_are_refused_naming_the_field(app) {
        let good = provider_body("1234567893");
        let cases = [
            (with(good.clone(), "npi", json!("1234567890")), "npi"),
            (with(good.clone(), "npi", json!("12345")), "npi"),
            (with(good.clone(), "npi", json!(1234567893)), "npi"),
            (with(good.clone(), "entity_type", json!("robot")), "entity_type"),
            (with(good.clone(), "last_name", json!("")), "last_name"),
            (with(good.clone(), "last_name", json!("Smith*Jones")), "last_name"),
            (with(good.clone(), "first_name", Value::Null), "first_name"),
            (with(good.clone(), "taxonomy_code", json!("207Q0000")), "taxonomy_code"),
            (with(with(good.clone(), "is_billing", json!(false)), "is_rendering", json!(false)), "is_billing"),
            (with(with(good.clone(), "entity_type", json!("organization")), "first_name", json!("Ada")), "first_name"),
            (with(good.clone(), "nickname", json!("x")), "nickname"),
        ];
        for (body, field) in cases {
            let problem = expect_problem(app.post("/providers", &app.admin_token, &body).await, StatusCode::UNPROCESSABLE_ENTITY).await;
            assert_eq!(problem["code"], "validation_failed");
            assert!(invalid_fields(&problem).contains(&field.to_owned()), "{body} should name {field}: {problem}");
        }
        let page = expect_status(app.get("/providers", &app.admin_token).await, StatusCode::OK).await;
        assert_eq!(page["total"], 0, "nothing was written");
    }
}

api_test! {
    async fn a_stale_update_is_412_and_changes_nothing(app) {
        let created = expect_status(app.post("/providers", &app.admin_token, &provider_body("1234567893")).await, StatusCode::CREATED).await;
        let path = format!("/providers/{}", created["id"].as_str().unwrap());
        let first = with(provider_body("1234567893"), "last_name", json!("Renamed"));
        let updated = expect_status(app.put(&path, &app.admin_token, &first, Some(1)).await, StatusCode::OK).await;
        assert_eq!((updated["version"].clone(), updated["last_name"].clone()), (json!(2), json!("Renamed")));

        let stale = with(provider_body("1234567893"), "last_name", json!("Lost"));
        let problem = expect_problem(app.put(&path, &app.admin_token, &stale, Some(1)).await, StatusCode::PRECONDITION_FAILED).await;
        assert_eq!(problem["code"], "stale_version");
        let stale_in_body = with(stale.clone(), "version", json!(1));
        expect_problem(app.put(&path, &app.admin_token, &stale_in_body, None).await, StatusCode::PRECONDITION_FAILED).await;
        expect_problem(app.put(&path, &app.admin_token, &stale, None).await, StatusCode::PRECONDITION_REQUIRED).await;

        let now = app.get(&path, &app.admin_token).await;
        assert_eq!(now.headers()["etag"], "\"2\"");
        let now = expect_status(now, StatusCode::OK).await;
        assert_eq!(now["last_name"], "Renamed");
    }
}

api_test! {
    async fn providers_are_listed_filtered_and_deactivated_not_deleted(app) {
        for (npi, name, billing) in [("1234567893", "Okafor", true), ("1245319599", "okonkwo", false), ("1003000126", "Baptiste", true)] {
            let body = with(with(provider_body(npi), "last_name", json!(name)), "is_billing", json!(billing));
            expect_status(app.post("/providers", &app.admin_token, &body).await, StatusCode::CREATED).await;
        }
        let page = expect_status(app.get("/providers?name=OK&per_page=1", &app.admin_token).await, StatusCode::OK).await;
        assert_eq!((page["total"].clone(), page["items"].as_array().unwrap().len()), (json!(2), 1));
        let billing = expect_status(app.get("/providers?is_billing=true", &app.admin_token).await, StatusCode::OK).await;
        assert_eq!(billing["total"], 2);

        let id = billing["items"][0]["id"].as_str().unwrap().to_owned();
        let gone = expect_status(app.post(&format!("/providers/{id}/deactivate"), &app.admin_token, &json!({})).await, StatusCode::OK).await;
        assert_eq!(gone["active"], false);
        let active = expect_status(app.get("/providers?active=true", &app.admin_token).await, StatusCode::OK).await;
        assert_eq!(active["total"], 2);
        expect_status(app.get(&format!("/providers/{id}"), &app.admin_token).await, StatusCode::OK).await;
    }
}

api_test! {
    async fn a_duplicate_npi_is_a_conflict(app) {
        expect_status(app.post("/providers", &app.admin_token, &provider_body("1234567893")).await, StatusCode::CREATED).await;
        let problem = expect_problem(app.post("/providers", &app.admin_token, &provider_body("1234567893")).await, StatusCode::CONFLICT).await;
        assert_eq!(problem["code"], "npi_taken");
    }
}
