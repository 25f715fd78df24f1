//! Lab orders, the specimen lifecycle over HTTP, aliquots, the timeline, lists and FHIR.

use std::collections::HashSet;

use backoffice::specimens::accession::Accession;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::api_test;
use crate::bench::{
    act, collected_specimen, event_kinds, events, order_body, patient_and_provider, single_order,
    specimen,
};
use crate::fixtures::{create_as, expect_each_refused, total, with, without};
use crate::helpers::{TestApp, expect_problem, expect_status, invalid_fields};

fn str_of<'a>(v: &'a Value, field: &str) -> &'a str {
    v[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} in {v}"))
}

api_test! {
    async fn an_order_creates_one_specimen_per_distinct_container(app) {
        let (patient, provider) = patient_and_provider(&app).await;
        let front = app.token_for("front_desk").await;
        let order = create_as(&app, &front, "/lab-orders", &order_body(&patient, &provider)).await;
        assert_eq!((str_of(&order, "status"), str_of(&order, "priority")), ("active", "stat"));
        assert_eq!(order["tests"].as_array().unwrap().len(), 3);
        let specimens = order["specimens"].as_array().unwrap();
        assert_eq!(specimens.len(), 2, "SST and LAV_EDTA: {order}");
        let sst = specimens.iter().find(|s| s["container_type"] == "SST").unwrap();
        assert_eq!(sst["test_codes"], json!(["80048", "84443"]));
        assert_eq!(sst["required_volume_ul"], 1500);
        assert_eq!(sst["status"], "ordered");
        assert_eq!(sst["allowed_actions"], json!(["collect", "cancel"]));
        for s in specimens {
            let accession = str_of(s, "accession");
            assert!(Accession::parse(accession).is_ok(), "{accession}");
            assert!(accession.starts_with(&format!("S{}-", chrono::Utc::now().format("%y"))));
            assert_eq!(event_kinds(&app, str_of(s, "id")).await, ["created"]);
        }
        let id = str_of(&order, "id");
        let read = expect_status(app.get(&format!("/lab-orders/{id}"), &front).await, StatusCode::OK).await;
        assert_eq!(read["specimens"], order["specimens"]);
        let audit = app.get(&format!("/audit?patient_id={patient}&resource_type=lab_order"), &app.admin_token).await;
        let actions: Vec<Value> = expect_status(audit, StatusCode::OK).await["items"]
            .as_array().unwrap().iter().map(|e| e["action"].clone()).collect();
        assert_eq!(actions, [json!("create"), json!("read")]);
    }
}

api_test! {
    async fn invalid_orders_are_refused_naming_the_field(app) {
        let (patient, provider) = patient_and_provider(&app).await;
        let good = order_body(&patient, &provider);
        let test = |code: &str, container: &str, volume: i64| {
            json!([{"code": code, "container_type": container, "min_volume_ul": volume}])
        };
        let unknown = uuid::Uuid::now_v7().to_string();
        let cases = [
            (with(good.clone(), "tests", test("8502", "SST", 100)), "tests[0].code"),
            (with(good.clone(), "tests", test("W1234", "SST", 100)), "tests[0].code"),
            (with(good.clone(), "tests", test("85025", "NO_SUCH_TUBE", 100)), "tests[0].container_type"),
            (with(good.clone(), "tests", test("85025", "SST", 0)), "tests[0].min_volume_ul"),
            (with(good.clone(), "tests", test("85025", "SST", 2_000_000)), "tests[0].min_volume_ul"),
            (with(good.clone(), "tests", json!([])), "tests"),
            (without(good.clone(), "tests"), "tests"),
            (with(good.clone(), "tests", json!([{"code": "85025", "container_type": "SST"}])), "tests[0].min_volume_ul"),
            (with(good.clone(), "tests", json!([
                {"code": "85025", "container_type": "SST", "min_volume_ul": 100},
                {"code": "85025", "container_type": "LAV_EDTA", "min_volume_ul": 100}])), "tests[1].code"),
            (with(good.clone(), "priority", json!("urgent")), "priority"),
            (with(good.clone(), "patient_id", json!("M0000001")), "patient_id"),
            (with(good.clone(), "patient_id", json!(unknown)), "patient_id"),
            (with(good.clone(), "provider_id", json!(unknown)), "provider_id"),
            (with(good.clone(), "encounter_id", json!("visit 7")), "encounter_id"),
            (with(good.clone(), "clinical_note", json!("n".repeat(2001))), "clinical_note"),
            (with(good.clone(), "accession", json!("S26-000001X")), "accession"),
        ];
        expect_each_refused(&app, Method::POST, "/lab-orders", &cases).await;
        assert_eq!(total(&app, "/specimens").await, 0, "nothing was written");
    }
}

