//! Claims over HTTP: built from ready encounters into snapshots (each loop when it applies), refusals
//! that name the field and write nothing, claim numbers unique across instances, corrections as new
//! versions with earlier ones immutable, the lifecycle's manual moves, events and roles.

use backoffice::claims::{Status, store};
use backoffice::db::schema::claim_versions;
use diesel::prelude::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::api_test;
use crate::claims_support::*;
use crate::coding_support::*;
use crate::fixtures::{
    create_id, dependent_policy_body, location_body, patient_body, practice_body, provider_body,
    with, without,
};
use crate::helpers::{TestApp, expect_problem, expect_status, invalid_fields};

fn ids(items: &[Value], key: &str) -> Vec<String> {
    items
        .iter()
        .map(|i| i[key].as_str().unwrap().to_owned())
        .collect()
}

async fn event_kinds(app: &TestApp, claim: &Value) -> Vec<(String, Value)> {
    let path = format!("/claims/{}/events", claim["id"].as_str().unwrap());
    let events = expect_status(app.get(&path, &app.admin_token).await, StatusCode::OK).await;
    events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap().to_owned(),
                e["to_status"].clone(),
            )
        })
        .collect()
}

api_test! {
    async fn a_claim_built_from_a_ready_encounter_snapshots_it_and_bills_the_encounter(app) {
        import_code_sets(&app);
        billing_practice(&app).await;
        let d = desk(&app).await;
        let encounter = ready_encounter(&app, &encounter_body(&d)).await;
        let response = build(&app, &encounter).await;
        assert_eq!(response.headers()["etag"], "\"1\"");
        let claim = expect_status(response, StatusCode::CREATED).await;
        let number = claim["claim_number"].as_str().unwrap().to_owned();
        assert!(number.len() == 10 && number.starts_with('C') && number[1..].bytes().all(|b| b.is_ascii_digit()), "{number}");
        assert_eq!((claim["status"].as_str(), claim["current_version"].as_i64()), (Some("ready"), Some(1)));
        assert_eq!((&claim["policy_id"], &claim["payer_id"], &claim["patient_id"]), (&json!(d.policy), &json!(d.payer), &json!(d.patient)));
        assert_eq!(claim["status_reasons"], json!([]));
        let s = &claim["snapshot"];
        assert_eq!((&s["billing_provider"]["ein"], &s["billing_provider"]["npi"]), (&json!("123456789"), &json!("1234567893")));
        assert_eq!(s["billing_provider"]["name"]["entity"], "person");
        assert_eq!(s["billing_provider"]["address"]["line1"], "100 Sample Way");
        assert_eq!((&s["subscriber"]["member_id"], &s["subscriber"]["name"]["last"]), (&json!("XYZ-123456789"), &json!("Samplewoman")));
        assert_eq!((&s["subscriber"]["responsibility"], &s["subscriber"]["claim_filing_indicator"]), (&json!("primary"), &json!("CI")));
        assert_eq!((&s["payer"]["payer_id"], &s["patient"]), (&json!("EXH01"), &Value::Null), "the patient is the subscriber");
        assert_eq!((&s["rendering_provider"], &s["service_facility"]), (&Value::Null, &Value::Null));
        let c = &s["claim"];
        assert_eq!((&c["claim_number"], &c["frequency"], &c["total_charge"]), (&json!(number), &json!("original"), &json!("162.00")));
        assert_eq!((&c["diagnoses"], &c["clia_number"]), (&json!(["E119", "I10"]), &json!(CLIA)), "80053 is a lab test");
        assert_eq!(c["consents"], json!({"provider_signature_on_file": true, "assignment": "A", "benefits_assigned": "Y", "release_of_information": "Y"}));
        let line_ids: Vec<&Value> = c["lines"].as_array().unwrap().iter().map(|l| &l["line_id"]).collect();
        let encounter_line_ids: Vec<&Value> = encounter["lines"].as_array().unwrap().iter().map(|l| &l["id"]).collect();
        assert_eq!(line_ids, encounter_line_ids, "REF*6R is the encounter line id");
        assert_eq!((&c["lines"][0]["diagnosis_pointers"], &c["lines"][0]["date_of_service"]), (&json!([1, 2]), &json!(DOS)));
        assert_eq!(claim["versions"].as_array().unwrap().len(), 1);
        assert_eq!((&claim["versions"][0]["clm01"], &claim["versions"][0]["batched"]), (&json!(number), &json!(false)));
        assert_eq!(encounter_status(&app, &encounter).await, "billed");

        let path = format!("/claims/{}", claim["id"].as_str().unwrap());
        assert_eq!(expect_status(app.get(&path, &app.admin_token).await, StatusCode::OK).await, claim);
        let v1 = expect_status(app.get(&format!("{path}/versions/1"), &app.admin_token).await, StatusCode::OK).await;
        assert_eq!((&v1["snapshot"], &v1["clm01"]), (s, &json!(number)));
        expect_problem(app.get(&format!("{path}/versions/2"), &app.admin_token).await, StatusCode::NOT_FOUND).await;
        assert_eq!(event_kinds(&app, &claim).await, [("built".to_owned(), json!("ready"))]);
        let audit = expect_status(app.get(&format!("/audit?resource_type=claim&resource_id={}", claim["id"].as_str().unwrap()), &app.admin_token).await, StatusCode::OK).await;
        assert!(audit["items"].as_array().unwrap().iter().all(|e| e["patient_id"] == json!(d.patient)), "{audit}");
    }
}

