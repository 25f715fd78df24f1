use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use crate::api_test;
use crate::fixtures::{
    check_deactivation, check_versioned_replace, create_as, create_id, dependent_policy_body,
    expect_each_refused, patient_body, payer_body, policy_body, total, with, without,
};
use crate::helpers::{TestApp, expect_problem, expect_status, invalid_fields};

/// A patient and an active payer: `(policies path of the patient, payer id)`.
async fn patient_and_payer(app: &TestApp) -> (String, String) {
    let patient = create_id(app, "/patients", &patient_body("Quillfeather", "Marigold")).await;
    let payer = create_id(app, "/payers", &payer_body("Acme Sample Health", "SX123")).await;
    (format!("/patients/{patient}/policies"), payer)
}

async fn deactivate(app: &TestApp, path: &str) {
    let response = app
        .post(&format!("{path}/deactivate"), &app.admin_token, &json!({}))
        .await;
    assert_eq!(
        expect_status(response, StatusCode::OK).await["active"],
        false
    );
}

async fn conflict_code(response: Response) -> Value {
    expect_problem(response, StatusCode::CONFLICT).await["code"].clone()
}

api_test! {
    async fn invalid_policies_are_refused_naming_the_field(app) {
        let (policies, payer) = patient_and_payer(&app).await;
        let tomorrow = (chrono::Utc::now().date_naive() + chrono::Days::new(1)).to_string();
        let good = dependent_policy_body(&payer, "primary");
        let cases = [
            (with(good.clone(), "payer_id", json!("")), "payer_id"),
            (with(good.clone(), "payer_id", json!("p".repeat(65))), "payer_id"),
            (with(good.clone(), "member_id", json!("")), "member_id"),
            (with(good.clone(), "member_id", json!("ABC 123")), "member_id"),
            (with(good.clone(), "member_id", json!("ABC_123")), "member_id"),
            (with(good.clone(), "member_id", json!("A".repeat(81))), "member_id"),
            (with(good.clone(), "group_number", json!("G".repeat(51))), "group_number"),
            (with(good.clone(), "group_name", json!("Widgets*Inc")), "group_name"),
            (with(good.clone(), "priority", json!("quaternary")), "priority"),
            (without(good.clone(), "priority"), "priority"),
            (with(good.clone(), "relationship", json!("cousin")), "relationship"),
            (without(good.clone(), "subscriber"), "subscriber"),
            (with(good.clone(), "relationship", json!("self")), "subscriber"),
            (with(good.clone(), "subscriber.last_name", json!("")), "subscriber.last_name"),
            (with(good.clone(), "subscriber.date_of_birth", json!(tomorrow)), "subscriber.date_of_birth"),
            (with(good.clone(), "subscriber.date_of_birth", json!("1899-12-31")), "subscriber.date_of_birth"),
            (with(good.clone(), "subscriber.date_of_birth", json!("1970-13-01")), "subscriber.date_of_birth"),
            (with(good.clone(), "subscriber.sex", json!("Q")), "subscriber.sex"),
            (with(good.clone(), "subscriber.address.zip", json!("9")), "subscriber.address.zip"),
            (with(good.clone(), "subscriber.ssn", json!("000-00-0000")), "subscriber.ssn"),
            (with(good.clone(), "effective_date", json!("2026-02-30")), "effective_date"),
            (without(good.clone(), "effective_date"), "effective_date"),
            (with(good.clone(), "end_date", json!("12/31/2026")), "end_date"),
            (with(good.clone(), "end_date", json!("2025-12-31")), "end_date"),
            (with(good.clone(), "copay", json!(20)), "copay"),
        ];
        expect_each_refused(&app, Method::POST, &policies, &cases).await;

        let retired = create_id(&app, "/payers", &payer_body("Retired Sample Plan", "RT01")).await;
        deactivate(&app, &format!("/payers/{retired}")).await;
        for missing in [uuid::Uuid::now_v7().to_string(), retired] {
            let body = with(good.clone(), "payer_id", json!(missing));
            let problem = expect_problem(app.post(&policies, &app.admin_token, &body).await, StatusCode::UNPROCESSABLE_ENTITY).await;
            assert_eq!(invalid_fields(&problem), ["payer_id"], "{problem}");
        }
        assert_eq!(total(&app, &policies).await, 0, "nothing was written");
    }
}

