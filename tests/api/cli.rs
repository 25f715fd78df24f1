//! The `backoffice` binary itself: first start, user and token administration.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};

use reqwest::StatusCode;
use serde_json::json;

use crate::api_test;
use crate::fixtures::{patient_body, with};
use crate::helpers::{TestApp, expect_problem, expect_status};

fn backoffice(app: &TestApp, args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_backoffice"))
        .args(args)
        .env("BACKOFFICE_DATABASE_URL", &app.database_url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run backoffice");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (
        out.status.code().unwrap_or(-1),
        text(&out.stdout),
        text(&out.stderr),
    )
}

api_test! {
    async fn users_and_tokens_are_administered_from_the_command_line(app) {
        let (code, out, err) = backoffice(&app, &["user", "add", "--username", "Coder2", "--role", "coder", "--password-stdin"], Some("a long enough password\n"));
        assert_eq!(code, 0, "{out}{err}");
        assert!(out.contains("created user coder2 (coder)"), "{out}");
        expect_status(app.login("coder2", "a long enough password").await, StatusCode::OK).await;

        let (code, _, err) = backoffice(&app, &["user", "add", "--username", "coder2", "--role", "coder"], None);
        assert_ne!(code, 0, "a taken username is refused");
        assert!(err.contains("already exists"), "{err}");
        let (code, _, err) = backoffice(&app, &["user", "add", "--username", "newcoder", "--role", "coder", "--password-stdin"], Some("short\n"));
        assert_ne!(code, 0);
        assert!(err.contains("at least 12"), "{err}");

        let (code, listing, _) = backoffice(&app, &["user", "list"], None);
        assert_eq!(code, 0);
        assert!(listing.contains("coder2") && listing.contains("admin"), "{listing}");

        let (code, token, _) = backoffice(&app, &["token", "create", "--username", "coder2", "--days", "7"], None);
        assert_eq!(code, 0);
        let token = token.trim().to_owned();
        let me = expect_status(app.get("/auth/me", &token).await, StatusCode::OK).await;
        assert_eq!(me["role"], "coder");

        let (code, _, _) = backoffice(&app, &["user", "disable", "coder2"], None);
        assert_eq!(code, 0);
        expect_problem(app.get("/auth/me", &token).await, StatusCode::UNAUTHORIZED).await;
        expect_problem(app.login("coder2", "a long enough password").await, StatusCode::UNAUTHORIZED).await;

        let audit = expect_status(app.get("/audit?resource_type=user", &app.admin_token).await, StatusCode::OK).await;
        let actors: Vec<&str> = audit["items"].as_array().unwrap().iter().map(|e| e["actor"].as_str().unwrap()).collect();
        assert!(actors.contains(&"cli"), "CLI changes are audited: {audit}");
    }
}

api_test! {
    async fn a_token_revoked_from_the_command_line_stops_working(app) {
        let created = expect_status(app.post("/users", &app.admin_token, &json!({"username": "scanner", "display_name": "Bench scanner", "role": "lab_tech"})).await, StatusCode::CREATED).await;
        let issued = expect_status(app.post(&format!("/users/{}/tokens", created["id"].as_str().unwrap()), &app.admin_token, &json!({"name": "bench 1"})).await, StatusCode::CREATED).await;
        let (code, out, err) = backoffice(&app, &["token", "revoke", issued["id"].as_str().unwrap()], None);
        assert_eq!(code, 0, "{out}{err}");
        expect_problem(app.get("/auth/me", issued["token"].as_str().unwrap()).await, StatusCode::UNAUTHORIZED).await;
        let (code, _, _) = backoffice(&app, &["token", "revoke", issued["id"].as_str().unwrap()], None);
        assert_ne!(code, 0, "revoking twice says there was nothing to revoke");
    }
}

/// `backoffice serve` on port 0, as started from the command line.
struct Served {
    child: Child,
    /// Its standard output up to the listening line.
    lines: Vec<String>,
}

