use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::api_test;
use crate::fixtures::{
    check_deactivation, check_versioned_replace, create_id, expect_each_refused, ids,
    location_body, total, with, without,
};
use crate::helpers::{expect_problem, expect_status, invalid_fields};

api_test! {
    async fn invalid_locations_are_refused_naming_the_field(app) {
        let good = location_body("Main Street Office", "11");
        let cases = [
            (with(good.clone(), "name", json!(" ")), "name"),
            (with(good.clone(), "name", json!("a".repeat(61))), "name"),
            (with(good.clone(), "name", json!("Main*Office")), "name"),
            (without(good.clone(), "name"), "name"),
            (with(good.clone(), "address.line1", json!("")), "address.line1"),
            (with(good.clone(), "address.line1", json!("l".repeat(56))), "address.line1"),
            (with(good.clone(), "address.line2", json!("Suite~5")), "address.line2"),
            (with(good.clone(), "address.city", json!("c".repeat(31))), "address.city"),
            (with(good.clone(), "address.city", json!("Spring:field")), "address.city"),
            (with(good.clone(), "address.state", json!("XX")), "address.state"),
            (with(good.clone(), "address.state", json!("")), "address.state"),
            (with(good.clone(), "address.zip", json!("1234")), "address.zip"),
            (with(good.clone(), "address.zip", json!("ABCDE")), "address.zip"),
            (with(good.clone(), "address.zip", json!("011-011234")), "address.zip"),
            (with(good.clone(), "address.zip", json!(1101)), "address.zip"),
            (without(good.clone(), "address"), "address"),
            (with(good.clone(), "phone", json!("555-2345")), "phone"),
            (with(good.clone(), "phone", json!("(155) 234-5678")), "phone"),
            (with(good.clone(), "place_of_service", json!("30")), "place_of_service"),
            (with(good.clone(), "place_of_service", json!("")), "place_of_service"),
            (with(good.clone(), "place_of_service", json!("1")), "place_of_service"),
            (with(good.clone(), "place_of_service", json!(11)), "place_of_service"),
            (without(good.clone(), "place_of_service"), "place_of_service"),
            (with(good.clone(), "npi", json!("1234567890")), "npi"),
            (with(good.clone(), "fax", json!("555-234-5679")), "fax"),
        ];
        expect_each_refused(&app, Method::POST, "/locations", &cases).await;
        assert_eq!(total(&app, "/locations").await, 0, "nothing was written");
    }
}

api_test! {
    async fn a_location_is_stored_normalized_and_read_back(app) {
        let body = with(with(location_body(" Main Street Office ", "81"), "address.state", json!("ma")), "address.zip", json!("01101-1234"));
        let body = with(body, "phone", json!("+1 (555) 234-5678"));
        let created = app.post("/locations", &app.admin_token, &body).await;
        assert_eq!(created.headers()["etag"], "\"1\"");
        let created = expect_status(created, StatusCode::CREATED).await;
        assert_eq!(created["name"], "Main Street Office");
        assert_eq!((&created["address"]["state"], &created["address"]["zip"]), (&json!("MA"), &json!("011011234")));
        assert_eq!(created["phone"], "5552345678");
        assert_eq!((&created["place_of_service"], &created["place_of_service_name"]), (&json!("81"), &json!("Independent Laboratory")));
        assert_eq!((&created["active"], &created["version"]), (&json!(true), &json!(1)));

        let path = format!("/locations/{}", created["id"].as_str().unwrap());
        assert_eq!(expect_status(app.get(&path, &app.admin_token).await, StatusCode::OK).await, created);
        let unknown = format!("/locations/{}", uuid::Uuid::now_v7());
        assert_eq!(expect_problem(app.get(&unknown, &app.admin_token).await, StatusCode::NOT_FOUND).await["code"], "not_found");
    }
}