api_test! {
    async fn dependents_other_renderers_and_branch_locations_get_their_own_loops(app) {
        import_code_sets(&app);
        billing_practice(&app).await;
        let d = desk(&app).await;
        let renderer = create_id(&app, "/providers", &with(provider_body("1245319599"), "last_name", json!("Otherdoc"))).await;
        let branch = create_id(&app, "/locations", &with(location_body("Branch", "11"), "address.line1", json!("9 Branch St"))).await;
        let policy = create_id(&app, &format!("/patients/{}/policies", d.patient), &dependent_policy_body(&d.payer, "secondary")).await;
        let body = with(with(with(encounter_body(&d), "rendering_provider_id", json!(renderer)), "location_id", json!(branch)), "policy_id", json!(policy));
        let encounter = ready_encounter(&app, &body).await;
        let claim = built(&app, &encounter).await;
        let s = &claim["snapshot"];
        assert_eq!((&s["patient"]["relationship"], &s["patient"]["name"]["last"]), (&json!("19"), &json!("Samplewoman")));
        assert_eq!((&s["subscriber"]["name"]["last"], &s["subscriber"]["date_of_birth"]), (&json!("Placeholder"), &json!("1970-06-15")));
        assert_eq!(s["subscriber"]["responsibility"], "secondary");
        assert_eq!((&s["rendering_provider"]["npi"], &s["billing_provider"]["npi"]), (&json!("1245319599"), &json!("1234567893")));
        assert_eq!((&s["service_facility"]["name"], &s["service_facility"]["address"]["line1"]), (&json!("Branch"), &json!("9 Branch St")));
    }
}