api_test! {
    async fn a_specimen_walks_the_whole_lifecycle_with_a_custody_event_per_step(app) {
        let collected = collected_specimen(&app, 5000).await;
        let id = str_of(&collected, "id").to_owned();
        assert_eq!((&collected["status"], &collected["collected_volume_ul"], &collected["remaining_volume_ul"]),
                   (&json!("collected"), &json!(5000), &json!(5000)));
        let bench = crate::bench::station(&app, "Chemistry", "seen").await;
        let steps = [
            json!({"action": "receive", "station_id": bench, "note": "arrived by courier"}),
            json!({"action": "centrifuge", "rpm": 3500, "minutes": 10, "station_id": bench}),
            json!({"action": "start_processing"}),
            json!({"action": "mark_ready"}),
            json!({"action": "start_analysis"}),
            json!({"action": "complete"}),
            json!({"action": "freeze", "temperature_c": -80, "location": "Freezer B, rack 3"}),
            json!({"action": "store", "location": "Freezer B, rack 4"}),
            json!({"action": "move", "location": "Archive freezer 1"}),
            json!({"action": "dispose", "note": "retention period over"}),
        ];
        for step in steps {
            act(&app, &id, step, StatusCode::OK).await;
        }
        let journey = events(&app, &id).await;
        let kinds: Vec<&str> = journey.iter().map(|e| e["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["created", "collect", "receive", "centrifuge", "start_processing", "mark_ready",
                           "start_analysis", "complete", "freeze", "store", "move", "dispose"]);
        let seqs: Vec<i64> = journey.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
        assert_eq!(seqs, (1..=12).collect::<Vec<_>>());
        assert_eq!((&journey[2]["from_status"], &journey[2]["to_status"]), (&json!("collected"), &json!("received")));
        assert_eq!((&journey[2]["station_id"], &journey[2]["note"]), (&json!(bench), &json!("arrived by courier")));
        assert_eq!(journey[3]["detail"], json!({"rpm": 3500, "minutes": 10}));
        assert_eq!((&journey[3]["from_status"], &journey[3]["to_status"]), (&json!("received"), &Value::Null));
        assert!(journey.iter().all(|e| e["actor"] == "admin" && e["occurred_at"].is_string()));
        let done = specimen(&app, &id).await;
        assert_eq!((&done["status"], &done["location"]), (&json!("disposed"), &json!("Archive freezer 1")));
        assert_eq!(done["allowed_actions"], json!([]));
    }
}