api_test! {
    async fn locations_filter_by_name_prefix_literally_and_by_place_of_service(app) {
        for (name, pos) in [("Main Street Office", "11"), ("main annex", "11"), ("100% Care Lab", "81"),
                            ("1000 Oaks Lab", "81"), ("Lab_One", "81"), ("LabXOne", "22"), ("Öhm Street Clinic", "11")] {
            create_id(&app, "/locations", &location_body(name, pos)).await;
        }
        #[rustfmt::skip]
        let cases = [
            ("name=MAIN", 2), ("name=%20main%20", 2), ("name=main%20s", 1), ("name=100%25", 1), ("name=100", 2),
            ("name=%25", 0), ("name=lab_", 1), ("name=_", 0), ("name=lab", 2), ("place_of_service=81", 3),
            ("place_of_service=22", 1), ("place_of_service=99", 0), ("name=lab&place_of_service=81", 1), ("active=true", 7),
            ("name=%C3%96hm", 1), ("name=%C3%B6HM%20s", 1), ("place_of_service=11", 3),
        ];
        for (query, expected) in cases {
            assert_eq!(total(&app, &format!("/locations?{query}")).await, expected, "{query}");
        }
        let page = expect_status(app.get("/locations?name=100%25", &app.admin_token).await, StatusCode::OK).await;
        assert_eq!(page["items"][0]["name"], "100% Care Lab");
        let page = expect_status(app.get("/locations?name=LAB_", &app.admin_token).await, StatusCode::OK).await;
        assert_eq!(page["items"][0]["name"], "Lab_One");
    }
}

api_test! {
    async fn locations_page_with_total_and_per_page(app) {
        for i in 0..5 {
            create_id(&app, "/locations", &location_body(&format!("Sample Site {i}"), "11")).await;
        }
        let page = expect_status(app.get("/locations?per_page=2&page=2", &app.admin_token).await, StatusCode::OK).await;
        assert_eq!((&page["total"], &page["page"], &page["per_page"]), (&json!(5), &json!(2), &json!(2)));
        let mut seen = Vec::new();
        for page in 1..=3 {
            let got = ids(&app, &format!("/locations?per_page=2&page={page}")).await;
            assert_eq!(got.len(), if page == 3 { 1 } else { 2 });
            seen.extend(got);
        }
        assert_eq!(seen, ids(&app, "/locations").await, "the pages follow one order");
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 5);
        assert!(ids(&app, "/locations?per_page=2&page=4").await.is_empty());
        for (query, field) in [("per_page=0", "per_page"), ("per_page=201", "per_page"), ("page=0", "page"),
                               ("active=maybe", "active"), ("colour=red", "colour")] {
            let problem = expect_problem(app.get(&format!("/locations?{query}"), &app.admin_token).await, StatusCode::UNPROCESSABLE_ENTITY).await;
            assert_eq!(invalid_fields(&problem), [field], "{query}");
        }
    }
}

api_test! {
    async fn a_location_is_replaced_only_at_its_current_version(app) {
        let body = location_body("Main Street Office", "11");
        let path = format!("/locations/{}", create_id(&app, "/locations", &body).await);
        check_versioned_replace(&app, &path, &body, "name", ["Renamed Office", "Second Office", "Lost Office"]).await;
        let unknown = format!("/locations/{}", uuid::Uuid::now_v7());
        expect_problem(app.put(&unknown, &app.admin_token, &body, Some(1)).await, StatusCode::NOT_FOUND).await;
    }
}

api_test! {
    async fn a_deactivated_location_stays_readable_but_leaves_the_active_list(app) {
        create_id(&app, "/locations", &location_body("Main Street Office", "11")).await;
        let id = create_id(&app, "/locations", &location_body("Old Annex", "22")).await;
        check_deactivation(&app, "/locations", &format!("/locations/{id}")).await;
    }
}

api_test! {
    async fn only_an_admin_writes_locations(app) {
        let body = location_body("Main Street Office", "11");
        let path = format!("/locations/{}", create_id(&app, "/locations", &body).await);
        let biller = app.token_for("biller").await;
        expect_status(app.get(&path, &biller).await, StatusCode::OK).await;
        expect_problem(app.post("/locations", &biller, &body).await, StatusCode::FORBIDDEN).await;
        expect_problem(app.put(&path, &biller, &with(body.clone(), "name", json!("Taken")), Some(1)).await, StatusCode::FORBIDDEN).await;
        expect_problem(app.post(&format!("{path}/deactivate"), &biller, &json!({})).await, StatusCode::FORBIDDEN).await;
        let now = expect_status(app.get(&path, &app.admin_token).await, StatusCode::OK).await;
        assert_eq!((&now["version"], &now["active"], &now["name"]), (&json!(1), &json!(true), &json!("Main Street Office")));
        assert_eq!(total(&app, "/locations").await, 1);
    }
}
