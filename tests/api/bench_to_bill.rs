//! From bench to bill: a completed specimen adds its tests to its order's encounter, once, with the
//! order's diagnoses, plus one collection charge per encounter; through actions, scans, aliquots, ready
//! and billed encounters, and specimens completing at the same moment.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::api_test;
use crate::bench::{act, events, scan, station};
use crate::coding_support::*;
use crate::fixtures::{create_id, with};
use crate::helpers::{TestApp, expect_problem, expect_status, invalid_fields};

/// The default schedule prices the chemistry panel, the TSH and the draw; the blood count is unpriced.
async fn price_lab_codes(app: &TestApp) {
    let schedule = create_id(app, "/fee-schedules", &json!({"name": "Standard"})).await;
    for (code, price) in [("80048", "30.00"), ("84443", "25.00"), ("36415", "12.50")] {
        let body = json!({"code": code, "price": price, "effective_from": "2026-01-01"});
        let path = format!("/fee-schedules/{schedule}/prices");
        expect_status(
            app.post(&path, &app.admin_token, &body).await,
            StatusCode::CREATED,
        )
        .await;
    }
}

/// An open encounter coded with hypertension and an office visit.
async fn visit(app: &TestApp, d: &Desk) -> String {
    let body = with_lines(
        &with_diagnoses(&encounter_body(d), &["I10"]),
        vec![line("99213", "120.00", &[1])],
    );
    open(app, &body).await["id"].as_str().unwrap().to_owned()
}

/// A lab order on the encounter: a chemistry panel for the diabetes, a TSH for the hypertension (both in
/// one SST), and a blood count (EDTA) for both.
fn lab_order(d: &Desk, encounter: &str) -> Value {
    json!({"patient_id": d.patient, "provider_id": d.provider, "encounter_id": encounter,
           "diagnoses": ["E11.9", "I10"],
           "tests": [
               {"code": "80048", "container_type": "SST", "min_volume_ul": 1000, "diagnosis_pointers": [1]},
               {"code": "84443", "container_type": "SST", "min_volume_ul": 500, "diagnosis_pointers": [2]},
               {"code": "85025", "container_type": "LAV_EDTA", "min_volume_ul": 500}]})
}

async fn order(app: &TestApp, body: &Value) -> Value {
    expect_status(
        app.post("/lab-orders", &app.admin_token, body).await,
        StatusCode::CREATED,
    )
    .await
}

fn specimen_in<'a>(order: &'a Value, container: &str) -> &'a str {
    let specimens = order["specimens"].as_array().unwrap();
    let found = specimens.iter().find(|s| s["container_type"] == container);
    found.unwrap_or_else(|| panic!("{container} in {order}"))["id"]
        .as_str()
        .unwrap()
}

/// Takes a collected specimen (or an aliquot, born received) to `in_analysis`.
async fn to_analysis(app: &TestApp, specimen: &str, from_received: bool) {
    let steps: &[&str] = if from_received {
        &["start_processing", "mark_ready", "start_analysis"]
    } else {
        &[
            "receive",
            "start_processing",
            "mark_ready",
            "start_analysis",
        ]
    };
    for action in steps {
        act(app, specimen, json!({"action": action}), StatusCode::OK).await;
    }
}

async fn collect(app: &TestApp, specimen: &str, method: &str) {
    let body = json!({"action": "collect", "volume_ul": 4000, "method": method});
    let collected = act(app, specimen, body, StatusCode::OK).await;
    assert_eq!(collected["specimen"]["collection_method"], method);
}

/// Completes the specimen through the action; returns the billing the `complete` event recorded.
async fn complete(app: &TestApp, specimen: &str) -> Value {
    let done = act(app, specimen, json!({"action": "complete"}), StatusCode::OK).await;
    assert_eq!(done["specimen"]["status"], "completed");
    done["event"]["detail"]["billing"].clone()
}

async fn encounter(app: &TestApp, id: &str) -> Value {
    expect_status(
        app.get(&format!("/encounters/{id}"), &app.admin_token)
            .await,
        StatusCode::OK,
    )
    .await
}

/// (code, charge, pointers) of every line, in position order.
fn lines(encounter: &Value) -> Vec<(String, String, Value)> {
    encounter["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["code"].as_str().unwrap().to_owned(),
                l["charge"].as_str().unwrap().to_owned(),
                l["diagnosis_pointers"].clone(),
            )
        })
        .collect()
}

