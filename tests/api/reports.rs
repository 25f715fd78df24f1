//! Accounting reports over HTTP. A small book is built through the real API: five claims with dates
//! of service 30, 31, 90, 91 and 121 days before the aging date, posted (paid, partly paid with
//! patient responsibility, denied) by one generated 835; a patient payment and a refund after it.
//! Every report is checked to the cent in JSON, its CSV equals its JSON, and its XLSX opened by
//! LibreOffice shows the same figures as the CSV. All patients, claims and amounts are invented.

use std::path::PathBuf;
use std::process::Command;

use backoffice::audit::AuditActor;
use backoffice::db::ids::{ClaimId, PatientId};
use backoffice::db::write_transaction;
use backoffice::error::AppError;
use backoffice::ledger::standard::{self, RefundOf};
use backoffice::ledger::{PaymentMethod, post};
use backoffice::remittance::generate::scenarios::money;
use chrono::NaiveDate;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::api_test;
use crate::coding_support::{Desk, another_patient, encounter_body};
use crate::fixtures::patient_body;
use crate::helpers::{TestApp, expect_problem, expect_status, invalid_fields};
use crate::oracles::{self, Scratch};
use crate::posting::{
    Accepted, accepted_claims_of, claim_spec, era, line_of, office, post_era, remittance,
};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const AS_OF: &str = "2026-11-30";
/// LibreOffice's CSV filter: comma, double quote, UTF-8, from line 1, and (9th token) cells as shown,
/// so the number and date formats are checked too, not only the values.
const CSV_AS_SHOWN: &str = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true";

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn on(d: &Desk, dos: &str) -> Value {
    let mut body = encounter_body(d);
    body["date_of_service"] = json!(dos);
    body
}