api_test! {
    async fn a_disallowed_action_is_409_naming_the_state_and_the_allowed_actions(app) {
        let (patient, provider) = patient_and_provider(&app).await;
        let order = single_order(&app, &patient, &provider, "SST").await;
        let id = str_of(&order["specimens"][0], "id").to_owned();
        for action in ["receive", "complete", "dispose", "reject", "centrifuge"] {
            let mut body = json!({"action": action});
            if action == "reject" { body["reason"] = json!("clotted"); }
            if action == "centrifuge" { body["rpm"] = json!(3000); body["minutes"] = json!(5); }
            let response = app.post(&format!("/specimens/{id}/actions"), &app.admin_token, &body).await;
            let problem = expect_problem(response, StatusCode::CONFLICT).await;
            assert_eq!(problem["code"], "action_not_allowed");
            assert_eq!(problem["current_state"], "ordered");
            assert_eq!(problem["allowed_actions"], json!(["collect", "cancel"]), "{problem}");
            assert!(str_of(&problem, "detail").contains(action));
        }
        assert_eq!(event_kinds(&app, &id).await, ["created"], "refusals record nothing");
    }
}

api_test! {
    async fn invalid_actions_are_refused_naming_the_field(app) {
        let collected = collected_specimen(&app, 2000).await;
        let path = format!("/specimens/{}/actions", str_of(&collected, "id"));
        let future = (chrono::Utc::now() + chrono::Duration::hours(2)).to_rfc3339();
        let cases = [
            (json!({"action": "teleport"}), "action"),
            (json!({}), "action"),
            (json!({"action": "aliquot"}), "action"),
            (json!({"action": "reject"}), "reason"),
            (json!({"action": "reject", "reason": "smelly"}), "reason"),
            (json!({"action": "reject", "reason": "other"}), "note"),
            (json!({"action": "centrifuge", "rpm": 50, "minutes": 10}), "rpm"),
            (json!({"action": "centrifuge", "rpm": 3000, "minutes": 0}), "minutes"),
            (json!({"action": "move"}), "location"),
            (json!({"action": "receive", "rpm": 3000}), "rpm"),
            (json!({"action": "receive", "station_id": "bench 1"}), "station_id"),
            (json!({"action": "receive", "station_id": uuid::Uuid::now_v7().to_string()}), "station_id"),
            (json!({"action": "collect", "volume_ul": 100, "collected_at": future}), "collected_at"),
            (json!({"action": "receive", "colour": "red"}), "colour"),
        ];
        expect_each_refused(&app, Method::POST, &path, &cases).await;
    }
}

api_test! {
    async fn a_rejection_needs_a_coded_reason_and_can_order_a_recollection(app) {
        let collected = collected_specimen(&app, 3000).await;
        let id = str_of(&collected, "id").to_owned();
        let body = json!({"action": "reject", "reason": "hemolyzed", "recollect": true, "note": "pink serum"});
        let rejected = act(&app, &id, body, StatusCode::OK).await;
        assert_eq!(rejected["specimen"]["status"], "rejected");
        assert_eq!(rejected["specimen"]["rejection"], json!({"reason": "hemolyzed", "note": "pink serum"}));
        assert_eq!(rejected["specimen"]["allowed_actions"], json!(["dispose"]));
        let new = &rejected["recollection"];
        assert_eq!((&new["status"], &new["replaces_id"], &new["order_id"], &new["test_codes"]),
                   (&json!("ordered"), &json!(id), &collected["order_id"], &collected["test_codes"]));
        assert_ne!(new["accession"], collected["accession"]);
        assert!(Accession::parse(str_of(new, "accession")).is_ok());
        assert_eq!(rejected["event"]["detail"],
                   json!({"reason": "hemolyzed", "recollect": true, "recollection": new["accession"]}));
        let order = expect_status(app.get(&format!("/lab-orders/{}", str_of(&collected, "order_id")), &app.admin_token).await, StatusCode::OK).await;
        assert_eq!(order["specimens"].as_array().unwrap().len(), 2);
        // Every coded reason is accepted from each state that allows rejection.
        for reason in ["clotted", "quantity_not_sufficient", "unlabelled", "mislabelled", "wrong_container", "exceeded_stability"] {
            let s = collected_specimen(&app, 1000).await;
            let done = act(&app, str_of(&s, "id"), json!({"action": "reject", "reason": reason}), StatusCode::OK).await;
            assert_eq!(done["specimen"]["rejection"]["reason"], reason);
            assert!(done["recollection"].is_null());
        }
    }
}

