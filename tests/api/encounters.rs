//! Encounters over HTTP: opening with checked references, pricing from fee schedules, versioned replace,
//! the status lifecycle with the scrub gate, billed encounters frozen, roles and audited reads.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::api_test;
use crate::coding_support::*;
use crate::fixtures::{create_id, with};
use crate::helpers::{TestApp, expect_problem, expect_status, invalid_fields};

fn id(value: &Value) -> String {
    value["id"].as_str().unwrap().to_owned()
}

async fn move_to(app: &TestApp, encounter: &str, status: &str) -> reqwest::Response {
    app.post(
        &format!("/encounters/{encounter}/status"),
        &app.admin_token,
        &json!({"status": status}),
    )
    .await
}

api_test! {
    async fn an_opened_encounter_reads_back_with_its_codes_lines_and_total(app) {
        let d = desk(&app).await;
        let created = open(&app, &encounter_body(&d)).await;
        assert_eq!((created["status"].as_str(), created["version"].as_i64()), (Some("open"), Some(1)));
        assert_eq!(created["diagnoses"], json!([{"position": 1, "code": "E11.9"}, {"position": 2, "code": "I10"}]));
        assert_eq!(created["lines"][0]["charge"], "120.00");
        assert_eq!(created["lines"][0]["charge_source"], "manual");
        assert_eq!(created["lines"][1]["diagnosis_pointers"], json!([1]));
        assert_eq!(created["total_charge"], "162.00");
        let path = format!("/encounters/{}", id(&created));
        let read = app.get(&path, &app.admin_token).await;
        assert_eq!(read.headers()["etag"], "\"1\"");
        assert_eq!(expect_status(read, StatusCode::OK).await, created);
        let listed = expect_status(app.get(&format!("/encounters?patient_id={}&status=open", d.patient), &app.admin_token).await, StatusCode::OK).await;
        assert_eq!((listed["total"].as_i64(), &listed["items"][0]["id"]), (Some(1), &created["id"]));
        let none = expect_status(app.get("/encounters?status=billed", &app.admin_token).await, StatusCode::OK).await;
        assert_eq!(none["total"], 0);
    }
}

api_test! {
    async fn the_records_an_encounter_names_must_exist_and_fit(app) {
        let d = desk(&app).await;
        let other = another_patient(&app, &d, crate::fixtures::patient_body("Otherperson", "Sample")).await;
        let missing = uuid::Uuid::now_v7().to_string();
        let cases = [
            (with(encounter_body(&d), "patient_id", json!(missing)), vec!["patient_id", "policy_id"]),
            (with(encounter_body(&d), "location_id", json!(missing)), vec!["location_id"]),
            (with(encounter_body(&d), "billing_provider_id", json!(missing)), vec!["billing_provider_id"]),
            (with(encounter_body(&d), "policy_id", json!(other.policy)), vec!["policy_id"]),
            (with(encounter_body(&d), "date_of_service", json!("2026-02-30")), vec!["date_of_service"]),
            (with_diagnoses(&encounter_body(&d), &["E11.9", "not a code"]), vec!["diagnoses[1].code"]),
            (with(encounter_body(&d), "lines", json!([{"code": "80053", "modifiers": ["1", "25"]}])),
             vec!["lines[0].modifiers[0]"]),
        ];
        for (body, fields) in cases {
            let problem = expect_problem(app.post("/encounters", &app.admin_token, &body).await, StatusCode::UNPROCESSABLE_ENTITY).await;
            assert_eq!(invalid_fields(&problem), fields, "{body}");
        }
        let total = expect_status(app.get("/encounters", &app.admin_token).await, StatusCode::OK).await;
        assert_eq!(total["total"], 0, "nothing half-written");
    }
}

