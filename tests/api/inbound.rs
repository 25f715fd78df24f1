//! Acknowledgements in over HTTP: claims built from ready encounters and batched, then 999 and 277CA
//! files written by the test generator with the batch's own control numbers (GS06, ST02, CLM01) and
//! posted to `/x12/inbound`. The right claims change, once: the same file again, or an equivalent one
//! with another ISA13, changes nothing. All patients, claims and numbers are invented.

use backoffice::claims::acks::generate::{
    AckHeader, ClaimVerdict, ElementFault, SegmentFault, Submission, TransactionVerdict, Verdict,
    generate_277ca, generate_999,
};
use backoffice::x12::{GroupControlNumber, TransactionControlNumber};
use chrono::NaiveDate;
use reqwest::{Method, Response, StatusCode};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::api_test;
use crate::claims_support::*;
use crate::coding_support::*;
use crate::fixtures::{create_id, patient_body, payer_body, policy_body, with};
use crate::helpers::{TestApp, expect_problem, expect_status, invalid_fields};
use crate::oracles::{Oracles, Scratch};

/// The clearinghouse's interchange id, and ours.
const CLEARINGHOUSE: &str = "EXAMPLECH";
const PRACTICE: &str = "SAMPLEPRACTICE";

/// A practice billing two payers through one clearinghouse: claims for the second payer go in a
/// transaction set of their own.
struct Office {
    first: Desk,
    second: Desk,
    partner: String,
}

async fn office(app: &TestApp) -> Office {
    import_code_sets(app);
    billing_practice(app).await;
    let first = desk(app).await;
    let other_payer = create_id(app, "/payers", &payer_body("Sample Mutual", "SMU01")).await;
    let patient = create_id(app, "/patients", &patient_body("Exampleton", "Quinn")).await;
    let policy = create_id(
        app,
        &format!("/patients/{patient}/policies"),
        &policy_body(&other_payer, "primary"),
    )
    .await;
    let second = Desk {
        patient,
        policy,
        payer: other_payer.clone(),
        ..first.clone()
    };
    let body = partner_body(&[&first.payer, &other_payer]);
    let partner = partner(app, &body).await;
    Office {
        first,
        second,
        partner,
    }
}

/// A claim built from a fresh ready encounter of `d`.
async fn claim_for(app: &TestApp, d: &Desk) -> Value {
    built(app, &ready_encounter(app, &encounter_body(d)).await).await
}

fn id_of(claim: &Value) -> String {
    claim["id"].as_str().unwrap().to_owned()
}

/// One claim as its batch placed it.
#[derive(Debug, Clone)]
struct Placed {
    claim_id: String,
    clm01: String,
    st02: i64,
    first_segment: i32,
    last_segment: i32,
}

/// A batch as the acknowledgements need it: its GS06 and where each claim went.
#[derive(Debug, Clone)]
struct Sent {
    id: String,
    gs06: u32,
    claims: Vec<Placed>,
}

impl Sent {
    /// ST02 of each transaction set, in order.
    fn transaction_sets(&self) -> Vec<i64> {
        let mut sets: Vec<i64> = self.claims.iter().map(|c| c.st02).collect();
        sets.sort();
        sets.dedup();
        sets
    }

    fn placed(&self, claim: &Value) -> &Placed {
        let id = id_of(claim);
        self.claims.iter().find(|c| c.claim_id == id).unwrap()
    }

    fn group(&self) -> GroupControlNumber {
        GroupControlNumber::new(self.gs06).unwrap()
    }
}

fn st02(number: i64) -> TransactionControlNumber {
    TransactionControlNumber::from_number(u32::try_from(number).unwrap()).unwrap()
}