api_test! {
    async fn an_order_can_be_cancelled_only_while_nothing_is_collected(app) {
        let (patient, provider) = patient_and_provider(&app).await;
        let front = app.token_for("front_desk").await;
        let order = create_as(&app, &front, "/lab-orders", &order_body(&patient, &provider)).await;
        let cancelled = expect_status(app.post(&format!("/lab-orders/{}/cancel", str_of(&order, "id")), &front, &json!({})).await, StatusCode::OK).await;
        assert_eq!(cancelled["status"], "cancelled");
        assert!(cancelled["specimens"].as_array().unwrap().iter().all(|s| s["status"] == "cancelled"));
        let again = app.post(&format!("/lab-orders/{}/cancel", str_of(&order, "id")), &front, &json!({})).await;
        assert_eq!(expect_problem(again, StatusCode::CONFLICT).await["current_state"], "cancelled");

        let order = create_as(&app, &front, "/lab-orders", &order_body(&patient, &provider)).await;
        let first = str_of(&order["specimens"][0], "id");
        act(&app, first, json!({"action": "collect", "volume_ul": 4000}), StatusCode::OK).await;
        let refused = app.post(&format!("/lab-orders/{}/cancel", str_of(&order, "id")), &front, &json!({})).await;
        let problem = expect_problem(refused, StatusCode::CONFLICT).await;
        assert_eq!(problem["code"], "specimens_collected");
        let still = expect_status(app.get(&format!("/lab-orders/{}", str_of(&order, "id")), &front).await, StatusCode::OK).await;
        assert_eq!(still["status"], "active");
        let statuses: HashSet<&str> = still["specimens"].as_array().unwrap().iter().map(|s| s["status"].as_str().unwrap()).collect();
        assert_eq!(statuses, HashSet::from(["collected", "ordered"]), "nothing half-cancelled");
        let missing = app.post(&format!("/lab-orders/{}/cancel", uuid::Uuid::now_v7()), &front, &json!({})).await;
        expect_problem(missing, StatusCode::NOT_FOUND).await;
    }
}

/// A received specimen with `volume_ul` collected.
async fn received(app: &TestApp, volume_ul: i64) -> Value {
    let s = collected_specimen(app, volume_ul).await;
    act(
        app,
        str_of(&s, "id"),
        json!({"action": "receive"}),
        StatusCode::OK,
    )
    .await["specimen"]
        .clone()
}

