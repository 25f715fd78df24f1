use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::api_test;
use crate::fixtures::{
    check_deactivation, check_versioned_replace, create_as, create_id, expect_each_refused, ids,
    payer_body, total, with, without,
};
use crate::helpers::{expect_problem, expect_status};

api_test! {
    async fn invalid_payers_are_refused_naming_the_field(app) {
        let good = payer_body("Acme Sample Health", "SX123");
        let cases = [
            (with(good.clone(), "name", json!("")), "name"),
            (with(good.clone(), "name", json!("Acme~Health")), "name"),
            (with(good.clone(), "name", json!("n".repeat(61))), "name"),
            (with(good.clone(), "payer_id", json!("")), "payer_id"),
            (with(good.clone(), "payer_id", json!("A")), "payer_id"),
            (with(good.clone(), "payer_id", json!("SX-123")), "payer_id"),
            (with(good.clone(), "payer_id", json!("SX 123")), "payer_id"),
            (with(good.clone(), "payer_id", json!("P".repeat(81))), "payer_id"),
            (with(good.clone(), "payer_id", json!(12345)), "payer_id"),
            (without(good.clone(), "payer_id"), "payer_id"),
            (with(good.clone(), "claim_filing_indicator", json!("MD")), "claim_filing_indicator"),
            (with(good.clone(), "claim_filing_indicator", json!("")), "claim_filing_indicator"),
            (with(good.clone(), "claim_filing_indicator", json!("MBX")), "claim_filing_indicator"),
            (without(good.clone(), "claim_filing_indicator"), "claim_filing_indicator"),
            (with(good.clone(), "address.state", json!("QQ")), "address.state"),
            (with(good.clone(), "address.zip", json!("9")), "address.zip"),
            (with(good.clone(), "address.line1", json!("PO Box*100")), "address.line1"),
            (without(good.clone(), "address.city"), "address.city"),
            (with(good.clone(), "address.attention", json!("Claims")), "address.attention"),
            (with(good.clone(), "website", json!("example.org")), "website"),
        ];
        expect_each_refused(&app, Method::POST, "/payers", &cases).await;
        assert_eq!(total(&app, "/payers").await, 0, "nothing was written");
    }
}

api_test! {
    async fn a_payer_is_stored_normalized_and_its_address_is_optional(app) {
        let body = with(payer_body(" Sample Medicare Carrier ", " sx123 "), "claim_filing_indicator", json!("mb"));
        let created = create_as(&app, &app.admin_token, "/payers", &body).await;
        assert_eq!((&created["name"], &created["payer_id"]), (&json!("Sample Medicare Carrier"), &json!("SX123")));
        assert_eq!(created["claim_filing_indicator"], "MB");
        assert_eq!(created["claim_filing_indicator_name"], "Medicare Part B");
        assert_eq!(created["address"]["zip"], "06101");
        let path = format!("/payers/{}", created["id"].as_str().unwrap());
        assert_eq!(expect_status(app.get(&path, &app.admin_token).await, StatusCode::OK).await, created);

        let bare = without(payer_body("Paperless Sample Plan", "PP01"), "address");
        let created = create_as(&app, &app.admin_token, "/payers", &bare).await;
        assert_eq!(created["address"], json!(null));
    }
}

api_test! {
    async fn payers_filter_by_payer_id_any_case_and_by_name_prefix_literally(app) {
        for (name, payer_id) in [("Acme Sample Health", "SX123"), ("acme sample dental", "sx123"), ("100% Sample Cover", "HC100"),
                                 ("1000 Lakes Sample Plan", "LK1000"), ("Plan_A Sample", "PA01"), ("PlanXA Sample", "PX01"),
                                 ("Élan Sample Mutual", "EL01")] {
            create_id(&app, "/payers", &payer_body(name, payer_id)).await;
        }
        #[rustfmt::skip]
        let cases = [
            ("payer_id=sx123", 2), ("payer_id=SX123", 2), ("payer_id=%20Sx123%20", 2), ("payer_id=SX12", 0),
            ("name=ACME", 2), ("name=acme%20sample%20d", 1), ("name=100%25", 1), ("name=100", 2), ("name=%25", 0),
            ("name=plan_", 1), ("name=plan", 2), ("payer_id=sx123&name=acme%20sample%20h", 1),
            ("name=%C3%89lan", 1), ("name=%C3%A9LAN", 1),
        ];
        for (query, expected) in cases {
            assert_eq!(total(&app, &format!("/payers?{query}")).await, expected, "{query}");
        }
        let page = expect_status(app.get("/payers?name=PLAN_", &app.admin_token).await, StatusCode::OK).await;
        assert_eq!(page["items"][0]["name"], "Plan_A Sample");

        let page = expect_status(app.get("/payers?per_page=4&page=2", &app.admin_token).await, StatusCode::OK).await;
        assert_eq!((&page["total"], page["items"].as_array().unwrap().len()), (&json!(7), 3));
        let mut all = ids(&app, "/payers?per_page=4").await;
        all.extend(ids(&app, "/payers?per_page=4&page=2").await);
        assert_eq!(all, ids(&app, "/payers").await, "the pages follow one order");
    }
}

api_test! {
    async fn a_payer_is_replaced_only_at_its_current_version(app) {
        let body = payer_body("Acme Sample Health", "SX123");
        let path = format!("/payers/{}", create_id(&app, "/payers", &body).await);
        check_versioned_replace(&app, &path, &body, "payer_id", ["SX124", "SX125", "LOST1"]).await;
    }
}

api_test! {
    async fn a_deactivated_payer_stays_readable_but_leaves_the_active_list(app) {
        create_id(&app, "/payers", &payer_body("Acme Sample Health", "SX123")).await;
        let id = create_id(&app, "/payers", &payer_body("Retired Sample Plan", "RT01")).await;
        check_deactivation(&app, "/payers", &format!("/payers/{id}")).await;
    }
}

api_test! {
    async fn a_biller_manages_payers_but_front_desk_only_reads_them(app) {
        let biller = app.token_for("biller").await;
        let body = payer_body("Acme Sample Health", "SX123");
        let created = create_as(&app, &biller, "/payers", &body).await;
        let path = format!("/payers/{}", created["id"].as_str().unwrap());
        let renamed = with(body.clone(), "name", json!("Acme Renamed"));
        expect_status(app.put(&path, &biller, &renamed, Some(1)).await, StatusCode::OK).await;

        let front_desk = app.token_for("front_desk").await;
        let read = expect_status(app.get(&path, &front_desk).await, StatusCode::OK).await;
        assert_eq!(read["name"], "Acme Renamed");
        expect_problem(app.post("/payers", &front_desk, &body).await, StatusCode::FORBIDDEN).await;
        expect_problem(app.put(&path, &front_desk, &body, Some(2)).await, StatusCode::FORBIDDEN).await;
        expect_problem(app.post(&format!("{path}/deactivate"), &front_desk, &json!({})).await, StatusCode::FORBIDDEN).await;
        assert_eq!(total(&app, "/payers?active=true").await, 1);

        let gone = app.post(&format!("{path}/deactivate"), &biller, &json!({})).await;
        assert_eq!(expect_status(gone, StatusCode::OK).await["active"], false);
    }
}
