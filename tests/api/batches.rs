//! Claim batches over HTTP: one checked 837P file per request with control numbers from the database,
//! stored and downloaded byte for byte, refusals that record nothing and use no control number, unique
//! control numbers under parallel requests on two instances, separators in names, and roles.

use std::collections::HashSet;

use backoffice::x12::Reader;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::api_test;
use crate::claims_support::*;
use crate::coding_support::*;
use crate::fixtures::{create_id, patient_body, payer_body, policy_body, with};
use crate::helpers::{TestApp, expect_problem, expect_status, invalid_fields};
use crate::oracles::{Oracles, Scratch};

/// The file passes the X12 referee (skips without one unless referees are required).
fn referee_accepts(name: &str, file: &[u8]) {
    let Some(oracles) = Oracles::find() else {
        return;
    };
    let scratch = Scratch::new("batches");
    let path = scratch.path(&format!("{name}.x12"));
    std::fs::write(&path, file).unwrap();
    if let Err(report) = oracles.x12_check(&[path]) {
        panic!("x12_check.py refused {name}: {report}");
    }
}

/// Segment ids and their elements, in file order.
fn segments(file: &[u8]) -> Vec<(String, Vec<String>)> {
    let reader = Reader::new(file).unwrap();
    reader
        .map(|segment| {
            let segment = segment.unwrap();
            let elements = (1..=segment.element_count())
                .map(|i| segment.get(i).to_owned())
                .collect();
            (segment.id().to_owned(), elements)
        })
        .collect()
}

fn element(file: &[u8], id: &str, index: usize) -> Vec<String> {
    segments(file)
        .into_iter()
        .filter(|(sid, _)| sid == id)
        .map(|(_, elements)| elements[index - 1].clone())
        .collect()
}

async fn claim(app: &TestApp, claim: &Value) -> Value {
    let path = format!("/claims/{}", claim["id"].as_str().unwrap());
    expect_status(app.get(&path, &app.admin_token).await, StatusCode::OK).await
}

async fn claim_status(app: &TestApp, c: &Value) -> String {
    claim(app, c).await["status"].as_str().unwrap().to_owned()
}

async fn ready_claims(app: &TestApp, d: &Desk, count: usize) -> Vec<Value> {
    let mut claims = Vec::new();
    for _ in 0..count {
        claims.push(built(app, &ready_encounter(app, &encounter_body(d)).await).await);
    }
    claims
}

