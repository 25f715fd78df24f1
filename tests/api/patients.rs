use std::collections::HashSet;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::api_test;
use crate::fixtures::{
    check_deactivation, check_versioned_replace, create_as, create_id, expect_each_refused, ids,
    patient_body, total, with, without,
};
use crate::helpers::{TestApp, expect_problem, expect_status, invalid_fields};

fn is_mrn(mrn: &Value) -> bool {
    let mrn = mrn.as_str().unwrap_or("");
    mrn.len() == 8 && mrn.starts_with('M') && mrn[1..].bytes().all(|b| b.is_ascii_digit())
}

/// Creates `count` patients through `app` all at once and returns their MRNs.
async fn register_concurrently(app: &TestApp, count: usize, tag: &str) -> Vec<String> {
    let bodies: Vec<Value> = (0..count)
        .map(|i| patient_body(&format!("Concurrent{tag}"), &format!("Sample{i}")))
        .collect();
    let requests = bodies
        .iter()
        .map(|body| app.post("/patients", &app.admin_token, body));
    let mut mrns = Vec::new();
    for response in futures_util::future::join_all(requests).await {
        let created = expect_status(response, StatusCode::CREATED).await;
        assert!(is_mrn(&created["mrn"]), "{created}");
        mrns.push(created["mrn"].as_str().unwrap().to_owned());
    }
    mrns
}

fn distinct(mrns: &[String]) -> usize {
    mrns.iter().collect::<HashSet<_>>().len()
}

api_test! {
    async fn invalid_patients_are_refused_naming_the_field(app) {
        let tomorrow = (chrono::Utc::now().date_naive() + chrono::Days::new(1)).to_string();
        let good = patient_body("Quillfeather", "Test");
        let cases = [
            (with(good.clone(), "last_name", json!(" ")), "last_name"),
            (with(good.clone(), "last_name", json!("l".repeat(61))), "last_name"),
            (without(good.clone(), "last_name"), "last_name"),
            (with(good.clone(), "first_name", json!("A*B")), "first_name"),
            (with(good.clone(), "first_name", json!("123")), "first_name"),
            (with(good.clone(), "middle_name", json!("42")), "middle_name"),
            (with(good.clone(), "date_of_birth", json!(tomorrow)), "date_of_birth"),
            (with(good.clone(), "date_of_birth", json!("1899-12-31")), "date_of_birth"),
            (with(good.clone(), "date_of_birth", json!("02/01/1984")), "date_of_birth"),
            (with(good.clone(), "date_of_birth", json!("not a date")), "date_of_birth"),
            (with(good.clone(), "date_of_birth", json!("1984-02-30")), "date_of_birth"),
            (with(good.clone(), "date_of_birth", json!("1985-02-29")), "date_of_birth"),
            (with(good.clone(), "date_of_birth", json!("")), "date_of_birth"),
            (without(good.clone(), "date_of_birth"), "date_of_birth"),
            (with(good.clone(), "sex", json!("X")), "sex"),
            (with(good.clone(), "sex", json!("")), "sex"),
            (with(good.clone(), "address.line1", json!("")), "address.line1"),
            (with(good.clone(), "address.city", json!("C".repeat(31))), "address.city"),
            (with(good.clone(), "address.state", json!("ZZ")), "address.state"),
            (with(good.clone(), "address.zip", json!("1234")), "address.zip"),
            (with(good.clone(), "phone", json!("555-1234")), "phone"),
            (with(good.clone(), "phone", json!("555-234-5678 ext. 9")), "phone"),
            (with(good.clone(), "email", json!("not-an-email")), "email"),
            (with(good.clone(), "email", json!("test@localhost")), "email"),
            (with(good.clone(), "mrn", json!("M0000001")), "mrn"),
            (with(good.clone(), "ssn", json!("000-00-0000")), "ssn"),
        ];
        expect_each_refused(&app, Method::POST, "/patients", &cases).await;
        assert_eq!(total(&app, "/patients").await, 0, "nothing was written");
    }
}

