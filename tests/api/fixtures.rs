//! Invented, valid request bodies for the directory resources, and the checks several resources share
//! (validation tables, versioned replace, deactivation). Every name, number and address here is made up.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, expect_problem, expect_status, invalid_fields};

pub fn provider_body(npi: &str) -> Value {
    json!({"npi": npi, "entity_type": "individual", "last_name": "Testwell", "first_name": "Ada",
           "taxonomy_code": "207Q00000X", "is_billing": true, "is_rendering": true})
}

pub fn address() -> Value {
    json!({"line1": "100 Sample Way", "line2": "Suite 5", "city": "Springfield", "state": "MA", "zip": "01101-1234"})
}

pub fn practice_body() -> Value {
    json!({"name": "Sample Family Medicine", "tax_id": "12-3456789", "npi": "1234567893",
           "address": address(), "phone": "(555) 234-5678"})
}

pub fn location_body(name: &str, place_of_service: &str) -> Value {
    json!({"name": name, "address": address(), "phone": "555-234-5678",
           "place_of_service": place_of_service, "npi": "1245319599"})
}

pub fn payer_body(name: &str, payer_id: &str) -> Value {
    json!({"name": name, "payer_id": payer_id, "claim_filing_indicator": "CI",
           "address": {"line1": "PO Box 100", "city": "Hartford", "state": "CT", "zip": "06101"}})
}

pub fn patient_body(last_name: &str, first_name: &str) -> Value {
    json!({"last_name": last_name, "first_name": first_name, "middle_name": "Example",
           "date_of_birth": "1984-02-29", "sex": "F", "address": address(),
           "phone": "(555) 234-5678", "email": "test.q@example.org"})
}

/// A policy the patient holds themself (no subscriber).
pub fn policy_body(payer_id: &str, priority: &str) -> Value {
    json!({"payer_id": payer_id, "member_id": "XYZ-123456789", "group_number": "GRP-0001",
           "group_name": "Example Widgets Inc", "priority": priority, "relationship": "self",
           "effective_date": "2026-01-01", "end_date": "2026-12-31"})
}

/// A policy of a child on a parent's plan: the subscriber is the invented parent.
pub fn dependent_policy_body(payer_id: &str, priority: &str) -> Value {
    let subscriber = json!({"last_name": "Placeholder", "first_name": "Sample",
                            "date_of_birth": "1970-06-15", "sex": "M", "address": address()});
    let body = with(
        policy_body(payer_id, priority),
        "relationship",
        json!("child"),
    );
    with(body, "subscriber", subscriber)
}

/// `body` with the field at the dotted `path` (`address.zip`) set to `value`.
pub fn with(mut body: Value, path: &str, value: Value) -> Value {
    let (parents, last) = path.rsplit_once('.').unwrap_or(("", path));
    let mut target = &mut body;
    for part in parents.split('.').filter(|p| !p.is_empty()) {
        target = &mut target[part];
    }
    target[last] = value;
    body
}

/// `body` without the field at the dotted `path`.
pub fn without(mut body: Value, path: &str) -> Value {
    let (parents, last) = path.rsplit_once('.').unwrap_or(("", path));
    let mut target = &mut body;
    for part in parents.split('.').filter(|p| !p.is_empty()) {
        target = &mut target[part];
    }
    target.as_object_mut().expect("an object").remove(last);
    body
}

/// POSTs `body` to `path` as `token`, expects 201 and returns the created resource.
pub async fn create_as(app: &TestApp, token: &str, path: &str, body: &Value) -> Value {
    expect_status(app.post(path, token, body).await, StatusCode::CREATED).await
}

/// POSTs as the administrator and returns the new resource's id.
pub async fn create_id(app: &TestApp, path: &str, body: &Value) -> String {
    let created = create_as(app, &app.admin_token, path, body).await;
    created["id"].as_str().expect("an id").to_owned()
}

/// The `total` of the list at `path`, read as the administrator.
pub async fn total(app: &TestApp, path: &str) -> i64 {
    let page = expect_status(app.get(path, &app.admin_token).await, StatusCode::OK).await;
    page["total"].as_i64().expect("a total")
}

