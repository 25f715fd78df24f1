//! What the benchmarks that need a practice share: a fresh database on each backend, the real server
//! in-process, one practice set up over HTTP with a claim per patient, and many more ready claims
//! seeded straight into the database as clones of those (see `claim_batch.rs` for why). Each bench is its
//! own crate and uses part of this, hence `dead_code` allowed here.
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::TcpListener;
use std::time::Instant;

use backoffice::audit::{self, Audit, AuditActor};
use backoffice::claims::events::{self, NewEvent};
use backoffice::claims::snapshot::ClaimSnapshot;
use backoffice::claims::workflow::{CLAIM_NUMBERS, claim_number};
use backoffice::claims::{self, Status};
use backoffice::coding::codesets::shipped::OnStart;
use backoffice::config::Settings;
use backoffice::db::ids::{ClaimId, EncounterId};
use backoffice::db::schema::{encounter_diagnoses, encounter_lines, encounters};
use backoffice::db::{DbConnection, Manager, now, reserve_counter, write_transaction};
use backoffice::ledger::{self, standard::ClaimRef};
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Patients set up over HTTP, each with one claim built by the service; the seeded claims cycle
/// through them.
pub const PATIENTS: usize = 8;

// `treat_none_as_default_value = false`: one multi-row INSERT on SQLite rather than one per row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = encounters, treat_none_as_default_value = false)]
pub struct EncounterRow {
    id: String,
    patient_id: String,
    rendering_provider_id: String,
    billing_provider_id: String,
    location_id: String,
    policy_id: Option<String>,
    date_of_service: NaiveDate,
    status: String,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = encounter_diagnoses)]
pub struct DiagnosisRow {
    encounter_id: String,
    position: i32,
    code: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = encounter_lines, treat_none_as_default_value = false)]
pub struct LineRow {
    id: String,
    encounter_id: String,
    position: i32,
    code: String,
    modifiers: String,
    units: i32,
    charge_cents: i64,
    charge_source: String,
    diagnosis_pointers: String,
    note: Option<String>,
    specimen_id: Option<String>,
    order_id: Option<String>,
}

/// A claim the service built over HTTP, and its encounter as stored: what seeded claims copy.
pub struct Template {
    claim: claims::model::Claim,
    encounter: EncounterRow,
    diagnoses: Vec<DiagnosisRow>,
    lines: Vec<LineRow>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Sqlite => "SQLite",
            Kind::Postgres => "PostgreSQL",
        }
    }
}

/// A fresh database, removed when dropped.
pub struct BenchDatabase {
    pub url: String,
    cleanup: Cleanup,
}

pub enum Cleanup {
    File(std::path::PathBuf),
    Database { admin_url: String, name: String },
}

impl Drop for BenchDatabase {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Database { admin_url, name } => {
                if let Ok(mut conn) = Manager::new(admin_url).establish() {
                    let _ =
                        conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
                }
            }
        }
    }
}

pub fn sqlite_database() -> BenchDatabase {
    let path = std::env::temp_dir().join(format!(
        "backoffice-bench-{}.db",
        uuid::Uuid::now_v7().simple()
    ));
    BenchDatabase {
        url: path.display().to_string(),
        cleanup: Cleanup::File(path),
    }
}

/// A new database on the server, or why there is none.
pub fn postgres_database(admin_url: &str) -> Result<BenchDatabase, String> {
    let mut conn = Manager::new(admin_url)
        .establish()
        .map_err(|e| format!("{admin_url} is unreachable ({e})"))?;
    let name = format!("bo_bench_{}", uuid::Uuid::now_v7().simple());
    conn.batch_execute(&format!("CREATE DATABASE {name}"))
        .map_err(|e| format!("cannot create a database on {admin_url}: {e}"))?;
    let mut url = url::Url::parse(admin_url).map_err(|e| e.to_string())?;
    url.set_path(&format!("/{name}"));
    Ok(BenchDatabase {
        url: url.to_string(),
        cleanup: Cleanup::Database {
            admin_url: admin_url.to_owned(),
            name,
        },
    })
}

/// The real service on port 0 over the database, with every shipped code set (the full ICD-10-CM
/// release included, as a service runs); returns its base URL and the first administrator's token.
pub fn start_server(database_url: &str) -> (String, String) {
    let settings = Settings {
        database_url: database_url.to_owned(),
        bind: "127.0.0.1:0".into(),
        codesets_on_start: OnStart::All,
        ..Settings::default()
    };
    let pool = backoffice::cli::open_database(&settings).expect("open and migrate the database");
    let token = {
        let mut conn = pool.get().expect("connection");
        backoffice::cli::import_shipped_codesets(&mut conn, &settings)
            .expect("import the shipped code sets");
        backoffice::bootstrap::ensure_first_admin(&mut conn)
            .expect("bootstrap")
            .expect("a fresh database gets a first admin")
    };
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind port 0");
    let port = listener.local_addr().expect("address").port();
    let server = backoffice::app::serve(listener, pool, settings).expect("start the server");
    tokio::spawn(server);
    (format!("http://127.0.0.1:{port}"), token)
}