api_test! {
    async fn a_patient_gets_the_next_mrn_and_is_stored_normalized(app) {
        let body = with(with(patient_body(" Quillfeather ", "Test"), "email", json!("Test.Q@Example.ORG")), "address.state", json!("ma"));
        let first = create_as(&app, &app.admin_token, "/patients", &body).await;
        assert_eq!(first["mrn"], "M0000001");
        assert_eq!((&first["last_name"], &first["sex"]), (&json!("Quillfeather"), &json!("F")));
        assert_eq!((&first["email"], &first["phone"]), (&json!("Test.Q@example.org"), &json!("5552345678")));
        assert_eq!((&first["date_of_birth"], &first["address"]["state"]), (&json!("1984-02-29"), &json!("MA")));
        let second = create_as(&app, &app.admin_token, "/patients", &with(patient_body("Quillon", "Sample"), "sex", json!("male"))).await;
        assert_eq!((&second["mrn"], &second["sex"]), (&json!("M0000002"), &json!("M")));

        let path = format!("/patients/{}", first["id"].as_str().unwrap());
        assert_eq!(expect_status(app.get(&path, &app.admin_token).await, StatusCode::OK).await, first);
        let unknown = format!("/patients/{}", uuid::Uuid::now_v7());
        expect_problem(app.get(&unknown, &app.admin_token).await, StatusCode::NOT_FOUND).await;
    }
}

api_test! {
    async fn patients_are_found_by_name_words_names_mrn_birth_date_and_activity(app) {
        let mut mrns = Vec::new();
        for (last, first, born) in [("Quillfeather", "Test", "1984-02-29"), ("quillon", "Sample", "1990-05-05"),
                                    ("Test", "Marigold", "1984-02-29"), ("Pe%ters", "Ann", "1970-01-01"),
                                    ("Pe_ters", "Bo", "1970-01-01"), ("Peaters", "Cy", "1970-01-01")] {
            let body = with(patient_body(last, first), "date_of_birth", json!(born));
            mrns.push(create_as(&app, &app.admin_token, "/patients", &body).await["mrn"].as_str().unwrap().to_owned());
        }
        #[rustfmt::skip]
        let cases = [
            ("name=quill".to_owned(), 2), ("name=QUILL%20test".to_owned(), 1), ("name=test".to_owned(), 2),
            ("name=test,marigold".to_owned(), 1), ("name=marigold%2C%20%20TEST".to_owned(), 1), ("name=quill%20marigold".to_owned(), 0),
            ("name=%25".to_owned(), 0), ("name=_".to_owned(), 0), ("last_name=QUILL".to_owned(), 2), ("last_name=test".to_owned(), 1),
            ("first_name=sam".to_owned(), 1), ("first_name=test".to_owned(), 1), ("last_name=pe%25".to_owned(), 1),
            ("last_name=pe_".to_owned(), 1), ("last_name=pe".to_owned(), 3), ("first_name=quill".to_owned(), 0),
            ("date_of_birth=1984-02-29".to_owned(), 2), ("date_of_birth=1984-02-29&last_name=test".to_owned(), 1),
            (format!("mrn={}", mrns[2].to_lowercase()), 1), ("mrn=M000000".to_owned(), 0), ("active=true".to_owned(), 6),
        ];
        for (query, expected) in &cases {
            assert_eq!(total(&app, &format!("/patients?{query}")).await, *expected, "{query}");
        }
        let page = expect_status(app.get(&format!("/patients?mrn={}", mrns[2]), &app.admin_token).await, StatusCode::OK).await;
        assert_eq!((&page["items"][0]["last_name"], &page["items"][0]["first_name"]), (&json!("Test"), &json!("Marigold")));
        let page = expect_status(app.get("/patients?last_name=PE_", &app.admin_token).await, StatusCode::OK).await;
        assert_eq!(page["items"][0]["last_name"], "Pe_ters");

        let page = expect_status(app.get("/patients?per_page=4&page=2", &app.admin_token).await, StatusCode::OK).await;
        assert_eq!((&page["total"], page["items"].as_array().unwrap().len()), (&json!(6), 2));
        let mut all = ids(&app, "/patients?per_page=4").await;
        all.extend(ids(&app, "/patients?per_page=4&page=2").await);
        assert_eq!(all, ids(&app, "/patients").await, "the pages follow one order");

        for query in ["date_of_birth=1984-02-30", "date_of_birth=soon", "date_of_birth="] {
            let problem = expect_problem(app.get(&format!("/patients?{query}"), &app.admin_token).await, StatusCode::UNPROCESSABLE_ENTITY).await;
            assert_eq!(invalid_fields(&problem), ["date_of_birth"], "{query}");
        }
    }
}

