//! Specimen labels over HTTP: one label as SVG, PNG or ZPL; print jobs as one ZPL stream or one PDF;
//! every print counted, on the timeline and audited; reprints need a reason.

use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

use crate::api_test;
use crate::bench::{event_kinds, events, order_body, patient_and_provider};
use crate::fixtures::create_as;
use crate::helpers::{TestApp, expect_problem, expect_status, invalid_fields};
use crate::oracles::{Oracles, Scratch};

/// The two specimens (SST, lavender EDTA) of a fresh order: `(id, accession)` each.
async fn two_specimens(app: &TestApp) -> Vec<(String, String)> {
    let (patient, provider) = patient_and_provider(app).await;
    let order = create_as(
        app,
        &app.admin_token,
        "/lab-orders",
        &order_body(&patient, &provider),
    )
    .await;
    order["specimens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap().to_owned(),
                s["accession"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn body_of(response: Response, content_type: &str) -> Vec<u8> {
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], content_type);
    response.bytes().await.unwrap().to_vec()
}

fn header(response: &Response, name: &str) -> String {
    response.headers()[name].to_str().unwrap().to_owned()
}

async fn printed_so_far(app: &TestApp, id: &str) -> i64 {
    let response = app
        .get(
            &format!("/specimens/{id}/label?format=zpl"),
            &app.admin_token,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    header(&response, "x-labels-printed").parse().unwrap()
}

/// The label events of the audit trail about the specimen, in the order listed.
async fn audit_actions(app: &TestApp, specimen: &str) -> Vec<String> {
    let path = format!("/audit?resource_type=specimen&resource_id={specimen}&per_page=100");
    let page = expect_status(app.get(&path, &app.admin_token).await, StatusCode::OK).await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .filter(|action| action.contains("label"))
        .collect()
}

fn print_body(items: Value, format: &str) -> Value {
    json!({"items": items, "format": format})
}

api_test! {
    async fn a_label_comes_as_svg_png_and_zpl_at_both_resolutions_and_its_png_decodes(app) {
        let specimens = two_specimens(&app).await;
        let (id, accession) = &specimens[0];
        let reader = app.token_for("coder").await;
        let scratch = Scratch::new("api-labels");
        let mut pngs = vec![];
        for (dpi, width, height) in [(203, 406, 203), (300, 600, 300)] {
            let path = format!("/specimens/{id}/label?dpi={dpi}");
            let svg = body_of(app.get(&format!("{path}&format=svg"), &reader).await, "image/svg+xml").await;
            let svg = String::from_utf8(svg).unwrap();
            assert!(svg.contains(&format!("viewBox=\"0 0 {width} {height}\"")), "{svg}");
            assert!(svg.contains(accession.as_str()) && svg.contains("SPECIMENSON, TESS"));
            let png = body_of(app.get(&format!("{path}&format=png"), &reader).await, "image/png").await;
            let info = png::Decoder::new(std::io::Cursor::new(&png)).read_info().unwrap().info().clone();
            assert_eq!((info.width, info.height), (width, height));
            let file = scratch.path(&format!("{dpi}.png"));
            std::fs::write(&file, &png).unwrap();
            pngs.push(file);
            let zpl = body_of(app.get(&format!("{path}&format=zpl"), &reader).await, "application/zpl").await;
            let zpl = String::from_utf8(zpl).unwrap();
            assert!(zpl.starts_with("^XA") && zpl.contains(&format!("^PW{width}\n^LL{height}")));
        }
        // Without parameters: SVG at the configured 203 dpi.
        let svg = body_of(app.get(&format!("/specimens/{id}/label"), &reader).await, "image/svg+xml").await;
        assert!(String::from_utf8(svg).unwrap().contains("viewBox=\"0 0 406 203\""));
        if let Some(oracles) = Oracles::find()
            && let Err(report) = oracles.decode_expect(accession, &pngs)
        {
            panic!("the label PNGs do not read back as {accession}:\n{report}");
        }
    }
}

api_test! {
    async fn label_parameters_and_unknown_specimens_are_refused_by_name(app) {
        let specimens = two_specimens(&app).await;
        let id = &specimens[0].0;
        for (query, field) in [("format=pdf", "format"), ("dpi=150", "dpi"), ("dpi=many", "dpi"),
                               ("size=large", "size")] {
            let response = app.get(&format!("/specimens/{id}/label?{query}"), &app.admin_token).await;
            let problem = expect_problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
            assert_eq!(invalid_fields(&problem), [field], "{query}: {problem}");
        }
        let unknown = uuid::Uuid::now_v7();
        let response = app.get(&format!("/specimens/{unknown}/label"), &app.admin_token).await;
        expect_problem(response, StatusCode::NOT_FOUND).await;
    }
}

api_test! {
    async fn viewing_a_label_is_audited_as_a_read_and_not_counted_as_a_print(app) {
        let specimens = two_specimens(&app).await;
        let id = &specimens[0].0;
        assert_eq!(printed_so_far(&app, id).await, 0);
        assert_eq!(audit_actions(&app, id).await, ["read_label"]);
        assert!(!event_kinds(&app, id).await.contains(&"label".to_owned()));
    }
}

api_test! {
    async fn printing_gives_one_zpl_stream_and_counts_audits_and_timelines_every_label(app) {
        let specimens = two_specimens(&app).await;
        let ((first, first_acc), (second, _)) = (&specimens[0], &specimens[1]);
        let tech = app.token_for("lab_tech").await;
        let items = json!([{"specimen_id": first, "copies": 2}, {"specimen_id": second}]);
        let response = app.post("/labels", &tech, &print_body(items, "zpl")).await;
        assert_eq!(header(&response, "x-labels"), "3");
        let job = header(&response, "x-label-job");
        let zpl = String::from_utf8(body_of(response, "application/zpl").await).unwrap();
        assert_eq!(zpl.matches("^XA").count(), 2);
        assert_eq!(zpl.matches("^XZ").count(), 2);
        assert!(zpl.contains("^PQ2\n^XZ") && zpl.contains("^PQ1\n^XZ"));
        assert!(zpl.find(&first_acc[..4]).is_some());
        assert_eq!(printed_so_far(&app, first).await, 2);
        assert_eq!(printed_so_far(&app, second).await, 1);
        let label = events(&app, first).await.into_iter().find(|e| e["kind"] == "label").unwrap();
        assert_eq!(label["detail"]["copies"], 2);
        assert_eq!(label["detail"]["job_id"], job.as_str());
        assert_eq!(label["detail"]["reprint"], false);
        assert_eq!(audit_actions(&app, first).await, ["print_label", "read_label"]);
    }
}

api_test! {
    async fn a_reprint_without_a_reason_is_refused_and_counts_nothing(app) {
        let specimens = two_specimens(&app).await;
        let ((first, first_acc), (second, _)) = (&specimens[0], &specimens[1]);
        let front = app.token_for("front_desk").await;
        let once = app.post("/labels", &front, &print_body(json!([{"specimen_id": first}]), "zpl")).await;
        body_of(once, "application/zpl").await;
        // The second specimen was never printed, but the job holds a reprint: all or nothing.
        let items = json!([{"specimen_id": second}, {"specimen_id": first}]);
        let refused = app.post("/labels", &front, &print_body(items.clone(), "zpl")).await;
        let problem = expect_problem(refused, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(invalid_fields(&problem), ["reason"]);
        assert!(problem["errors"][0]["message"].as_str().unwrap().contains(first_acc.as_str()));
        assert_eq!(printed_so_far(&app, first).await, 1);
        assert_eq!(printed_so_far(&app, second).await, 0);

        let body = json!({"items": items, "format": "zpl", "reason": "  tube label smudged  "});
        body_of(app.post("/labels", &front, &body).await, "application/zpl").await;
        assert_eq!(printed_so_far(&app, first).await, 2);
        assert_eq!(printed_so_far(&app, second).await, 1);
        let labels: Vec<Value> = events(&app, first).await.into_iter().filter(|e| e["kind"] == "label").collect();
        assert_eq!(labels.len(), 2);
        assert_eq!(labels[1]["detail"]["reprint"], true);
        assert_eq!(labels[1]["note"], "tube label smudged");
        let actions = audit_actions(&app, first).await;
        assert_eq!(actions.iter().filter(|a| *a == "reprint_label").count(), 1, "{actions:?}");
        assert_eq!(audit_actions(&app, second).await.iter().filter(|a| *a == "print_label").count(), 1);
    }
}

api_test! {
    async fn a_pdf_job_has_one_label_sized_page_per_copy(app) {
        let specimens = two_specimens(&app).await;
        let items = json!([{"specimen_id": specimens[0].0, "copies": 2}, {"specimen_id": specimens[1].0}]);
        let body = json!({"items": items, "format": "pdf", "dpi": 300});
        let pdf = body_of(app.post("/labels", &app.admin_token, &body).await, "application/pdf").await;
        let doc = printpdf::PdfDocument::parse(&pdf, &Default::default(), &mut Vec::new()).unwrap();
        assert_eq!(doc.pages.len(), 3);
        for page in &doc.pages {
            assert!((page.media_box.width.0 - 144.0).abs() < 0.1, "2 in = 144 pt");
            assert!((page.media_box.height.0 - 72.0).abs() < 0.1, "1 in = 72 pt");
        }
    }
}

api_test! {
    async fn print_jobs_are_checked_field_by_field_and_refused_whole(app) {
        let specimens = two_specimens(&app).await;
        let id = &specimens[0].0;
        let unknown = uuid::Uuid::now_v7().to_string();
        let one = |copies: Value| json!([{"specimen_id": id, "copies": copies}]);
        let cases = [
            (print_body(json!([]), "zpl"), "items"),
            (print_body(one(json!(0)), "zpl"), "items[0].copies"),
            (print_body(one(json!(101)), "zpl"), "items[0].copies"),
            (print_body(json!([{"specimen_id": id}, {"specimen_id": id}]), "zpl"), "items[1].specimen_id"),
            (print_body(json!([{"specimen_id": "S26-000017K"}]), "zpl"), "items[0].specimen_id"),
            (print_body(json!([{"specimen_id": unknown}]), "zpl"), "items[0].specimen_id"),
            (print_body(one(json!(1)), "png"), "format"),
            (json!({"items": one(json!(1)), "format": "zpl", "dpi": 600}), "dpi"),
            (json!({"items": one(json!(1)), "format": "zpl", "reason": "r".repeat(501)}), "reason"),
            (json!({"items": one(json!(1))}), "format"),
        ];
        for (body, field) in cases {
            let response = app.post("/labels", &app.admin_token, &body).await;
            let problem = expect_problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
            assert_eq!(invalid_fields(&problem), [field], "{body}: {problem}");
        }
        assert_eq!(printed_so_far(&app, id).await, 0);
    }
}

api_test! {
    async fn the_bench_and_front_desk_print_while_other_readers_may_only_view(app) {
        let specimens = two_specimens(&app).await;
        let id = &specimens[0].0;
        let body = print_body(json!([{"specimen_id": id}]), "zpl");
        for role in ["coder", "biller", "accountant"] {
            let token = app.token_for(role).await;
            let view = app.get(&format!("/specimens/{id}/label?format=png"), &token).await;
            assert_eq!(view.status(), StatusCode::OK, "{role} views");
            expect_problem(app.post("/labels", &token, &body).await, StatusCode::FORBIDDEN).await;
        }
        assert_eq!(printed_so_far(&app, id).await, 0);
    }
}

api_test! {
    async fn of_parallel_first_prints_of_one_specimen_exactly_one_counts_as_the_first(app) {
        let specimens = two_specimens(&app).await;
        let id = &specimens[0].0;
        let body = print_body(json!([{"specimen_id": id}]), "zpl");
        let requests = (0..6).map(|_| app.post("/labels", &app.admin_token, &body));
        let mut statuses: Vec<u16> = futures_util::future::join_all(requests)
            .await
            .iter()
            .map(|r| r.status().as_u16())
            .collect();
        statuses.sort();
        // The others saw the first print (a reprint without a reason: 422) or raced it to the
        // one-first-print index (409); none printed.
        assert_eq!(statuses[0], 200, "{statuses:?}");
        assert!(statuses[1..].iter().all(|s| *s == 409 || *s == 422), "{statuses:?}");
        assert_eq!(printed_so_far(&app, id).await, 1);
        assert_eq!(audit_actions(&app, id).await.iter().filter(|a| *a == "print_label").count(), 1);
    }
}