impl Served {
    /// Starts it and reads its standard output up to the listening line; its log goes to `log`.
    fn start(database: &str, log: Stdio) -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_backoffice"))
            .env("BACKOFFICE_DATABASE_URL", database)
            .env("BACKOFFICE_BIND", "127.0.0.1:0")
            .env("RUST_LOG", "debug")
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("start backoffice");
        let mut lines = Vec::new();
        for line in BufReader::new(child.stdout.take().unwrap()).lines() {
            let line = line.unwrap();
            let done = line.starts_with("backoffice listening on");
            lines.push(line);
            if done {
                break;
            }
        }
        Served { child, lines }
    }

    /// The first-start admin token, if this start printed one.
    fn token(&self) -> Option<String> {
        self.lines
            .iter()
            .find_map(|l| l.trim().strip_prefix("bo_"))
            .map(|t| format!("bo_{t}"))
    }

    fn base_url(&self) -> String {
        let last = self.lines.last().expect("a listening line");
        last.trim_start_matches("backoffice listening on ")
            .to_owned()
    }

    fn stop(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

#[tokio::test]
async fn the_first_start_prints_an_admin_token_once_and_later_starts_do_not() {
    let dir = std::env::temp_dir().join(format!("backoffice-first-start-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let database = dir.join("fresh.db").display().to_string();

    let first = Served::start(&database, Stdio::null());
    let token = first.token().expect("a token is printed");
    let address = first.base_url();
    let me: serde_json::Value = reqwest::Client::new()
        .get(format!("{address}/auth/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (me["username"].as_str(), me["role"].as_str()),
        (Some("admin"), Some("admin"))
    );
    first.stop();

    let second = Served::start(&database, Stdio::null());
    assert_eq!(second.token(), None, "no second token: {:?}", second.lines);
    second.stop();
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn the_log_names_routes_but_never_a_patient() {
    let dir = std::env::temp_dir().join(format!("backoffice-log-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let log_path = dir.join("server.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let server = Served::start(&dir.join("log.db").display().to_string(), Stdio::from(log));
    let (token, base) = (server.token().expect("first start"), server.base_url());
    let client = reqwest::Client::new();
    let patient: serde_json::Value = client
        .post(format!("{base}/patients"))
        .bearer_auth(&token)
        .json(&with(
            patient_body("Zanzibarova", "Quintessa"),
            "date_of_birth",
            json!("1961-07-04"),
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mrn = patient["mrn"].as_str().expect("created").to_owned();
    for query in [
        "name=zanzibarova%20quint",
        "last_name=Zanzibarova",
        &format!("mrn={mrn}"),
        "date_of_birth=1961-07-04",
    ] {
        let response = client
            .get(format!("{base}/patients?{query}"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{query}");
    }
    server.stop();
    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        log.contains("route=/patients"),
        "the log has a line per request: {log}"
    );
    for secret in [
        "Zanzibarova",
        "zanzibarova",
        "Quintessa",
        "quint",
        "1961-07-04",
        &mrn,
    ] {
        assert!(!log.contains(secret), "the log contains {secret:?}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

api_test! {
    async fn code_sets_are_imported_once_from_the_command_line(app) {
        let sample = |name: &str| format!("{}/codesets/samples/{name}", env!("CARGO_MANIFEST_DIR"));
        let hcpcs = sample("hcpcs-sample-2026.txt");
        let (code, _, err) = backoffice(&app, &["codesets", "import", &hcpcs], None);
        assert_ne!(code, 0, "the system cannot be guessed from this name");
        assert!(err.contains("--system"), "{err}");
        let args = ["codesets", "import", &hcpcs, "--system", "hcpcs", "--effective-from", "2026-01-01"];
        let (code, out, err) = backoffice(&app, &args, None);
        assert_eq!(code, 0, "{out}{err}");
        assert!(out.contains("imported hcpcs") && out.contains("(5 rows)"), "{out}");
        let (code, out, _) = backoffice(&app, &args, None);
        assert_eq!(code, 0);
        assert!(out.contains("already imported"), "{out}");
        let (code, listing, _) = backoffice(&app, &["codesets", "list"], None);
        assert_eq!(code, 0);
        assert!(listing.lines().filter(|l| l.starts_with("hcpcs")).count() == 1, "{listing}");
        // An ICD-10-CM file is recognised by its name and dated by the YYYY-MM in it.
        let (code, out, err) = backoffice(&app, &["codesets", "import", &sample("icd10cm-sample-2026-04.tsv")], None);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("imported icd10cm 2026-04 (4 rows), in effect from 2026-04-01"), "{out}");
        let found = expect_status(app.get("/codes/icd10cm/J06.9?date=2026-04-01", &app.admin_token).await, StatusCode::OK).await;
        assert_eq!(found["description"], "Acute upper respiratory infection, unspecified");
        let (code, _, err) = backoffice(&app, &["codesets", "import", &sample("mue-sample.csv"), "--system", "ncci_ptp", "--effective-from", "2026-01-01"], None);
        assert_ne!(code, 0, "an MUE file is not an NCCI file");
        assert!(err.contains("no rows") || err.contains("line"), "{err}");
    }
}

api_test! {
    async fn claims_are_exported_as_a_batch_file_from_the_command_line(app) {
        use crate::claims_support::*;
        use crate::coding_support::*;
        import_code_sets(&app);
        billing_practice(&app).await;
        let d = desk(&app).await;
        let first = built(&app, &ready_encounter(&app, &encounter_body(&d)).await).await;
        built(&app, &ready_encounter(&app, &encounter_body(&d)).await).await;
        let partner = partner(&app, &partner_body(&[&d.payer])).await;
        let out = crate::oracles::Scratch::new("export");
        let folder = out.0.to_str().unwrap();

        let (code, stdout, stderr) = backoffice(&app, &["claims", "export", "--partner", &partner, "--claim", first["id"].as_str().unwrap(), "--out", folder], None);
        assert_eq!(code, 0, "{stdout}{stderr}");
        assert!(stdout.contains("1 claims in 1 transaction sets, ISA13 1"), "{stdout}");
        let file = std::fs::read(out.path("B000000001.x12")).unwrap();
        let page = expect_status(app.get("/claim-batches", &app.admin_token).await, StatusCode::OK).await;
        let batch = &page["items"][0];
        assert_eq!(batch["claim_count"], 1);
        assert_eq!(file, batch_file(&app, batch).await, "the same bytes as the API serves");

        let (code, stdout, _) = backoffice(&app, &["claims", "export", "--partner", &partner, "--out", folder], None);
        assert_eq!(code, 0, "{stdout}");
        assert!(out.path("B000000002.x12").is_file(), "the other ready claim");
        let (code, _, stderr) = backoffice(&app, &["claims", "export", "--partner", &partner, "--out", folder], None);
        assert_eq!(code, 1);
        assert!(stderr.contains("no ready claim"), "{stderr}");
        std::fs::remove_file(out.path("B000000001.x12")).unwrap();
        let id = batch["id"].as_str().unwrap();
        let (code, stdout, _) = backoffice(&app, &["claims", "export", "--batch", id, "--out", folder], None);
        assert_eq!(code, 0, "{stdout}");
        assert_eq!(std::fs::read(out.path("B000000001.x12")).unwrap(), file, "re-exported byte for byte");
    }
}

api_test! {
    async fn an_835_is_posted_once_from_the_command_line_and_an_unreadable_file_is_named(app) {
        use crate::posting::*;
        use backoffice::remittance::generate::{ClaimSpec, LineSpec, scenarios::{money, patient}};
        let (d, partner) = office(&app).await;
        let c = accepted_claims(&app, &d, &partner, 2).await;
        let paid = claim_spec(&c[0], vec![line_of(&c[0], 0).adjust("CO", "45", money(2000)), line_of(&c[0], 1)]);
        let denied = claim_spec(&c[1], vec![
            line_of(&c[1], 0).adjust("CO", "50", money(12000)),
            line_of(&c[1], 1).adjust("CO", "50", money(4200)),
        ]).status("4");
        let dos = chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        let stranger = ClaimSpec::new("NOTOURS-7", "PCN-7", patient("EXAMPLETON", "QUINN", "ABC-7"))
            .line(LineSpec::new("99213", money(5000), dos).id("ZZ-7").adjust("CO", "45", money(1000)));
        let text = era("835_cli.x12", 901, &remittance("TRACE-CLI-1", vec![paid, denied, stranger]));
        let scratch = crate::oracles::Scratch::new("era-cli");
        let (file, garbage, missing) = (scratch.path("835_cli.x12"), scratch.path("garbage.x12"), scratch.path("missing.x12"));
        std::fs::write(&file, &text).unwrap();
        std::fs::write(&garbage, "ISA*nonsense~").unwrap();
        let [file, garbage, missing] = [&file, &garbage, &missing].map(|p| p.display().to_string());

        let (code, out, err) = backoffice(&app, &["era", "import", "--dry-run", &file], None);
        assert_eq!(code, 0, "{out}{err}");
        assert!(out.contains("dry run: would post 2 claims (1 denied, 1 paid), 1 unmatched"), "{out}");
        assert_eq!(status_of(&app, &c[0].id).await["status"], "accepted", "a dry run posts nothing");

        let (code, out, err) = backoffice(&app, &["era", "import", &file], None);
        assert_eq!(code, 0, "{out}{err}");
        assert!(out.contains(": posted 2 claims (1 denied, 1 paid), 1 unmatched"), "{out}");
        assert!(out.contains("unmatched CLP 2 (NOTOURS-7): CLP01 NOTOURS-7 is none of our claim ids"), "{out}");
        assert_eq!(status_of(&app, &c[0].id).await["status"], "paid");
        assert_eq!(status_of(&app, &c[1].id).await["status"], "denied");
        assert_eq!(balance_of(&app, &c[0].id), (rust_decimal::Decimal::ZERO, rust_decimal::Decimal::ZERO));

        // Again, between a file that does not read and one that does not exist: every file is tried,
        // the imported one says it is a duplicate, the other two are named, and the exit code is 1.
        let (code, out, err) = backoffice(&app, &["era", "import", &garbage, &file, &missing], None);
        assert_eq!(code, 1, "{out}{err}");
        assert!(out.contains(&format!("{file}: duplicate of remittance")), "{out}");
        assert!(err.contains(&format!("{garbage}: not imported")) && err.contains("file: "), "{err}");
        assert!(err.contains(&format!("{missing}: not imported")), "{err}");
        assert!(err.contains("2 of 3 file(s) not imported"), "{err}");

        let mut conn = app.db();
        let entries = backoffice::ledger::list(&mut conn, &backoffice::ledger::EntryFilter {
            claim_id: Some(backoffice::db::ids::ClaimId::parse(&c[0].id).unwrap()), ..Default::default()
        }).unwrap();
        assert_eq!(entries.len(), 3, "charge, payment and adjustment, posted once");
        let listed = expect_status(app.get("/remittances", &app.admin_token).await, StatusCode::OK).await;
        assert_eq!((&listed["total"], &listed["items"][0]["received_by"]), (&json!(1), &json!("cli")), "{listed}");
        let audit = expect_status(app.get("/audit?resource_type=remittance", &app.admin_token).await, StatusCode::OK).await;
        assert_eq!(audit["items"][0]["actor"], "cli", "the import is audited as the CLI: {audit}");
    }
}