/// Batches the claims for the partner through `POST /claim-batches` (the batch stays open: not marked
/// sent) and reads where each claim went from the answer.
async fn batch(app: &TestApp, partner: &str, claims: &[&Value]) -> Sent {
    let created = batched(app, partner, Some(claims)).await;
    let claims = created["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| Placed {
            claim_id: c["claim_id"].as_str().unwrap().to_owned(),
            clm01: c["clm01"].as_str().unwrap().to_owned(),
            st02: c["transaction_control_number"].as_i64().unwrap(),
            first_segment: c["first_segment"].as_i64().unwrap() as i32,
            last_segment: c["last_segment"].as_i64().unwrap() as i32,
        })
        .collect();
    assert_eq!(created["status"], "open");
    Sent {
        id: created["id"].as_str().unwrap().to_owned(),
        gs06: u32::try_from(created["group_control_number"].as_i64().unwrap()).unwrap(),
        claims,
    }
}

fn header(isa13: u32) -> AckHeader {
    AckHeader::new(CLEARINGHOUSE, PRACTICE, isa13).unwrap()
}

fn ack_999(isa13: u32, batch: &Sent, verdicts: &[TransactionVerdict]) -> String {
    generate_999(&header(isa13), batch.group(), verdicts).unwrap()
}

/// Every transaction set of the batch accepted.
fn all_accepted(isa13: u32, batch: &Sent) -> String {
    let verdicts: Vec<TransactionVerdict> = batch
        .transaction_sets()
        .into_iter()
        .map(|n| TransactionVerdict::accepted(st02(n)))
        .collect();
    ack_999(isa13, batch, &verdicts)
}

fn accepted(payer_claim_number: &str) -> Verdict {
    Verdict::Accepted {
        payer_claim_number: payer_claim_number.into(),
    }
}

/// A7:562:85: the billing provider's NPI is invalid.
fn bad_npi() -> Verdict {
    Verdict::Rejected {
        category: "A7".into(),
        status: "562".into(),
        entity: Some("85".into()),
    }
}

fn ack_277(isa13: u32, claims: Vec<(&str, Verdict)>) -> String {
    let submission = Submission {
        source_name: "Example Clearinghouse".into(),
        submitter_name: "Sample Family Medicine".into(),
        batch_reference: "B1".into(),
        billing_provider_name: "Testwell".into(),
        billing_provider_npi: "1234567893".into(),
        billing_provider_tax_id: "123456789".into(),
    };
    let verdicts: Vec<ClaimVerdict> = claims
        .into_iter()
        .map(|(clm01, outcome)| ClaimVerdict {
            claim_number: clm01.into(),
            patient_last: "Samplewoman".into(),
            patient_first: "Testa".into(),
            member_id: "XYZ-123456789".into(),
            charge: Decimal::new(16200, 2),
            service_date: NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
            outcome,
        })
        .collect();
    generate_277ca(&header(isa13), &submission, &verdicts).unwrap()
}

async fn post_file(app: &TestApp, token: &str, file: &str, content_type: &str) -> Response {
    app.request(Method::POST, "/x12/inbound", Some(token))
        .header("content-type", content_type)
        .body(file.to_owned())
        .send()
        .await
        .unwrap()
}

/// Imports the file as the administrator; expects `status` and returns the outcome.
async fn import(app: &TestApp, file: &str, status: StatusCode) -> Value {
    expect_status(
        post_file(app, &app.admin_token, file, "application/edi-x12").await,
        status,
    )
    .await
}

async fn read_claim(app: &TestApp, claim: &Value) -> Value {
    let path = format!("/claims/{}", id_of(claim));
    expect_status(app.get(&path, &app.admin_token).await, StatusCode::OK).await
}

async fn status_of(app: &TestApp, claim: &Value) -> String {
    read_claim(app, claim).await["status"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The statuses the claim's events moved it to, in order.
async fn moves(app: &TestApp, claim: &Value) -> Vec<String> {
    let path = format!("/claims/{}/events", id_of(claim));
    let events = expect_status(app.get(&path, &app.admin_token).await, StatusCode::OK).await;
    events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["to_status"].as_str().unwrap_or("").to_owned())
        .collect()
}

/// `(clm01, from, to)` of each claim the outcome says changed.
fn changes(outcome: &Value) -> Vec<(String, String, String)> {
    outcome["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let text = |k: &str| c[k].as_str().unwrap().to_owned();
            (text("clm01"), text("from"), text("to"))
        })
        .collect()
}