api_test! {
    async fn a_patient_is_replaced_only_at_its_current_version_and_keeps_its_mrn(app) {
        let body = patient_body("Quillfeather", "Test");
        let created = create_as(&app, &app.admin_token, "/patients", &body).await;
        let path = format!("/patients/{}", created["id"].as_str().unwrap());
        check_versioned_replace(&app, &path, &body, "last_name", ["Quillfeather-Ames", "Ames", "Lost"]).await;
        let now = expect_status(app.get(&path, &app.admin_token).await, StatusCode::OK).await;
        assert_eq!(now["mrn"], created["mrn"]);
        let problem = expect_problem(app.put(&path, &app.admin_token, &with(body, "mrn", json!("M9999999")), Some(3)).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(invalid_fields(&problem), ["mrn"]);
        assert_eq!(total(&app, "/patients?mrn=M9999999").await, 0);
    }
}

api_test! {
    async fn a_deactivated_patient_stays_readable_but_leaves_the_active_list(app) {
        create_id(&app, "/patients", &patient_body("Quillfeather", "Test")).await;
        let id = create_id(&app, "/patients", &patient_body("Quillon", "Sample")).await;
        check_deactivation(&app, "/patients", &format!("/patients/{id}")).await;
    }
}

api_test! {
    async fn concurrent_registrations_get_distinct_mrns(app) {
        let mrns = register_concurrently(&app, 20, "A").await;
        assert_eq!(distinct(&mrns), 20, "{mrns:?}");
        assert_eq!(total(&app, "/patients").await, 20);
    }
}

api_test! {
    async fn two_instances_on_one_database_hand_out_distinct_mrns(app) {
        let other = app.spawn_instance().await;
        let (mine, theirs) = tokio::join!(register_concurrently(&app, 10, "A"), register_concurrently(&other, 10, "B"));
        let all: Vec<String> = mine.into_iter().chain(theirs).collect();
        assert_eq!(distinct(&all), 20, "{all:?}");
        assert_eq!(total(&other, "/patients").await, 20);
    }
}

api_test! {
    async fn clinical_roles_read_patients_but_only_front_desk_and_admin_register_them(app) {
        let body = patient_body("Quillfeather", "Test");
        let front_desk = app.token_for("front_desk").await;
        let created = create_as(&app, &front_desk, "/patients", &body).await;
        let path = format!("/patients/{}", created["id"].as_str().unwrap());
        for role in ["lab_tech", "biller", "coder", "accountant"] {
            let token = app.token_for(role).await;
            assert_eq!(expect_status(app.get(&path, &token).await, StatusCode::OK).await["mrn"], created["mrn"], "{role}");
            let page = expect_status(app.get("/patients?name=quill", &token).await, StatusCode::OK).await;
            assert_eq!(page["total"], 1, "{role}");
            expect_problem(app.post("/patients", &token, &body).await, StatusCode::FORBIDDEN).await;
            expect_problem(app.put(&path, &token, &body, Some(1)).await, StatusCode::FORBIDDEN).await;
            expect_problem(app.post(&format!("{path}/deactivate"), &token, &json!({})).await, StatusCode::FORBIDDEN).await;
        }
        assert_eq!(total(&app, "/patients?active=true").await, 1);
        assert_eq!(expect_status(app.get(&path, &app.admin_token).await, StatusCode::OK).await["version"], 1);
    }
}