api_test! {
    async fn a_policy_is_stored_with_its_subscriber_and_read_back(app) {
        let (policies, payer) = patient_and_payer(&app).await;
        let created = create_as(&app, &app.admin_token, &policies, &dependent_policy_body(&payer, "primary")).await;
        assert_eq!((&created["payer_id"], &created["relationship"]), (&json!(payer), &json!("child")));
        assert_eq!(created["subscriber"]["last_name"], "Placeholder");
        assert_eq!(created["subscriber"]["address"]["state"], "MA");
        assert_eq!(created["patient_id"].as_str(), policies.split('/').nth(2));
        let path = format!("{policies}/{}", created["id"].as_str().unwrap());
        assert_eq!(expect_status(app.get(&path, &app.admin_token).await, StatusCode::OK).await, created);

        let own = create_as(&app, &app.admin_token, &policies, &policy_body(&payer, "secondary")).await;
        assert_eq!((&own["relationship"], &own["subscriber"]), (&json!("self"), &json!(null)));
        let page = expect_status(app.get(&policies, &app.admin_token).await, StatusCode::OK).await;
        let priorities: Vec<&Value> = page["items"].as_array().unwrap().iter().map(|p| &p["priority"]).collect();
        assert_eq!(priorities, [&json!("primary"), &json!("secondary")]);
    }
}

api_test! {
    async fn a_patient_has_one_active_policy_per_priority(app) {
        let (policies, payer) = patient_and_payer(&app).await;
        let first = create_id(&app, &policies, &policy_body(&payer, "primary")).await;
        let second = app.post(&policies, &app.admin_token, &policy_body(&payer, "primary")).await;
        assert_eq!(conflict_code(second).await, "priority_taken");
        let secondary = create_id(&app, &policies, &policy_body(&payer, "secondary")).await;

        let promote = policy_body(&payer, "primary");
        let refused = app.put(&format!("{policies}/{secondary}"), &app.admin_token, &promote, Some(1)).await;
        assert_eq!(conflict_code(refused).await, "priority_taken");
        let unchanged = expect_status(app.get(&format!("{policies}/{secondary}"), &app.admin_token).await, StatusCode::OK).await;
        assert_eq!((&unchanged["priority"], &unchanged["version"]), (&json!("secondary"), &json!(1)));

        deactivate(&app, &format!("{policies}/{first}")).await;
        create_id(&app, &policies, &policy_body(&payer, "primary")).await;
        assert_eq!((total(&app, &policies).await, total(&app, &format!("{policies}?active=true")).await), (3, 2));
    }
}

api_test! {
    async fn concurrent_primary_policies_for_one_patient_create_exactly_one(app) {
        let (policies, payer) = patient_and_payer(&app).await;
        let body = policy_body(&payer, "primary");
        let requests = (0..10).map(|_| app.post(&policies, &app.admin_token, &body));
        let mut created = 0;
        for response in futures_util::future::join_all(requests).await {
            if response.status() == StatusCode::CREATED {
                created += 1;
            } else {
                assert_eq!(conflict_code(response).await, "priority_taken");
            }
        }
        assert_eq!(created, 1);
        assert_eq!(total(&app, &policies).await, 1);
    }
}