fn codes_of(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect()
}

fn reasons_of(billing: &Value) -> Vec<(String, String)> {
    billing["not_added"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["code"].as_str().unwrap().to_owned(),
                c["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pair(code: &str, reason: &str) -> (String, String) {
    (code.to_owned(), reason.to_owned())
}

api_test! {
    async fn a_completed_specimen_adds_its_tests_once_with_the_orders_diagnoses_and_one_draw(app) {
        let d = desk(&app).await;
        price_lab_codes(&app).await;
        let visit = visit(&app, &d).await;
        let order = order(&app, &lab_order(&d, &visit)).await;
        assert_eq!(order["diagnoses"], json!(["E11.9", "I10"]));
        assert_eq!(order["tests"][2]["diagnosis_pointers"], json!([1, 2]), "absent: the order's first four");
        let sst = specimen_in(&order, "SST").to_owned();
        let edta = specimen_in(&order, "LAV_EDTA").to_owned();
        collect(&app, &sst, "venipuncture").await;
        collect(&app, &edta, "venipuncture").await;
        to_analysis(&app, &sst, false).await;
        assert_eq!(lines(&encounter(&app, &visit).await).len(), 1, "nothing billed before completion");

        let billing = complete(&app, &sst).await;
        assert_eq!(billing["encounter_id"], visit);
        assert_eq!(codes_of(&billing["added"]), ["80048", "84443", "36415"]);
        assert_eq!(billing["not_added"], json!([]));
        let e = encounter(&app, &visit).await;
        assert_eq!(e["diagnoses"], json!([{"position": 1, "code": "I10"}, {"position": 2, "code": "E11.9"}]),
                   "the order's new diagnosis is appended; a coded one is pointed at where it is");
        assert_eq!(lines(&e), [
            ("99213".into(), "120.00".into(), json!([1])),
            ("80048".into(), "30.00".into(), json!([2])),
            ("84443".into(), "25.00".into(), json!([1])),
            ("36415".into(), "12.50".into(), json!([2, 1])),
        ]);
        for l in &e["lines"].as_array().unwrap()[1..] {
            assert_eq!((&l["specimen_id"], &l["order_id"], &l["charge_source"]), (&json!(sst), &order["id"], &json!("schedule")));
            assert!(l["note"].as_str().unwrap().starts_with("Lab specimen S"), "{l}");
        }
        let added_ids: Vec<&Value> = billing["added"].as_array().unwrap().iter().map(|a| &a["line_id"]).collect();
        let line_ids: Vec<&Value> = e["lines"].as_array().unwrap()[1..].iter().map(|l| &l["id"]).collect();
        assert_eq!(added_ids, line_ids, "the event names the lines it added");

        // The EDTA tube is split; the aliquot finishes first and bills the blood count, unpriced: a zero
        // charge the scrubber will flag, never a silently dropped test. The draw was billed already.
        act(&app, &edta, json!({"action": "receive"}), StatusCode::OK).await;
        let split = app.post(&format!("/specimens/{edta}/aliquots"), &app.admin_token, &json!({"volume_ul": 500})).await;
        let aliquot = expect_status(split, StatusCode::CREATED).await["aliquots"][0]["id"].as_str().unwrap().to_owned();
        to_analysis(&app, &aliquot, true).await;
        let billing = complete(&app, &aliquot).await;
        assert_eq!(codes_of(&billing["added"]), ["85025"]);
        assert_eq!(reasons_of(&billing), [pair("36415", "already_charged")]);
        let e = encounter(&app, &visit).await;
        let blood_count = &e["lines"][4];
        assert_eq!((&blood_count["code"], &blood_count["charge"], &blood_count["diagnosis_pointers"]),
                   (&json!("85025"), &json!("0.00"), &json!([2, 1])));
        assert_eq!(blood_count["specimen_id"], json!(edta), "billed under the tube it was split from");
        assert!(blood_count["note"].as_str().unwrap().contains("no fee schedule prices 85025"), "{blood_count}");

        // The parent tube completing afterwards bills nothing again.
        act(&app, &edta, json!({"action": "start_processing"}), StatusCode::OK).await;
        act(&app, &edta, json!({"action": "mark_ready"}), StatusCode::OK).await;
        act(&app, &edta, json!({"action": "start_analysis"}), StatusCode::OK).await;
        let billing = complete(&app, &edta).await;
        assert_eq!(billing["added"], json!([]));
        assert_eq!(reasons_of(&billing), [pair("85025", "already_charged"), pair("36415", "already_charged")]);
        let e = encounter(&app, &visit).await;
        assert_eq!(lines(&e).len(), 5);
        assert_eq!(e["total_charge"], "187.50");
        let audit = app.get(&format!("/audit?resource_type=encounter&patient_id={}", d.patient), &app.admin_token).await;
        let actions: Vec<Value> = expect_status(audit, StatusCode::OK).await["items"].as_array().unwrap()
            .iter().map(|a| a["action"].clone()).filter(|a| a == "lab_charges").collect();
        assert_eq!(actions.len(), 2, "each completion that added lines is audited on the encounter");
    }
}

api_test! {
    async fn a_completing_scan_bills_like_the_action_and_scanning_again_bills_nothing(app) {
        let d = desk(&app).await;
        price_lab_codes(&app).await;
        let visit = visit(&app, &d).await;
        let body = with(lab_order(&d, &visit), "tests", json!([{"code": "84443", "container_type": "SST", "min_volume_ul": 500}]));
        let order = order(&app, &body).await;
        let sst = specimen_in(&order, "SST").to_owned();
        collect(&app, &sst, "capillary").await;
        to_analysis(&app, &sst, false).await;
        let bench = station(&app, "Analyzer", "complete").await;
        let accession = order["specimens"][0]["accession"].as_str().unwrap().to_owned();
        let first = expect_status(scan(&app, &app.admin_token, &accession, &bench).await, StatusCode::OK).await;
        assert_eq!(first["outcome"], "transitioned");
        assert_eq!(codes_of(&first["event"]["detail"]["billing"]["added"]), ["84443", "36416"],
                   "a capillary stick is billed as such");
        let again = expect_status(scan(&app, &app.admin_token, &accession, &bench).await, StatusCode::OK).await;
        assert_eq!(again["already"], true);
        let e = encounter(&app, &visit).await;
        assert_eq!(lines(&e).iter().map(|l| l.0.as_str()).collect::<Vec<_>>(), ["99213", "84443", "36416"]);
        assert_eq!(e["lines"][2]["charge"], "0.00", "36416 is not on the schedule");
    }
}

api_test! {
    async fn a_ready_encounter_goes_back_to_coded_and_a_billed_one_keeps_the_charges_aside(app) {
        import_code_sets(&app);
        let d = desk(&app).await;
        price_lab_codes(&app).await;
        let ready = visit(&app, &d).await;
        let billed = visit(&app, &d).await;
        for (encounter, target) in [(&ready, &["coded", "ready"][..]), (&billed, &["coded", "ready", "billed"][..])] {
            for status in target {
                let moved = app.post(&format!("/encounters/{encounter}/status"), &app.admin_token, &json!({"status": status})).await;
                expect_status(moved, StatusCode::OK).await;
            }
        }
        let single = |encounter: &str| with(lab_order(&d, encounter), "tests",
            json!([{"code": "80048", "container_type": "SST", "min_volume_ul": 500}]));
        let on_ready = order(&app, &single(&ready)).await;
        let on_billed = order(&app, &single(&billed)).await;
        for o in [&on_ready, &on_billed] {
            let s = specimen_in(o, "SST").to_owned();
            collect(&app, &s, "venipuncture").await;
            to_analysis(&app, &s, false).await;
        }
        let billing = complete(&app, specimen_in(&on_ready, "SST")).await;
        assert_eq!(codes_of(&billing["added"]), ["80048", "36415"]);
        let e = encounter(&app, &ready).await;
        assert_eq!(e["status"], "coded", "new lines must be scrubbed again before the encounter is ready");

        let billing = complete(&app, specimen_in(&on_billed, "SST")).await;
        assert_eq!(billing["added"], json!([]));
        assert_eq!(reasons_of(&billing), [pair("80048", "encounter_billed"), pair("36415", "encounter_billed")]);
        let e = encounter(&app, &billed).await;
        assert_eq!((e["status"].as_str(), lines(&e).len()), (Some("billed"), 1), "a billed encounter does not change");
    }
}

api_test! {
    async fn an_order_names_only_its_patients_encounter_and_without_one_bills_nothing(app) {
        let d = desk(&app).await;
        let other = another_patient(&app, &d, crate::fixtures::patient_body("Otherperson", "Sample")).await;
        let theirs = visit(&app, &other).await;
        let missing = uuid::Uuid::now_v7().to_string();
        let good = lab_order(&d, &visit(&app, &d).await);
        let cases = [
            (with(good.clone(), "encounter_id", json!(theirs)), vec!["encounter_id"]),
            (with(good.clone(), "encounter_id", json!(missing)), vec!["encounter_id"]),
            (with(good.clone(), "diagnoses", json!(["E11.9", "not a code", "E11.9"])), vec!["diagnoses[1]", "diagnoses[2]"]),
            (with(good.clone(), "diagnoses", json!(vec!["A00.0"; 13])), vec!["diagnoses"]),
            (with(good.clone(), "tests", json!([{"code": "80048", "container_type": "SST", "min_volume_ul": 500,
                                                 "diagnosis_pointers": [3, 1, 1]}])),
             vec!["tests[0].diagnosis_pointers[0]", "tests[0].diagnosis_pointers[2]"]),
        ];
        for (body, fields) in cases {
            let problem = expect_problem(app.post("/lab-orders", &app.admin_token, &body).await, StatusCode::UNPROCESSABLE_ENTITY).await;
            assert_eq!(invalid_fields(&problem), fields, "{body}");
        }
        let no_encounter = crate::fixtures::without(good, "encounter_id");
        let order = order(&app, &no_encounter).await;
        let sst = specimen_in(&order, "SST").to_owned();
        collect(&app, &sst, "venipuncture").await;
        to_analysis(&app, &sst, false).await;
        let billing = complete(&app, &sst).await;
        assert_eq!((&billing["encounter_id"], &billing["added"]), (&Value::Null, &json!([])));
        assert!(billing["note"].as_str().unwrap().contains("names no encounter"), "{billing}");
        let complete_event = events(&app, &sst).await.into_iter().find(|e| e["kind"] == "complete").unwrap();
        assert_eq!(complete_event["detail"]["billing"], billing, "the timeline keeps what billing did");
    }
}

api_test! {
    async fn specimens_of_one_encounter_completing_at_once_each_add_their_lines(app) {
        let d = desk(&app).await;
        price_lab_codes(&app).await;
        let visit = visit(&app, &d).await;
        let tests: Vec<Value> = [("80048", "SST"), ("85025", "LAV_EDTA"), ("82947", "GRY_FLU"), ("85610", "LBLU_CIT"), ("84443", "GRN_HEP")]
            .iter().map(|(code, tube)| json!({"code": code, "container_type": tube, "min_volume_ul": 500})).collect();
        let order = order(&app, &with(lab_order(&d, &visit), "tests", json!(tests))).await;
        let specimens: Vec<String> = order["specimens"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap().to_owned()).collect();
        assert_eq!(specimens.len(), 5);
        for s in &specimens {
            collect(&app, s, "venipuncture").await;
            to_analysis(&app, s, false).await;
        }
        let second = app.spawn_instance().await;
        let body = json!({"action": "complete"});
        let paths: Vec<String> = specimens.iter().map(|s| format!("/specimens/{s}/actions")).collect();
        let completions = paths.iter().enumerate().map(|(i, path)| {
            let server = if i % 2 == 0 { &app } else { &second };
            server.post(path, &app.admin_token, &body)
        });
        for response in futures_util::future::join_all(completions).await {
            expect_status(response, StatusCode::OK).await;
        }
        let e = encounter(&app, &visit).await;
        let mut codes: Vec<String> = lines(&e).into_iter().map(|l| l.0).collect();
        codes.sort();
        assert_eq!(codes, ["36415", "80048", "82947", "84443", "85025", "85610", "99213"],
                   "every test once and one draw for the encounter: {e}");
        let positions: Vec<i64> = e["lines"].as_array().unwrap().iter().map(|l| l["position"].as_i64().unwrap()).collect();
        assert_eq!(positions, (1..=7).collect::<Vec<_>>());
        assert_eq!(e["diagnoses"].as_array().unwrap().len(), 2, "E11.9 appended once: {e}");
    }
}
