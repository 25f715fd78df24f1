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

/// An invented clearinghouse routing `payers`.
pub fn partner_body(payers: &[&str]) -> Value {
    json!({"name": "Example Clearinghouse", "sender_qualifier": "ZZ", "sender_id": "SAMPLEPRACTICE",
           "receiver_qualifier": "ZZ", "receiver_id": "EXAMPLECH", "acknowledgement_requested": true,
           "usage_indicator": "T", "gs02_sender_code": "SAMPLEPRACTICE", "gs03_receiver_code": "EXAMPLECH",
           "submitter_name": "Sample Family Medicine", "submitter_id": "SUB0001",
           "submitter_contact_name": "Billing Office", "submitter_contact_phone": "(555) 234-5678",
           "receiver_name": "Example Clearinghouse", "receiver_id_1000b": "EXAMPLECH", "payer_ids": payers})
}

/// Creates the partner as the administrator; returns its id.
pub async fn partner(app: &TestApp, body: &Value) -> String {
    let created = expect_status(
        app.post("/trading-partners", &app.admin_token, body).await,
        StatusCode::CREATED,
    )
    .await;
    created["id"].as_str().unwrap().to_owned()
}

/// `POST /claim-batches` for the partner, of the named claims or (None) all ready ones.
pub async fn request_batch(
    app: &TestApp,
    partner: &str,
    claims: Option<&[&Value]>,
) -> reqwest::Response {
    let mut body = json!({"partner_id": partner});
    if let Some(claims) = claims {
        body["claim_ids"] = claims.iter().map(|c| c["id"].clone()).collect();
    }
    app.post("/claim-batches", &app.admin_token, &body).await
}

/// Builds a batch as the administrator; returns it.
pub async fn batched(app: &TestApp, partner: &str, claims: Option<&[&Value]>) -> Value {
    expect_status(request_batch(app, partner, claims).await, StatusCode::CREATED).await
}

/// The batch's file, as downloaded.
pub async fn batch_file(app: &TestApp, batch: &Value) -> Vec<u8> {
    let path = format!("/claim-batches/{}/file", batch["id"].as_str().unwrap());
    let response = app.get(&path, &app.admin_token).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.bytes().await.unwrap().to_vec()
}