api_test! {
    async fn aliquots_take_their_volume_from_the_parent_and_are_refused_past_it(app) {
        let parent = received(&app, 5000).await;
        let id = str_of(&parent, "id").to_owned();
        let path = format!("/specimens/{id}/aliquots");
        let body = json!({"volume_ul": 1500, "count": 2, "container_type": "CRYOVIAL", "note": "for send-out"});
        let split = expect_status(app.post(&path, &app.admin_token, &body).await, StatusCode::CREATED).await;
        assert_eq!((&split["parent"]["remaining_volume_ul"], &split["parent"]["aliquot_count"]), (&json!(2000), &json!(2)));
        let aliquots = split["aliquots"].as_array().unwrap();
        let accession = str_of(&parent, "accession");
        for (i, a) in aliquots.iter().enumerate() {
            assert_eq!(a["accession"], format!("{accession}.{}", i + 1));
            assert_eq!((&a["parent_id"], &a["status"], &a["container_type"]), (&json!(id), &json!("received"), &json!("CRYOVIAL")));
            assert_eq!((&a["collected_volume_ul"], &a["remaining_volume_ul"]), (&json!(1500), &json!(1500)));
            assert_eq!((&a["test_codes"], &a["collected_at"]), (&parent["test_codes"], &parent["collected_at"]));
            assert_eq!(event_kinds(&app, str_of(a, "id")).await, ["aliquoted_from"]);
        }
        let too_much = app.post(&path, &app.admin_token, &json!({"volume_ul": 1000, "count": 3})).await;
        let problem = expect_problem(too_much, StatusCode::CONFLICT).await;
        assert_eq!((&problem["code"], &problem["requested"], &problem["remaining"]),
                   (&json!("insufficient_quantity"), &json!(3000), &json!(2000)));
        let child = str_of(&aliquots[0], "id");
        let nested = app.post(&format!("/specimens/{child}/aliquots"), &app.admin_token, &json!({"volume_ul": 100})).await;
        assert_eq!(expect_problem(nested, StatusCode::CONFLICT).await["code"], "aliquot_of_aliquot");
        for (body, field) in [(json!({"volume_ul": 0}), "volume_ul"), (json!({"volume_ul": 10, "count": 0}), "count"),
                              (json!({"volume_ul": 10, "container_type": "BUCKET"}), "container_type")] {
            let problem = expect_problem(app.post(&path, &app.admin_token, &body).await, StatusCode::UNPROCESSABLE_ENTITY).await;
            assert_eq!(invalid_fields(&problem), [field]);
        }
        let rest = expect_status(app.post(&path, &app.admin_token, &json!({"volume_ul": 2000})).await, StatusCode::CREATED).await;
        assert_eq!((&rest["parent"]["remaining_volume_ul"], &rest["aliquots"][0]["accession"]), (&json!(0), &json!(format!("{accession}.3"))));
        let ordered = collected_specimen(&app, 100).await;
        let early = app.post(&format!("/specimens/{}/aliquots", str_of(&ordered, "id")), &app.admin_token, &json!({"volume_ul": 10})).await;
        assert_eq!(expect_problem(early, StatusCode::CONFLICT).await["current_state"], "collected");
        assert_eq!(event_kinds(&app, &id).await, ["created", "collect", "receive", "aliquot", "aliquot"]);
    }
}

api_test! {
    async fn parallel_aliquots_never_take_more_than_the_parent_holds(app) {
        let parent = received(&app, 5000).await;
        let path = format!("/specimens/{}/aliquots", str_of(&parent, "id"));
        let body = json!({"volume_ul": 1000});
        let requests = (0..12).map(|_| app.post(&path, &app.admin_token, &body));
        let mut made = Vec::new();
        for response in futures_util::future::join_all(requests).await {
            match response.status() {
                StatusCode::CREATED => made.push(response.json::<Value>().await.unwrap()["aliquots"][0]["accession"].clone()),
                StatusCode::CONFLICT => {
                    let problem = response.json::<Value>().await.unwrap();
                    assert!(["insufficient_quantity", "concurrent_update"].contains(&problem["code"].as_str().unwrap()), "{problem}");
                }
                other => panic!("unexpected {other}"),
            }
        }
        let after = specimen(&app, str_of(&parent, "id")).await;
        let taken = 5000 - after["remaining_volume_ul"].as_i64().unwrap();
        assert_eq!(taken, made.len() as i64 * 1000);
        assert_eq!(after["aliquot_count"], made.len());
        assert!(!made.is_empty() && after["remaining_volume_ul"].as_i64().unwrap() >= 0);
        assert_eq!(made.iter().collect::<HashSet<_>>().len(), made.len(), "distinct aliquot numbers");
    }
}