fn change(placed: &Placed, from: &str, to: &str) -> (String, String, String) {
    (placed.clm01.clone(), from.into(), to.into())
}

/// `(clm01, reason)` of each claim left unchanged.
fn unchanged(outcome: &Value) -> Vec<(String, String)> {
    outcome["unchanged"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let text = |k: &str| c[k].as_str().unwrap().to_owned();
            (text("clm01"), text("reason"))
        })
        .collect()
}

/// Checks files with the X12 referee, when it is installed (required in CI).
fn referee(files: &[(&str, &str)]) {
    let scratch = Scratch::new("inbound");
    let mut paths = Vec::new();
    for (name, text) in files {
        let path = scratch.path(name);
        std::fs::write(&path, text).unwrap();
        paths.push(path);
    }
    if let Some(oracles) = Oracles::find()
        && let Err(report) = oracles.x12_check(&paths)
    {
        panic!("the X12 referee refused an acknowledgement the tests import:\n{report}");
    }
}

api_test! {
    async fn a_999_rejecting_one_of_two_transaction_sets_rejects_only_its_claims_with_reasons(app) {
        let o = office(&app).await;
        let a = claim_for(&app, &o.first).await;
        let b = claim_for(&app, &o.first).await;
        let c = claim_for(&app, &o.second).await;
        let elsewhere = claim_for(&app, &o.first).await;
        let sent = batch(&app, &o.partner, &[&a, &b, &c]).await;
        let other_batch = batch(&app, &o.partner, &[&elsewhere]).await;
        let sets = sent.transaction_sets();
        assert_eq!(sets.len(), 2, "one transaction set per payer: {sent:?}");
        let (pa, pb, pc) = (sent.placed(&a), sent.placed(&b), sent.placed(&c));
        assert_eq!((pa.st02, pb.st02), (sets[0], sets[0]));
        assert_eq!(pc.st02, sets[1]);

        let sv1 = SegmentFault::new("SV1", ((pc.first_segment + pc.last_segment) / 2) as u32, "8")
            .in_loop("2400")
            .in_claim(&pc.clm01)
            .with_element(ElementFault::new(1, "7").reference("235").bad_value("ZZ"));
        let file = ack_999(901, &sent, &[
            TransactionVerdict::accepted(st02(sets[0])),
            TransactionVerdict::rejected(st02(sets[1]), vec![sv1]),
        ]);
        referee(&[("999_partial.x12", &file)]);
        let outcome = import(&app, &file, StatusCode::CREATED).await;
        assert_eq!((&outcome["kind"], &outcome["duplicate"], &outcome["interchange_control_number"]),
                   (&json!("999"), &json!(false), &json!("000000901")));
        assert_eq!(outcome["batches_marked_sent"], json!([{"batch_id": sent.id, "group_control_number": sent.gs06}]),
                   "the 999 proves the clearinghouse got the batch");
        assert_eq!(changes(&outcome), [change(pa, "batched", "accepted"), change(pb, "batched", "accepted"), change(pc, "batched", "rejected")]);
        assert_eq!((&outcome["unchanged"], &outcome["unmatched"]), (&json!([]), &json!([])));

        for accepted in [&a, &b] {
            let read = read_claim(&app, accepted).await;
            assert_eq!((&read["status"], &read["status_reasons"]), (&json!("accepted"), &json!([])));
            assert_eq!(moves(&app, accepted).await, ["ready", "batched", "sent", "accepted"]);
        }
        let rejected = read_claim(&app, &c).await;
        assert_eq!(rejected["status"], "rejected");
        let reasons = rejected["status_reasons"].as_array().unwrap();
        assert_eq!(reasons.len(), 2, "{reasons:#?}");
        assert_eq!((&reasons[0]["source"], &reasons[0]["code"], &reasons[0]["description"]),
                   (&json!("999"), &json!("7"), &json!("Invalid Code Value")));
        assert_eq!((&reasons[0]["segment"], &reasons[0]["element"], &reasons[0]["bad_value"]),
                   (&json!("SV1"), &json!("SV101"), &json!("ZZ")));
        assert_eq!((&reasons[0]["file_id"], &reasons[1]["level"]), (&outcome["id"], &json!("transaction_set")));
        assert_eq!(outcome["changed"][2]["reasons"], rejected["status_reasons"]);

        let queue = listed(&app, "?status=rejected").await;
        assert_eq!(queue.len(), 1);
        assert_eq!((&queue[0]["id"], &queue[0]["status_reasons"]), (&c["id"], &rejected["status_reasons"]));
        assert_eq!(status_of(&app, &elsewhere).await, "batched", "another batch is not acknowledged");
        assert_eq!(other_batch.claims.len(), 1);
    }
}