api_test! {
    async fn a_policy_is_reached_only_through_its_own_patient(app) {
        let (mine, payer) = patient_and_payer(&app).await;
        let id = create_id(&app, &mine, &policy_body(&payer, "primary")).await;
        let other = create_id(&app, "/patients", &patient_body("Quillon", "Sample")).await;
        let theirs = format!("/patients/{other}/policies/{id}");
        expect_problem(app.get(&theirs, &app.admin_token).await, StatusCode::NOT_FOUND).await;
        let renamed = with(policy_body(&payer, "primary"), "member_id", json!("STOLEN-1"));
        expect_problem(app.put(&theirs, &app.admin_token, &renamed, Some(1)).await, StatusCode::NOT_FOUND).await;
        expect_problem(app.post(&format!("{theirs}/deactivate"), &app.admin_token, &json!({})).await, StatusCode::NOT_FOUND).await;
        assert_eq!(total(&app, &format!("/patients/{other}/policies")).await, 0);
        let still = expect_status(app.get(&format!("{mine}/{id}"), &app.admin_token).await, StatusCode::OK).await;
        assert_eq!((&still["version"], &still["active"], &still["member_id"]), (&json!(1), &json!(true), &json!("XYZ-123456789")));

        let nobody = format!("/patients/{}/policies", uuid::Uuid::now_v7());
        expect_problem(app.get(&nobody, &app.admin_token).await, StatusCode::NOT_FOUND).await;
        expect_problem(app.post(&nobody, &app.admin_token, &policy_body(&payer, "primary")).await, StatusCode::NOT_FOUND).await;
    }
}

api_test! {
    async fn a_policy_is_replaced_only_at_its_current_version(app) {
        let (policies, payer) = patient_and_payer(&app).await;
        let body = dependent_policy_body(&payer, "primary");
        let path = format!("{policies}/{}", create_id(&app, &policies, &body).await);
        check_versioned_replace(&app, &path, &body, "member_id", ["MEM-2", "MEM-3", "LOST-1"]).await;
    }
}

