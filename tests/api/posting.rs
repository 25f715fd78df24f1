//! 835 posting over HTTP: claims built, batched and accepted by a 999, then paid, partly paid or denied
//! by 835s that the test generator writes from the claims' own CLM01s and REF*6R line ids, posted to
//! `/remittances`. The books balance per claim and in total; the same file twice posts once; a dry run
//! posts nothing. All patients, claims, payers and amounts are invented.

use backoffice::claims::acks::generate::{AckHeader, TransactionVerdict, generate_999};
use backoffice::db::ids::ClaimId;
use backoffice::ledger::claim_balance;
use backoffice::remittance::generate::{
    ClaimSpec, EraHeader, LineSpec, RemittanceSpec, generate_835,
    scenarios::{base, money, patient},
};
use backoffice::x12::{GroupControlNumber, TransactionControlNumber};
use chrono::NaiveDate;
use reqwest::{Method, Response, StatusCode};
use rust_decimal::Decimal;
use serde_json::Value;

use crate::api_test;
use crate::claims_support::*;
use crate::coding_support::*;
use crate::fixtures::create_id;
use crate::helpers::{TestApp, expect_problem, expect_status, invalid_fields};
use crate::oracles::{Oracles, Scratch};

/// A practice with one payer behind one clearinghouse.
pub(crate) async fn office(app: &TestApp) -> (Desk, String) {
    import_code_sets(app);
    billing_practice(app).await;
    let d = desk(app).await;
    let partner = partner(app, &partner_body(&[&d.payer])).await;
    (d, partner)
}

/// One accepted claim as the 835 needs it: our ids, CLM01, and each line's id, code and charge.
pub(crate) struct Accepted {
    pub(crate) id: String,
    pub(crate) clm01: String,
    pub(crate) status: String,
    pub(crate) dos: NaiveDate,
    pub(crate) lines: Vec<(String, String, Decimal)>,
}

/// Builds `n` claims, batches them and accepts the batch with a 999.
pub(crate) async fn accepted_claims(
    app: &TestApp,
    d: &Desk,
    partner: &str,
    n: usize,
) -> Vec<Accepted> {
    let bodies = (0..n).map(|_| encounter_body(d)).collect();
    accepted_claims_of(app, partner, bodies).await
}

/// Builds a claim of each encounter body, batches them and accepts the batch with a 999.
pub(crate) async fn accepted_claims_of(
    app: &TestApp,
    partner: &str,
    encounters: Vec<Value>,
) -> Vec<Accepted> {
    let mut claims = Vec::new();
    for body in &encounters {
        claims.push(built(app, &ready_encounter(app, body).await).await);
    }
    let refs: Vec<&Value> = claims.iter().collect();
    let batch = batched(app, partner, Some(&refs)).await;
    accept(app, &batch).await;
    let mut out = Vec::new();
    for claim in &claims {
        let read = read_claim(app, claim["id"].as_str().unwrap()).await;
        assert_eq!(read.status, "accepted");
        out.push(read);
    }
    out
}

/// A 999 accepting every transaction set of the batch.
async fn accept(app: &TestApp, batch: &Value) {
    let mut sets: Vec<u32> = batch["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["transaction_control_number"].as_u64().unwrap() as u32)
        .collect();
    sets.dedup();
    let gs06 = batch["group_control_number"].as_u64().unwrap() as u32;
    let verdicts: Vec<TransactionVerdict> = sets
        .into_iter()
        .map(|n| TransactionVerdict::accepted(TransactionControlNumber::from_number(n).unwrap()))
        .collect();
    let header = AckHeader::new("EXAMPLECH", "SAMPLEPRACTICE", 700 + gs06).unwrap();
    let ack = generate_999(&header, GroupControlNumber::new(gs06).unwrap(), &verdicts).unwrap();
    let response = app
        .request(Method::POST, "/x12/inbound", Some(&app.admin_token))
        .header("content-type", "application/edi-x12")
        .body(ack)
        .send()
        .await
        .unwrap();
    expect_status(response, StatusCode::CREATED).await;
}

/// The claim as an 835 names it, and its status.
pub(crate) async fn read_claim(app: &TestApp, id: &str) -> Accepted {
    let read = expect_status(
        app.get(&format!("/claims/{id}"), &app.admin_token).await,
        StatusCode::OK,
    )
    .await;
    let lines = read["snapshot"]["claim"]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["line_id"].as_str().unwrap().to_owned(),
                l["code"].as_str().unwrap().to_owned(),
                l["charge"].as_str().unwrap().parse().unwrap(),
            )
        })
        .collect();
    Accepted {
        id: id.to_owned(),
        clm01: read["versions"][0]["clm01"].as_str().unwrap().to_owned(),
        status: read["status"].as_str().unwrap().to_owned(),
        dos: read["snapshot"]["claim"]["date_of_service"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap(),
        lines,
    }
}

pub(crate) fn dos() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
}

/// A line of the claim paid as the payer decides, with its REF*6R.
pub(crate) fn line_of(claim: &Accepted, i: usize) -> LineSpec {
    let (id, code, charge) = &claim.lines[i];
    LineSpec::new(code, *charge, claim.dos).id(id)
}

pub(crate) fn claim_spec(claim: &Accepted, lines: Vec<LineSpec>) -> ClaimSpec {
    let mut spec = ClaimSpec::new(
        &claim.clm01,
        "PCN-1",
        patient("SAMPLEWOMAN", "TESTA", "XYZ-123456789"),
    );
    for line in lines {
        spec = spec.line(line);
    }
    spec
}

pub(crate) fn remittance(trace: &str, claims: Vec<ClaimSpec>) -> RemittanceSpec {
    let mut spec = base(trace);
    spec.payment.date = NaiveDate::from_ymd_opt(2026, 6, 20).unwrap();
    spec.payment.production_date = NaiveDate::from_ymd_opt(2026, 6, 19).unwrap();
    spec.claims = claims;
    spec
}