api_test! {
    async fn a_277ca_accepts_one_claim_and_rejects_another_with_the_stc_reason(app) {
        let o = office(&app).await;
        let a = claim_for(&app, &o.first).await;
        let b = claim_for(&app, &o.first).await;
        let c = claim_for(&app, &o.second).await;
        let sent = batch(&app, &o.partner, &[&a, &b, &c]).await;
        let functional = all_accepted(902, &sent);
        import(&app, &functional, StatusCode::CREATED).await;
        let (pa, pb, pc) = (sent.placed(&a), sent.placed(&b), sent.placed(&c));
        // A claim never acknowledged by a 999 (still batched) goes on from a 277CA too.
        let d = claim_for(&app, &o.first).await;
        let e = claim_for(&app, &o.first).await;
        let later = batch(&app, &o.partner, &[&d, &e]).await;
        let (pd, pe) = (later.placed(&d), later.placed(&e));

        let file = ack_277(903, vec![
            (pa.clm01.as_str(), accepted("PCN0001")),
            (pb.clm01.as_str(), bad_npi()),
            (pd.clm01.as_str(), accepted("PCN0002")),
            (pe.clm01.as_str(), bad_npi()),
            ("C999999999", accepted("PCN0003")),
        ]);
        referee(&[("999_accepted.x12", &functional), ("277ca_mixed.x12", &file)]);
        let outcome = import(&app, &file, StatusCode::CREATED).await;
        assert_eq!(outcome["kind"], "277CA");
        assert_eq!(changes(&outcome), [change(pb, "accepted", "rejected"), change(pd, "batched", "accepted"), change(pe, "batched", "rejected")]);
        assert_eq!(outcome["changed"][1]["payer_claim_number"], "PCN0002");
        assert_eq!(unchanged(&outcome), [(pa.clm01.clone(), "already accepted".to_owned())]);
        assert_eq!(outcome["unchanged"][0]["payer_claim_number"], "PCN0001");
        assert_eq!(outcome["unmatched"], json!([{"reference": "CLM01 C999999999", "reason": "no claim of ours was sent with this claim number"}]));
        assert_eq!(outcome["batches_marked_sent"][0]["batch_id"], json!(later.id));

        assert_eq!(status_of(&app, &a).await, "accepted");
        assert_eq!(status_of(&app, &c).await, "accepted", "not in the 277CA: unchanged");
        assert_eq!(pc.st02, sent.transaction_sets()[1]);
        assert_eq!(moves(&app, &d).await, ["ready", "batched", "sent", "accepted"]);
        let queue = listed(&app, "?status=rejected").await;
        let ids: Vec<&Value> = queue.iter().map(|c| &c["id"]).collect();
        assert_eq!(ids, [&b["id"], &e["id"]]);
        for rejected in &queue {
            let reason = &rejected["status_reasons"][0];
            assert_eq!((&reason["source"], &reason["code"]), (&json!("277CA"), &json!("A7:562:85")));
            assert_eq!((&reason["category"]["code"], &reason["status"]["code"], &reason["entity"]["code"]),
                       (&json!("A7"), &json!("562"), &json!("85")));
            assert!(reason["status"]["description"].as_str().unwrap().contains("NPI"), "{reason}");
            assert!(reason["message"].as_str().unwrap().contains("Billing Provider"), "{reason}");
        }

        // The payer's claim number is kept, and a replacement names it in REF*F8 without being told.
        assert_eq!(read_claim(&app, &a).await["payer_claim_number"], "PCN0001", "kept even when the status did not move");
        assert_eq!(read_claim(&app, &c).await["payer_claim_number"], Value::Null);
        let path = format!("/claims/{}/corrections", id_of(&a));
        let replaced = expect_status(app.post(&path, &app.admin_token, &json!({"frequency": "replacement", "reason": "corrected units"})).await, StatusCode::CREATED).await;
        assert_eq!((&replaced["current_version"], &replaced["snapshot"]["claim"]["payer_claim_number"]), (&json!(2), &json!("PCN0001")));
        let path = format!("/claims/{}/corrections", id_of(&c));
        let problem = expect_problem(app.post(&path, &app.admin_token, &json!({"frequency": "void", "reason": "billed in error"})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(invalid_fields(&problem), ["payer_claim_number"]);
    }
}

api_test! {
    async fn the_same_file_twice_changes_nothing_the_second_time_nor_does_an_equivalent_one(app) {
        let o = office(&app).await;
        let a = claim_for(&app, &o.first).await;
        let b = claim_for(&app, &o.second).await;
        let sent = batch(&app, &o.partner, &[&a, &b]).await;
        let file = all_accepted(904, &sent);
        let first = import(&app, &file, StatusCode::CREATED).await;
        assert_eq!(first["changed"].as_array().unwrap().len(), 2);
        let before = (read_claim(&app, &a).await, moves(&app, &a).await, moves(&app, &b).await);

        let again = import(&app, &file, StatusCode::OK).await;
        assert_eq!(again["duplicate"], true);
        assert_eq!(with(again.clone(), "duplicate", json!(false)), first, "the first import's outcome");
        let regenerated = all_accepted(905, &sent);
        assert_ne!(regenerated, file);
        let equivalent = import(&app, &regenerated, StatusCode::CREATED).await;
        assert_eq!((&equivalent["duplicate"], &equivalent["changed"], &equivalent["batches_marked_sent"]),
                   (&json!(false), &json!([]), &json!([])));
        let pa = sent.placed(&a);
        assert_eq!(unchanged(&equivalent)[0], (pa.clm01.clone(), "already accepted".to_owned()));
        assert_eq!(unchanged(&equivalent).len(), 2);
        assert_eq!((read_claim(&app, &a).await, moves(&app, &a).await, moves(&app, &b).await), before,
                   "nothing changed: status, version, events");

        let page = expect_status(app.get("/x12/inbound", &app.admin_token).await, StatusCode::OK).await;
        assert_eq!(page["total"], 2, "the duplicate is not stored again");
        assert_eq!((&page["items"][0]["id"], &page["items"][1]["id"]), (&equivalent["id"], &first["id"]), "newest first");
        assert_eq!(page["items"][1]["counts"], json!({"changed": 2, "unchanged": 0, "unmatched": 0}));
        assert!(page["items"][0].get("content").is_none());
        let path = format!("/x12/inbound/{}", first["id"].as_str().unwrap());
        let stored = expect_status(app.get(&path, &app.admin_token).await, StatusCode::OK).await;
        assert_eq!((&stored["content"], &stored["outcome"], &stored["kind"]), (&json!(file), &first, &json!("999")));
        assert_eq!((&stored["sender_id"], &stored["sha256"]), (&json!(CLEARINGHOUSE), &first["sha256"]));

        // Two imports of one new file at once, on two instances: one applies it, the other is its duplicate.
        let rejecting = ack_277(906, vec![(pa.clm01.as_str(), bad_npi())]);
        let second = app.spawn_instance().await;
        let (one, two) = tokio::join!(
            post_file(&app, &app.admin_token, &rejecting, "text/plain"),
            post_file(&second, &app.admin_token, &rejecting, "application/octet-stream"),
        );
        let mut statuses = [one.status(), two.status()];
        statuses.sort();
        assert_eq!(statuses, [StatusCode::OK, StatusCode::CREATED]);
        let (one, two): (Value, Value) = (one.json().await.unwrap(), two.json().await.unwrap());
        assert_eq!(one["id"], two["id"]);
        assert_eq!(moves(&app, &a).await.last().unwrap(), "rejected");
        assert_eq!(moves(&app, &a).await.len(), before.1.len() + 1, "rejected once");
    }
}

api_test! {
    async fn superseded_and_settled_claims_are_left_as_they_are_with_the_reason(app) {
        let o = office(&app).await;
        let a = claim_for(&app, &o.first).await;
        let b = claim_for(&app, &o.first).await;
        let sent = batch(&app, &o.partner, &[&a, &b]).await;
        let (pa, pb) = (sent.placed(&a), sent.placed(&b));
        import(&app, &all_accepted(907, &sent), StatusCode::CREATED).await;
        import(&app, &ack_277(908, vec![(pa.clm01.as_str(), bad_npi())]), StatusCode::CREATED).await;
        let resubmit = json!({"frequency": "original", "reason": "billing NPI fixed"});
        let path = format!("/claims/{}/corrections", id_of(&a));
        expect_status(app.post(&path, &app.admin_token, &resubmit).await, StatusCode::CREATED).await;
        let close = json!({"status": "closed", "reason": "written off"});
        let path = format!("/claims/{}/status", id_of(&b));
        expect_status(app.post(&path, &app.admin_token, &close).await, StatusCode::OK).await;

        let late = ack_277(909, vec![(pa.clm01.as_str(), accepted("PCN0009")), (pb.clm01.as_str(), bad_npi())]);
        let outcome = import(&app, &late, StatusCode::CREATED).await;
        assert_eq!(outcome["changed"], json!([]));
        let left = unchanged(&outcome);
        assert_eq!(left[0].0, pa.clm01);
        assert!(left[0].1.starts_with("superseded: "), "{left:?}");
        assert!(left[0].1.contains("now at version 2"), "{left:?}");
        assert_eq!(left[1], (pb.clm01.clone(), "the claim is closed; a 277CA cannot move it to rejected".to_owned()));
        assert_eq!(status_of(&app, &a).await, "ready");
        assert_eq!(status_of(&app, &b).await, "closed");

        let unknown_group = generate_999(&header(910), GroupControlNumber::new(999_999).unwrap(), &[TransactionVerdict::accepted(st02(1))]).unwrap();
        let outcome = import(&app, &unknown_group, StatusCode::CREATED).await;
        assert_eq!(outcome["unmatched"], json!([{"reference": "GS06 999999", "reason": "no batch of ours was sent with this group control number"}]));
        let unknown_set = ack_999(911, &sent, &[TransactionVerdict::accepted(st02(9_999))]);
        let outcome = import(&app, &unknown_set, StatusCode::CREATED).await;
        assert_eq!(outcome["unmatched"][0]["reference"], format!("GS06 {} ST02 9999", sent.gs06));
        assert_eq!(outcome["changed"], json!([]));
    }
}

api_test! {
    async fn unreadable_files_are_refused_naming_file_and_only_billers_import(app) {
        let o = office(&app).await;
        let a = claim_for(&app, &o.first).await;
        let sent = batch(&app, &o.partner, &[&a]).await;
        let file = all_accepted(912, &sent);
        let cut = &file[..file.len() - 20];
        for (body, says) in [("hello", "ISA"), (cut, "segment"), ("", "empty"), ("  \n", "empty")] {
            let problem = expect_problem(post_file(&app, &app.admin_token, body, "application/edi-x12").await, StatusCode::UNPROCESSABLE_ENTITY).await;
            assert_eq!(invalid_fields(&problem), ["file"], "{problem}");
            assert!(problem["errors"][0]["message"].as_str().unwrap().contains(says), "{body:?}: {problem}");
        }
        let problem = expect_problem(post_file(&app, &app.admin_token, cut, "text/plain").await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(problem["errors"][0]["message"].as_str().unwrap().contains("(line 1, byte "), "the reader says where: {problem}");
        let huge = format!("{file}{}", " ".repeat(10 * 1024 * 1024));
        expect_problem(post_file(&app, &app.admin_token, &huge, "application/edi-x12").await, StatusCode::PAYLOAD_TOO_LARGE).await;
        let problem = expect_problem(post_file(&app, &app.admin_token, &file, "application/json").await, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
        assert!(problem["detail"].as_str().unwrap().contains("application/edi-x12"), "{problem}");
        let page = expect_status(app.get("/x12/inbound", &app.admin_token).await, StatusCode::OK).await;
        assert_eq!(page["total"], 0, "nothing recorded");
        assert_eq!(status_of(&app, &a).await, "batched");

        let coder = app.token_for("coder").await;
        expect_problem(post_file(&app, &coder, &file, "application/edi-x12").await, StatusCode::FORBIDDEN).await;
        let biller = app.token_for("biller").await;
        let outcome = expect_status(post_file(&app, &biller, &file, "application/edi-x12").await, StatusCode::CREATED).await;
        assert_eq!(changes(&outcome), [change(sent.placed(&a), "batched", "accepted")]);
        let path = format!("/x12/inbound/{}", outcome["id"].as_str().unwrap());
        for role in ["coder", "accountant", "biller"] {
            let token = app.token_for(role).await;
            expect_status(app.get("/x12/inbound", &token).await, StatusCode::OK).await;
            expect_status(app.get(&path, &token).await, StatusCode::OK).await;
        }
        let desk = app.token_for("front_desk").await;
        expect_problem(app.get(&path, &desk).await, StatusCode::FORBIDDEN).await;
        let missing = format!("/x12/inbound/{}", uuid::Uuid::now_v7());
        expect_problem(app.get(&missing, &app.admin_token).await, StatusCode::NOT_FOUND).await;
        let audit = expect_status(app.get(&format!("/audit?resource_type=x12_inbound_file&resource_id={}", outcome["id"].as_str().unwrap()), &app.admin_token).await, StatusCode::OK).await;
        let actions: Vec<&str> = audit["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert!(actions.contains(&"import") && actions.contains(&"read"), "{audit}");
    }
}

/// A 999 answering the whole group with AK9 alone (no AK2), as `AK9*{ak9}~`.
fn group_only_999(isa13: u32, batch: &Sent, ak9: &str) -> String {
    let file = generate_999(&header(isa13), batch.group(), &[]).unwrap();
    assert!(file.contains("AK9*A*0*0*0~"), "{file}");
    file.replace("AK9*A*0*0*0~", &format!("AK9*{ak9}~"))
}

api_test! {
    async fn a_group_answered_without_naming_its_transaction_sets_moves_every_claim_or_none(app) {
        let o = office(&app).await;
        let (a, b) = (claim_for(&app, &o.first).await, claim_for(&app, &o.second).await);
        let rejected = batch(&app, &o.partner, &[&a, &b]).await;
        let outcome = import(&app, &group_only_999(914, &rejected, "R*2*2*0*2"), StatusCode::CREATED).await;
        let (pa, pb) = (rejected.placed(&a), rejected.placed(&b));
        assert_eq!(changes(&outcome), [change(pa, "batched", "rejected"), change(pb, "batched", "rejected")]);
        let reasons = &read_claim(&app, &b).await["status_reasons"];
        assert_eq!((&reasons[0]["level"], &reasons[0]["code"]), (&json!("group"), &json!("2")));
        assert_eq!(reasons[0]["description"], "Functional Group Version Not Supported");

        let (c, d) = (claim_for(&app, &o.first).await, claim_for(&app, &o.second).await);
        let accepted = batch(&app, &o.partner, &[&c, &d]).await;
        let outcome = import(&app, &group_only_999(915, &accepted, "A*2*2*2"), StatusCode::CREATED).await;
        assert_eq!(outcome["changed"].as_array().unwrap().len(), 2);
        assert_eq!(status_of(&app, &d).await, "accepted");

        let e = claim_for(&app, &o.first).await;
        let unclear = batch(&app, &o.partner, &[&e]).await;
        let outcome = import(&app, &group_only_999(916, &unclear, "P*1*1*0"), StatusCode::CREATED).await;
        assert_eq!(outcome["changed"], json!([]));
        assert_eq!(outcome["unmatched"][0]["reason"], "the group is partially accepted but names no transaction set: nothing to apply");
        assert_eq!(status_of(&app, &e).await, "sent", "the batch arrived all the same");
    }
}