api_test! {
    async fn a_batch_of_every_ready_claim_is_one_checked_file_served_byte_for_byte(app) {
        import_code_sets(&app);
        billing_practice(&app).await;
        let d = desk(&app).await;
        let second_payer = create_id(&app, "/payers", &payer_body("Second Example Plan", "EXH02")).await;
        let patient = create_id(&app, "/patients", &patient_body("Exampleton", "Rae")).await;
        let policy = create_id(&app, &format!("/patients/{patient}/policies"), &policy_body(&second_payer, "primary")).await;
        let other = Desk { patient, policy: policy.clone(), ..d.clone() };
        let mut claims = ready_claims(&app, &d, 2).await;
        let body = with(encounter_body(&other), "policy_id", json!(policy));
        claims.push(built(&app, &ready_encounter(&app, &body).await).await);
        let partner = partner(&app, &partner_body(&[&d.payer, &second_payer])).await;

        let batch = batched(&app, &partner, None).await;
        assert_eq!((&batch["status"], &batch["claim_count"], &batch["transaction_count"]), (&json!("open"), &json!(3), &json!(2)), "one ST per payer");
        assert_eq!((&batch["interchange_control_number"], &batch["group_control_number"]), (&json!(1), &json!(1)));
        assert_eq!(batch["total_charge"], "486.00");
        let placed: Vec<&Value> = batch["claims"].as_array().unwrap().iter().map(|c| &c["claim_id"]).collect();
        assert_eq!(placed.len(), 3);
        for c in &claims {
            assert!(placed.contains(&&c["id"]));
            assert_eq!(claim_status(&app, c).await, "batched");
            assert_eq!(claim(&app, c).await["versions"][0]["batched"], true);
        }

        let file = batch_file(&app, &batch).await;
        assert_eq!(file, batch_file(&app, &batch).await, "the same bytes every time");
        assert_eq!(hex::encode(Sha256::digest(&file)), batch["sha256"].as_str().unwrap());
        assert_eq!(file.len() as i64, batch["size_bytes"].as_i64().unwrap());
        assert_eq!(element(&file, "ISA", 13), ["000000001"]);
        assert_eq!(element(&file, "GS", 6), ["1"]);
        let st02: Vec<i64> = element(&file, "ST", 2).iter().map(|s| s.parse().unwrap()).collect();
        let placed_st02: HashSet<i64> = batch["claims"].as_array().unwrap().iter().map(|c| c["transaction_control_number"].as_i64().unwrap()).collect();
        assert_eq!(st02.iter().copied().collect::<HashSet<_>>(), placed_st02);
        assert_eq!(element(&file, "BHT", 3), vec![batch["reference"].as_str().unwrap(); 2]);
        let mut clm01 = element(&file, "CLM", 1);
        clm01.sort();
        let mut numbers: Vec<String> = claims.iter().map(|c| c["claim_number"].as_str().unwrap().to_owned()).collect();
        numbers.sort();
        assert_eq!(clm01, numbers);
        referee_accepts("batch", &file);

        let problem = expect_problem(request_batch(&app, &partner, None).await, StatusCode::CONFLICT).await;
        assert_eq!(problem["code"], "no_ready_claims", "a claim is in one open batch only");

        let path = format!("/claim-batches/{}", batch["id"].as_str().unwrap());
        let sent = expect_status(app.post(&format!("{path}/sent"), &app.admin_token, &json!({})).await, StatusCode::OK).await;
        assert_eq!((&sent["status"], sent["sent_at"].is_string()), (&json!("sent"), true));
        for c in &claims {
            assert_eq!(claim_status(&app, c).await, "sent");
        }
        let again = expect_status(app.post(&format!("{path}/sent"), &app.admin_token, &json!({})).await, StatusCode::OK).await;
        assert_eq!(again, sent, "marking it sent again changes nothing");
        let events = expect_status(app.get(&format!("/claims/{}/events", claims[0]["id"].as_str().unwrap()), &app.admin_token).await, StatusCode::OK).await;
        let moves: Vec<&Value> = events.as_array().unwrap().iter().map(|e| &e["to_status"]).collect();
        assert_eq!(moves, [&json!("ready"), &json!("batched"), &json!("sent")]);
        assert_eq!(file, batch_file(&app, &batch).await, "sending does not touch the file");

        let list = expect_status(app.get("/claim-batches?status=sent", &app.admin_token).await, StatusCode::OK).await;
        assert_eq!((&list["total"], &list["items"][0]["id"], &list["items"][0]["claims"]), (&json!(1), &batch["id"], &Value::Null));
        let audit = expect_status(app.get(&format!("/audit?resource_type=claim&resource_id={}&action=export", claims[0]["id"].as_str().unwrap()), &app.admin_token).await, StatusCode::OK).await;
        assert_eq!(audit["total"], 3, "each download is audited under each claim's patient");
        assert_eq!(audit["items"][0]["patient_id"], json!(d.patient));
    }
}