api_test! {
    async fn the_list_filters_by_status_station_order_patient_collection_date_and_overdue(app) {
        let (patient, provider) = patient_and_provider(&app).await;
        let urine = single_order(&app, &patient, &provider, "URINE_CUP").await;
        let urine_id = str_of(&urine["specimens"][0], "id").to_owned();
        let three_hours_ago = (chrono::Utc::now() - chrono::Duration::hours(3)).to_rfc3339();
        act(&app, &urine_id, json!({"action": "collect", "volume_ul": 30000, "collected_at": three_hours_ago}), StatusCode::OK).await;
        let blood = single_order(&app, &patient, &provider, "SST").await;
        let blood_id = str_of(&blood["specimens"][0], "id").to_owned();
        act(&app, &blood_id, json!({"action": "collect", "volume_ul": 5000}), StatusCode::OK).await;
        let bench = crate::bench::station(&app, "Reception", "receive").await;
        act(&app, &blood_id, json!({"action": "receive", "station_id": bench}), StatusCode::OK).await;
        let other = collected_specimen(&app, 1000).await;

        let ids = |page: Value| -> Vec<String> {
            page["items"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap().to_owned()).collect()
        };
        let list = |query: String| {
            let app = &app;
            async move { ids(expect_status(app.get(&format!("/specimens?{query}"), &app.admin_token).await, StatusCode::OK).await) }
        };
        assert_eq!(list("overdue=true".into()).await, std::slice::from_ref(&urine_id), "URINE_CUP keeps 2 hours");
        assert_eq!(list("overdue=false".into()).await, [blood_id.clone(), str_of(&other, "id").to_owned()]);
        assert_eq!(list("status=received".into()).await, std::slice::from_ref(&blood_id));
        assert_eq!(list(format!("station_id={bench}")).await, std::slice::from_ref(&blood_id));
        assert_eq!(list(format!("order_id={}", str_of(&urine, "id"))).await, std::slice::from_ref(&urine_id));
        assert_eq!(list(format!("patient_id={patient}")).await, [urine_id.clone(), blood_id.clone()]);
        let today = chrono::Utc::now().date_naive();
        let yesterday = today.pred_opt().unwrap();
        assert_eq!(list(format!("collected_from={today}&collected_to={today}&status=collected")).await.len(), 1 + usize::from(three_hours_ago.starts_with(&today.to_string())));
        assert_eq!(list(format!("collected_to={yesterday}&status=received")).await, Vec::<String>::new());

        // Administrators set the window per container type: 5 hours makes the urine timely again.
        let cup = expect_status(app.get("/container-types/URINE_CUP", &app.admin_token).await, StatusCode::OK).await;
        let edit = json!({"name": cup["name"], "stability_hours": 5, "version": cup["version"]});
        let updated = expect_status(app.put("/container-types/URINE_CUP", &app.admin_token, &edit, None).await, StatusCode::OK).await;
        assert_eq!(updated["stability_hours"], 5);
        assert_eq!(list("overdue=true".into()).await, Vec::<String>::new());

        for (query, field) in [("status=lost", "status"), ("station_id=7", "station_id"), ("collected_from=yesterday", "collected_from"),
                               ("collected_from=2026-02-02&collected_to=2026-02-01", "collected_to"), ("overdue=maybe", "overdue"),
                               ("per_page=0", "per_page"), ("colour=red", "colour")] {
            let problem = expect_problem(app.get(&format!("/specimens?{query}"), &app.admin_token).await, StatusCode::UNPROCESSABLE_ENTITY).await;
            assert_eq!(invalid_fields(&problem), [field], "{query}");
        }
    }
}