pub struct Api {
    pub base: String,
    pub token: String,
    pub client: reqwest::Client,
}

impl Api {
    /// Sends the request and returns the body, panicking unless the status is `expect`.
    pub async fn raw(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        expect: StatusCode,
    ) -> Vec<u8> {
        let mut request = self
            .client
            .request(method.clone(), format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.expect("request");
        let status = response.status();
        let bytes = response.bytes().await.expect("body").to_vec();
        assert_eq!(
            status,
            expect,
            "{method} {path}: {}",
            String::from_utf8_lossy(&bytes)
        );
        bytes
    }

    pub async fn json(
        &self,
        method: Method,
        path: &str,
        body: &Value,
        expect: StatusCode,
    ) -> Value {
        let bytes = self.raw(method, path, Some(body), expect).await;
        serde_json::from_slice(&bytes).expect("JSON body")
    }

    pub async fn create(&self, path: &str, body: &Value) -> String {
        let created = self
            .json(Method::POST, path, body, StatusCode::CREATED)
            .await;
        created["id"].as_str().expect("an id").to_owned()
    }
}

// Invented practice data, as in the API tests' fixtures.

pub fn address() -> Value {
    json!({"line1": "100 Sample Way", "line2": "Suite 5", "city": "Springfield", "state": "MA", "zip": "01101-1234"})
}

pub const LAST_NAMES: [&str; PATIENTS] = [
    "Samplewoman",
    "Exampleton",
    "Testerly",
    "Placeholder",
    "Mockridge",
    "Dummett",
    "Fakenham",
    "Specimenova",
];
pub const FIRST_NAMES: [&str; PATIENTS] =
    ["Testa", "Rae", "Ada", "Quinn", "Lee", "Sam", "Jo", "Pat"];

/// The practice, its records and one claim per patient over HTTP; returns the partner's id and the
/// claims' ids.
pub async fn set_up_practice(api: &Api) -> (String, Vec<String>) {
    let practice = json!({"name": "Sample Family Medicine", "tax_id": "12-3456789", "npi": "1234567893",
        "address": address(), "phone": "(555) 234-5678", "clia_number": "05D0987654"});
    api.json(Method::PUT, "/practice", &practice, StatusCode::CREATED)
        .await;
    let provider = api
        .create(
            "/providers",
            &json!({"npi": "1234567893", "entity_type": "individual", "last_name": "Testwell",
                    "first_name": "Ada", "taxonomy_code": "207Q00000X", "is_billing": true, "is_rendering": true}),
        )
        .await;
    let location = api
        .create(
            "/locations",
            &json!({"name": "Main office", "address": address(), "phone": "555-234-5678",
                    "place_of_service": "11", "npi": "1245319599"}),
        )
        .await;
    let payer = api
        .create(
            "/payers",
            &json!({"name": "Example Health Plan", "payer_id": "EXH01", "claim_filing_indicator": "CI",
                    "address": {"line1": "PO Box 100", "city": "Hartford", "state": "CT", "zip": "06101"}}),
        )
        .await;
    let mut claims = Vec::new();
    for (last, first) in LAST_NAMES.iter().zip(FIRST_NAMES) {
        let patient = api
            .create(
                "/patients",
                &json!({"last_name": last, "first_name": first, "middle_name": "Example",
                        "date_of_birth": "1984-02-29", "sex": "F", "address": address(),
                        "phone": "(555) 234-5678", "email": "test.q@example.org"}),
            )
            .await;
        let policy = api
            .create(
                &format!("/patients/{patient}/policies"),
                &json!({"payer_id": payer, "member_id": format!("XYZ-{:09}", claims.len() + 1),
                        "group_number": "GRP-0001", "group_name": "Example Widgets Inc", "priority": "primary",
                        "relationship": "self", "effective_date": "2026-01-01", "end_date": "2026-12-31"}),
            )
            .await;
        let line = |code: &str, charge: &str, pointers: &[i32]| json!({"code": code, "charge": charge, "diagnosis_pointers": pointers});
        let encounter = api
            .create(
                "/encounters",
                &json!({"patient_id": patient, "rendering_provider_id": provider,
                        "billing_provider_id": provider, "location_id": location, "policy_id": policy,
                        "date_of_service": "2026-06-01", "diagnoses": [{"code": "E11.9"}, {"code": "I10"}],
                        "lines": [line("99213", "120.00", &[1, 2]), line("80053", "42.00", &[1])]}),
            )
            .await;
        for status in ["coded", "ready"] {
            let path = format!("/encounters/{encounter}/status");
            api.json(
                Method::POST,
                &path,
                &json!({"status": status}),
                StatusCode::OK,
            )
            .await;
        }
        let claim = api
            .create("/claims", &json!({"encounter_id": encounter}))
            .await;
        claims.push(claim);
    }
    let partner = api
        .create(
            "/trading-partners",
            &json!({"name": "Example Clearinghouse", "sender_qualifier": "ZZ", "sender_id": "SAMPLEPRACTICE",
                "receiver_qualifier": "ZZ", "receiver_id": "EXAMPLECH", "acknowledgement_requested": true,
                "usage_indicator": "T", "gs02_sender_code": "SAMPLEPRACTICE", "gs03_receiver_code": "EXAMPLECH",
                "submitter_name": "Sample Family Medicine", "submitter_id": "SUB0001",
                "submitter_contact_name": "Billing Office", "submitter_contact_phone": "(555) 234-5678",
                "receiver_name": "Example Clearinghouse", "receiver_id_1000b": "EXAMPLECH",
                "payer_ids": [payer]}),
        )
        .await;
    (partner, claims)
}

pub fn load_templates(conn: &mut DbConnection, claim_ids: &[String]) -> Vec<Template> {
    claim_ids
        .iter()
        .map(|id| {
            let id = ClaimId::parse(id).expect("claim id");
            let claim = claims::store::find(conn, &id)
                .expect("read the claim")
                .expect("the claim exists");
            let encounter_id = claim.summary.encounter_id.to_string();
            let encounter = encounters::table
                .find(&encounter_id)
                .select(EncounterRow::as_select())
                .first(conn)
                .expect("the claim's encounter");
            let diagnoses = encounter_diagnoses::table
                .filter(encounter_diagnoses::encounter_id.eq(&encounter_id))
                .order(encounter_diagnoses::position)
                .select(DiagnosisRow::as_select())
                .load(conn)
                .expect("diagnoses");
            let lines = encounter_lines::table
                .filter(encounter_lines::encounter_id.eq(&encounter_id))
                .order(encounter_lines::position)
                .select(LineRow::as_select())
                .load(conn)
                .expect("lines");
            Template {
                claim,
                encounter,
                diagnoses,
                lines,
            }
        })
        .collect()
}

/// One seeded claim: its encounter rows and its version 1.
pub struct Seeded {
    encounter: EncounterRow,
    diagnoses: Vec<DiagnosisRow>,
    lines: Vec<LineRow>,
    claim_number: String,
    snapshot: ClaimSnapshot,
    template: usize,
}

/// A clone of the template's encounter under new ids, and its claim's snapshot with this claim number
/// and the new line ids.
pub fn clone_template(template: &Template, index: usize, claim_number: String) -> Seeded {
    let encounter_id = EncounterId::generate().to_string();
    let mut line_ids = HashMap::new();
    let lines = template
        .lines
        .iter()
        .map(|line| {
            let id = backoffice::db::new_id().to_string();
            line_ids.insert(line.id.clone(), id.clone());
            LineRow {
                id,
                encounter_id: encounter_id.clone(),
                ..line.clone()
            }
        })
        .collect();
    let diagnoses = template
        .diagnoses
        .iter()
        .map(|d| DiagnosisRow {
            encounter_id: encounter_id.clone(),
            ..d.clone()
        })
        .collect();
    let mut snapshot = template.claim.snapshot.clone();
    snapshot.claim.claim_number = claim_number.clone();
    for line in &mut snapshot.claim.lines {
        line.line_id = line_ids
            .get(&line.line_id)
            .expect("every snapshot line is an encounter line")
            .clone();
    }
    Seeded {
        encounter: EncounterRow {
            id: encounter_id,
            ..template.encounter.clone()
        },
        diagnoses,
        lines,
        claim_number,
        snapshot,
        template: index,
    }
}

/// Encounters per multi-row INSERT: 11 columns each, and 12 for each of their lines, stay far below
/// both backends' bound-parameter limits.
pub const SEED_CHUNK: usize = 500;

/// Seeds `count` ready claims, cycling through the templates, each with its charge posted as a build
/// posts it, in one transaction.
pub fn seed(conn: &mut DbConnection, templates: &[Template], count: usize) {
    if count == 0 {
        return;
    }
    let actor = AuditActor::system("bench");
    write_transaction(conn, |conn| -> backoffice::error::AppResult<()> {
        let first = reserve_counter(conn, CLAIM_NUMBERS, count as i64)?;
        let year = now().year();
        for chunk_start in (0..count).step_by(SEED_CHUNK) {
            let chunk: Vec<Seeded> = (chunk_start..count.min(chunk_start + SEED_CHUNK))
                .map(|i| {
                    let t = i % templates.len();
                    clone_template(&templates[t], t, claim_number(year, first + i as i64))
                })
                .collect();
            let encounter_rows: Vec<EncounterRow> =
                chunk.iter().map(|s| s.encounter.clone()).collect();
            backoffice::insert_batch!(&mut *conn, encounters::table, &encounter_rows)?;
            let diagnosis_rows: Vec<DiagnosisRow> =
                chunk.iter().flat_map(|s| s.diagnoses.clone()).collect();
            backoffice::insert_batch!(&mut *conn, encounter_diagnoses::table, &diagnosis_rows)?;
            let line_rows: Vec<LineRow> = chunk.iter().flat_map(|s| s.lines.clone()).collect();
            backoffice::insert_batch!(&mut *conn, encounter_lines::table, &line_rows)?;

            let mut built = Vec::with_capacity(chunk.len());
            let mut audits = Vec::with_capacity(chunk.len());
            let mut charges = Vec::with_capacity(chunk.len());
            for seeded in &chunk {
                let summary = &templates[seeded.template].claim.summary;
                let encounter_id = EncounterId::from_stored(seeded.encounter.id.clone());
                let id = claims::store::insert(
                    conn,
                    &claims::store::NewClaim {
                        claim_number: &seeded.claim_number,
                        patient_id: &summary.patient_id,
                        encounter_id: &encounter_id,
                        policy_id: &summary.policy_id,
                        payer_id: &summary.payer_id,
                        snapshot: &seeded.snapshot,
                    },
                )?;
                audits.push(Audit::new("create", "claim", &id).patient(&summary.patient_id));
                // Charged as a claim is when built (dated its date of service).
                let owner = ClaimRef {
                    claim_id: id.clone(),
                    patient_id: summary.patient_id.clone(),
                };
                let dos = seeded.snapshot.claim.date_of_service;
                charges.push(claims::charges::charge_entry(
                    &seeded.snapshot,
                    &owner,
                    Some(&encounter_id),
                    dos,
                )?);
                built.push((id, 1));
            }
            let event = NewEvent {
                kind: "built",
                from: None,
                to: Some(Status::Ready),
                version: 1,
                detail: None,
            };
            events::record_many(conn, &built, &actor, &event)?;
            audit::record_many(conn, &actor, audits)?;
            ledger::post_all(conn, &actor, &charges)?;
        }
        Ok(())
    })
    .expect("seed the claims");
}

/// The PostgreSQL server the benches make their databases on: `BACKOFFICE_BENCH_POSTGRES_URL`, else
/// the local one.
pub fn postgres_url() -> String {
    std::env::var("BACKOFFICE_BENCH_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// The runtime the in-process server and the bench's HTTP client share.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

pub fn env_number(name: &str, default: usize) -> usize {
    match std::env::var(name) {
        Ok(value) => value
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a number, got {value:?}")),
        Err(_) => default,
    }
}

/// A practice on a fresh server: the API as its first administrator, the trading partner's id, the
/// template claims (ready, built over HTTP) and a direct connection for seeding.
pub struct Practice {
    pub api: Api,
    pub partner: String,
    pub templates: Vec<Template>,
    pub conn: DbConnection,
}

/// Starts the server over the database and sets up the practice over HTTP.
pub async fn practice(kind: Kind, database: &BenchDatabase) -> Practice {
    let started = Instant::now();
    let (base, token) = start_server(&database.url);
    let api = Api {
        base,
        token,
        // Never reuse a connection the server may be closing (its keep-alive is 5 s; seeding is longer).
        client: reqwest::Client::builder()
            .pool_idle_timeout(std::time::Duration::from_secs(1))
            .build()
            .expect("HTTP client"),
    };
    let (partner, template_claims) = set_up_practice(&api).await;
    let mut conn = Manager::new(&database.url).establish().expect("connect");
    let templates = load_templates(&mut conn, &template_claims);
    eprintln!(
        "{}: server and practice ready in {:.1} s",
        kind.name(),
        started.elapsed().as_secs_f64()
    );
    Practice {
        api,
        partner,
        templates,
        conn,
    }
}