api_test! {
    async fn named_claims_must_be_ready_and_routed_and_a_refusal_uses_no_control_number(app) {
        import_code_sets(&app);
        billing_practice(&app).await;
        let d = desk(&app).await;
        let claims = ready_claims(&app, &d, 3).await;
        let elsewhere = create_id(&app, "/payers", &payer_body("Unrouted Plan", "UNR01")).await;
        let partner = partner(&app, &partner_body(&[&d.payer])).await;
        let _unrouted = partner_body(&[&elsewhere]);
        let held = format!("/claims/{}/status", claims[2]["id"].as_str().unwrap());
        expect_status(app.post(&held, &app.admin_token, &json!({"status": "draft"})).await, StatusCode::OK).await;
        let unknown = json!({"id": uuid::Uuid::now_v7().to_string()});

        let problem = expect_problem(request_batch(&app, &partner, Some(&[&claims[0], &claims[2], &unknown])).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(invalid_fields(&problem), ["claim_ids[1]", "claim_ids[2]"], "{problem}");
        let body = json!({"partner_id": partner, "claim_ids": [claims[0]["id"], claims[0]["id"]]});
        let problem = expect_problem(app.post("/claim-batches", &app.admin_token, &body).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(invalid_fields(&problem), ["claim_ids[1]"]);
        let body = json!({"partner_id": uuid::Uuid::now_v7().to_string()});
        let problem = expect_problem(app.post("/claim-batches", &app.admin_token, &body).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(invalid_fields(&problem), ["partner_id"]);
        assert_eq!(claim_status(&app, &claims[0]).await, "ready", "a refusal changes nothing");

        let batch = batched(&app, &partner, Some(&[&claims[1]])).await;
        assert_eq!((&batch["interchange_control_number"], &batch["group_control_number"], &batch["claim_count"]), (&json!(1), &json!(1), &json!(1)), "refusals used no control number");
        assert_eq!((claim_status(&app, &claims[0]).await, claim_status(&app, &claims[1]).await), ("ready".to_owned(), "batched".to_owned()));
        let problem = expect_problem(request_batch(&app, &partner, Some(&[&claims[1]])).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(invalid_fields(&problem), ["claim_ids[0]"], "already in a batch");
    }
}

api_test! {
    async fn a_file_that_cannot_be_written_blocks_the_batch_naming_the_claim_and_records_nothing(app) {
        import_code_sets(&app);
        billing_practice(&app).await;
        let d = desk_for(&app, patient_body("Pipe|Name", "Testa")).await;
        let claims = ready_claims(&app, &d, 1).await;
        let body = with(partner_body(&[&d.payer]), "separators", json!({"element": "|", "component": ">", "repetition": "!", "segment": "~"}));
        let partner = partner(&app, &body).await;
        let problem = expect_problem(request_batch(&app, &partner, None).await, StatusCode::CONFLICT).await;
        assert_eq!(problem["code"], "batch_blocked");
        let finding = &problem["findings"][0];
        assert_eq!((&finding["claim"], &finding["loop"]), (&claims[0]["claim_number"], &json!("2010BA")), "{problem}");
        assert!(finding["problem"].as_str().unwrap().contains('|'), "{problem}");
        assert_eq!(claim_status(&app, &claims[0]).await, "ready");
        let list = expect_status(app.get("/claim-batches", &app.admin_token).await, StatusCode::OK).await;
        assert_eq!(list["total"], 0);

        let fixed = with(partner_body(&[&d.payer]), "separators", json!({"element": "*", "component": ">", "repetition": "!", "segment": "~"}));
        let path = format!("/trading-partners/{partner}");
        expect_status(app.put(&path, &app.admin_token, &fixed, Some(1)).await, StatusCode::OK).await;
        let batch = batched(&app, &partner, None).await;
        assert_eq!(batch["interchange_control_number"], 1, "the blocked attempt used no control number");
        let file = batch_file(&app, &batch).await;
        assert_eq!((file[3], file[104], file[105]), (b'*', b'>', b'~'), "ISA16 is the partner's component separator");
        assert!(String::from_utf8_lossy(&file).contains("PIPE|NAME"));
        referee_accepts("separators", &file);
    }
}

api_test! {
    async fn separators_in_names_are_refused_at_the_door_and_folded_names_still_validate(app) {
        import_code_sets(&app);
        billing_practice(&app).await;
        let problem = expect_problem(app.post("/patients", &app.admin_token, &patient_body("O*Brien", "Ann")).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(invalid_fields(&problem), ["last_name"]);
        let d = desk_for(&app, patient_body("O’Brien-Núñez", "Zoë")).await;
        ready_claims(&app, &d, 1).await;
        let partner = partner(&app, &partner_body(&[&d.payer])).await;
        let file = batch_file(&app, &batched(&app, &partner, None).await).await;
        let names: Vec<(String, String)> = segments(&file).into_iter().filter(|(id, e)| id == "NM1" && e[0] == "IL").map(|(_, e)| (e[2].clone(), e[3].clone())).collect();
        assert_eq!(names, [("O'BRIEN-NUNEZ".to_owned(), "ZOE".to_owned())]);
        referee_accepts("folded-names", &file);
    }
}

api_test! {
    async fn control_numbers_stay_unique_under_twenty_parallel_batches_on_two_instances(app) {
        import_code_sets(&app);
        billing_practice(&app).await;
        let d = desk(&app).await;
        let claims = ready_claims(&app, &d, 20).await;
        let partner = partner(&app, &partner_body(&[&d.payer])).await;
        let second = app.spawn_instance().await;
        let bodies: Vec<Value> = claims.iter().map(|c| json!({"partner_id": partner, "claim_ids": [c["id"]]})).collect();
        let requests = bodies.iter().enumerate().map(|(i, body)| {
            let target = if i % 2 == 0 { &app } else { &second };
            target.post("/claim-batches", &target.admin_token, body)
        });
        let responses = futures_util::future::join_all(requests).await;
        let (mut isa, mut gs, mut st) = (HashSet::new(), HashSet::new(), HashSet::new());
        for response in responses {
            let batch = expect_status(response, StatusCode::CREATED).await;
            let file = batch_file(&app, &batch).await;
            assert!(isa.insert(element(&file, "ISA", 13)[0].clone()));
            assert!(gs.insert(element(&file, "GS", 6)[0].clone()));
            assert!(st.insert(element(&file, "ST", 2)[0].clone()));
            assert_eq!(element(&file, "ISA", 13)[0].parse::<i64>().unwrap(), batch["interchange_control_number"].as_i64().unwrap());
        }
        assert_eq!((isa.len(), gs.len(), st.len()), (20, 20, 20));
        let expected: HashSet<String> = (1..=20).map(|n| format!("{n:09}")).collect();
        assert_eq!(isa, expected, "no gaps: nothing was rolled back");

        let more = ready_claims(&app, &d, 5).await;
        let requests = (0..6).map(|i| request_batch(if i % 2 == 0 { &app } else { &second }, &partner, None));
        let mut taken = Vec::new();
        for response in futures_util::future::join_all(requests).await {
            match response.status() {
                StatusCode::CREATED => taken.extend(response.json::<Value>().await.unwrap()["claims"].as_array().unwrap().iter().map(|c| c["claim_id"].clone())),
                StatusCode::CONFLICT => assert_eq!(response.json::<Value>().await.unwrap()["code"], "no_ready_claims"),
                other => panic!("unexpected {other}"),
            }
        }
        taken.sort_by_key(|v| v.to_string());
        let mut expected: Vec<Value> = more.iter().map(|c| c["id"].clone()).collect();
        expected.sort_by_key(|v| v.to_string());
        assert_eq!(taken, expected, "each claim in exactly one batch");
    }
}

api_test! {
    async fn billers_batch_and_download_coders_and_accountants_only_read(app) {
        import_code_sets(&app);
        billing_practice(&app).await;
        let d = desk(&app).await;
        ready_claims(&app, &d, 1).await;
        let partner = partner(&app, &partner_body(&[&d.payer])).await;
        let body = json!({"partner_id": partner});
        for role in ["coder", "accountant", "front_desk", "lab_tech"] {
            let token = app.token_for(role).await;
            expect_problem(app.post("/claim-batches", &token, &body).await, StatusCode::FORBIDDEN).await;
        }
        let biller = app.token_for("biller").await;
        let batch = expect_status(app.post("/claim-batches", &biller, &body).await, StatusCode::CREATED).await;
        let path = format!("/claim-batches/{}", batch["id"].as_str().unwrap());
        for role in ["coder", "accountant"] {
            let token = app.token_for(role).await;
            expect_status(app.get(&path, &token).await, StatusCode::OK).await;
            expect_problem(app.get(&format!("{path}/file"), &token).await, StatusCode::FORBIDDEN).await;
            expect_problem(app.post(&format!("{path}/sent"), &token, &json!({})).await, StatusCode::FORBIDDEN).await;
        }
        let front_desk = app.token_for("front_desk").await;
        expect_problem(app.get(&path, &front_desk).await, StatusCode::FORBIDDEN).await;
        let response = app.get(&format!("{path}/file"), &biller).await;
        assert_eq!(response.headers()["content-type"], "application/edi-x12");
        assert_eq!(response.headers()["etag"].to_str().unwrap(), format!("\"{}\"", batch["sha256"].as_str().unwrap()));
        expect_status(app.post(&format!("{path}/sent"), &biller, &json!({})).await, StatusCode::OK).await;
    }
}