/// The book: (claims, patient A, patient B). Each claim is 99213 120.00 + 80053 42.00.
async fn book(app: &TestApp) -> (Vec<Accepted>, Desk, Desk) {
    let (a, partner) = office(app).await;
    let b = another_patient(app, &a, patient_body("Exampleton", "Quinn")).await;
    let c = accepted_claims_of(
        app,
        &partner,
        vec![
            on(&a, "2026-10-31"), // 30 days: 0-30
            on(&a, "2026-10-30"), // 31 days: 31-60
            on(&b, "2026-09-01"), // 90 days: 61-90
            on(&b, "2026-08-31"), // 91 days: 91-120
            on(&a, "2026-08-01"), // 121 days: over 120
        ],
    )
    .await;
    // c0: the visit paid after CO45, the lab line still with the payer (42 open).
    let c0 = claim_spec(
        &c[0],
        vec![line_of(&c[0], 0).adjust("CO", "45", money(2000))],
    );
    // c1: paid in full but a 30.00 deductible, which the patient owes.
    let c1 = claim_spec(
        &c[1],
        vec![
            line_of(&c[1], 0)
                .adjust("CO", "45", money(2000))
                .adjust("PR", "1", money(3000)),
            line_of(&c[1], 1),
        ],
    );
    // c2, c3: denied; the whole 162.00 stays with the payer.
    let c2 = claim_spec(
        &c[2],
        vec![
            line_of(&c[2], 0).adjust("CO", "50", money(12000)),
            line_of(&c[2], 1).adjust("CO", "50", money(4200)),
        ],
    )
    .status("4");
    let c3 = claim_spec(
        &c[3],
        vec![
            line_of(&c[3], 0).adjust("CO", "197", money(12000)),
            line_of(&c[3], 1).adjust("CO", "50", money(4200)),
        ],
    )
    .status("4");
    // c4: visit paid with 24.00 coinsurance to the patient; the lab line still open (42).
    let c4 = claim_spec(
        &c[4],
        vec![
            line_of(&c[4], 0)
                .adjust("CO", "45", money(2000))
                .adjust("PR", "2", money(2400)),
        ],
    );
    let mut spec = remittance("TRACE-7007", vec![c0, c1, c2, c3, c4]);
    spec.payment.date = day("2026-11-20");
    spec.payment.production_date = day("2026-11-19");
    let file = era("835_reports.x12", 870, &spec);
    let outcome = expect_status(
        post_era(app, &app.admin_token, "", &file).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(outcome["claims"].as_array().unwrap().len(), 5, "{outcome}");
    // The front desk's money (no route takes it yet): after the aging date, so aging ignores it.
    let patient = PatientId::parse(&a.patient).unwrap();
    let claim = ClaimId::parse(&c[1].id).unwrap();
    let actor = AuditActor::system("tests");
    write_transaction(&mut app.db(), |conn| -> Result<(), AppError> {
        let paid = standard::patient_payment(
            day("2026-12-01"),
            &patient,
            Some(&claim),
            PaymentMethod::Cash,
            money(3000),
            money(3000),
        )?;
        post(conn, &actor, &paid)?;
        let refund = standard::refund(
            day("2026-12-02"),
            &patient,
            Some(&claim),
            RefundOf::PatientReceivable,
            PaymentMethod::Cash,
            money(500),
        )?;
        post(conn, &actor, &refund)?;
        Ok(())
    })
    .unwrap();
    (c, a, b)
}

async fn fetch(app: &TestApp, token: &str, path: &str, accept: Option<&str>) -> reqwest::Response {
    let mut request = app.request(Method::GET, path, Some(token));
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    request.send().await.unwrap()
}

/// Rows as lists of (key, value) in column order, for exact comparisons.
fn rows(report: &Value) -> Vec<Vec<Value>> {
    let keys: Vec<&str> = report["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["key"].as_str().unwrap())
        .collect();
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .chain(report["totals"].as_object().map(|_| &report["totals"]))
        .map(|row| keys.iter().map(|k| row[*k].clone()).collect())
        .collect()
}

/// RFC 4180 CSV into fields (quoted fields, doubled quotes, CRLF or LF line ends).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    while let Some(ch) = chars.next() {
        match (quoted, ch) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, ch) => field.push(ch),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, ch) => field.push(ch),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// The CSV of a report, checked against its JSON: same header titles, same cells, totals last.
fn assert_csv_is_json(csv: &str, report: &Value) {
    let parsed = parse_csv(csv);
    let titles: Vec<String> = report["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["title"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(parsed[0], titles);
    let expected: Vec<Vec<String>> = rows(report)
        .into_iter()
        .map(|row| {
            row.into_iter()
                .map(|v| match v {
                    Value::Null => String::new(),
                    Value::String(s) => s,
                    other => other.to_string(),
                })
                .collect()
        })
        .collect();
    assert_eq!(
        parsed[1..].to_vec(),
        expected,
        "CSV differs from JSON for {}",
        report["report"]
    );
}

/// LibreOffice (`libreoffice` or `soffice`), or skip/fail like any missing referee.
fn libreoffice() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .flat_map(|dir| [dir.join("libreoffice"), dir.join("soffice")])
            .find(|p| p.is_file())
    });
    found.or_else(|| oracles::tool("libreoffice", "libreoffice-calc-nogui"))
}

/// `1,234.50` as LibreOffice shows a `#,##0.00` cell, back to `1234.50`.
fn ungrouped(field: &str) -> String {
    let numeric = field.contains('.')
        && field
            .chars()
            .all(|c| c.is_ascii_digit() || ",.-".contains(c));
    if numeric {
        field.replace(',', "")
    } else {
        field.to_owned()
    }
}

