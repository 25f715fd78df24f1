//! What the claims tests share: a practice that can bill, ready encounters, building claims, and moving
//! claims along as the batch and acknowledgement work will (through the library, on the test database).

use backoffice::audit::AuditActor;
use backoffice::claims::{self, Status};
use backoffice::db::ids::ClaimId;
use backoffice::db::write_transaction;
use backoffice::error::AppError;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::coding_support::open;
use crate::fixtures::{practice_body, with};
use crate::helpers::{TestApp, expect_status};

pub const CLIA: &str = "05D0987654";

/// Saves the practice settings (EIN, address, CLIA) claims bill under.
pub async fn billing_practice(app: &TestApp) {
    let body = with(practice_body(), "clia_number", json!(CLIA));
    expect_status(
        app.put("/practice", &app.admin_token, &body, None).await,
        StatusCode::CREATED,
    )
    .await;
}

async fn move_encounter(app: &TestApp, id: &str, status: &str) {
    let path = format!("/encounters/{id}/status");
    let body = json!({"status": status});
    expect_status(
        app.post(&path, &app.admin_token, &body).await,
        StatusCode::OK,
    )
    .await;
}

/// Opens `body` and moves it to ready (code sets must be imported); returns the encounter.
pub async fn ready_encounter(app: &TestApp, body: &Value) -> Value {
    let encounter = open(app, body).await;
    let id = encounter["id"].as_str().unwrap().to_owned();
    move_encounter(app, &id, "coded").await;
    move_encounter(app, &id, "ready").await;
    encounter
}

pub async fn build(app: &TestApp, encounter: &Value) -> reqwest::Response {
    let body = json!({"encounter_id": encounter["id"]});
    app.post("/claims", &app.admin_token, &body).await
}

/// Builds a claim from the encounter as the administrator; returns it.
pub async fn built(app: &TestApp, encounter: &Value) -> Value {
    expect_status(build(app, encounter).await, StatusCode::CREATED).await
}

pub fn claim_id(claim: &Value) -> ClaimId {
    ClaimId::parse(claim["id"].as_str().unwrap()).unwrap()
}

pub async fn encounter_status(app: &TestApp, encounter: &Value) -> String {
    let path = format!("/encounters/{}", encounter["id"].as_str().unwrap());
    let read = expect_status(app.get(&path, &app.admin_token).await, StatusCode::OK).await;
    read["status"].as_str().unwrap().to_owned()
}

/// Batches the claim and moves it through `then`, as the batch and acknowledgement work will.
pub fn move_as_service(app: &TestApp, claim: &ClaimId, then: &[Status]) {
    let actor = AuditActor::system("tests");
    let mut conn = app.db();
    write_transaction(&mut conn, |conn| -> Result<(), AppError> {
        let taken =
            claims::mark_batched(conn, &actor, std::slice::from_ref(claim), Some("batch 1"))?;
        assert_eq!(taken.len(), 1, "the claim was ready");
        for to in then {
            claims::transition(conn, &actor, claim, *to, None)?;
        }
        Ok(())
    })
    .expect("service moves");
}

/// The claims' ids and claim numbers, as listed.
pub async fn listed(app: &TestApp, query: &str) -> Vec<Value> {
    let page = expect_status(
        app.get(&format!("/claims{query}"), &app.admin_token).await,
        StatusCode::OK,
    )
    .await;
    page["items"].as_array().unwrap().clone()
}
