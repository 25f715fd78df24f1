//! Shared steps for the specimen tests: an invented patient and provider, orders, actions, scans.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::fixtures::{create_id, patient_body, provider_body};
use crate::helpers::{TestApp, expect_status};

/// A patient and an ordering provider, created by the administrator; returns their ids.
pub async fn patient_and_provider(app: &TestApp) -> (String, String) {
    let patient = create_id(app, "/patients", &patient_body("Specimenson", "Tess")).await;
    let known = app.get("/providers?npi=1234567893", &app.admin_token).await;
    let known = expect_status(known, StatusCode::OK).await;
    let provider = match known["items"][0]["id"].as_str() {
        Some(id) => id.to_owned(),
        None => create_id(app, "/providers", &provider_body("1234567893")).await,
    };
    (patient, provider)
}

/// An order for a basic panel (SST, two tests) and a blood count (lavender EDTA).
pub fn order_body(patient: &str, provider: &str) -> Value {
    json!({"patient_id": patient, "provider_id": provider, "priority": "stat",
           "clinical_note": "fasting since midnight",
           "tests": [
               {"code": "80048", "container_type": "SST", "min_volume_ul": 1000},
               {"code": "85025", "container_type": "LAV_EDTA", "min_volume_ul": 500},
               {"code": "84443", "container_type": "SST", "min_volume_ul": 500}]})
}

/// An order with one test in `container`; returns the order.
pub async fn single_order(app: &TestApp, patient: &str, provider: &str, container: &str) -> Value {
    let body = json!({"patient_id": patient, "provider_id": provider,
                      "tests": [{"code": "80053", "container_type": container, "min_volume_ul": 1000}]});
    expect_status(
        app.post("/lab-orders", &app.admin_token, &body).await,
        StatusCode::CREATED,
    )
    .await
}

/// A specimen of a fresh single-test order (SST), collected with `volume_ul`; returns the specimen.
pub async fn collected_specimen(app: &TestApp, volume_ul: i64) -> Value {
    let (patient, provider) = patient_and_provider(app).await;
    let order = single_order(app, &patient, &provider, "SST").await;
    let id = order["specimens"][0]["id"].as_str().unwrap().to_owned();
    act(
        app,
        &id,
        json!({"action": "collect", "volume_ul": volume_ul}),
        StatusCode::OK,
    )
    .await["specimen"]
        .clone()
}

/// POSTs an action as the administrator and expects `status`; returns the body.
pub async fn act(app: &TestApp, specimen: &str, body: Value, status: StatusCode) -> Value {
    let path = format!("/specimens/{specimen}/actions");
    expect_status(app.post(&path, &app.admin_token, &body).await, status).await
}

/// A station doing `action`; returns its id.
pub async fn station(app: &TestApp, name: &str, action: &str) -> String {
    let body = json!({"name": name, "location": format!("{name} bench"), "action": action});
    create_id(app, "/stations", &body).await
}

/// `POST /scans` as `token`.
pub async fn scan(app: &TestApp, token: &str, scanned: &str, station: &str) -> reqwest::Response {
    app.post(
        "/scans",
        token,
        &json!({"scanned": scanned, "station_id": station}),
    )
    .await
}

/// The specimen's timeline.
pub async fn events(app: &TestApp, specimen: &str) -> Vec<Value> {
    let path = format!("/specimens/{specimen}/events");
    let events = expect_status(app.get(&path, &app.admin_token).await, StatusCode::OK).await;
    events.as_array().unwrap().clone()
}

/// The kinds of the timeline's events, in order.
pub async fn event_kinds(app: &TestApp, specimen: &str) -> Vec<String> {
    events(app, specimen)
        .await
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect()
}

pub async fn specimen(app: &TestApp, id: &str) -> Value {
    expect_status(
        app.get(&format!("/specimens/{id}"), &app.admin_token).await,
        StatusCode::OK,
    )
    .await
}
