//! Patient accounting over HTTP: two claims of one patient paid by an 835 with deductible and
//! coinsurance (patient responsibility), then payments applied oldest date of service first, an
//! overpayment held as credit and refunded, idempotent repeats, a closed period, the roles, and the
//! statement as JSON and as a PDF checked with poppler (`pdftoppm`, `pdftotext`). All patients,
//! claims, payers and amounts are invented.

use std::process::Command;

use backoffice::audit::AuditActor;
use backoffice::db::write_transaction;
use backoffice::ledger::{self, Month};
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use crate::api_test;
use crate::coding_support::{Desk, encounter_body};
use crate::helpers::{TestApp, expect_problem, expect_status, invalid_fields};
use crate::oracles::{self, Scratch};
use crate::posting::{
    Accepted, accepted_claims_of, claim_spec, era, line_of, office, post_era, remittance,
    trial_balance_is_zero,
};
use backoffice::remittance::generate::scenarios::money;

/// The older claim's date of service (the encounter fixture's is 2026-06-01).
const OLDER: &str = "2026-05-04";

/// The patient, and two accepted claims (older first) paid by one 835: the older leaves 38.00 to the
/// patient (30.00 deductible, 8.00 coinsurance), the newer 15.00 (10.00 coinsurance, 5.00 deductible).
async fn billed_patient(app: &TestApp) -> (Desk, Vec<Accepted>) {
    let (d, partner) = office(app).await;
    let mut older = encounter_body(&d);
    older["date_of_service"] = json!(OLDER);
    let claims = accepted_claims_of(app, &partner, vec![encounter_body(&d), older]).await;
    let (newer, older) = (&claims[0], &claims[1]);
    let older_spec = claim_spec(
        older,
        vec![
            line_of(older, 0)
                .adjust("CO", "45", money(2000))
                .adjust("PR", "1", money(3000)),
            line_of(older, 1).adjust("PR", "2", money(800)),
        ],
    );
    let newer_spec = claim_spec(
        newer,
        vec![
            line_of(newer, 0)
                .adjust("CO", "45", money(2000))
                .adjust("PR", "2", money(1000)),
            line_of(newer, 1).adjust("PR", "1", money(500)),
        ],
    );
    let file = era(
        "835_patient.x12",
        901,
        &remittance("TRACE-9001", vec![older_spec, newer_spec]),
    );
    expect_status(
        post_era(app, &app.admin_token, "", &file).await,
        StatusCode::CREATED,
    )
    .await;
    let mut claims = claims;
    claims.reverse();
    (d, claims)
}

async fn pay(
    app: &TestApp,
    token: &str,
    patient: &str,
    body: &Value,
    key: Option<&str>,
) -> Response {
    let mut request = app
        .request(
            Method::POST,
            &format!("/patients/{patient}/payments"),
            Some(token),
        )
        .json(body);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    request.send().await.unwrap()
}

async fn refund(app: &TestApp, token: &str, patient: &str, body: &Value) -> Response {
    app.post(&format!("/patients/{patient}/refunds"), token, body)
        .await
}

async fn balance(app: &TestApp, patient: &str) -> Value {
    let path = format!("/patients/{patient}/balance");
    expect_status(app.get(&path, &app.admin_token).await, StatusCode::OK).await
}

/// (claim id, amount) of each share a payment applied.
fn applied(receipt: &Value) -> Vec<(String, String)> {
    receipt["applied"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["claim_id"].as_str().unwrap().into(),
                a["amount"].as_str().unwrap().into(),
            )
        })
        .collect()
}

fn totals(body: &Value) -> (&str, &str, &str) {
    (
        body["patient_due"].as_str().unwrap(),
        body["insurance_pending"].as_str().unwrap(),
        body["unapplied_credit"].as_str().unwrap(),
    )
}

