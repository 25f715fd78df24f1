use reqwest::StatusCode;

use crate::api_test;
use crate::helpers::expect_status;

api_test! {
    async fn the_demo_practice_loads_once_with_every_kind_of_record(app) {
        let said = backoffice::demo::load(&mut app.db(), "M").expect("demo loads");
        assert!(said.contains("10 patients"), "{said}");
        let again = backoffice::demo::load(&mut app.db(), "M").expect("second load is harmless");
        assert!(again.contains("already loaded"), "{again}");
        let token = &app.admin_token;
        for (path, count) in [
            ("/providers", 2),
            ("/locations", 1),
            ("/payers", 3),
            ("/patients", 10),
            ("/stations", 4),
            ("/fee-schedules", 1),
        ] {
            let page = expect_status(app.get(path, token).await, StatusCode::OK).await;
            assert_eq!(page["total"], count, "{path}");
        }
        expect_status(app.get("/practice", token).await, StatusCode::OK).await;
        let patients = expect_status(app.get("/patients?per_page=200", token).await, StatusCode::OK).await;
        let mut policies = 0;
        for patient in patients["items"].as_array().unwrap() {
            let path = format!("/patients/{}/policies", patient["id"].as_str().unwrap());
            let page = expect_status(app.get(&path, token).await, StatusCode::OK).await;
            assert!(page["total"].as_i64().unwrap() >= 1, "every demo patient is insured");
            policies += page["total"].as_i64().unwrap();
        }
        assert_eq!(policies, 13);
        // The default schedule prices the sample procedures, so a demo encounter is priced at once.
        let schedules = expect_status(app.get("/fee-schedules", token).await, StatusCode::OK).await;
        let schedule = schedules["items"][0]["id"].as_str().unwrap();
        let prices = expect_status(
            app.get(&format!("/fee-schedules/{schedule}/prices"), token).await,
            StatusCode::OK,
        )
        .await;
        assert_eq!(prices["total"], 8, "{prices}");
    }
}