/// Converts each workbook to CSV with LibreOffice headless and compares it with our CSV of the report.
fn assert_xlsx_shows_the_csv(files: &[(&str, Vec<u8>, String)]) {
    let Some(office) = libreoffice() else { return };
    let scratch = Scratch::new("reports");
    let mut inputs = Vec::new();
    for (name, xlsx, _) in files {
        let path = scratch.path(&format!("{name}.xlsx"));
        std::fs::write(&path, xlsx).unwrap();
        inputs.push(path);
    }
    // A profile of our own: parallel tests (and a desktop session) must not share LibreOffice's lock.
    let profile = format!(
        "-env:UserInstallation=file://{}",
        scratch.path("profile").display()
    );
    oracles::run(
        Command::new(office)
            .arg(profile)
            .args(["--headless", "--convert-to", CSV_AS_SHOWN, "--outdir"])
            .arg(scratch.path("out"))
            .args(&inputs),
    );
    for (name, _, csv) in files {
        let shown = std::fs::read_to_string(scratch.path(&format!("out/{name}.csv"))).unwrap();
        let shown: Vec<Vec<String>> = parse_csv(&shown)
            .into_iter()
            .map(|r| r.iter().map(|f| ungrouped(f)).collect())
            .collect();
        assert_eq!(
            shown,
            parse_csv(csv),
            "LibreOffice shows {name}.xlsx differently from our CSV"
        );
    }
}

/// The report in all three formats: (JSON, CSV, XLSX bytes), each checked for its headers.
async fn three_ways(app: &TestApp, token: &str, path: &str) -> (Value, String, Vec<u8>) {
    let sep = if path.contains('?') { '&' } else { '?' };
    let report = expect_status(fetch(app, token, path, None).await, StatusCode::OK).await;
    let csv = fetch(app, token, &format!("{path}{sep}format=csv"), None).await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let disposition = csv.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename=") && disposition.ends_with(".csv\""),
        "{disposition}"
    );
    let csv = csv.text().await.unwrap();
    // The Accept header asks for the same thing.
    let accepted = fetch(app, token, path, Some(XLSX)).await;
    assert_eq!(accepted.status(), StatusCode::OK);
    assert_eq!(accepted.headers()["content-type"], XLSX);
    assert!(
        accepted.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .ends_with(".xlsx\"")
    );
    let xlsx = accepted.bytes().await.unwrap().to_vec();
    assert_eq!(&xlsx[..2], b"PK");
    assert_csv_is_json(&csv, &report);
    (report, csv, xlsx)
}

async fn mrn_of(app: &TestApp, d: &Desk) -> Value {
    let path = format!("/patients/{}", d.patient);
    expect_status(app.get(&path, &app.admin_token).await, StatusCode::OK).await["mrn"].clone()
}

fn m(text: &str) -> Value {
    json!(text)
}