api_test! {
    async fn the_balance_shows_patient_responsibility_and_payments_go_to_the_oldest_first(app) {
        let (d, c) = billed_patient(&app).await;
        let b = balance(&app, &d.patient).await;
        assert_eq!(totals(&b), ("53.00", "0.00", "0.00"), "{b}");
        let claims = b["claims"].as_array().unwrap();
        assert_eq!(claims.len(), 2, "{b}");
        assert_eq!((claims[0]["claim_id"].as_str().unwrap(), claims[0]["date_of_service"].as_str().unwrap()), (c[0].id.as_str(), OLDER));
        let figures = |i: usize| -> Vec<&str> {
            ["charge", "insurance_paid", "adjustments", "patient_paid", "patient_due", "insurance_due"]
                .iter().map(|k| claims[i][*k].as_str().unwrap()).collect()
        };
        assert_eq!(figures(0), ["162.00", "104.00", "20.00", "0.00", "38.00", "0.00"]);
        assert_eq!(figures(1), ["162.00", "127.00", "20.00", "0.00", "15.00", "0.00"]);

        let desk = app.token_for("front_desk").await;
        let first = pay(&app, &desk, &d.patient, &json!({"amount": "45.00", "method": "cash", "date": "2026-07-01"}), None).await;
        let first = expect_status(first, StatusCode::CREATED).await;
        assert_eq!(applied(&first), [(c[0].id.clone(), "38.00".into()), (c[1].id.clone(), "7.00".into())]);
        assert_eq!((first["unapplied"].as_str(), totals(&first["account"])), (Some("0.00"), ("8.00", "0.00", "0.00")));

        // 20.00 against 8.00 owed: the rest is credit.
        let body = json!({"amount": "20", "method": "check", "reference": "check 1042", "date": "2026-07-02"});
        let second = expect_status(pay(&app, &desk, &d.patient, &body, None).await, StatusCode::CREATED).await;
        assert_eq!(applied(&second), [(c[1].id.clone(), "8.00".into())]);
        assert_eq!(second["unapplied"], "12.00");
        let b = balance(&app, &d.patient).await;
        assert_eq!(totals(&b), ("0.00", "0.00", "12.00"), "{b}");
        assert_eq!(b["claims"][1]["patient_paid"], "15.00");
        // As of before the payments, the balance was whole.
        let before = expect_status(app.get(&format!("/patients/{}/balance?as_of=2026-06-30", d.patient), &desk).await, StatusCode::OK).await;
        assert_eq!(totals(&before), ("53.00", "0.00", "0.00"));
        let entries = ledger::list(&mut app.db(), &ledger::EntryFilter { kind: Some(ledger::EntryKind::PatientPayment), ..Default::default() }).unwrap();
        assert!(entries.iter().any(|e| e.body.memo() == "patient payment by check: reference check 1042"));
        trial_balance_is_zero(&app).await;
    }
}