/// Writes the 835 and has the X12 referee check it.
pub(crate) fn era(name: &str, isa13: u32, spec: &RemittanceSpec) -> String {
    let header = EraHeader::new("ACMEHEALTH", "SAMPLEPRACTICE", isa13).unwrap();
    let text = generate_835(&header, spec).unwrap();
    let scratch = Scratch::new("posting");
    let path = scratch.path(name);
    std::fs::write(&path, &text).unwrap();
    if let Some(oracles) = Oracles::find()
        && let Err(report) = oracles.x12_check(&[path])
    {
        panic!("the X12 referee refused a generated 835:\n{report}");
    }
    text
}

pub(crate) async fn post_era(app: &TestApp, token: &str, query: &str, file: &str) -> Response {
    app.request(Method::POST, &format!("/remittances{query}"), Some(token))
        .header("content-type", "application/edi-x12")
        .body(file.to_owned())
        .send()
        .await
        .unwrap()
}

pub(crate) fn balance_of(app: &TestApp, claim: &str) -> (Decimal, Decimal) {
    let mut conn = app.db();
    let b = claim_balance(&mut conn, &ClaimId::parse(claim).unwrap(), None).unwrap();
    (b.insurance, b.patient)
}

pub(crate) async fn status_of(app: &TestApp, claim: &str) -> Value {
    expect_status(
        app.get(&format!("/claims/{claim}"), &app.admin_token).await,
        StatusCode::OK,
    )
    .await
}

