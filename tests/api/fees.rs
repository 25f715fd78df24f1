//! Fee schedules over HTTP: one default and one per payer, dated prices, price changes and overlaps.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::api_test;
use crate::coding_support::*;
use crate::fixtures::{create_id, expect_each_refused, payer_body, with};
use crate::helpers::{expect_problem, expect_status};

fn price(code: &str, price: &str, from: &str) -> Value {
    json!({"code": code, "price": price, "effective_from": from})
}

api_test! {
    async fn there_is_one_default_schedule_and_at_most_one_per_payer(app) {
        let payer = create_id(&app, "/payers", &payer_body("Example Health Plan", "EXH01")).await;
        let default = create_id(&app, "/fee-schedules", &json!({"name": "Standard"})).await;
        let problem = expect_problem(app.post("/fee-schedules", &app.admin_token, &json!({"name": "Another"})).await, StatusCode::CONFLICT).await;
        assert_eq!(problem["code"], "schedule_exists");
        let plan = json!({"name": "Example plan", "payer_id": payer});
        let payer_schedule = create_id(&app, "/fee-schedules", &plan).await;
        expect_problem(app.post("/fee-schedules", &app.admin_token, &plan).await, StatusCode::CONFLICT).await;
        let unknown = json!({"name": "Ghost plan", "payer_id": uuid::Uuid::now_v7().to_string()});
        expect_each_refused(&app, Method::POST, "/fee-schedules", &[(unknown, "payer_id"), (json!({"name": ""}), "name")]).await;

        let list = expect_status(app.get("/fee-schedules", &app.admin_token).await, StatusCode::OK).await;
        let ids: Vec<&str> = list["items"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
        assert_eq!(ids, [default.as_str(), payer_schedule.as_str()], "the default first");

        let path = format!("/fee-schedules/{payer_schedule}");
        let renamed = expect_status(app.put(&path, &app.admin_token, &with(plan.clone(), "name", json!("Renamed plan")), Some(1)).await, StatusCode::OK).await;
        assert_eq!((renamed["name"].as_str(), renamed["version"].as_i64()), (Some("Renamed plan"), Some(2)));
        expect_problem(app.put(&path, &app.admin_token, &plan, Some(1)).await, StatusCode::PRECONDITION_FAILED).await;
        // Turning the payer's schedule into a second default is the same conflict.
        let problem = expect_problem(app.put(&path, &app.admin_token, &json!({"name": "x"}), Some(2)).await, StatusCode::CONFLICT).await;
        assert_eq!(problem["code"], "schedule_exists");
    }
}

api_test! {
    async fn a_later_price_ends_the_open_ended_one_and_lines_take_the_price_of_their_date(app) {
        let d = desk(&app).await;
        let schedule = create_id(&app, "/fee-schedules", &json!({"name": "Standard"})).await;
        let prices = format!("/fee-schedules/{schedule}/prices");
        let first = expect_status(app.post(&prices, &app.admin_token, &price("80053", "42", "2026-01-01")).await, StatusCode::CREATED).await;
        assert_eq!((first["price"].as_str(), &first["effective_to"]), (Some("42.00"), &Value::Null));
        expect_status(app.post(&prices, &app.admin_token, &price("80053", "45.50", "2026-07-01")).await, StatusCode::CREATED).await;
        let mut modifier = price("80053", "20.00", "2026-01-01");
        modifier["modifier"] = json!("26");
        expect_status(app.post(&prices, &app.admin_token, &modifier).await, StatusCode::CREATED).await;

        let june = expect_status(app.get(&format!("{prices}?code=80053&date=2026-06-30"), &app.admin_token).await, StatusCode::OK).await;
        let items = june["items"].as_array().unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!((items[0]["price"].as_str(), items[0]["effective_to"].as_str()), (Some("42.00"), Some("2026-06-30")));
        assert_eq!(items[1]["modifier"], "26");

        let mut overlapping = price("80053", "50.00", "2026-03-01");
        overlapping["effective_to"] = json!("2026-04-30");
        let problem = expect_problem(app.post(&prices, &app.admin_token, &overlapping).await, StatusCode::CONFLICT).await;
        assert_eq!(problem["code"], "price_overlaps");

        let priced = |date: &str, modifiers: Value| {
            let line = json!({"code": "80053", "modifiers": modifiers, "diagnosis_pointers": [1]});
            with(with(with_lines(&encounter_body(&d), vec![line]), "date_of_service", json!(date)), "policy_id", Value::Null)
        };
        assert_eq!(open(&app, &priced("2026-06-01", json!([]))).await["lines"][0]["charge"], "42.00");
        assert_eq!(open(&app, &priced("2026-08-01", json!([]))).await["lines"][0]["charge"], "45.50");
        assert_eq!(open(&app, &priced("2026-06-01", json!(["26"]))).await["lines"][0]["charge"], "20.00");
        assert_eq!(open(&app, &priced("2026-08-01", json!(["91"]))).await["lines"][0]["charge"], "45.50");
    }
}

api_test! {
    async fn invalid_prices_are_refused_naming_the_field(app) {
        let schedule = create_id(&app, "/fee-schedules", &json!({"name": "Standard"})).await;
        let prices = format!("/fee-schedules/{schedule}/prices");
        let good = price("80053", "42.00", "2026-01-01");
        expect_each_refused(&app, Method::POST, &prices, &[
            (with(good.clone(), "code", json!("8005")), "code"),
            (with(good.clone(), "price", json!("-1")), "price"),
            (with(good.clone(), "price", json!("1.999")), "price"),
            (with(good.clone(), "modifier", json!("ABC")), "modifier"),
            (with(good.clone(), "effective_from", json!("soon")), "effective_from"),
            (with(good.clone(), "effective_to", json!("2025-12-31")), "effective_to"),
        ]).await;
        let missing = format!("/fee-schedules/{}/prices", uuid::Uuid::now_v7());
        expect_problem(app.post(&missing, &app.admin_token, &good).await, StatusCode::NOT_FOUND).await;
        let bad_query = app.get(&format!("{prices}?date=tomorrow"), &app.admin_token).await;
        expect_problem(bad_query, StatusCode::UNPROCESSABLE_ENTITY).await;
        let coder = app.token_for("coder").await;
        expect_problem(app.post(&prices, &coder, &good).await, StatusCode::FORBIDDEN).await;
        expect_status(app.get(&prices, &coder).await, StatusCode::OK).await;
    }
}