api_test! {
    async fn reports_of_a_small_book_agree_to_the_cent_in_json_csv_and_xlsx(app) {
        let (c, a, b) = book(&app).await;
        let accountant = app.token_for("accountant").await;
        let mut workbooks = Vec::new();

        let (aging, csv, xlsx) = three_ways(&app, &accountant, &format!("/reports/ar-aging?as_of={AS_OF}")).await;
        assert_eq!(aging["parameters"], json!({"as_of": AS_OF, "by": "payer"}));
        assert_eq!(rows(&aging), vec![
            vec![m("Example Health Plan"), json!(4), m("42.00"), m("0.00"), m("162.00"), m("162.00"), m("42.00"), m("408.00")],
            vec![m("Patient responsibility"), json!(2), m("0.00"), m("30.00"), m("0.00"), m("0.00"), m("24.00"), m("54.00")],
            vec![m("Total"), json!(5), m("42.00"), m("30.00"), m("162.00"), m("162.00"), m("66.00"), m("462.00")],
        ]);
        workbooks.push(("ar_aging_payer", xlsx, csv));

        let (by_patient, csv, xlsx) = three_ways(&app, &accountant, &format!("/reports/ar-aging?as_of={AS_OF}&by=patient")).await;
        let (mrn_a, mrn_b) = (mrn_of(&app, &a).await, mrn_of(&app, &b).await);
        assert_eq!(rows(&by_patient), vec![
            vec![m("Exampleton, Quinn"), mrn_b, json!(2), m("0.00"), m("0.00"), m("162.00"), m("162.00"), m("0.00"), m("324.00")],
            vec![m("Samplewoman, Testa"), mrn_a, json!(3), m("42.00"), m("30.00"), m("0.00"), m("0.00"), m("66.00"), m("138.00")],
            vec![m("Total"), Value::Null, json!(5), m("42.00"), m("30.00"), m("162.00"), m("162.00"), m("66.00"), m("462.00")],
        ]);
        workbooks.push(("ar_aging_patient", xlsx, csv));
        // Listing patients is a read of their data: one audit event per patient listed, per request
        // (JSON, CSV and XLSX here).
        let audited = expect_status(app.get("/audit?resource_type=report&resource_id=ar_aging", &app.admin_token).await, StatusCode::OK).await;
        let mut patients: Vec<&str> = audited["items"].as_array().unwrap().iter().map(|e| e["patient_id"].as_str().unwrap()).collect();
        patients.sort();
        let mut expected = [[a.patient.as_str(); 3], [b.patient.as_str(); 3]].concat();
        expected.sort();
        assert_eq!(patients, expected);

        // Lines after the aging date do not count: the patient payment of 2026-12-01 is not there yet.
        let later = expect_status(app.get("/reports/ar-aging?as_of=2026-12-01", &accountant).await, StatusCode::OK).await;
        assert_eq!(later["totals"]["total"], "432.00");

        let (trial, csv, xlsx) = three_ways(&app, &accountant, &format!("/reports/trial-balance?as_of={AS_OF}")).await;
        let balance = |code: &str| trial["rows"].as_array().unwrap().iter().find(|r| r["code"] == code).unwrap()["balance"].clone();
        assert_eq!((balance("1000"), balance("1100"), balance("1200"), balance("5100")), (m("288.00"), m("408.00"), m("54.00"), m("60.00")));
        assert_eq!((&trial["totals"]["debits"], &trial["totals"]["credits"]), (&m("1212.00"), &m("1212.00")));
        workbooks.push(("trial_balance", xlsx, csv));
        let activity = expect_status(app.get("/reports/trial-balance?from=2026-12-01&as_of=2026-12-31", &accountant).await, StatusCode::OK).await;
        assert_eq!(activity["totals"]["debits"], "35.00");

        let (journal, csv, xlsx) = three_ways(&app, &accountant, "/reports/journal?from=2026-11-20&to=2026-11-20").await;
        let lines = journal["rows"].as_array().unwrap();
        // c0: payment, CO; c1: payment, CO, PR1; c4: payment, CO, PR2: two lines each.
        assert_eq!(lines.len(), 16, "{journal}");
        assert_eq!((&journal["totals"]["debit"], &journal["totals"]["credit"]), (&m("402.00"), &m("402.00")));
        let first = &lines[0];
        assert_eq!((&first["date"], &first["account_code"]), (&m("2026-11-20"), &first["account_code"]));
        assert!(lines.iter().all(|l| l["patient_id"] == a.patient.as_str() || l["patient_id"].is_null()), "{journal}");
        let c1_lines: Vec<&Value> = lines.iter().filter(|l| l["claim_id"] == c[1].id.as_str() && l["kind"] == "transfer_to_patient").collect();
        assert_eq!(c1_lines.len(), 2);
        assert_eq!((&c1_lines[0]["account_name"], &c1_lines[0]["debit"]), (&m("Patient receivables"), &m("30.00")));
        workbooks.push(("journal", xlsx, csv));

        let (deposit, csv, xlsx) = three_ways(&app, &accountant, "/reports/daily-deposit?from=2026-11-01&to=2026-12-31").await;
        assert_eq!(rows(&deposit), vec![
            vec![m("2026-11-20"), m("insurance_payment"), m("Example Health Plan"), m("ACH"), json!(3), m("288.00")],
            vec![m("2026-12-01"), m("patient_payment"), m("Patient"), m("cash"), json!(1), m("30.00")],
            vec![m("2026-12-02"), m("refund"), m("Patient"), m("cash"), json!(1), m("-5.00")],
            vec![m("Total"), Value::Null, Value::Null, Value::Null, json!(5), m("313.00")],
        ]);
        workbooks.push(("daily_deposit", xlsx, csv));

        let biller = app.token_for("biller").await;
        let (denials, csv, xlsx) = three_ways(&app, &biller, "/reports/denials?from=2026-11-01&to=2026-11-30").await;
        let summary: Vec<(Value, Value, Value, Value)> = rows(&denials).into_iter()
            .map(|r| (r[0].clone(), r[1].clone(), r[3].clone(), r[4].clone())).collect();
        assert_eq!(summary, vec![
            (m("CO"), m("197"), json!(1), m("120.00")),
            (m("CO"), m("50"), json!(2), m("204.00")),
            (m("Total"), Value::Null, json!(2), m("324.00")),
        ]);
        let described = denials["rows"][1]["description"].as_str().unwrap_or_default();
        assert!(described.to_lowercase().contains("medical"), "CARC 50 from the code sets: {denials}");
        workbooks.push(("denials", xlsx, csv));
        let december = expect_status(app.get("/reports/denials?from=2026-12-01&to=2026-12-31", &biller).await, StatusCode::OK).await;
        assert_eq!((december["rows"].as_array().unwrap().len(), &december["totals"]["amount"]), (0, &m("0.00")));

        assert_xlsx_shows_the_csv(&workbooks);
    }
}