pub(crate) async fn trial_balance_is_zero(app: &TestApp) {
    let accountant = app.token_for("accountant").await;
    let body = expect_status(
        app.get("/ledger/trial-balance", &accountant).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(body["total_debits"], body["total_credits"], "{body}");
}

api_test! {
    async fn an_835_pays_one_claim_partly_pays_another_and_denies_a_third(app) {
        let (d, partner) = office(&app).await;
        let c = accepted_claims(&app, &d, &partner, 4).await;
        // Paid in full after a contractual adjustment: 120 - 20 CO45 = 100; 42 - 2 CO45 = 40.
        let paid = claim_spec(&c[0], vec![
            line_of(&c[0], 0).adjust("CO", "45", money(2000)),
            line_of(&c[0], 1).adjust("CO", "45", money(200)),
        ]);
        // Patient responsibility split: deductible, coinsurance and copay kept apart.
        let split = claim_spec(&c[1], vec![
            line_of(&c[1], 0).adjust("CO", "45", money(2000)).adjust("PR", "1", money(3000)).adjust("PR", "3", money(1500)),
            line_of(&c[1], 1).adjust("PR", "2", money(800)),
        ]);
        // Denied: CO-50 not medically necessary, remark N115.
        let denied = claim_spec(&c[2], vec![
            line_of(&c[2], 0).adjust("CO", "50", money(12000)).remark("N115"),
            line_of(&c[2], 1).adjust("CO", "50", money(4200)),
        ]).status("4");
        // Only the office visit adjudicated: the lab line is still with the payer.
        let partial = claim_spec(&c[3], vec![line_of(&c[3], 0).adjust("CO", "45", money(2000))]);
        // Not ours at all.
        let stranger = ClaimSpec::new("NOTOURS-1", "PCN-9", patient("EXAMPLETON", "QUINN", "ABC-1"))
            .line(LineSpec::new("99213", money(5000), dos()).id("ZZ-1").adjust("CO", "45", money(1000)));
        let spec = remittance("TRACE-1001", vec![paid, split, denied, partial, stranger]);
        let file = era("835_mixed.x12", 801, &spec);

        let biller = app.token_for("biller").await;
        let dry = expect_status(post_era(&app, &biller, "?dry_run=true", &file).await, StatusCode::OK).await;
        let outcome = expect_status(post_era(&app, &biller, "", &file).await, StatusCode::CREATED).await;
        assert_eq!(outcome["duplicate"], false);
        // The dry run said exactly what was posted, but for the entries' ids.
        let mut posted = outcome["claims"].clone();
        for claim in posted.as_array_mut().unwrap() {
            claim["entries"] = serde_json::json!([]);
        }
        assert_eq!((&dry["claims"], &dry["unmatched"]), (&posted, &outcome["unmatched"]));
        let claims = outcome["claims"].as_array().unwrap();
        assert_eq!(claims.len(), 4, "{outcome}");
        let statuses: Vec<(&str, &str, &str)> = claims.iter().map(|p| (
            p["claim_id"].as_str().unwrap(), p["status_after"].as_str().unwrap(), p["matched_by"].as_str().unwrap())).collect();
        assert_eq!(statuses, [(c[0].id.as_str(), "paid", "clm01"), (c[1].id.as_str(), "paid", "clm01"),
                              (c[2].id.as_str(), "denied", "clm01"), (c[3].id.as_str(), "partially_paid", "clm01")]);
        assert_eq!(claims[0]["lines_matched"].as_array().unwrap().len(), 2, "{outcome}");
        // Charged when built, not by the remittance.
        assert_eq!(claims[0]["charge_posted"], false);
        let pr: Vec<(&str, &str)> = claims[1]["patient_responsibility"].as_array().unwrap().iter()
            .map(|a| (a["reason"].as_str().unwrap(), a["amount"].as_str().unwrap())).collect();
        assert_eq!(pr, [("1", "30.00"), ("2", "8.00"), ("3", "15.00")]);
        let unmatched = outcome["unmatched"].as_array().unwrap();
        assert_eq!(unmatched.len(), 1, "{outcome}");
        assert_eq!(unmatched[0]["clp01"], "NOTOURS-1");

        // Per claim: charges - payments - adjustments = what is left (patient responsibility).
        assert_eq!(balance_of(&app, &c[0].id), (Decimal::ZERO, Decimal::ZERO));
        // 162 - 20 CO - 53 PR - paid 89 = 0 for the payer; 53 for the patient.
        assert_eq!(balance_of(&app, &c[1].id), (Decimal::ZERO, money(5300)));
        // A denial leaves the whole charge with the payer, to appeal, correct or write off.
        assert_eq!(balance_of(&app, &c[2].id), (money(16200), Decimal::ZERO));
        // The lab line not adjudicated yet: 42 still with the payer.
        assert_eq!(balance_of(&app, &c[3].id), (money(4200), Decimal::ZERO));
        trial_balance_is_zero(&app).await;

        let denial = status_of(&app, &c[2].id).await;
        assert_eq!(denial["status"], "denied");
        let reasons = denial["status_reasons"].as_array().unwrap();
        assert!(reasons.iter().any(|r| r["kind"] == "carc" && r["code"] == "50"), "{denial}");
        assert!(reasons.iter().any(|r| r["kind"] == "rarc" && r["code"] == "N115"), "{denial}");
        assert_eq!(status_of(&app, &c[3].id).await["status"], "partially_paid");

        let queue = expect_status(app.get("/remittances/unmatched", &biller).await, StatusCode::OK).await;
        assert_eq!(queue["total"], 1, "{queue}");
        assert_eq!(queue["items"][0]["clp01"], "NOTOURS-1");

        let accountant = app.token_for("accountant").await;
        let id = outcome["id"].as_str().unwrap();
        let read = expect_status(app.get(&format!("/remittances/{id}"), &accountant).await, StatusCode::OK).await;
        assert_eq!((&read["completed"], &read["trace_number"], &read["amount"]), (&Value::from(true), &Value::from("TRACE-1001"), &Value::from("369.00")));
        let listed = expect_status(app.get("/remittances", &accountant).await, StatusCode::OK).await;
        assert_eq!(listed["total"], 1);
        expect_problem(post_era(&app, &accountant, "", &file).await, StatusCode::FORBIDDEN).await;
    }
}

api_test! {
    async fn the_same_835_twice_posts_once_and_a_dry_run_posts_nothing(app) {
        let (d, partner) = office(&app).await;
        let c = accepted_claims(&app, &d, &partner, 1).await;
        let spec = remittance("TRACE-2002", vec![claim_spec(&c[0], vec![
            line_of(&c[0], 0).adjust("CO", "45", money(2000)),
            line_of(&c[0], 1),
        ])]);
        let file = era("835_once.x12", 802, &spec);

        let dry = expect_status(post_era(&app, &app.admin_token, "?dry_run=true", &file).await, StatusCode::OK).await;
        assert_eq!((&dry["dry_run"], &dry["id"]), (&Value::from(true), &Value::Null));
        assert_eq!(dry["claims"][0]["status_after"], "paid");
        assert_eq!(dry["claims"][0]["entries"], serde_json::json!([]));
        assert_eq!(balance_of(&app, &c[0].id), (money(16200), Decimal::ZERO), "the charge only");
        assert_eq!(status_of(&app, &c[0].id).await["status"], "accepted");

        let first = expect_status(post_era(&app, &app.admin_token, "", &file).await, StatusCode::CREATED).await;
        assert_eq!(first["claims"][0]["status_after"], "paid");
        // payment, contractual adjustment (the charge was posted when the claim was built)
        assert_eq!(first["claims"][0]["entries"].as_array().unwrap().len(), 2);
        let second = expect_status(post_era(&app, &app.admin_token, "", &file).await, StatusCode::OK).await;
        assert_eq!((&second["duplicate"], &second["id"]), (&Value::from(true), &first["id"]));
        // The same payment in another file (another ISA13) is the same payment.
        let again = era("835_once_again.x12", 803, &spec);
        let third = expect_status(post_era(&app, &app.admin_token, "", &again).await, StatusCode::OK).await;
        assert_eq!(third["duplicate"], true);
        assert_eq!(balance_of(&app, &c[0].id), (Decimal::ZERO, Decimal::ZERO));
        let mut conn = app.db();
        let entries = backoffice::ledger::list(&mut conn, &backoffice::ledger::EntryFilter {
            claim_id: Some(ClaimId::parse(&c[0].id).unwrap()), ..Default::default()
        }).unwrap();
        assert_eq!(entries.len(), 3, "charge, then payment and adjustment posted once");
        trial_balance_is_zero(&app).await;
    }
}

api_test! {
    async fn an_unreadable_or_unbalanced_835_is_refused_naming_the_file(app) {
        let (d, partner) = office(&app).await;
        let c = accepted_claims(&app, &d, &partner, 1).await;
        let problem = expect_problem(post_era(&app, &app.admin_token, "", "ISA*nonsense~").await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(invalid_fields(&problem), vec!["file"]);
        let mut spec = remittance("TRACE-3003", vec![claim_spec(&c[0], vec![line_of(&c[0], 0), line_of(&c[0], 1)])]);
        spec.payment.amount = Some(money(1));
        let header = EraHeader::new("ACMEHEALTH", "SAMPLEPRACTICE", 804).unwrap();
        let unbalanced = generate_835(&header, &spec).unwrap();
        let problem = expect_problem(post_era(&app, &app.admin_token, "", &unbalanced).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(invalid_fields(&problem), vec!["file"]);
        // Only the charge posted when the claim was built.
        assert_eq!(balance_of(&app, &c[0].id), (money(16200), Decimal::ZERO));
        let listed = expect_status(app.get("/remittances", &app.admin_token).await, StatusCode::OK).await;
        assert_eq!(listed["total"], 0);
    }
}

api_test! {
    async fn importing_a_file_again_after_a_crash_between_two_claims_posts_only_the_claim_not_yet_posted(app) {
        use diesel::{Connection, RunQueryDsl};
        let (d, partner) = office(&app).await;
        let c = accepted_claims(&app, &d, &partner, 2).await;
        let first = claim_spec(&c[0], vec![line_of(&c[0], 0).adjust("CO", "45", money(2000)), line_of(&c[0], 1)]);
        let second = claim_spec(&c[1], vec![line_of(&c[1], 0), line_of(&c[1], 1).adjust("CO", "45", money(200))]);
        // The first claim's posting, as the interrupted import committed it (here from a file of its own).
        let alone = era("835_first_only.x12", 805, &remittance("TRACE-4003", vec![first.clone()]));
        expect_status(post_era(&app, &app.admin_token, "", &alone).await, StatusCode::CREATED).await;
        // What the crash left of the whole file: its row, not completed, and claim 0 marked done.
        let spec = remittance("TRACE-4004", vec![first, second]);
        let file = era("835_two_claims.x12", 806, &spec);
        let id = backoffice::db::ids::RemittanceId::generate();
        let sha = backoffice::remittance::fingerprint(file.as_bytes());
        let statements = [
            format!("INSERT INTO remittance_files (id, sha256, payment_key, payer_id, trace_number, amount_cents, \
                     payment_date, claim_count, content, outcome, completed, received_by, received_at) VALUES \
                     ('{id}', '{sha}', '1512345678|TRACE-4004|300', '1512345678', 'TRACE-4004', 30000, '2026-06-20', 2, \
                     '', '{{}}', FALSE, 'tests', '2026-06-20 10:00:00')"),
            format!("INSERT INTO remittance_claims (file_id, clp_index, clp01, claim_id, claim_version, matched_by, result, \
                     detail, posted_at) VALUES ('{id}', 0, '{}', '{}', 1, 'clm01', 'posted', 'accepted -> paid', \
                     '2026-06-20 10:00:00')", c[0].clm01, c[0].id),
        ];
        let mut conn = app.db();
        conn.transaction::<_, diesel::result::Error, _>(|c| {
            for statement in &statements {
                diesel::sql_query(statement).execute(c)?;
            }
            Ok(())
        }).unwrap();

        let resumed = expect_status(post_era(&app, &app.admin_token, "", &file).await, StatusCode::CREATED).await;
        assert_eq!(resumed["id"], id.to_string());
        assert_eq!(resumed["already_done"], serde_json::json!([0]));
        let posted: Vec<&str> = resumed["claims"].as_array().unwrap().iter().map(|p| p["claim_id"].as_str().unwrap()).collect();
        assert_eq!(posted, [c[1].id.as_str()]);
        assert_eq!(balance_of(&app, &c[0].id), (Decimal::ZERO, Decimal::ZERO));
        assert_eq!(balance_of(&app, &c[1].id), (Decimal::ZERO, Decimal::ZERO));
        let read = expect_status(app.get(&format!("/remittances/{id}"), &app.admin_token).await, StatusCode::OK).await;
        assert_eq!(read["completed"], true);
        // Completed now: the same file again is a duplicate.
        let again = expect_status(post_era(&app, &app.admin_token, "", &file).await, StatusCode::OK).await;
        assert_eq!(again["duplicate"], true);
        trial_balance_is_zero(&app).await;
    }
}

api_test! {
    async fn a_sent_claim_is_accepted_then_paid_a_claim_matches_by_payer_claim_number_and_stray_lines_are_queued(app) {
        use diesel::RunQueryDsl;
        let (d, partner) = office(&app).await;
        let by_number = accepted_claims(&app, &d, &partner, 1).await.remove(0);
        diesel::sql_query(format!("UPDATE claims SET payer_claim_number = 'PCN-77' WHERE id = '{}'", by_number.id))
            .execute(&mut app.db()).unwrap();
        let sent = built(&app, &ready_encounter(&app, &encounter_body(&d)).await).await;
        move_as_service(&app, &claim_id(&sent), &[backoffice::claims::Status::Sent]);
        let sent = read_claim(&app, sent["id"].as_str().unwrap()).await;
        assert_eq!(sent.status, "sent");

        // The sent claim: one line with our REF*6R, one with a line id we never sent.
        let (_, code, charge) = &sent.lines[1];
        let stray = LineSpec::new(code, *charge, dos()).id("NOT-OUR-LINE");
        let sent_spec = claim_spec(&sent, vec![line_of(&sent, 0), stray]);
        // CLP01 unknown, CLP07 the payer's number for our claim.
        let mut renamed = claim_spec(&by_number, vec![line_of(&by_number, 0), line_of(&by_number, 1)]);
        renamed.claim_id = "UNKNOWN-1".into();
        renamed.payer_claim_number = "PCN-77".into();
        let file = era("835_fallbacks.x12", 807, &remittance("TRACE-5005", vec![sent_spec, renamed]));

        let outcome = expect_status(post_era(&app, &app.admin_token, "", &file).await, StatusCode::CREATED).await;
        let claims = outcome["claims"].as_array().unwrap();
        assert_eq!(claims.len(), 2, "{outcome}");
        assert_eq!((&claims[0]["status_before"], &claims[0]["status_after"]), (&Value::from("sent"), &Value::from("paid")));
        assert_eq!(claims[0]["lines_matched"], serde_json::json!([sent.lines[0].0]));
        assert_eq!((&claims[1]["claim_id"], &claims[1]["matched_by"]), (&Value::from(by_number.id.as_str()), &Value::from("payer_claim_number")));
        let unmatched = outcome["unmatched"].as_array().unwrap();
        assert_eq!(unmatched.len(), 1, "{outcome}");
        assert_eq!((&unmatched[0]["line_id"], &unmatched[0]["clp01"]), (&Value::from("NOT-OUR-LINE"), &Value::from(sent.clm01.as_str())));
        assert_eq!(read_claim(&app, &sent.id).await.status, "paid");
        assert_eq!(read_claim(&app, &by_number.id).await.status, "paid");
        assert_eq!(balance_of(&app, &sent.id), (Decimal::ZERO, Decimal::ZERO));
        // The sent claim was accepted on the way, each move an event and an audit record.
        let events = expect_status(app.get(&format!("/claims/{}/events", sent.id), &app.admin_token).await, StatusCode::OK).await;
        let moves: Vec<(&Value, &Value, &Value)> = events.as_array().unwrap().iter().rev().take(2).rev()
            .map(|e| (&e["from_status"], &e["to_status"], &e["detail"])).collect();
        let detail = format!("835 CLP {} (CLP02 = 1)", sent.clm01);
        assert_eq!(moves, [(&Value::from("sent"), &Value::from("accepted"), &Value::from("the payer adjudicated it (835)")),
                           (&Value::from("accepted"), &Value::from("paid"), &Value::from(detail.as_str()))]);
        let audit = expect_status(app.get(&format!("/audit?resource_type=claim&resource_id={}&action=status", sent.id), &app.admin_token).await, StatusCode::OK).await;
        let notes: Vec<&Value> = audit["items"].as_array().unwrap().iter().map(|e| &e["detail"]).collect();
        assert!(notes.contains(&&Value::from("sent -> accepted")) && notes.contains(&&Value::from("accepted -> paid")), "{audit}");
        trial_balance_is_zero(&app).await;
    }
}

/// Moves a claim (not ready) through `then` as the service does.
fn move_as_service_from(app: &TestApp, claim: &ClaimId, then: &[backoffice::claims::Status]) {
    let actor = backoffice::audit::AuditActor::system("tests");
    let mut conn = app.db();
    for to in then {
        backoffice::claims::workflow::transition(&mut conn, &actor, claim, *to, None)
            .expect("service move");
    }
}

/// The bank's balance (account 1000) from the trial balance.
async fn bank(app: &TestApp) -> Decimal {
    let body = expect_status(
        app.get("/ledger/trial-balance", &app.admin_token).await,
        StatusCode::OK,
    )
    .await;
    let account = body["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["code"] == "1000")
        .unwrap()
        .clone();
    account["balance"].as_str().unwrap().parse().unwrap()
}

api_test! {
    async fn a_reversal_undoes_the_earlier_posting_and_the_readjudication_posts_in_its_place(app) {
        let (d, partner) = office(&app).await;
        let c = accepted_claims(&app, &d, &partner, 2).await;
        // First adjudication: 120 - 20 CO45 = 100, 42 paid in full: 142.
        let first = claim_spec(&c[0], vec![line_of(&c[0], 0).adjust("CO", "45", money(2000)), line_of(&c[0], 1)]);
        let file = era("835_first_adjudication.x12", 811, &remittance("TRACE-6001", vec![first.clone()]));
        expect_status(post_era(&app, &app.admin_token, "", &file).await, StatusCode::CREATED).await;
        assert_eq!(read_claim(&app, &c[0].id).await.status, "paid");
        let bank_before = bank(&app).await;

        // The payer takes it back and adjudicates again: 30 CO45, 15 coinsurance on the visit.
        let again = claim_spec(&c[0], vec![
            line_of(&c[0], 0).adjust("CO", "45", money(3000)).adjust("PR", "2", money(1500)),
            line_of(&c[0], 1),
        ]);
        // A reversal of a claim never paid here, and one whose amounts do not undo what was posted.
        let never_paid = claim_spec(&c[1], vec![line_of(&c[1], 0), line_of(&c[1], 1)]).reversal();
        let mut wrong = first.reversal();
        wrong.lines[0].adjustments[0].amount = money(-1000);
        wrong.claim_id = c[0].clm01.clone();
        let spec = remittance("TRACE-6002", vec![first.reversal(), again.clone(), never_paid]);
        let file = era("835_reversal.x12", 812, &spec);
        let outcome = expect_status(post_era(&app, &app.admin_token, "", &file).await, StatusCode::CREATED).await;
        let claims = outcome["claims"].as_array().unwrap();
        assert_eq!(claims.len(), 2, "{outcome}");
        assert_eq!((&claims[0]["clp_status"], &claims[0]["status_before"], &claims[0]["status_after"]),
                   (&Value::from("22"), &Value::from("paid"), &Value::from("accepted")));
        assert_eq!(claims[0]["paid"].as_str().unwrap().parse::<Decimal>().unwrap(), money(-14200));
        assert_eq!(claims[0]["entries"].as_array().unwrap().len(), 2, "payment and adjustment reversed");
        assert_eq!((&claims[1]["status_before"], &claims[1]["status_after"]), (&Value::from("accepted"), &Value::from("paid")));
        let unmatched = outcome["unmatched"].as_array().unwrap();
        assert_eq!(unmatched.len(), 1, "{outcome}");
        assert!(unmatched[0]["reason"].as_str().unwrap().contains("is accepted"), "{outcome}");

        // Books: 162 charged; 117 paid now (162 - 30 - 15); 15 the patient's.
        assert_eq!(balance_of(&app, &c[0].id), (Decimal::ZERO, money(1500)));
        assert_eq!(bank(&app).await - bank_before, money(-14200) + money(11700));
        trial_balance_is_zero(&app).await;
        let mut conn = app.db();
        let reversals = backoffice::ledger::list(&mut conn, &backoffice::ledger::EntryFilter {
            claim_id: Some(ClaimId::parse(&c[0].id).unwrap()),
            kind: Some(backoffice::ledger::EntryKind::Reversal), ..Default::default()
        }).unwrap();
        assert_eq!(reversals.len(), 2);
        drop(conn);

        // A reversal that does not undo what was posted is queued, nothing reversed.
        let file = era("835_wrong_reversal.x12", 813, &remittance("TRACE-6003", vec![wrong]));
        let outcome = expect_status(post_era(&app, &app.admin_token, "", &file).await, StatusCode::CREATED).await;
        assert_eq!(outcome["claims"], serde_json::json!([]), "{outcome}");
        assert!(outcome["unmatched"][0]["reason"].as_str().unwrap().contains("does not undo"), "{outcome}");
        assert_eq!(read_claim(&app, &c[0].id).await.status, "paid");
        assert_eq!(balance_of(&app, &c[0].id), (Decimal::ZERO, money(1500)));
    }
}

api_test! {
    async fn plb_interest_recoupment_and_withholding_post_so_the_bank_moves_by_bpr02(app) {
        let (d, partner) = office(&app).await;
        let c = accepted_claims(&app, &d, &partner, 2).await;
        let paid = claim_spec(&c[0], vec![line_of(&c[0], 0), line_of(&c[0], 1)]);
        let file = era("835_paid_in_full.x12", 821, &remittance("TRACE-7001", vec![paid]));
        expect_status(post_era(&app, &app.admin_token, "", &file).await, StatusCode::CREATED).await;
        let bank_before = bank(&app).await;

        let mut spec = remittance("TRACE-7002", vec![claim_spec(&c[1], vec![line_of(&c[1], 0).adjust("CO", "45", money(2000)), line_of(&c[1], 1)])]);
        spec.provider_adjustments = vec![
            // 2.50 interest added.
            backoffice::remittance::generate::ProviderAdjustmentSpec { reason: "L6".into(), reference: None, amount: money(-250) },
            // 10.00 recouped from our first claim, named by its CLM01.
            backoffice::remittance::generate::ProviderAdjustmentSpec { reason: "WO".into(), reference: Some(c[0].clm01.clone()), amount: money(1000) },
            // 5.00 withheld for something that is none of our claims.
            backoffice::remittance::generate::ProviderAdjustmentSpec { reason: "FB".into(), reference: Some("ELSEWHERE-9".into()), amount: money(500) },
        ];
        let bpr02 = spec.settled_amount();
        assert_eq!(bpr02, money(14200) - money(1000) - money(500) + money(250));
        let file = era("835_plb.x12", 822, &spec);
        let dry = expect_status(post_era(&app, &app.admin_token, "?dry_run=true", &file).await, StatusCode::OK).await;
        assert_eq!(dry["provider_adjustments"].as_array().unwrap().len(), 3, "{dry}");
        assert_eq!(bank(&app).await, bank_before, "a dry run posts nothing");

        let outcome = expect_status(post_era(&app, &app.admin_token, "", &file).await, StatusCode::CREATED).await;
        let plb: Vec<(&str, &str, &str)> = outcome["provider_adjustments"].as_array().unwrap().iter().map(|p| (
            p["reason"].as_str().unwrap(), p["amount"].as_str().unwrap(), p["treatment"].as_str().unwrap())).collect();
        assert_eq!(plb, [("L6", "-2.50", "interest"), ("WO", "10.00", "recoupment_from_claim"), ("FB", "5.00", "withheld")]);
        assert_eq!(outcome["provider_adjustments"][1]["claim_id"], c[0].id.as_str());
        assert!(outcome["provider_adjustments"].as_array().unwrap().iter().all(|p| p["entry"].is_string()));
        assert_eq!(bank(&app).await - bank_before, bpr02);
        // The recouped 10.00 is owed again on the first claim, with the payer.
        assert_eq!(balance_of(&app, &c[0].id), (money(1000), Decimal::ZERO));
        let tb = expect_status(app.get("/ledger/trial-balance", &app.admin_token).await, StatusCode::OK).await;
        let interest = tb["accounts"].as_array().unwrap().iter().find(|a| a["code"] == "4800").unwrap().clone();
        assert_eq!(interest["balance"].as_str().unwrap().parse::<Decimal>().unwrap(), money(250), "{tb}");
        trial_balance_is_zero(&app).await;

        // Again: nothing more (the file is a duplicate).
        let again = expect_status(post_era(&app, &app.admin_token, "", &file).await, StatusCode::OK).await;
        assert_eq!(again["duplicate"], true);
        assert_eq!(bank(&app).await - bank_before, bpr02);
    }
}

api_test! {
    async fn a_primary_leaving_the_patient_a_balance_bills_the_secondary_with_its_adjudication(app) {
        use crate::fixtures::{payer_body, policy_body};
        let (d, partner_id) = office(&app).await;
        let c = accepted_claims(&app, &d, &partner_id, 1).await;
        let second_payer = create_id(&app, "/payers", &payer_body("Second Example Plan", "SEC01")).await;
        create_id(&app, &format!("/patients/{}/policies", d.patient), &policy_body(&second_payer, "secondary")).await;

        // The primary: 20 CO45, 10 deductible and 15 coinsurance left to the patient, 117 paid.
        let primary = claim_spec(&c[0], vec![
            line_of(&c[0], 0).adjust("CO", "45", money(2000)).adjust("PR", "1", money(1000)).adjust("PR", "2", money(1500)),
            line_of(&c[0], 1),
        ]);
        let file = era("835_primary.x12", 831, &remittance("TRACE-8001", vec![primary]));
        let dry = expect_status(post_era(&app, &app.admin_token, "?dry_run=true", &file).await, StatusCode::OK).await;
        assert!(dry["claims"][0]["secondary_note"].as_str().unwrap().contains("secondary policy"), "{dry}");
        let outcome = expect_status(post_era(&app, &app.admin_token, "", &file).await, StatusCode::CREATED).await;
        let posted = &outcome["claims"][0];
        assert_eq!(posted["status_after"], "paid", "{outcome}");
        let secondary = posted["secondary_claim_id"].as_str().expect("a secondary claim").to_owned();
        // The 25 left stays with insurance: it is billed to the secondary, not the patient.
        assert_eq!(balance_of(&app, &c[0].id), (money(2500), Decimal::ZERO));

        let claim = status_of(&app, &secondary).await;
        assert_eq!(claim["status"], "ready", "{claim}");
        assert_eq!(claim["payer_id"], second_payer.as_str());
        assert_eq!(claim["snapshot"]["subscriber"]["responsibility"], "secondary");
        let other = &claim["snapshot"]["other_payers"][0];
        assert_eq!(other["payer_id"], "EXH01", "{claim}");
        assert_eq!(other["paid"].as_str().unwrap().parse::<Decimal>().unwrap(), money(11700));
        assert_eq!(other["remaining_patient_liability"].as_str().unwrap().parse::<Decimal>().unwrap(), money(2500));
        assert_eq!(other["lines"].as_array().unwrap().len(), 2, "{claim}");

        // Sent through a clearinghouse that routes the second payer: the 837P carries 2320/2330/2430.
        let second_partner = partner(&app, &partner_body(&[&second_payer])).await;
        let as_value = claim.clone();
        let batch = batched(&app, &second_partner, Some(&[&as_value])).await;
        let bytes = batch_file(&app, &batch).await;
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.contains("SBR*P*18") && text.contains("AMT*D*117"), "{text}");
        let scratch = Scratch::new("posting");
        let path = scratch.path("837p_secondary.x12");
        std::fs::write(&path, &text).unwrap();
        if let Some(oracles) = Oracles::find()
            && let Err(report) = oracles.x12_check(&[path])
        {
            panic!("the X12 referee refused the secondary claim's 837P:\n{report}");
        }
        accept(&app, &batch).await;

        // The secondary pays 20 and leaves 5 coinsurance (OA-23: what the primary settled): the encounter's
        // balance is the patient's 5.
        let read = read_claim(&app, &secondary).await;
        let mut spec = claim_spec(&read, vec![
            line_of(&read, 0).adjust("OA", "23", money(9500)).adjust("PR", "2", money(500)),
            line_of(&read, 1).adjust("OA", "23", money(4200)),
        ]);
        spec.status = "2".into();
        let file = era("835_secondary.x12", 832, &remittance("TRACE-8002", vec![spec]));
        let outcome = expect_status(post_era(&app, &app.admin_token, "", &file).await, StatusCode::CREATED).await;
        assert_eq!(outcome["claims"][0]["status_after"], "paid", "{outcome}");
        assert_eq!(balance_of(&app, &c[0].id), (Decimal::ZERO, money(500)));
        trial_balance_is_zero(&app).await;
    }
}

api_test! {
    async fn a_claim_is_charged_when_built_a_replacement_recharges_and_a_void_takes_the_charge_back(app) {
        let (d, partner) = office(&app).await;
        let c = accepted_claims(&app, &d, &partner, 1).await;
        // Charged when built, dated its date of service.
        assert_eq!(balance_of(&app, &c[0].id), (money(16200), Decimal::ZERO));
        let path = format!("/claims/{}/corrections", c[0].id);
        let claim = ClaimId::parse(&c[0].id).unwrap();
        let kinds = |app: &TestApp| -> Vec<String> {
            let mut conn = app.db();
            backoffice::ledger::list(&mut conn, &backoffice::ledger::EntryFilter { claim_id: Some(claim.clone()), ..Default::default() })
                .unwrap().iter().map(|e| e.body.kind().as_str().to_owned()).collect()
        };

        // Rejected, then resubmitted as it was: the same lines at the same charges leave the charge alone.
        move_as_service_from(&app, &claim, &[backoffice::claims::Status::Rejected]);
        let resubmit = serde_json::json!({"frequency": "original", "reason": "the payer's front end was down"});
        expect_status(app.post(&path, &app.admin_token, &resubmit).await, StatusCode::CREATED).await;
        assert_eq!(kinds(&app), ["charge"]);
        move_as_service(&app, &claim, &[backoffice::claims::Status::Sent, backoffice::claims::Status::Accepted]);

        // A replacement billing the visit alone at 100: the 162 charge is reversed, 100 charged.
        let replacement = serde_json::json!({"frequency": "replacement", "payer_claim_number": "PCN-1", "reason": "the panel was billed twice",
            "lines": [{"id": c[0].lines[0].0, "code": "99213", "charge": "100.00", "diagnosis_pointers": [1, 2]}]});
        expect_status(app.post(&path, &app.admin_token, &replacement).await, StatusCode::CREATED).await;
        assert_eq!(balance_of(&app, &c[0].id), (money(10000), Decimal::ZERO));
        assert_eq!(kinds(&app), ["charge", "reversal", "charge"]);

        // Sent again and voided: nothing is owed any more.
        move_as_service(&app, &claim, &[backoffice::claims::Status::Sent]);
        let void = serde_json::json!({"frequency": "void", "payer_claim_number": "PCN-1", "reason": "billed to the wrong patient"});
        expect_status(app.post(&path, &app.admin_token, &void).await, StatusCode::CREATED).await;
        assert_eq!(balance_of(&app, &c[0].id), (Decimal::ZERO, Decimal::ZERO));
        trial_balance_is_zero(&app).await;
    }
}

api_test! {
    async fn a_line_without_ref_6r_matches_by_code_date_and_charge_and_says_so(app) {
        let (d, partner) = office(&app).await;
        let c = accepted_claims(&app, &d, &partner, 1).await;
        let (_, code, charge) = &c[0].lines[1];
        // The payer dropped REF*6R on the panel; a third line of ours it never was (wrong charge).
        let bare = LineSpec::new(code, *charge, dos());
        let stranger = LineSpec::new(code, *charge + money(100), dos());
        let spec = remittance("TRACE-9001", vec![claim_spec(&c[0], vec![line_of(&c[0], 0), bare, stranger])]);
        let file = era("835_fallback_lines.x12", 841, &spec);
        let outcome = expect_status(post_era(&app, &app.admin_token, "", &file).await, StatusCode::CREATED).await;
        let posted = &outcome["claims"][0];
        assert_eq!(posted["lines_matched"], serde_json::json!([c[0].lines[0].0]), "{outcome}");
        assert_eq!(posted["lines_matched_by_code_date_charge"], serde_json::json!([c[0].lines[1].0]), "{outcome}");
        let unmatched = outcome["unmatched"].as_array().unwrap();
        assert_eq!(unmatched.len(), 1, "{outcome}");
        assert!(unmatched[0]["reason"].as_str().unwrap().contains("service line 3 has no REF*6R"), "{outcome}");
    }
}

/// How many entries of this kind name each claim (by the entry's claim).
fn entries_per_claim(app: &TestApp, kind: &str) -> std::collections::HashMap<String, i64> {
    use backoffice::db::schema::journal_entries as entries;
    use diesel::prelude::*;
    let mut conn = app.db();
    let rows: Vec<(Option<String>, i64)> = entries::table
        .filter(entries::kind.eq(kind))
        .group_by(entries::claim_id)
        .select((entries::claim_id, diesel::dsl::count_star()))
        .load(&mut conn)
        .unwrap();
    rows.into_iter()
        .filter_map(|(claim, n)| Some((claim?, n)))
        .collect()
}

api_test! {
    async fn two_instances_importing_the_same_file_at_once_post_it_once_and_the_second_says_so(app) {
        let (d, partner) = office(&app).await;
        let c = accepted_claims(&app, &d, &partner, 12).await;
        let specs = c.iter().map(|claim| claim_spec(claim, vec![
            line_of(claim, 0).adjust("CO", "45", money(2000)),
            line_of(claim, 1).adjust("PR", "2", money(500)),
        ])).collect();
        let file = era("835_race.x12", 808, &remittance("TRACE-6006", specs));
        let other = app.spawn_instance().await;
        let biller = app.token_for("biller").await;

        let (first, second) = tokio::join!(post_era(&app, &biller, "", &file), post_era(&other, &biller, "", &file));
        // One import posts; the other waits for it, then says the file was imported.
        let mut answers = Vec::new();
        for response in [first, second] {
            let status = response.status();
            answers.push((status, response.json::<Value>().await.unwrap()));
        }
        answers.sort_by_key(|(status, _)| *status);
        let [(ok, duplicate), (created, posted)] = &answers[..] else { unreachable!() };
        assert_eq!((*ok, *created), (StatusCode::OK, StatusCode::CREATED), "{answers:?}");
        assert_eq!((&duplicate["duplicate"], &posted["duplicate"]), (&Value::from(true), &Value::from(false)));
        assert_eq!((&duplicate["id"], &duplicate["claims"]), (&posted["id"], &posted["claims"]));
        assert_eq!(posted["claims"].as_array().unwrap().len(), c.len());
        // Each claim paid once, whichever import posted it, and its patient share moved once.
        let payments = entries_per_claim(&app, "insurance_payment");
        for claim in &c {
            assert_eq!(payments.get(&claim.id), Some(&1), "{claim:?}", claim = claim.id);
            assert_eq!(balance_of(&app, &claim.id), (Decimal::ZERO, money(500)));
            let read = status_of(&app, &claim.id).await;
            assert_eq!(read["status"], "paid");
            let events = expect_status(app.get(&format!("/claims/{}/events", claim.id), &app.admin_token).await, StatusCode::OK).await;
            let paid: Vec<&Value> = events.as_array().unwrap().iter().filter(|e| e["to_status"] == "paid").collect();
            assert_eq!(paid.len(), 1, "{events}");
        }
        let listed = expect_status(app.get("/remittances", &app.admin_token).await, StatusCode::OK).await;
        assert_eq!(listed["total"], 1, "{listed}");
        assert_eq!(listed["items"][0]["completed"], true, "{listed}");
        trial_balance_is_zero(&app).await;
    }
}

api_test! {
    async fn a_payment_dated_in_a_closed_month_posts_nothing_and_queues_every_claim_with_the_reason(app) {
        use backoffice::audit::AuditActor;
        use backoffice::db::write_transaction;
        use backoffice::ledger::{self, Month};
        let (d, partner) = office(&app).await;
        let c = accepted_claims(&app, &d, &partner, 3).await;
        let specs = c.iter().map(|claim| claim_spec(claim, vec![line_of(claim, 0), line_of(claim, 1)])).collect();
        let file = era("835_closed_month.x12", 809, &remittance("TRACE-7007", specs));
        // The month of the payment (BPR16, 2026-06-20) is closed after the claims were charged.
        let june = Month::parse("2026-06").unwrap();
        write_transaction(&mut app.db(), |conn| ledger::close_period(conn, &AuditActor::system("tests"), june)).unwrap();

        let outcome = expect_status(post_era(&app, &app.admin_token, "", &file).await, StatusCode::CREATED).await;
        assert_eq!(outcome["claims"], serde_json::json!([]), "{outcome}");
        let unmatched = outcome["unmatched"].as_array().unwrap();
        let queued: Vec<(i64, &str)> = unmatched.iter().map(|u| (u["clp_index"].as_i64().unwrap(), u["clp01"].as_str().unwrap())).collect();
        assert_eq!(queued, c.iter().enumerate().map(|(i, claim)| (i as i64, claim.clm01.as_str())).collect::<Vec<_>>());
        assert!(unmatched.iter().all(|u| u["reason"].as_str().unwrap().contains("closed")), "{outcome}");
        for claim in &c {
            assert_eq!(status_of(&app, &claim.id).await["status"], "accepted");
            assert_eq!(balance_of(&app, &claim.id), (money(16200), Decimal::ZERO));
        }
        assert!(entries_per_claim(&app, "insurance_payment").is_empty());
        let queue = expect_status(app.get("/remittances/unmatched", &app.admin_token).await, StatusCode::OK).await;
        assert_eq!(queue["total"], 3, "{queue}");
        // Done with, as far as the file goes: importing it again posts nothing.
        let again = expect_status(post_era(&app, &app.admin_token, "", &file).await, StatusCode::OK).await;
        assert_eq!(again["duplicate"], true);
        trial_balance_is_zero(&app).await;
    }
}