/// The ids of one page of the list at `path`.
pub async fn ids(app: &TestApp, path: &str) -> Vec<String> {
    let page = expect_status(app.get(path, &app.admin_token).await, StatusCode::OK).await;
    let items = page["items"].as_array().expect("items");
    items
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Sends every body of `cases` and expects a 422 `validation_failed` naming exactly its field.
pub async fn expect_each_refused(
    app: &TestApp,
    method: Method,
    path: &str,
    cases: &[(Value, &str)],
) {
    for (body, field) in cases {
        let response = app
            .request(method.clone(), path, Some(&app.admin_token))
            .json(body)
            .send()
            .await
            .expect("request");
        let problem = expect_problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(problem["code"], "validation_failed");
        assert_eq!(
            invalid_fields(&problem),
            [*field],
            "{body} should name {field}: {problem}"
        );
    }
}

/// The resource at `path` was created from `body` at version 1. Replaces it with `field` set to each of
/// `values` in turn: by If-Match, by `version` in the body, then stale (412, unchanged) and with no
/// version at all (428). `values` must be in their stored (normalized) form.
pub async fn check_versioned_replace(
    app: &TestApp,
    path: &str,
    body: &Value,
    field: &str,
    values: [&str; 3],
) {
    let token = &app.admin_token;
    let first = with(body.clone(), field, json!(values[0]));
    let response = app.put(path, token, &first, Some(1)).await;
    assert_eq!(response.headers()["etag"], "\"2\"");
    let updated = expect_status(response, StatusCode::OK).await;
    assert_eq!(
        (&updated["version"], &updated[field]),
        (&json!(2), &json!(values[0]))
    );

    let second = with(
        with(body.clone(), field, json!(values[1])),
        "version",
        json!(2),
    );
    let updated = expect_status(app.put(path, token, &second, None).await, StatusCode::OK).await;
    assert_eq!(
        (&updated["version"], &updated[field]),
        (&json!(3), &json!(values[1]))
    );

    let lost = with(body.clone(), field, json!(values[2]));
    for (body, if_match) in [
        (lost.clone(), Some(2)),
        (with(lost.clone(), "version", json!(1)), None),
    ] {
        let problem = expect_problem(
            app.put(path, token, &body, if_match).await,
            StatusCode::PRECONDITION_FAILED,
        )
        .await;
        assert_eq!(problem["code"], "stale_version");
    }
    let problem = expect_problem(
        app.put(path, token, &lost, None).await,
        StatusCode::PRECONDITION_REQUIRED,
    )
    .await;
    assert_eq!(problem["code"], "version_required");
    let unknown = with(lost.clone(), "surely_not_a_field", json!(true));
    let problem = expect_problem(
        app.put(path, token, &unknown, Some(3)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(invalid_fields(&problem), ["surely_not_a_field"]);

    let now = app.get(path, token).await;
    assert_eq!(now.headers()["etag"], "\"3\"");
    let now = expect_status(now, StatusCode::OK).await;
    assert_eq!(
        (&now["version"], &now[field]),
        (&json!(3), &json!(values[1])),
        "the refused writes changed nothing"
    );
}

/// Deactivates the resource at `item` (listed at `list`): it stays readable and listed, but no longer
/// under `active=true`; deactivating an unknown id is 404.
pub async fn check_deactivation(app: &TestApp, list: &str, item: &str) {
    let id = item.rsplit('/').next().unwrap().to_owned();
    let (all, active) = (
        total(app, list).await,
        total(app, &format!("{list}?active=true")).await,
    );
    assert!(
        ids(app, &format!("{list}?active=true&per_page=200"))
            .await
            .contains(&id)
    );
    let before = expect_status(app.get(item, &app.admin_token).await, StatusCode::OK).await;

    let gone = app
        .post(&format!("{item}/deactivate"), &app.admin_token, &json!({}))
        .await;
    let gone = expect_status(gone, StatusCode::OK).await;
    assert_eq!(gone["active"], false);
    assert_eq!(gone["version"], before["version"].as_i64().unwrap() + 1);

    let read = expect_status(app.get(item, &app.admin_token).await, StatusCode::OK).await;
    assert_eq!((&read["active"], &read["id"]), (&json!(false), &json!(id)));
    assert_eq!(total(app, list).await, all, "nothing is deleted");
    assert_eq!(total(app, &format!("{list}?active=true")).await, active - 1);
    assert!(
        !ids(app, &format!("{list}?active=true&per_page=200"))
            .await
            .contains(&id)
    );
    assert_eq!(
        ids(app, &format!("{list}?active=false")).await,
        [id.as_str()]
    );

    let unknown = item.replace(&id, &uuid::Uuid::now_v7().to_string());
    let missing = app
        .post(
            &format!("{unknown}/deactivate"),
            &app.admin_token,
            &json!({}),
        )
        .await;
    assert_eq!(
        expect_problem(missing, StatusCode::NOT_FOUND).await["code"],
        "not_found"
    );
}