api_test! {
    async fn a_payment_names_its_claim_and_credit_is_refunded_but_never_more_than_held(app) {
        let (d, c) = billed_patient(&app).await;
        let biller = app.token_for("biller").await;
        let body = json!({"amount": "20.00", "method": "card", "claim_id": c[1].id, "date": "2026-07-01"});
        let receipt = expect_status(pay(&app, &biller, &d.patient, &body, None).await, StatusCode::CREATED).await;
        assert_eq!(applied(&receipt), [(c[1].id.clone(), "15.00".into())]);
        assert_eq!(receipt["unapplied"], "5.00");
        assert_eq!(totals(&receipt["account"]), ("38.00", "0.00", "5.00"));

        let too_much = json!({"amount": "5.01", "method": "card", "reason": "overpaid"});
        let problem = expect_problem(refund(&app, &biller, &d.patient, &too_much).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(invalid_fields(&problem), ["amount"]);
        let ok = json!({"amount": "5.00", "method": "card", "reason": "overpaid at the desk", "date": "2026-07-03"});
        let refunded = expect_status(refund(&app, &biller, &d.patient, &ok).await, StatusCode::CREATED).await;
        assert_eq!(totals(&refunded["account"]), ("38.00", "0.00", "0.00"));
        let problem = expect_problem(refund(&app, &biller, &d.patient, &ok).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(invalid_fields(&problem), ["amount"]);

        // Another patient's claim, a bad amount, a bad method: each named.
        let strange = json!({"amount": "1", "method": "cash", "claim_id": uuid::Uuid::now_v7().to_string()});
        let problem = expect_problem(pay(&app, &biller, &d.patient, &strange, None).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(invalid_fields(&problem), ["claim_id"]);
        let bad = json!({"amount": "0.001", "method": "bitcoin"});
        let problem = expect_problem(pay(&app, &biller, &d.patient, &bad, None).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(invalid_fields(&problem), ["amount", "method"]);
        let nobody = uuid::Uuid::now_v7();
        let good = json!({"amount": "1", "method": "cash"});
        expect_problem(pay(&app, &biller, &nobody.to_string(), &good, None).await, StatusCode::NOT_FOUND).await;
        trial_balance_is_zero(&app).await;
    }
}

api_test! {
    async fn a_repeated_submit_with_the_same_key_posts_once_and_a_closed_period_is_refused_naming_date(app) {
        let (d, _) = billed_patient(&app).await;
        let desk = app.token_for("front_desk").await;
        let body = json!({"amount": "10.00", "method": "cash", "date": "2026-07-01"});
        let first = pay(&app, &desk, &d.patient, &body, Some("desk-7-0001")).await;
        assert!(first.headers().get("Idempotent-Replayed").is_none());
        let first = expect_status(first, StatusCode::CREATED).await;
        let again = pay(&app, &desk, &d.patient, &body, Some("desk-7-0001")).await;
        assert_eq!(again.headers().get("Idempotent-Replayed").unwrap(), "true");
        assert_eq!(expect_status(again, StatusCode::CREATED).await, first);
        assert_eq!(totals(&balance(&app, &d.patient).await).0, "43.00");
        let other = json!({"amount": "11.00", "method": "cash", "date": "2026-07-01"});
        let problem = expect_problem(pay(&app, &desk, &d.patient, &other, Some("desk-7-0001")).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(invalid_fields(&problem), ["Idempotency-Key"]);

        let august = Month::parse("2026-08").unwrap();
        write_transaction(&mut app.db(), |c| ledger::close_period(c, &AuditActor::system("tests"), august)).unwrap();
        let closed = json!({"amount": "5.00", "method": "cash", "date": "2026-08-14"});
        let problem = expect_problem(pay(&app, &desk, &d.patient, &closed, Some("desk-7-0002")).await, StatusCode::CONFLICT).await;
        assert_eq!((problem["code"].as_str(), problem["period"].as_str()), (Some("period_closed"), Some("2026-08")));
        assert_eq!(invalid_fields(&problem), ["date"]);
        // The failed request kept no key: the same key with an open date posts.
        let open = json!({"amount": "5.00", "method": "cash", "date": "2026-09-01"});
        expect_status(pay(&app, &desk, &d.patient, &open, Some("desk-7-0002")).await, StatusCode::CREATED).await;
        assert_eq!(totals(&balance(&app, &d.patient).await).0, "38.00");
        let future = json!({"amount": "5.00", "method": "cash", "date": "2999-01-01"});
        let problem = expect_problem(pay(&app, &desk, &d.patient, &future, None).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(invalid_fields(&problem), ["date"]);
    }
}

api_test! {
    async fn payments_refunds_and_statements_admit_only_their_roles(app) {
        let (d, _) = billed_patient(&app).await;
        let body = json!({"amount": "1.00", "method": "cash", "date": "2026-07-01"});
        let reason = json!({"amount": "1.00", "method": "cash", "reason": "test"});
        for role in ["front_desk", "biller", "accountant", "admin"] {
            let token = app.token_for(role).await;
            expect_status(pay(&app, &token, &d.patient, &body, None).await, StatusCode::CREATED).await;
            let path = format!("/patients/{}/statement", d.patient);
            expect_status(app.get(&path, &token).await, StatusCode::OK).await;
            let expected = if role == "front_desk" { StatusCode::FORBIDDEN } else { StatusCode::UNPROCESSABLE_ENTITY };
            expect_problem(refund(&app, &token, &d.patient, &reason).await, expected).await;
        }
        for role in ["lab_tech", "coder"] {
            let token = app.token_for(role).await;
            expect_problem(pay(&app, &token, &d.patient, &body, None).await, StatusCode::FORBIDDEN).await;
            expect_problem(app.get(&format!("/patients/{}/balance", d.patient), &token).await, StatusCode::FORBIDDEN).await;
        }
    }
}

api_test! {
    async fn the_statement_lists_open_items_with_their_figures_and_is_audited(app) {
        let (d, c) = billed_patient(&app).await;
        let desk = app.token_for("front_desk").await;
        expect_status(pay(&app, &desk, &d.patient, &json!({"amount": "40.00", "method": "cash", "date": "2026-07-01"}), None).await, StatusCode::CREATED).await;
        let path = format!("/patients/{}/statement?as_of=2026-07-15", d.patient);
        let s = expect_status(app.get(&path, &desk).await, StatusCode::OK).await;
        assert_eq!((s["statement_date"].as_str(), s["pay_by"].as_str()), (Some("2026-07-15"), Some("2026-08-14")));
        assert_eq!(s["practice"]["name"], "Sample Family Medicine");
        assert_eq!(s["patient"]["name"], "Testa Example Samplewoman");
        assert!(s["account_number"].as_str().is_some_and(|n| !n.is_empty()));
        // The older claim is paid off: only the newer is open.
        let items = s["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{s}");
        assert_eq!(items[0]["claim_id"], c[1].id.as_str());
        let figures: Vec<&str> = ["charge", "insurance_paid", "adjustments", "patient_paid", "amount_due"]
            .iter().map(|k| items[0][*k].as_str().unwrap()).collect();
        assert_eq!(figures, ["162.00", "127.00", "20.00", "2.00", "13.00"]);
        let codes: Vec<&str> = items[0]["procedures"].as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap()).collect();
        assert_eq!(codes, ["99213", "80053"]);
        assert!(items[0]["procedures"][0]["description"].is_string(), "{s}");
        assert_eq!((s["totals"]["patient_balance"].as_str(), s["amount_due"].as_str()), (Some("13.00"), Some("13.00")));

        // Before any entry: nothing open, every figure still money.
        let early = expect_status(app.get(&format!("/patients/{}/statement?as_of=2026-01-31", d.patient), &desk).await, StatusCode::OK).await;
        assert_eq!((early["items"].as_array().unwrap().len(), &early["totals"]["charge"], &early["amount_due"]), (0, &json!("0.00"), &json!("0.00")));

        let audit = expect_status(app.get("/audit?resource_type=patient_statement", &app.admin_token).await, StatusCode::OK).await;
        assert!(audit.to_string().contains(&d.patient), "{audit}");
        let bad = expect_problem(app.get(&format!("/patients/{}/statement?format=docx", d.patient), &desk).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(invalid_fields(&bad), ["format"]);
    }
}

/// The PNG's share of pixels that are not white.
fn ink(png: &std::path::Path) -> f64 {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(png).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buffer = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buffer).unwrap();
    let bytes = &buffer[..info.buffer_size()];
    let channels = info.color_type.samples();
    let dark = bytes
        .chunks(channels)
        .filter(|px| px.iter().take(3).any(|v| *v < 200))
        .count();
    dark as f64 / (bytes.len() / channels) as f64
}

/// Renders the PDF with poppler: page PNGs that are not blank, and the text of the whole document.
/// `None` (skipped) without poppler-utils, unless referees are required.
fn poppler(pdf: &[u8], scratch: &Scratch) -> Option<(Vec<f64>, String)> {
    oracles::tool("pdftoppm", "poppler-utils")?;
    oracles::tool("pdftotext", "poppler-utils")?;
    let file = scratch.path("statement.pdf");
    std::fs::write(&file, pdf).unwrap();
    oracles::run(
        Command::new("pdftoppm")
            .args(["-png", "-r", "60"])
            .arg(&file)
            .arg(scratch.path("page")),
    );
    let mut pages: Vec<_> = std::fs::read_dir(&scratch.0)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "png"))
        .collect();
    pages.sort();
    let text_file = scratch.path("statement.txt");
    oracles::run(
        Command::new("pdftotext")
            .args(["-layout"])
            .arg(&file)
            .arg(&text_file),
    );
    Some((
        pages.iter().map(|p| ink(p)).collect(),
        std::fs::read_to_string(text_file).unwrap(),
    ))
}

api_test! {
    async fn the_statement_pdf_renders_with_the_patient_and_the_amount_due(app) {
        let (d, _) = billed_patient(&app).await;
        let path = format!("/patients/{}/statement?format=pdf&as_of=2026-07-15", d.patient);
        let response = app.get(&path, &app.admin_token).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], "application/pdf");
        let pdf = response.bytes().await.unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        // Accept: application/pdf asks for the same.
        let by_accept = app.request(Method::GET, &format!("/patients/{}/statement", d.patient), Some(&app.admin_token))
            .header("Accept", "application/pdf").send().await.unwrap();
        assert_eq!(by_accept.headers()["content-type"], "application/pdf");

        let scratch = Scratch::new("statement");
        let Some((pages, text)) = poppler(&pdf, &scratch) else { return };
        assert_eq!(pages.len(), 1, "one page: {text}");
        assert!(pages[0] > 0.01, "the page is blank ({:.4} ink)", pages[0]);
        let squeezed = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(squeezed.contains("Testa Example Samplewoman"), "{text}");
        assert!(squeezed.contains("Amount due $53.00"), "{text}");
        assert!(squeezed.contains("Please pay $53.00 by August 14, 2026."), "{text}");
        assert!(squeezed.contains("Sample Family Medicine"), "{text}");
    }
}

/// Many open items: the table continues on further pages, every item printed once, pages numbered.
#[test]
fn a_statement_with_more_items_than_a_page_holds_continues_on_the_next_page() {
    use backoffice::db::ids::{ClaimId, PatientId};
    use backoffice::patient_accounts::statement::{
        Party, Procedure, Statement, StatementItem, StatementTotals,
    };
    use chrono::NaiveDate;
    use rust_decimal::Decimal;

    let day = NaiveDate::from_ymd_opt(2026, 7, 15).unwrap();
    let items: Vec<StatementItem> = (0..40).map(|i| StatementItem {
        date_of_service: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Days::new(i),
        claim_id: ClaimId::generate(),
        claim_number: format!("C26-{i:06}"),
        procedures: vec![
            Procedure { code: "99213".into(), description: Some("Office or other outpatient visit for the evaluation and management of an established patient".into()) },
            Procedure { code: "80053".into(), description: None },
        ],
        charge: Decimal::new(16200, 2),
        insurance_paid: Decimal::new(10400, 2),
        adjustments: Decimal::new(2000, 2),
        patient_paid: Decimal::ZERO,
        insurance_pending: if i == 0 { Decimal::new(4200, 2) } else { Decimal::ZERO },
        amount_due: Decimal::new(3800, 2),
    }).collect();
    let statement = Statement {
        patient_id: PatientId::generate(),
        account_number: "MRN-000042".into(),
        statement_date: day,
        pay_by: day + chrono::Days::new(30),
        practice: Party {
            name: "Sample Family Medicine".into(),
            address: vec!["12 Main St".into(), "Springfield, MA 01101".into()],
            phone: Some("(555) 234-5678".into()),
        },
        patient: Party {
            name: "Zoë Núñez Samplewoman".into(),
            address: vec!["100 Sample Way".into(), "Springfield, MA 01101".into()],
            phone: None,
        },
        totals: StatementTotals {
            charge: Decimal::new(648000, 2),
            insurance_paid: Decimal::new(416000, 2),
            adjustments: Decimal::new(80000, 2),
            patient_paid: Decimal::ZERO,
            insurance_pending: Decimal::new(4200, 2),
            patient_balance: Decimal::new(152000, 2),
        },
        items,
        credit: Decimal::new(1200, 2),
        amount_due: Decimal::new(150800, 2),
    };
    let pdf = backoffice::patient_accounts::pdf::render(&statement);
    let scratch = Scratch::new("statement-pages");
    let Some((pages, text)) = poppler(&pdf, &scratch) else {
        return;
    };
    assert!(pages.len() >= 2, "{} pages", pages.len());
    assert!(pages.iter().all(|ink| *ink > 0.005), "{pages:?}");
    for i in 0..40 {
        assert_eq!(
            text.matches(&format!("C26-{i:06}")).count(),
            1,
            "item {i}: {text}"
        );
    }
    assert!(
        text.contains(&format!("Page {} of {}", pages.len(), pages.len())),
        "{text}"
    );
    let squeezed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(squeezed.contains("Amount due $1,508.00"), "{text}");
    assert!(squeezed.contains("Credit on account -$12.00"), "{text}");
    assert!(squeezed.contains("Insurance pending 42.00"), "{text}");
    // The built-in fonts print WinAnsi: accents fold to their base letter rather than vanish.
    assert!(squeezed.contains("Zoe Nunez Samplewoman"), "{text}");
}

api_test! {
    async fn concurrent_payments_never_apply_more_than_is_owed_and_one_key_posts_once(app) {
        let (d, _) = billed_patient(&app).await;
        let desk = app.token_for("front_desk").await;
        // Six desks post 10.00 each at once against 53.00 owed: 53.00 applied, 7.00 credit.
        let body = json!({"amount": "10.00", "method": "cash", "date": "2026-07-01"});
        let answers = futures_util::future::join_all((0..6).map(|_| pay(&app, &desk, &d.patient, &body, None))).await;
        for answer in answers {
            expect_status(answer, StatusCode::CREATED).await;
        }
        assert_eq!(totals(&balance(&app, &d.patient).await), ("0.00", "0.00", "7.00"));
        // The same submit six times at once with one key: one payment.
        let retry = json!({"amount": "3.00", "method": "card", "date": "2026-07-02"});
        let answers = futures_util::future::join_all((0..6).map(|_| pay(&app, &desk, &d.patient, &retry, Some("tap-42")))).await;
        let mut bodies = Vec::new();
        for answer in answers {
            bodies.push(expect_status(answer, StatusCode::CREATED).await);
        }
        assert!(bodies.iter().all(|b| *b == bodies[0]));
        assert_eq!(totals(&balance(&app, &d.patient).await), ("0.00", "0.00", "10.00"));
        trial_balance_is_zero(&app).await;
    }
}