api_test! {
    async fn lines_without_a_charge_are_priced_from_the_payer_schedule_else_the_default(app) {
        let d = desk(&app).await;
        let default = create_id(&app, "/fee-schedules", &json!({"name": "Standard"})).await;
        let payer = create_id(&app, "/fee-schedules", &json!({"name": "Example plan", "payer_id": d.payer})).await;
        for (schedule, code, price) in [(&default, "80053", "42.00"), (&default, "36415", "12.50"), (&payer, "80053", "38.00")] {
            let body = json!({"code": code, "price": price, "effective_from": "2026-01-01"});
            expect_status(app.post(&format!("/fee-schedules/{schedule}/prices"), &app.admin_token, &body).await, StatusCode::CREATED).await;
        }
        let mut draw = json!({"code": "36415", "units": 2, "diagnosis_pointers": [1]});
        let lines = vec![json!({"code": "80053", "diagnosis_pointers": [1]}), draw.clone()];
        let insured = open(&app, &with_lines(&encounter_body(&d), lines.clone())).await;
        let charges: Vec<(&Value, &Value)> = insured["lines"].as_array().unwrap().iter().map(|l| (&l["charge"], &l["charge_source"])).collect();
        assert_eq!(charges, [(&json!("38.00"), &json!("schedule")), (&json!("25.00"), &json!("schedule"))]);
        let self_pay = open(&app, &with(with_lines(&encounter_body(&d), lines), "policy_id", Value::Null)).await;
        assert_eq!(self_pay["lines"][0]["charge"], "42.00");
        draw["code"] = json!("85025");
        let unpriced = with_lines(&encounter_body(&d), vec![draw]);
        let problem = expect_problem(app.post("/encounters", &app.admin_token, &unpriced).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(invalid_fields(&problem), ["lines[0].charge"]);
    }
}

api_test! {
    async fn replacing_an_encounter_is_versioned_and_keeps_the_line_ids_sent_back(app) {
        let d = desk(&app).await;
        let created = open(&app, &encounter_body(&d)).await;
        let path = format!("/encounters/{}", id(&created));
        let mut body = encounter_body(&d);
        body["lines"][0]["id"] = created["lines"][0]["id"].clone();
        body["lines"][0]["units"] = json!(1);
        body["lines"][1]["charge"] = json!("45.00");
        let updated = expect_status(app.put(&path, &app.admin_token, &body, Some(1)).await, StatusCode::OK).await;
        assert_eq!(updated["version"], 2);
        assert_eq!(updated["lines"][0]["id"], created["lines"][0]["id"]);
        assert_ne!(updated["lines"][1]["id"], created["lines"][1]["id"]);
        assert_eq!(updated["total_charge"], "165.00");
        let stale = expect_problem(app.put(&path, &app.admin_token, &body, Some(1)).await, StatusCode::PRECONDITION_FAILED).await;
        assert_eq!(stale["code"], "stale_version");
        expect_problem(app.put(&path, &app.admin_token, &body, None).await, StatusCode::PRECONDITION_REQUIRED).await;
        let foreign = with(body.clone(), "lines", json!([{"id": uuid::Uuid::now_v7().to_string(), "code": "80053", "charge": "1.00"}]));
        let problem = expect_problem(app.put(&path, &app.admin_token, &foreign, Some(2)).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(invalid_fields(&problem), ["lines[0].id"]);
        let moved = with(body, "patient_id", json!(another_patient(&app, &d, crate::fixtures::patient_body("Otherperson", "Sample")).await.patient));
        let problem = expect_problem(app.put(&path, &app.admin_token, &moved, Some(2)).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(invalid_fields(&problem), ["patient_id"]);
    }
}

api_test! {
    async fn ready_needs_a_clean_scrub_and_a_billed_encounter_no_longer_changes(app) {
        import_code_sets(&app);
        let d = desk(&app).await;
        let empty = open(&app, &with_lines(&with_diagnoses(&encounter_body(&d), &[]), vec![])).await;
        let problem = expect_problem(move_to(&app, &id(&empty), "coded").await, StatusCode::CONFLICT).await;
        assert_eq!(problem["code"], "encounter_incomplete");

        let faulty = open(&app, &with_diagnoses(&encounter_body(&d), &["E11", "I10"])).await;
        let e = id(&faulty);
        expect_status(move_to(&app, &e, "coded").await, StatusCode::OK).await;
        let problem = expect_problem(move_to(&app, &e, "ready").await, StatusCode::CONFLICT).await;
        assert_eq!(problem["code"], "scrub_failed");
        assert_eq!(problem["findings"][0]["field"], "diagnoses[0].code");
        let problem = expect_problem(move_to(&app, &e, "billed").await, StatusCode::CONFLICT).await;
        assert_eq!(problem["code"], "invalid_transition");

        let path = format!("/encounters/{e}");
        let fixed = expect_status(app.put(&path, &app.admin_token, &encounter_body(&d), Some(2)).await, StatusCode::OK).await;
        assert_eq!(fixed["status"], "coded");
        let ready = expect_status(move_to(&app, &e, "ready").await, StatusCode::OK).await;
        assert_eq!((ready["status"].as_str(), ready["version"].as_i64()), (Some("ready"), Some(4)));
        // An edit sends a ready encounter back to coded: it must be scrubbed again.
        let edited = expect_status(app.put(&path, &app.admin_token, &encounter_body(&d), Some(4)).await, StatusCode::OK).await;
        assert_eq!(edited["status"], "coded");
        expect_status(move_to(&app, &e, "ready").await, StatusCode::OK).await;
        let coder = app.token_for("coder").await;
        let by_coder = app.post(&format!("/encounters/{e}/status"), &coder, &json!({"status": "billed"})).await;
        expect_problem(by_coder, StatusCode::FORBIDDEN).await;
        expect_status(move_to(&app, &e, "billed").await, StatusCode::OK).await;

        let problem = expect_problem(app.put(&path, &app.admin_token, &encounter_body(&d), Some(7)).await, StatusCode::CONFLICT).await;
        assert_eq!(problem["code"], "encounter_billed");
        let problem = expect_problem(move_to(&app, &e, "open").await, StatusCode::CONFLICT).await;
        assert_eq!(problem["code"], "encounter_billed");
        let stale = app.post(&format!("/encounters/{e}/status"), &app.admin_token, &json!({"status": "open", "version": 1})).await;
        expect_problem(stale, StatusCode::PRECONDITION_FAILED).await;
    }
}

api_test! {
    async fn front_desk_opens_encounters_but_coders_code_them(app) {
        let d = desk(&app).await;
        let front_desk = app.token_for("front_desk").await;
        let coder = app.token_for("coder").await;
        let uncoded = with_lines(&with_diagnoses(&encounter_body(&d), &[]), vec![]);
        let opened = expect_status(app.post("/encounters", &front_desk, &uncoded).await, StatusCode::CREATED).await;
        expect_problem(app.post("/encounters", &front_desk, &encounter_body(&d)).await, StatusCode::FORBIDDEN).await;
        let path = format!("/encounters/{}", id(&opened));
        expect_problem(app.put(&path, &front_desk, &encounter_body(&d), Some(1)).await, StatusCode::FORBIDDEN).await;
        let coded = expect_status(app.put(&path, &coder, &encounter_body(&d), Some(1)).await, StatusCode::OK).await;
        assert_eq!(coded["diagnoses"][0]["code"], "E11.9");
        expect_status(app.get(&path, &front_desk).await, StatusCode::OK).await;
        let lab = app.token_for("lab_tech").await;
        expect_problem(app.get(&path, &lab).await, StatusCode::FORBIDDEN).await;
    }
}

api_test! {
    async fn reading_and_scrubbing_an_encounter_are_audited_under_its_patient(app) {
        import_code_sets(&app);
        let d = desk(&app).await;
        let e = id(&open(&app, &encounter_body(&d)).await);
        expect_status(app.get(&format!("/encounters/{e}"), &app.admin_token).await, StatusCode::OK).await;
        expect_status(app.get(&format!("/encounters?patient_id={}", d.patient), &app.admin_token).await, StatusCode::OK).await;
        expect_status(app.post(&format!("/encounters/{e}/scrub"), &app.admin_token, &json!({})).await, StatusCode::OK).await;
        let events = expect_status(app.get(&format!("/audit?resource_type=encounter&resource_id={e}&per_page=50"), &app.admin_token).await, StatusCode::OK).await;
        let mut actions: Vec<&str> = events["items"].as_array().unwrap().iter().map(|ev| ev["action"].as_str().unwrap()).collect();
        actions.sort_unstable();
        assert_eq!(actions, ["create", "read", "read", "scrub"]);
        assert!(events["items"].as_array().unwrap().iter().all(|ev| ev["patient_id"] == json!(d.patient)));
        let unknown = format!("/encounters/{}", uuid::Uuid::now_v7());
        expect_problem(app.get(&unknown, &app.admin_token).await, StatusCode::NOT_FOUND).await;
    }
}

api_test! {
    async fn of_two_concurrent_replaces_at_one_version_exactly_one_wins_whole(app) {
        let d = desk(&app).await;
        let e = id(&open(&app, &encounter_body(&d)).await);
        let path = format!("/encounters/{e}");
        let one_line = with_lines(&encounter_body(&d), vec![line("85025", "15.00", &[1])]);
        let three_lines = with_lines(&encounter_body(&d), vec![
            line("85025", "15.00", &[1]), line("81002", "8.00", &[1]), line("80061", "30.00", &[2]),
        ]);
        let (a, b) = futures_util::future::join(
            app.put(&path, &app.admin_token, &one_line, Some(1)),
            app.put(&path, &app.admin_token, &three_lines, Some(1)),
        )
        .await;
        let mut statuses = [a.status(), b.status()];
        statuses.sort();
        assert_eq!(statuses, [StatusCode::OK, StatusCode::PRECONDITION_FAILED]);
        let now = expect_status(app.get(&path, &app.admin_token).await, StatusCode::OK).await;
        let count = now["lines"].as_array().unwrap().len();
        let expected_total = if count == 1 { "15.00" } else { "53.00" };
        assert!(count == 1 || count == 3, "{now}");
        assert_eq!((now["version"].as_i64(), now["total_charge"].as_str()), (Some(2), Some(expected_total)));
    }
}