api_test! {
    async fn report_requests_are_checked_and_only_the_books_roles_may_read_reports(app) {
        let accountant = app.token_for("accountant").await;
        let cases = [
            ("/reports/ar-aging?as_of=2026-13-01", "as_of"),
            ("/reports/ar-aging?by=doctor", "by"),
            ("/reports/ar-aging?format=pdf", "format"),
            ("/reports/journal?from=2026-12-01&to=2026-11-01", "from"),
            ("/reports/daily-deposit?from=yesterday", "from"),
            ("/reports/denials?to=2026-02-30", "to"),
            ("/reports/trial-balance?from=2026-12-02&as_of=2026-12-01", "from"),
            ("/reports/journal?colour=red", "colour"),
        ];
        for (path, field) in cases {
            let problem = expect_problem(app.get(path, &accountant).await, StatusCode::UNPROCESSABLE_ENTITY).await;
            assert_eq!(invalid_fields(&problem), vec![field], "{path}: {problem}");
        }
        let refused = expect_problem(fetch(&app, &accountant, "/reports/denials", Some("image/png")).await, StatusCode::NOT_ACCEPTABLE).await;
        assert_eq!(invalid_fields(&refused), vec!["Accept"]);
        let csv = fetch(&app, &accountant, "/reports/trial-balance", Some("image/png, text/csv")).await;
        assert_eq!(csv.status(), StatusCode::OK);
        assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        // An empty book still answers, with zero totals.
        let empty = expect_status(app.get("/reports/ar-aging", &accountant).await, StatusCode::OK).await;
        assert_eq!((empty["rows"].as_array().unwrap().len(), &empty["totals"]["total"]), (0, &m("0.00")));

        let routes = ["/reports/ar-aging", "/reports/trial-balance", "/reports/journal", "/reports/daily-deposit", "/reports/denials"];
        for role in ["front_desk", "coder", "lab_tech"] {
            let token = app.token_for(role).await;
            for route in routes {
                expect_problem(app.get(route, &token).await, StatusCode::FORBIDDEN).await;
            }
        }
        let biller = app.token_for("biller").await;
        for route in routes {
            expect_status(app.get(route, &biller).await, StatusCode::OK).await;
        }
    }
}