api_test! {
    async fn refusals_name_the_field_and_leave_the_encounter_ready(app) {
        import_code_sets(&app);
        let d = desk(&app).await;
        let other = another_patient(&app, &d, patient_body("Otherperson", "Sample")).await;
        let open_one = open(&app, &encounter_body(&d)).await;
        let problem = expect_problem(build(&app, &open_one).await, StatusCode::CONFLICT).await;
        assert_eq!((&problem["code"], &problem["encounter_status"]), (&json!("encounter_not_ready"), &json!("open")));

        let encounter = ready_encounter(&app, &encounter_body(&d)).await;
        let problem = expect_problem(build(&app, &encounter).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(invalid_fields(&problem), ["practice.tax_id", "practice.address", "practice.clia_number"], "no practice settings yet");
        let no_ein = without(with(practice_body(), "clia_number", json!(CLIA)), "tax_id");
        expect_status(app.put("/practice", &app.admin_token, &no_ein, None).await, StatusCode::CREATED).await;
        let problem = expect_problem(build(&app, &encounter).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(invalid_fields(&problem), ["practice.tax_id"]);
        expect_status(app.put("/practice", &app.admin_token, &practice_body(), Some(1)).await, StatusCode::OK).await;
        let problem = expect_problem(build(&app, &encounter).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(invalid_fields(&problem), ["practice.clia_number"], "80053 needs a CLIA number");
        let body = json!({"encounter_id": encounter["id"], "policy_id": other.policy});
        let problem = expect_problem(app.post("/claims", &app.admin_token, &body).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(invalid_fields(&problem), ["policy_id"]);
        for (body, field) in [
            (json!({"encounter_id": uuid::Uuid::now_v7().to_string()}), "encounter_id"),
            (json!({"encounter_id": "E-1"}), "encounter_id"),
            (json!({"encounter_id": encounter["id"], "prior_authorization": "PA*1"}), "prior_authorization"),
            (json!({"encounter_id": encounter["id"], "consents": {"assignment": "Z"}}), "consents.assignment"),
            (json!({"encounter_id": encounter["id"], "colour": "red"}), "colour"),
        ] {
            let problem = expect_problem(app.post("/claims", &app.admin_token, &body).await, StatusCode::UNPROCESSABLE_ENTITY).await;
            assert_eq!(invalid_fields(&problem), [field], "{body}");
        }
        assert!(listed(&app, "").await.is_empty(), "nothing half-written");
        assert_eq!(encounter_status(&app, &encounter).await, "ready");

        let with_clia = with(practice_body(), "clia_number", json!(CLIA));
        expect_status(app.put("/practice", &app.admin_token, &with_clia, Some(2)).await, StatusCode::OK).await;
        let claim = built(&app, &encounter).await;
        let problem = expect_problem(build(&app, &encounter).await, StatusCode::CONFLICT).await;
        assert_eq!((&problem["code"], &problem["claim_id"]), (&json!("claim_exists"), &claim["id"]));
        assert_eq!(listed(&app, "").await.len(), 1);
    }
}

api_test! {
    async fn claim_numbers_stay_unique_when_twenty_are_built_at_once_on_two_instances(app) {
        import_code_sets(&app);
        billing_practice(&app).await;
        let d = desk(&app).await;
        let mut encounters = Vec::new();
        for _ in 0..20 {
            encounters.push(ready_encounter(&app, &encounter_body(&d)).await);
        }
        let second = app.spawn_instance().await;
        let builds = encounters.iter().enumerate().map(|(i, e)| {
            let target = if i % 2 == 0 { &app } else { &second };
            build(target, e)
        });
        let responses = futures_util::future::join_all(builds).await;
        let mut numbers = Vec::new();
        for response in responses {
            numbers.push(expect_status(response, StatusCode::CREATED).await["claim_number"].as_str().unwrap().to_owned());
        }
        numbers.sort();
        numbers.dedup();
        assert_eq!(numbers.len(), 20, "{numbers:?}");
        let listed = listed(&app, "?status=ready&per_page=50").await;
        assert_eq!(listed.len(), 20);
    }
}

api_test! {
    async fn a_correction_is_version_2_with_frequency_7_f8_and_a_suffixed_clm01(app) {
        import_code_sets(&app);
        billing_practice(&app).await;
        let d = desk(&app).await;
        let encounter = ready_encounter(&app, &encounter_body(&d)).await;
        let claim = built(&app, &encounter).await;
        let id = claim_id(&claim);
        let path = format!("/claims/{id}");
        let number = claim["claim_number"].as_str().unwrap().to_owned();
        let replacement = json!({"frequency": "replacement", "payer_claim_number": "ICN-2026-0001", "reason": "units were wrong"});
        let problem = expect_problem(app.post(&format!("{path}/corrections"), &app.admin_token, &replacement).await, StatusCode::CONFLICT).await;
        assert_eq!((&problem["code"], &problem["current_state"]), (&json!("action_not_allowed"), &json!("ready")), "not sent yet");

        move_as_service(&app, &id, &[Status::Sent, Status::Accepted]);
        let bad = json!({"frequency": "replacement", "reason": "units were wrong"});
        let problem = expect_problem(app.post(&format!("{path}/corrections"), &app.admin_token, &bad).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(invalid_fields(&problem), ["payer_claim_number"]);
        let original = json!({"frequency": "original", "reason": "resend"});
        let problem = expect_problem(app.post(&format!("{path}/corrections"), &app.admin_token, &original).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(invalid_fields(&problem), ["frequency"], "the payer has it: only 7 or 8");

        let mut fixed = replacement.clone();
        let kept = claim["snapshot"]["claim"]["lines"][0]["line_id"].clone();
        fixed["lines"] = json!([{"id": kept, "code": "99213", "charge": "100.00", "diagnosis_pointers": [1, 2]}]);
        let corrected = expect_status(app.post(&format!("{path}/corrections"), &app.admin_token, &fixed).await, StatusCode::CREATED).await;
        assert_eq!((corrected["status"].as_str(), corrected["current_version"].as_i64()), (Some("ready"), Some(2)));
        let c = &corrected["snapshot"]["claim"];
        assert_eq!((&c["claim_number"], &c["version"], &c["frequency"]), (&json!(format!("{number}-2")), &json!(2), &json!("replacement")));
        assert_eq!((&c["payer_claim_number"], &c["total_charge"]), (&json!("ICN-2026-0001"), &json!("100.00")));
        assert_eq!(c["lines"][0]["line_id"], kept);
        let versions = corrected["versions"].as_array().unwrap();
        assert_eq!(ids(versions, "clm01"), [number.clone(), format!("{number}-2")]);
        assert_eq!((&versions[0]["batched"], &versions[1]["batched"]), (&json!(true), &json!(false)));
        let v1 = expect_status(app.get(&format!("{path}/versions/1"), &app.admin_token).await, StatusCode::OK).await;
        assert_eq!(v1["snapshot"], claim["snapshot"], "version 1 is as it was sent");
        let kinds: Vec<String> = event_kinds(&app, &claim).await.into_iter().map(|(k, _)| k).collect();
        assert_eq!(kinds, ["built", "status", "status", "status", "corrected"]);

        // The batched version cannot change, through the store or behind its back; the new one can.
        let mut conn = app.db();
        let mut altered: backoffice::claims::snapshot::ClaimSnapshot = serde_json::from_value(claim["snapshot"].clone()).unwrap();
        altered.claim.prior_authorization = Some("PA-1".into());
        assert!(!store::replace_unbatched_snapshot(&mut conn, &id, 1, &altered).unwrap());
        let behind = diesel::update(claim_versions::table.find((id.as_str(), 1)))
            .set(claim_versions::snapshot.eq("{}"))
            .execute(&mut conn);
        assert!(behind.is_err(), "the database refuses it too");
        assert!(diesel::delete(claim_versions::table.find((id.as_str(), 1))).execute(&mut conn).is_err());
        assert!(store::replace_unbatched_snapshot(&mut conn, &id, 2, &altered).unwrap());
        let v1_again = expect_status(app.get(&format!("{path}/versions/1"), &app.admin_token).await, StatusCode::OK).await;
        assert_eq!(v1_again, v1);
    }
}

api_test! {
    async fn billers_move_claims_only_where_the_lifecycle_lets_them(app) {
        import_code_sets(&app);
        billing_practice(&app).await;
        let d = desk(&app).await;
        let claim = built(&app, &ready_encounter(&app, &encounter_body(&d)).await).await;
        let id = claim_id(&claim);
        let status = |to: &str| json!({"status": to, "reason": "checking"});
        let path = format!("/claims/{id}/status");
        let held = expect_status(app.post(&path, &app.admin_token, &status("draft")).await, StatusCode::OK).await;
        assert_eq!((held["status"].as_str(), held["version"].as_i64()), (Some("draft"), Some(2)));
        for to in ["sent", "closed", "paid"] {
            let problem = expect_problem(app.post(&path, &app.admin_token, &status(to)).await, StatusCode::CONFLICT).await;
            assert_eq!((&problem["current_state"], &problem["allowed_actions"]), (&json!("draft"), &json!(["ready"])), "{to}");
        }
        let problem = expect_problem(app.post(&path, &app.admin_token, &status("lost")).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(invalid_fields(&problem), ["status"]);
        expect_status(app.post(&path, &app.admin_token, &status("ready")).await, StatusCode::OK).await;
        let problem = expect_problem(app.post(&path, &app.admin_token, &status("batched")).await, StatusCode::CONFLICT).await;
        assert_eq!(problem["allowed_actions"], json!(["draft"]), "batching is the service's");

        move_as_service(&app, &id, &[Status::Sent, Status::Rejected]);
        let queue = listed(&app, "?status=rejected").await;
        assert_eq!(ids(&queue, "id"), [id.to_string()]);
        assert!(listed(&app, "?status=ready").await.is_empty());
        let closed = expect_status(app.post(&path, &app.admin_token, &status("closed")).await, StatusCode::OK).await;
        assert_eq!(closed["status"], "closed");
        let problem = expect_problem(app.post(&path, &app.admin_token, &status("ready")).await, StatusCode::CONFLICT).await;
        assert_eq!(problem["allowed_actions"], json!([]));
        let events = event_kinds(&app, &claim).await;
        let to: Vec<&str> = events.iter().map(|(_, to)| to.as_str().unwrap()).collect();
        assert_eq!(to, ["ready", "draft", "ready", "batched", "sent", "rejected", "closed"]);
        let problem = expect_problem(app.get("/claims?status=lost", &app.admin_token).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(invalid_fields(&problem), ["status"]);
    }
}

api_test! {
    async fn billers_build_coders_and_accountants_read_and_the_front_desk_and_bench_see_nothing(app) {
        import_code_sets(&app);
        billing_practice(&app).await;
        let d = desk(&app).await;
        let first = ready_encounter(&app, &encounter_body(&d)).await;
        let second = ready_encounter(&app, &encounter_body(&d)).await;
        let biller = app.token_for("biller").await;
        let body = json!({"encounter_id": first["id"]});
        let claim = expect_status(app.post("/claims", &biller, &body).await, StatusCode::CREATED).await;
        let path = format!("/claims/{}", claim["id"].as_str().unwrap());
        for role in ["coder", "accountant"] {
            let token = app.token_for(role).await;
            expect_status(app.get(&path, &token).await, StatusCode::OK).await;
            expect_status(app.get(&format!("{path}/events"), &token).await, StatusCode::OK).await;
            let body = json!({"encounter_id": second["id"]});
            expect_problem(app.post("/claims", &token, &body).await, StatusCode::FORBIDDEN).await;
            expect_problem(app.post(&format!("{path}/status"), &token, &json!({"status": "draft"})).await, StatusCode::FORBIDDEN).await;
        }
        for role in ["front_desk", "lab_tech"] {
            let token = app.token_for(role).await;
            expect_problem(app.get(&path, &token).await, StatusCode::FORBIDDEN).await;
            expect_problem(app.get("/claims", &token).await, StatusCode::FORBIDDEN).await;
        }
        assert_eq!(encounter_status(&app, &second).await, "ready");
    }
}

api_test! {
    async fn trading_partners_route_each_payer_once_and_hand_their_ready_claims_to_batches(app) {
        import_code_sets(&app);
        billing_practice(&app).await;
        let d = desk(&app).await;
        let created = expect_status(app.post("/trading-partners", &app.admin_token, &partner_body(&[&d.payer])).await, StatusCode::CREATED).await;
        assert_eq!((&created["isa01_qualifier"], &created["isa02_authorization"], &created["submitter_contact_phone"]), (&json!("00"), &json!(""), &json!("5552345678")));
        assert_eq!((&created["payer_ids"], &created["version"]), (&json!([d.payer]), &json!(1)));
        let problem = expect_problem(app.post("/trading-partners", &app.admin_token, &partner_body(&[&d.payer])).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(invalid_fields(&problem), ["payer_ids[0]"], "a payer routes through one partner");
        let unknown = uuid::Uuid::now_v7().to_string();
        for (body, field) in [
            (partner_body(&[&unknown]), "payer_ids[0]"),
            (with(partner_body(&[]), "sender_id", json!("S".repeat(16))), "sender_id"),
            (with(partner_body(&[]), "gs03_receiver_code", json!("EX*CH")), "gs03_receiver_code"),
            (with(partner_body(&[]), "usage_indicator", json!("X")), "usage_indicator"),
            (with(partner_body(&[]), "receiver_qualifier", json!("Z")), "receiver_qualifier"),
            (with(partner_body(&[]), "submitter_contact_phone", json!("12")), "submitter_contact_phone"),
        ] {
            let problem = expect_problem(app.post("/trading-partners", &app.admin_token, &body).await, StatusCode::UNPROCESSABLE_ENTITY).await;
            assert_eq!(invalid_fields(&problem), [field], "{body}");
        }
        let path = format!("/trading-partners/{}", created["id"].as_str().unwrap());
        let renamed = with(partner_body(&[&d.payer]), "usage_indicator", json!("P"));
        let replaced = expect_status(app.put(&path, &app.admin_token, &renamed, Some(1)).await, StatusCode::OK).await;
        assert_eq!((&replaced["usage_indicator"], &replaced["version"]), (&json!("P"), &json!(2)));
        expect_problem(app.put(&path, &app.admin_token, &renamed, Some(1)).await, StatusCode::PRECONDITION_FAILED).await;
        let page = expect_status(app.get("/trading-partners", &app.admin_token).await, StatusCode::OK).await;
        assert_eq!(page["total"], 1);
        let coder = app.token_for("coder").await;
        expect_status(app.get(&path, &coder).await, StatusCode::OK).await;
        expect_problem(app.put(&path, &coder, &renamed, Some(2)).await, StatusCode::FORBIDDEN).await;

        let claim = built(&app, &ready_encounter(&app, &encounter_body(&d)).await).await;
        let partner = backoffice::db::ids::TradingPartnerId::parse(created["id"].as_str().unwrap()).unwrap();
        let ready = backoffice::claims::ready_for_partner(&mut app.db(), &partner).unwrap();
        assert_eq!(ready.iter().map(|r| r.id.to_string()).collect::<Vec<_>>(), [claim["id"].as_str().unwrap()]);
        assert_eq!(ready[0].clm01, claim["claim_number"].as_str().unwrap());
        move_as_service(&app, &claim_id(&claim), &[]);
        assert!(backoffice::claims::ready_for_partner(&mut app.db(), &partner).unwrap().is_empty());
    }
}