api_test! {
    async fn a_deactivated_payer_may_stay_on_a_policy_but_not_be_newly_chosen(app) {
        let (policies, payer) = patient_and_payer(&app).await;
        let body = policy_body(&payer, "primary");
        let path = format!("{policies}/{}", create_id(&app, &policies, &body).await);
        deactivate(&app, &format!("/payers/{payer}")).await;
        let kept = with(body.clone(), "member_id", json!("MEM-2"));
        expect_status(app.put(&path, &app.admin_token, &kept, Some(1)).await, StatusCode::OK).await;

        let retired = create_id(&app, "/payers", &payer_body("Retired Sample Plan", "RT01")).await;
        deactivate(&app, &format!("/payers/{retired}")).await;
        let moved = with(body, "payer_id", json!(retired));
        let problem = expect_problem(app.put(&path, &app.admin_token, &moved, Some(2)).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(invalid_fields(&problem), ["payer_id"]);
        let now = expect_status(app.get(&path, &app.admin_token).await, StatusCode::OK).await;
        assert_eq!((&now["payer_id"], &now["version"]), (&json!(payer), &json!(2)));
    }
}

api_test! {
    async fn a_deactivated_policy_stays_readable_but_leaves_the_active_list(app) {
        let (policies, payer) = patient_and_payer(&app).await;
        create_id(&app, &policies, &policy_body(&payer, "primary")).await;
        let id = create_id(&app, &policies, &policy_body(&payer, "secondary")).await;
        check_deactivation(&app, &policies, &format!("{policies}/{id}")).await;
    }
}

api_test! {
    async fn a_biller_adds_policies_and_a_lab_tech_never_sees_them(app) {
        let (policies, payer) = patient_and_payer(&app).await;
        let biller = app.token_for("biller").await;
        let created = create_as(&app, &biller, &policies, &policy_body(&payer, "primary")).await;
        let path = format!("{policies}/{}", created["id"].as_str().unwrap());
        let patient = expect_problem(app.post("/patients", &biller, &patient_body("Quillon", "Sample")).await, StatusCode::FORBIDDEN).await;
        assert_eq!(patient["code"], "forbidden");

        let lab_tech = app.token_for("lab_tech").await;
        expect_status(app.get(&policies.replace("/policies", ""), &lab_tech).await, StatusCode::OK).await;
        expect_problem(app.get(&policies, &lab_tech).await, StatusCode::FORBIDDEN).await;
        expect_problem(app.get(&path, &lab_tech).await, StatusCode::FORBIDDEN).await;
        expect_problem(app.post(&policies, &lab_tech, &policy_body(&payer, "secondary")).await, StatusCode::FORBIDDEN).await;

        let coder = app.token_for("coder").await;
        expect_status(app.get(&path, &coder).await, StatusCode::OK).await;
        expect_problem(app.post(&policies, &coder, &policy_body(&payer, "secondary")).await, StatusCode::FORBIDDEN).await;
        assert_eq!(total(&app, &policies).await, 1);
        assert_eq!(total(&app, "/patients").await, 1);
    }
}

/// Sends a GET as `token`; returns the status and the request id the server gave it.
async fn read(app: &TestApp, path: &str, token: &str) -> (StatusCode, String) {
    let response = app.get(path, token).await;
    let request_id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    (response.status(), request_id)
}

api_test! {
    async fn reads_of_patient_data_are_audited_without_naming_the_patient(app) {
        let (policies, payer) = patient_and_payer(&app).await;
        let patient = policies.split('/').nth(2).unwrap().to_owned();
        let policy = create_id(&app, &policies, &dependent_policy_body(&payer, "primary")).await;
        let reader = app.token_for("front_desk").await;
        let me = expect_status(app.get("/auth/me", &reader).await, StatusCode::OK).await;

        let mut expected = Vec::new();
        for (path, action, kind, id) in [
            (format!("/patients/{patient}"), "read", "patient", &patient),
            ("/patients?name=quillf".to_owned(), "search", "patient", &patient),
            (policies.clone(), "read", "insurance_policy", &policy),
            (format!("{policies}/{policy}"), "read", "insurance_policy", &policy),
        ] {
            let (status, request_id) = read(&app, &path, &reader).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            expected.push(json!([action, kind, id, request_id, me["username"], patient]));
        }
        let unknown = uuid::Uuid::now_v7();
        for path in [format!("/patients/{unknown}"), format!("{policies}/{unknown}"), format!("/patients/{unknown}/policies")] {
            assert_eq!(read(&app, &path, &reader).await.0, StatusCode::NOT_FOUND, "{path}");
        }
        assert_eq!(read(&app, "/patients?name=nobodyhere", &reader).await.0, StatusCode::OK);

        let patient_row = expect_status(app.get(&format!("/patients/{patient}"), &app.admin_token).await, StatusCode::OK).await;
        let trail = expect_status(app.get(&format!("/audit?patient_id={patient}"), &app.admin_token).await, StatusCode::OK).await;
        assert_eq!(trail["total"], 7, "2 creations, 4 reads by the reader, then the admin's read");
        let by_reader: Vec<Value> = trail["items"].as_array().unwrap().iter()
            .filter(|e| e["actor_id"] == me["id"])
            .map(|e| json!([e["action"], e["resource_type"], e["resource_id"], e["request_id"], e["actor"], e["patient_id"]]))
            .collect();
        assert_eq!(by_reader, expected, "one event per read, in order");
        let everything_by_reader = format!("/audit?actor_id={}", me["id"].as_str().unwrap());
        assert_eq!(total(&app, &everything_by_reader).await, 4, "nothing for a 404 or an empty search");
        for event in trail["items"].as_array().unwrap() {
            let text = event.to_string();
            for secret in ["Quillfeather", "Marigold", "1984-02-29", patient_row["mrn"].as_str().unwrap()] {
                assert!(!text.contains(secret), "{secret} leaked into {text}");
            }
        }
    }
}
