//! Bench scans: check characters, idempotency, concurrent stations; and accession uniqueness under
//! parallel allocation across two instances.

use std::collections::HashSet;

use backoffice::specimens::accession::Accession;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::api_test;
use crate::bench::{
    collected_specimen, event_kinds, events, order_body, patient_and_provider, scan, station,
};
use crate::helpers::{TestApp, expect_problem, expect_status, invalid_fields};

fn accession_of(specimen: &Value) -> String {
    specimen["accession"].as_str().unwrap().to_owned()
}

/// The accession with its check character replaced by another (a mistyped or damaged number).
fn with_wrong_check(accession: &str) -> String {
    let (body, check) = accession.split_at(accession.len() - 1);
    format!("{body}{}", if check == "0" { '1' } else { '0' })
}

api_test! {
    async fn a_scan_checks_the_check_character_then_applies_the_station_action(app) {
        let specimen = collected_specimen(&app, 2000).await;
        let id = specimen["id"].as_str().unwrap().to_owned();
        let accession = accession_of(&specimen);
        let lab = app.token_for("lab_tech").await;
        let reception = station(&app, "Reception", "receive").await;

        let damaged = expect_problem(scan(&app, &lab, &with_wrong_check(&accession), &reception).await,
                                     StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(invalid_fields(&damaged), ["scanned"]);
        assert!(damaged["errors"][0]["message"].as_str().unwrap().contains("damaged"), "{damaged}");
        let mut swapped = accession.clone().into_bytes();
        let n = swapped.len();
        swapped.swap(n - 2, n - 1);
        let swapped = String::from_utf8(swapped).unwrap();
        if swapped != accession {
            let problem = expect_problem(scan(&app, &lab, &swapped, &reception).await, StatusCode::UNPROCESSABLE_ENTITY).await;
            assert_eq!(invalid_fields(&problem), ["scanned"]);
        }
        let shape = expect_problem(scan(&app, &lab, "hello", &reception).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(shape["errors"][0]["message"].as_str().unwrap().contains("not an accession"));
        let unknown = Accession::new("S", 26, 999_999).or_else(|| Accession::new("S", 26, 999_998)).unwrap();
        expect_problem(scan(&app, &lab, &unknown.to_string(), &reception).await, StatusCode::NOT_FOUND).await;
        let bad_station = expect_problem(scan(&app, &lab, &accession, &uuid::Uuid::now_v7().to_string()).await,
                                         StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(invalid_fields(&bad_station), ["station_id"]);

        let first = expect_status(scan(&app, &lab, &accession.to_lowercase(), &reception).await, StatusCode::OK).await;
        assert_eq!((&first["outcome"], &first["already"]), (&json!("transitioned"), &json!(false)));
        assert_eq!((&first["specimen"]["status"], &first["specimen"]["station_id"]), (&json!("received"), &json!(reception)));
        assert_eq!((&first["event"]["kind"], &first["event"]["location"]), (&json!("receive"), &json!("Reception bench")));
        let second = expect_status(scan(&app, &lab, &accession, &reception).await, StatusCode::OK).await;
        assert_eq!((&second["outcome"], &second["already"], &second["event"]["kind"]),
                   (&json!("already"), &json!(true), &json!("seen")));
        assert_eq!(event_kinds(&app, &id).await, ["created", "collect", "receive", "seen"]);

        // An aliquot is found by its own accession; a seen station records and changes nothing.
        let split = expect_status(app.post(&format!("/specimens/{id}/aliquots"), &lab, &json!({"volume_ul": 500})).await, StatusCode::CREATED).await;
        let checkpoint = station(&app, "Hallway checkpoint", "seen").await;
        let seen = expect_status(scan(&app, &lab, &format!("{accession}.1"), &checkpoint).await, StatusCode::OK).await;
        assert_eq!((&seen["outcome"], &seen["specimen"]["id"]), (&json!("seen"), &split["aliquots"][0]["id"]));
        expect_problem(scan(&app, &lab, &format!("{accession}.2"), &checkpoint).await, StatusCode::NOT_FOUND).await;

        // A station whose step the specimen cannot take yet answers 409 with the state and what is allowed.
        let storage = station(&app, "Freezer room", "store").await;
        let problem = expect_problem(scan(&app, &lab, &accession, &storage).await, StatusCode::CONFLICT).await;
        assert_eq!((&problem["current_state"], &problem["code"]), (&json!("received"), &json!("action_not_allowed")));
        assert!(problem["allowed_actions"].as_array().unwrap().contains(&json!("start_processing")));
        let front = app.token_for("front_desk").await;
        expect_problem(scan(&app, &front, &accession, &reception).await, StatusCode::FORBIDDEN).await;
    }
}

async fn scan_with_key(
    app: &TestApp,
    key: &str,
    scanned: &str,
    station: &str,
) -> (StatusCode, Option<String>, String) {
    let response = app
        .request(Method::POST, "/scans", Some(&app.admin_token))
        .header("Idempotency-Key", key)
        .json(&json!({"scanned": scanned, "station_id": station}))
        .send()
        .await
        .unwrap();
    let replayed = response
        .headers()
        .get("idempotent-replayed")
        .map(|v| v.to_str().unwrap().to_owned());
    (response.status(), replayed, response.text().await.unwrap())
}

api_test! {
    async fn a_repeated_scan_with_the_same_idempotency_key_returns_the_same_answer_and_records_once(app) {
        let specimen = collected_specimen(&app, 2000).await;
        let id = specimen["id"].as_str().unwrap();
        let accession = accession_of(&specimen);
        let reception = station(&app, "Reception", "receive").await;
        let (status, replayed, body) = scan_with_key(&app, "scanner-7:0001", &accession, &reception).await;
        assert_eq!((status, replayed), (StatusCode::OK, None));
        let answers = futures_util::future::join_all((0..5).map(|_| scan_with_key(&app, "scanner-7:0001", &accession, &reception))).await;
        for (again, replayed, again_body) in answers {
            assert_eq!((again, replayed.as_deref(), again_body.as_str()), (StatusCode::OK, Some("true"), body.as_str()));
        }
        assert_eq!(event_kinds(&app, id).await, ["created", "collect", "receive"], "one event for six requests");

        let other = collected_specimen(&app, 1000).await;
        let (status, _, problem) = scan_with_key(&app, "scanner-7:0001", &accession_of(&other), &reception).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let problem: Value = serde_json::from_str(&problem).unwrap();
        assert_eq!(invalid_fields(&problem), ["Idempotency-Key"]);
        assert_eq!(event_kinds(&app, other["id"].as_str().unwrap()).await, ["created", "collect"]);

        // A failed scan stores nothing: once the cause is fixed, the same key works.
        let (status, _, _) = scan_with_key(&app, "scanner-7:0002", &accession, &uuid::Uuid::now_v7().to_string()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _, body) = scan_with_key(&app, "scanner-7:0002", &accession, &reception).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["already"], true);
        let (status, _, _) = scan_with_key(&app, &"k".repeat(201), &accession, &reception).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}

api_test! {
    async fn fifty_parallel_scans_from_two_stations_make_exactly_one_transition(app) {
        let specimen = collected_specimen(&app, 2000).await;
        let id = specimen["id"].as_str().unwrap();
        let accession = accession_of(&specimen);
        let stations = [station(&app, "Reception A", "receive").await, station(&app, "Reception B", "receive").await];
        let lab = app.token_for("lab_tech").await;
        let scans = (0..50).map(|i| scan(&app, &lab, &accession, &stations[i % 2]));
        let mut outcomes = Vec::new();
        for response in futures_util::future::join_all(scans).await {
            let body = expect_status(response, StatusCode::OK).await;
            outcomes.push((body["outcome"].as_str().unwrap().to_owned(), body["already"].as_bool().unwrap()));
        }
        let transitions = outcomes.iter().filter(|(o, _)| o == "transitioned").count();
        let already = outcomes.iter().filter(|(o, a)| o == "already" && *a).count();
        assert_eq!((transitions, already), (1, 49), "{outcomes:?}");
        let journey = events(&app, id).await;
        let kinds: Vec<&str> = journey.iter().map(|e| e["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds.iter().filter(|k| **k == "receive").count(), 1);
        assert_eq!(kinds.iter().filter(|k| **k == "seen").count(), 49);
        assert_eq!(&kinds[..3], ["created", "collect", "receive"], "the transition comes before every seen");
        let seqs: Vec<i64> = journey.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
        assert_eq!(seqs, (1..=52).collect::<Vec<_>>(), "all events present, in order, no gaps");
        let by_station: HashSet<&str> = journey.iter().filter_map(|e| e["station_id"].as_str()).collect();
        assert_eq!(by_station.len(), 2);
    }
}

/// Creates `count` orders (two specimens each) through `app` at once; returns their accessions.
async fn order_concurrently(app: &TestApp, body: &Value, count: usize) -> Vec<String> {
    let requests = (0..count).map(|_| app.post("/lab-orders", &app.admin_token, body));
    let mut accessions = Vec::new();
    for response in futures_util::future::join_all(requests).await {
        let order = expect_status(response, StatusCode::CREATED).await;
        for s in order["specimens"].as_array().unwrap() {
            accessions.push(accession_of(s));
        }
    }
    accessions
}

api_test! {
    async fn accession_numbers_stay_unique_under_parallel_orders_on_two_instances(app) {
        let (patient, provider) = patient_and_provider(&app).await;
        let body = order_body(&patient, &provider);
        let second = app.spawn_instance().await;
        let (mine, theirs) = tokio::join!(order_concurrently(&app, &body, 20), order_concurrently(&second, &body, 20));
        let all: Vec<String> = mine.into_iter().chain(theirs).collect();
        assert_eq!(all.len(), 80);
        assert_eq!(all.iter().collect::<HashSet<_>>().len(), 80, "no duplicates");
        let mut sequences: Vec<u64> = all.iter().map(|a| Accession::parse(a).expect("valid check character").sequence()).collect();
        sequences.sort();
        // Gaps only where a number's check would have been `*` (skipped, about 1 in 37).
        let span = sequences.last().unwrap() - sequences.first().unwrap() + 1;
        assert!(span < 80 + 10, "{sequences:?}");
    }
}
