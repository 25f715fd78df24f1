use std::collections::BTreeSet;

use backoffice::auth::policy::ROUTES;
use reqwest::{Method, StatusCode};

use crate::api_test;
use crate::helpers::expect_status;

api_test! {
    async fn health_and_readiness_answer_without_a_token(app) {
        let health = app.request(Method::GET, "/healthz", None).send().await.unwrap();
        assert_eq!(expect_status(health, StatusCode::OK).await["status"], "ok");
        let ready = app.request(Method::GET, "/readyz", None).send().await.unwrap();
        assert_eq!(expect_status(ready, StatusCode::OK).await["status"], "ready");
    }
}

api_test! {
    async fn every_response_carries_a_request_id(app) {
        let response = app.request(Method::GET, "/healthz", None).send().await.unwrap();
        let id = response.headers().get("x-request-id").expect("x-request-id header");
        assert!(uuid::Uuid::parse_str(id.to_str().unwrap()).is_ok());
    }
}

api_test! {
    async fn the_openapi_document_lists_exactly_the_routes_of_the_role_table(app) {
        let response = app.request(Method::GET, "/openapi.json", None).send().await.unwrap();
        let document = expect_status(response, StatusCode::OK).await;
        assert!(document["openapi"].as_str().unwrap().starts_with("3."));
        let mut documented = BTreeSet::new();
        for (path, item) in document["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                documented.insert((method.to_uppercase(), path.clone()));
            }
        }
        let table: BTreeSet<(String, String)> =
            ROUTES.iter().map(|r| (r.method.to_owned(), r.path.to_owned())).collect();
        assert_eq!(documented, table, "OpenAPI paths and the role table differ");
    }
}

api_test! {
    async fn every_documented_parameter_is_where_the_route_puts_it(app) {
        let response = app.request(Method::GET, "/openapi.json", None).send().await.unwrap();
        let document = expect_status(response, StatusCode::OK).await;
        for (path, item) in document["paths"].as_object().unwrap() {
            let in_template: BTreeSet<&str> =
                path.split('/').filter_map(|s| s.strip_prefix('{')?.strip_suffix('}')).collect();
            for (method, operation) in item.as_object().unwrap() {
                let params = operation["parameters"].as_array().cloned().unwrap_or_default();
                let documented: BTreeSet<String> = params
                    .iter()
                    .filter(|p| p["in"] == "path")
                    .map(|p| p["name"].as_str().unwrap().to_owned())
                    .collect();
                let expected: BTreeSet<String> = in_template.iter().map(|s| s.to_string()).collect();
                assert_eq!(documented, expected, "{method} {path}: path parameters");
                if method == "get" && !path.contains('{') && path != "/healthz" && path != "/readyz" {
                    let paged = params.iter().any(|p| p["name"] == "page" && p["in"] == "query");
                    let listing = operation["responses"]["200"].to_string().contains("Page");
                    assert_eq!(paged, listing, "{method} {path}: a list documents its paging parameters");
                }
            }
        }
    }
}