api_test! {
    async fn the_fhir_view_is_an_r4_specimen(app) {
        let parent = received(&app, 4000).await;
        let id = str_of(&parent, "id").to_owned();
        act(&app, &id, json!({"action": "centrifuge", "rpm": 3000, "minutes": 15, "note": "spun cold"}), StatusCode::OK).await;
        expect_status(app.post(&format!("/specimens/{id}/aliquots"), &app.admin_token, &json!({"volume_ul": 500})).await, StatusCode::CREATED).await;
        let response = app.get(&format!("/fhir/Specimen/{id}"), &app.admin_token).await;
        assert_eq!(response.headers()["content-type"], "application/fhir+json");
        let r: Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
        assert_eq!((&r["resourceType"], &r["id"], &r["status"]), (&json!("Specimen"), &json!(id), &json!("available")));
        assert_eq!(r["accessionIdentifier"]["value"], parent["accession"]);
        assert_eq!(r["subject"]["reference"], format!("Patient/{}", str_of(&parent, "patient_id")));
        assert_eq!(r["request"][0]["reference"], format!("ServiceRequest/{}", str_of(&parent, "order_id")));
        assert_eq!(r["type"]["coding"][0]["code"], "SER");
        assert_eq!(r["container"][0]["type"]["coding"][0]["code"], "SST");
        assert_eq!(r["container"][0]["specimenQuantity"]["value"], 3500);
        assert_eq!(r["collection"]["quantity"], json!({"value": 4000, "unit": "µL", "system": "http://unitsofmeasure.org", "code": "uL"}));
        assert_eq!(r["collection"]["collectedDateTime"].as_str().unwrap()[..19], parent["collected_at"].as_str().unwrap()[..19]);
        assert!(r["receivedTime"].is_string());
        let steps: Vec<&str> = r["processing"].as_array().unwrap().iter().map(|p| p["procedure"]["text"].as_str().unwrap()).collect();
        assert_eq!(steps, ["centrifuge", "aliquot"]);
        assert!(r["note"][0]["text"].as_str().unwrap().contains("spun cold"));

        let s = collected_specimen(&app, 1000).await;
        act(&app, str_of(&s, "id"), json!({"action": "reject", "reason": "clotted"}), StatusCode::OK).await;
        let rejected: Value = serde_json::from_str(&app.get(&format!("/fhir/Specimen/{}", str_of(&s, "id")), &app.admin_token).await.text().await.unwrap()).unwrap();
        assert_eq!((&rejected["status"], &rejected["condition"][0]["coding"][0]["code"]), (&json!("unsatisfactory"), &json!("CLOT")));
        expect_problem(app.get(&format!("/fhir/Specimen/{}", uuid::Uuid::now_v7()), &app.admin_token).await, StatusCode::NOT_FOUND).await;
    }
}

api_test! {
    async fn the_front_desk_orders_the_bench_works_and_readers_are_audited(app) {
        let (patient, provider) = patient_and_provider(&app).await;
        let (front, lab, coder) = (app.token_for("front_desk").await, app.token_for("lab_tech").await, app.token_for("coder").await);
        let body = order_body(&patient, &provider);
        expect_problem(app.post("/lab-orders", &lab, &body).await, StatusCode::FORBIDDEN).await;
        let order = create_as(&app, &front, "/lab-orders", &body).await;
        let id = str_of(&order["specimens"][0], "id").to_owned();
        let collect = json!({"action": "collect", "volume_ul": 1000});
        expect_problem(app.post(&format!("/specimens/{id}/actions"), &front, &collect).await, StatusCode::FORBIDDEN).await;
        expect_status(app.post(&format!("/specimens/{id}/actions"), &lab, &collect).await, StatusCode::OK).await;
        expect_problem(app.post(&format!("/lab-orders/{}/cancel", str_of(&order, "id")), &lab, &json!({})).await, StatusCode::FORBIDDEN).await;
        expect_problem(app.post("/stations", &lab, &json!({"name": "X", "location": "Y", "action": "receive"})).await, StatusCode::FORBIDDEN).await;
        for path in [format!("/specimens/{id}"), format!("/specimens/{id}/events"), format!("/fhir/Specimen/{id}"), format!("/specimens?patient_id={patient}")] {
            expect_status(app.get(&path, &coder).await, StatusCode::OK).await;
        }
        let audit = app.get(&format!("/audit?patient_id={patient}&resource_type=specimen&per_page=200"), &app.admin_token).await;
        let actions: Vec<String> = expect_status(audit, StatusCode::OK).await["items"].as_array().unwrap().iter()
            .filter(|e| e["resource_id"] == json!(id))
            .map(|e| e["action"].as_str().unwrap().to_owned()).collect();
        for wanted in ["created", "collect", "read", "read_events", "search"] {
            assert!(actions.iter().any(|a| a == wanted), "{wanted} missing from {actions:?}");
        }
    }
}

api_test! {
    async fn stations_and_container_types_are_configured_by_administrators(app) {
        let station = create_as(&app, &app.admin_token, "/stations", &json!({"name": "Centrifuge 1", "location": "Room 2", "action": "start_processing"})).await;
        let dup = app.post("/stations", &app.admin_token, &json!({"name": "Centrifuge 1", "location": "Room 3", "action": "receive"})).await;
        expect_problem(dup, StatusCode::CONFLICT).await;
        for (body, field) in [(json!({"name": "A", "location": "B", "action": "teleport"}), "action"),
                              (json!({"name": " ", "location": "B", "action": "receive"}), "name"),
                              (json!({"name": "A", "action": "receive"}), "location")] {
            let problem = expect_problem(app.post("/stations", &app.admin_token, &body).await, StatusCode::UNPROCESSABLE_ENTITY).await;
            assert_eq!(invalid_fields(&problem), [field]);
        }
        let path = format!("/stations/{}", str_of(&station, "id"));
        let edit = json!({"name": "Centrifuge 1", "location": "Room 2", "action": "mark_ready", "active": false});
        let edited = expect_status(app.put(&path, &app.admin_token, &edit, Some(1)).await, StatusCode::OK).await;
        assert_eq!((&edited["action"], &edited["active"], &edited["version"]), (&json!("mark_ready"), &json!(false), &json!(2)));
        expect_problem(app.put(&path, &app.admin_token, &edit, Some(1)).await, StatusCode::PRECONDITION_FAILED).await;
        let lab = app.token_for("lab_tech").await;
        let listed = expect_status(app.get("/stations", &lab).await, StatusCode::OK).await;
        assert_eq!(listed["total"], 1);

        let types = expect_status(app.get("/container-types", &lab).await, StatusCode::OK).await;
        let codes: Vec<&str> = types.as_array().unwrap().iter().map(|t| t["code"].as_str().unwrap()).collect();
        for code in ["SST", "LAV_EDTA", "LBLU_CIT", "GRY_FLU", "URINE_CUP"] {
            assert!(codes.contains(&code), "{code} seeded");
        }
        let created = create_as(&app, &app.admin_token, "/container-types", &json!({"code": "ACD_YEL", "name": "ACD tube (yellow top)", "stability_hours": 72})).await;
        assert_eq!((&created["code"], &created["active"]), (&json!("ACD_YEL"), &json!(true)));
        for (body, field) in [(json!({"name": "No code", "stability_hours": 1}), "code"),
                              (json!({"code": "X", "name": "Bad", "stability_hours": 1}), "code"),
                              (json!({"code": "ZZ", "name": "Bad", "stability_hours": 0}), "stability_hours")] {
            let problem = expect_problem(app.post("/container-types", &app.admin_token, &body).await, StatusCode::UNPROCESSABLE_ENTITY).await;
            assert_eq!(invalid_fields(&problem), [field]);
        }
        let retire = json!({"name": "ACD tube (yellow top)", "stability_hours": 72, "active": false});
        expect_status(app.put("/container-types/ACD_YEL", &app.admin_token, &retire, Some(1)).await, StatusCode::OK).await;
        let (patient, provider) = patient_and_provider(&app).await;
        let body = json!({"patient_id": patient, "provider_id": provider,
                          "tests": [{"code": "86900", "container_type": "ACD_YEL", "min_volume_ul": 100}]});
        let problem = expect_problem(app.post("/lab-orders", &app.admin_token, &body).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(invalid_fields(&problem), ["tests[0].container_type"], "an inactive container is not ordered");
        expect_problem(app.put("/container-types/NOPE", &app.admin_token, &retire, Some(1)).await, StatusCode::NOT_FOUND).await;
    }
}
