//! An 835 paying 10,000 claims: read, and posted end to end through HTTP, each against a baseline
//! measured in the same run on the same bytes.
//!
//! Per backend (SQLite in a temporary file, PostgreSQL in a fresh database), the real server runs
//! in-process; the practice is set up over HTTP and the other claims seeded as `claim_batch` does (see
//! `support`), then all are batched (`POST /claim-batches`) and sent (`POST /claim-batches/{id}/sent`).
//! An 835 paying them is generated with `remittance::generate` from their stored CLM01s and line ids
//! (REF*6R on every line): a quarter each paid after a contractual adjustment, paid with patient
//! responsibility (deductible, coinsurance, copay), denied (CLP02 = 4, CO-50), and partially
//! adjudicated (one line of two). `POST /remittances` posts it; afterwards every claim must be posted
//! exactly once with the status its CLP implies, the receivables must hold exactly what the file left
//! open, and the trial balance must sum to zero.
//!
//! Reading (the SQLite run's file): `read_835` plus `balance::check`, in MB/s, against a plain byte scan
//! counting `~` over the same bytes; and pyx12's `x12n_document` on the same file (as
//! `shared/oracles/x12_check.py` runs it, timing only the parse) as the baseline the target (≥ 50×) is
//! set against. The referee's Python is `BACKOFFICE_ORACLE_PYTHON`, else
//! `~/.cache/oracles-venv/bin/python` (made by `shared/oracles/setup.sh`); without it that row is skipped
//! with a note.
//!
//! Before it posts, the same file goes through `?dry_run=true` (what posting would do, nothing written),
//! timed in its own column. While the file posts, every statement the server runs is counted (diesel's instrumentation): the
//! table gives statements and transactions per claim; `QUERIES=1` also prints the statements by count.
//!
//! `cargo bench --bench era_post`. Environment: `CLAIMS` (default 10000), `BACKOFFICE_BENCH_POSTGRES_URL`
//! (default postgres://postgres@127.0.0.1:5432/postgres; PostgreSQL is skipped with a note when
//! unreachable), `PYX12` (`0` skips pyx12). Without `--bench` (`cargo test --bench era_post`) it is a
//! quick check on 20 claims.

mod support;

/// Statements run by every connection while `recording`, by SQL text: how many, and the time from
/// sending each to its result (on SQLite, in process, that is the statement's whole cost).
mod queries {
    use std::collections::HashMap;
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::{Duration, Instant};

    use diesel::connection::{Instrumentation, InstrumentationEvent, set_default_instrumentation};

    static RECORDING: AtomicBool = AtomicBool::new(false);
    static COUNTS: Mutex<Option<HashMap<String, (u64, Duration)>>> = Mutex::new(None);

    fn count(key: String, took: Duration) {
        if let Ok(mut counts) = COUNTS.lock() {
            let entry = counts
                .get_or_insert_with(HashMap::new)
                .entry(key)
                .or_default();
            entry.0 += 1;
            entry.1 += took;
        }
    }

    fn instrument() -> Option<Box<dyn Instrumentation>> {
        let mut running: Option<(String, Instant)> = None;
        Some(Box::new(move |event: InstrumentationEvent<'_>| {
            if !RECORDING.load(Ordering::Relaxed) {
                return;
            }
            // Transaction statements (BEGIN, SAVEPOINT, COMMIT) are queries too.
            match event {
                InstrumentationEvent::StartQuery { query, .. } => {
                    let text = query.to_string();
                    let sql = text.split(" -- binds").next().unwrap_or_default();
                    running = Some((sql.trim().to_owned(), Instant::now()));
                }
                InstrumentationEvent::FinishQuery { .. } => {
                    if let Some((sql, started)) = running.take() {
                        count(sql, started.elapsed());
                    }
                }
                _ => {}
            }
        }))
    }

    /// For connections established from now on.
    pub fn install() {
        set_default_instrumentation(instrument).expect("instrumentation");
    }

    pub fn record(on: bool) {
        if on && let Ok(mut counts) = COUNTS.lock() {
            *counts = Some(HashMap::new());
        }
        RECORDING.store(on, Ordering::Relaxed);
    }

    /// What was recorded, the most time first: (statement, count, time).
    pub fn recorded() -> Vec<(String, u64, Duration)> {
        let counts = COUNTS
            .lock()
            .ok()
            .and_then(|mut c| c.take())
            .unwrap_or_default();
        let mut counts: Vec<(String, u64, Duration)> = counts
            .into_iter()
            .map(|(sql, (n, took))| (sql, n, took))
            .collect();
        counts.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
        counts
    }
}

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use backoffice::claims::snapshot::ClaimSnapshot;
use backoffice::db::DbConnection;
use backoffice::db::schema::{claim_versions, claims, journal_entries, remittance_claims};
use backoffice::ledger::{Account, Span, trial_balance};
use backoffice::remittance::generate::scenarios::{base, patient};
use backoffice::remittance::generate::{ClaimSpec, EraHeader, LineSpec, generate_835};
use backoffice::remittance::{balance, read_835};
use chrono::NaiveDate;
use diesel::prelude::*;
use reqwest::{Method, StatusCode};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use support::{
    BenchDatabase, Kind, PATIENTS, env_number, postgres_database, seed, sqlite_database,
};

const TARGET_SECONDS: f64 = 10.0;
const TARGET_SPEED_UP: f64 = 50.0;
const READ_ROUNDS: usize = 5;

/// A sent claim as the 835 names it.
struct SentClaim {
    id: String,
    clm01: String,
    snapshot: ClaimSnapshot,
}

/// How the payer treats a claim; the mix cycles through these.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Verdict {
    Paid,
    PatientShare,
    Denied,
    Partial,
}

impl Verdict {
    fn of(index: usize) -> Verdict {
        [
            Verdict::Paid,
            Verdict::PatientShare,
            Verdict::Denied,
            Verdict::Partial,
        ][index % 4]
    }

    /// The claim status posting must leave.
    fn status(self) -> &'static str {
        match self {
            Verdict::Paid | Verdict::PatientShare => "paid",
            Verdict::Denied => "denied",
            Verdict::Partial => "partially_paid",
        }
    }
}

/// Part of an amount, to the cent.
fn part(amount: Decimal, percent: i64) -> Decimal {
    (amount * Decimal::new(percent, 2)).round_dp(2)
}

/// What the 835 says of one claim, and what it leaves open: (insurance, patient).
fn claim_spec(
    claim: &SentClaim,
    verdict: Verdict,
    dos: NaiveDate,
) -> (ClaimSpec, Decimal, Decimal) {
    let mut spec = ClaimSpec::new(
        &claim.clm01,
        &format!("PCN-{}", claim.clm01),
        patient("SAMPLEWOMAN", "TESTA", "XYZ-000000001"),
    );
    let (mut insurance, mut patient_share) = (Decimal::ZERO, Decimal::ZERO);
    for (n, line) in claim.snapshot.claim.lines.iter().enumerate() {
        let billed = LineSpec::new(&line.code, line.charge, dos).id(&line.line_id);
        let line_spec = match verdict {
            Verdict::Paid => billed.adjust("CO", "45", part(line.charge, 15)),
            Verdict::PatientShare => {
                let pr = if n == 0 {
                    [("1", part(line.charge, 20)), ("3", part(line.charge, 10))].to_vec()
                } else {
                    [("2", part(line.charge, 20))].to_vec()
                };
                let mut with = billed.adjust("CO", "45", part(line.charge, 10));
                for (reason, amount) in pr {
                    patient_share += amount;
                    with = with.adjust("PR", reason, amount);
                }
                with
            }
            Verdict::Denied => {
                insurance += line.charge;
                billed.adjust("CO", "50", line.charge).remark("N115")
            }
            Verdict::Partial if n > 0 => {
                // Not adjudicated yet: still with the payer.
                insurance += line.charge;
                continue;
            }
            Verdict::Partial => billed.adjust("CO", "45", part(line.charge, 15)),
        };
        spec = spec.line(line_spec);
    }
    if verdict == Verdict::Denied {
        spec = spec.status("4");
    }
    (spec, insurance, patient_share)
}

/// The sent claims, by CLM01.
fn sent_claims(conn: &mut DbConnection) -> Vec<SentClaim> {
    let rows: Vec<(String, String, String)> = claims::table
        .inner_join(
            claim_versions::table.on(claim_versions::claim_id
                .eq(claims::id)
                .and(claim_versions::version.eq(claims::current_version))),
        )
        .filter(claims::status.eq("sent"))
        .order(claim_versions::clm01)
        .select((claims::id, claim_versions::clm01, claim_versions::snapshot))
        .load(conn)
        .expect("sent claims");
    rows.into_iter()
        .map(|(id, clm01, snapshot)| SentClaim {
            id,
            clm01,
            snapshot: serde_json::from_str(&snapshot).expect("a stored snapshot"),
        })
        .collect()
}

/// What the file must leave after posting.
struct Expected {
    verdicts: Vec<Verdict>,
    insurance: Decimal,
    patient: Decimal,
}

fn generate(claims: &[SentClaim], trace: &str) -> (String, Expected) {
    let dos = NaiveDate::from_ymd_opt(2026, 6, 1).expect("date");
    let mut spec = base(trace);
    spec.payment.date = NaiveDate::from_ymd_opt(2026, 6, 20).expect("date");
    spec.payment.production_date = NaiveDate::from_ymd_opt(2026, 6, 19).expect("date");
    let mut expected = Expected {
        verdicts: Vec::new(),
        insurance: Decimal::ZERO,
        patient: Decimal::ZERO,
    };
    for (i, claim) in claims.iter().enumerate() {
        let verdict = Verdict::of(i);
        let (claim_spec, insurance, patient) = claim_spec(claim, verdict, dos);
        spec.claims.push(claim_spec);
        expected.verdicts.push(verdict);
        expected.insurance += insurance;
        expected.patient += patient;
    }
    let header = EraHeader::new("ACMEHEALTH", "SAMPLEPRACTICE", 1).expect("header");
    (generate_835(&header, &spec).expect("the 835"), expected)
}

/// Every claim posted exactly once with the status its CLP implies, receivables holding what the file
/// left open, and a trial balance summing to zero.
fn check_books(conn: &mut DbConnection, claims: &[SentClaim], expected: &Expected) {
    let marks: i64 = remittance_claims::table
        .filter(remittance_claims::result.eq("posted"))
        .count()
        .get_result(conn)
        .expect("count posted CLPs");
    assert_eq!(marks as usize, claims.len(), "one posted CLP per claim");
    let charges: Vec<(Option<String>, i64)> = journal_entries::table
        .filter(journal_entries::kind.eq("charge"))
        .group_by(journal_entries::claim_id)
        .select((journal_entries::claim_id, diesel::dsl::count_star()))
        .load(conn)
        .expect("charges by claim");
    assert_eq!(
        charges.len(),
        claims.len(),
        "a charge entry for every claim"
    );
    assert!(
        charges.iter().all(|(_, n)| *n == 1),
        "exactly one charge entry per claim"
    );
    let statuses: BTreeMap<String, String> = claims::table
        .select((claims::id, claims::status))
        .load::<(String, String)>(conn)
        .expect("statuses")
        .into_iter()
        .collect();
    for (claim, verdict) in claims.iter().zip(&expected.verdicts) {
        assert_eq!(
            statuses.get(&claim.id).map(String::as_str),
            Some(verdict.status()),
            "claim {} ({verdict:?})",
            claim.clm01
        );
    }
    let far = NaiveDate::from_ymd_opt(2100, 1, 1).expect("date");
    let books = trial_balance(conn, Span::AsOf(far)).expect("trial balance");
    assert_eq!(books.total_debits, books.total_credits, "trial balance");
    let balance_of = |account: Account| {
        books
            .accounts
            .iter()
            .find(|a| a.code == account.code())
            .map_or(Decimal::ZERO, |a| a.balance)
    };
    assert_eq!(
        balance_of(Account::InsuranceReceivable),
        expected.insurance,
        "insurance receivables: denied and unadjudicated charges"
    );
    assert_eq!(
        balance_of(Account::PatientReceivable),
        expected.patient,
        "patient receivables: the PR amounts"
    );
}

struct PostRow {
    backend: &'static str,
    claims: usize,
    bytes: usize,
    post: Duration,
    /// `?dry_run=true` on the same file, before it posted.
    dry_run: Duration,
    /// Per claim, while posting.
    statements: f64,
    transactions: f64,
    /// Time spent waiting on statements (all connections).
    in_database: Duration,
}

/// POSTs the file to `/remittances{query}`: the status, the outcome and the time to the whole answer.
async fn post_file(api: &support::Api, file: &str, query: &str) -> (StatusCode, Value, Duration) {
    let started = Instant::now();
    let response = api
        .client
        .post(format!("{}/remittances{query}", api.base))
        .bearer_auth(&api.token)
        .header("content-type", "application/edi-x12")
        .body(file.to_owned())
        .send()
        .await
        .expect("POST /remittances");
    let status = response.status();
    let outcome: Value = response.json().await.expect("the outcome");
    (status, outcome, started.elapsed())
}

/// Sets up, sends and pays `count` claims on one backend; returns the timing and the 835.
async fn run_backend(kind: Kind, database: &BenchDatabase, count: usize) -> (PostRow, Vec<u8>) {
    let support::Practice {
        api,
        partner,
        templates,
        mut conn,
    } = support::practice(kind, database).await;
    let seeding = Instant::now();
    seed(&mut conn, &templates, count - templates.len());
    let batch = api
        .json(
            Method::POST,
            "/claim-batches",
            &json!({"partner_id": partner}),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(batch["claim_count"], json!(count), "every claim is batched");
    let sent = format!("/claim-batches/{}/sent", batch["id"].as_str().expect("id"));
    api.json(Method::POST, &sent, &json!({}), StatusCode::OK)
        .await;
    let claims = sent_claims(&mut conn);
    assert_eq!(claims.len(), count, "every claim is sent");
    let (file, expected) = generate(&claims, &format!("BENCH-{}", kind.name()));
    eprintln!(
        "{}: {count} claims seeded, batched and sent, 835 of {:.1} MB generated in {:.1} s",
        kind.name(),
        file.len() as f64 / 1e6,
        seeding.elapsed().as_secs_f64()
    );

    // A dry run first: what posting would do, read as posting reads it, nothing written.
    let (status, dry, dry_run) = post_file(&api, &file, "?dry_run=true").await;
    assert_eq!(status, StatusCode::OK, "{}", dry["detail"]);
    let would_post = dry["claims"].as_array().map_or(0, Vec::len);
    assert_eq!(would_post, count, "the dry run names every claim");
    queries::record(true);
    let (status, outcome, post) = post_file(&api, &file, "").await;
    queries::record(false);
    let statements = queries::recorded();
    assert_eq!(status, StatusCode::CREATED, "{}", outcome["detail"]);
    let posted = outcome["claims"].as_array().map_or(0, Vec::len);
    assert_eq!(
        posted, count,
        "every claim posted: {}",
        outcome["unmatched"]
    );
    assert_eq!(outcome["unmatched"], json!([]), "nothing unmatched");
    check_books(&mut conn, &claims, &expected);
    eprintln!(
        "{}: posted in {:.2} s, books checked",
        kind.name(),
        post.as_secs_f64()
    );
    let per_claim = |pick: &dyn Fn(&str) -> bool| {
        let n: u64 = statements
            .iter()
            .filter(|(sql, _, _)| pick(sql))
            .map(|(_, n, _)| n)
            .sum();
        n as f64 / count as f64
    };
    let in_database: Duration = statements.iter().map(|(_, _, took)| *took).sum();
    let row = PostRow {
        backend: kind.name(),
        claims: count,
        bytes: file.len(),
        post,
        dry_run,
        statements: per_claim(&|_| true),
        transactions: per_claim(&|sql| sql.starts_with("COMMIT")),
        in_database,
    };
    if std::env::var("QUERIES").is_ok_and(|v| v == "1") {
        eprintln!("{}: statements while posting, by time:", kind.name());
        for (sql, n, took) in &statements {
            let sql: String = sql.chars().take(140).collect();
            eprintln!("{n:>7} {:>8.3} s  {sql}", took.as_secs_f64());
        }
    }
    (row, file.into_bytes())
}

/// The best of a few timed runs.
fn best<T>(mut run: impl FnMut() -> T) -> Duration {
    (0..READ_ROUNDS)
        .map(|_| {
            let started = Instant::now();
            std::hint::black_box(run());
            started.elapsed()
        })
        .min()
        .unwrap_or_default()
}

struct ReadRow {
    bytes: usize,
    segments: usize,
    scan: Duration,
    read: Duration,
    /// pyx12's parse, or why it was not run.
    pyx12: Result<Duration, String>,
}

fn reading(file: &[u8], claims: usize) -> ReadRow {
    let segments = file.iter().filter(|b| **b == b'~').count();
    let scan = best(|| {
        std::hint::black_box(file)
            .iter()
            .filter(|b| **b == b'~')
            .count()
    });
    let read = best(|| {
        let remittances = read_835(std::hint::black_box(file)).expect("the 835 reads");
        let findings: usize = remittances.iter().map(|r| balance::check(r).len()).sum();
        assert_eq!(findings, 0, "the 835 balances");
        remittances
    });
    let remittances = read_835(file).expect("the 835 reads");
    let read_claims: usize = remittances.iter().map(|r| r.claims.len()).sum();
    assert_eq!(read_claims, claims, "every CLP read");
    ReadRow {
        bytes: file.len(),
        segments,
        scan,
        read,
        pyx12: pyx12(file),
    }
}

/// The referee's Python, as the oracle tests find it.
fn referee_python() -> Option<PathBuf> {
    let python = match std::env::var_os("BACKOFFICE_ORACLE_PYTHON") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(std::env::var_os("HOME")?).join(".cache/oracles-venv/bin/python"),
    };
    python.is_file().then_some(python)
}

/// pyx12's `x12n_document` on the file, as `x12_check.py` calls it; only the call is timed. The
/// document must pass (no error found), else its parse is not the baseline we claim.
const PYX12_PARSE: &str = r#"
import io, json, logging, sys, time
logging.getLogger("pyx12").addHandler(logging.NullHandler())
logging.getLogger("pyx12").propagate = False
import pyx12.params, pyx12.x12n_document
out = io.StringIO()
started = time.perf_counter()
ok = pyx12.x12n_document.x12n_document(param=pyx12.params.params(), src_file=sys.argv[1],
                                       fd_997=None, fd_html=None, fd_json=out)
seconds = time.perf_counter() - started
errors = []
def walk(node):
    for e in node.get("errors", []) or []:
        errors.append(f"line {node.get('cur_line')} {e.get('err_cde')}: {e.get('err_str')}")
    for key in ("interchanges", "groups", "transactions", "segments", "elements"):
        for child in node.get(key, []) or []:
            walk(child)
walk(json.loads(out.getvalue() or "{}"))
print(json.dumps({"seconds": seconds, "ok": bool(ok), "errors": errors[:5], "error_count": len(errors)}))
"#;

fn pyx12(file: &[u8]) -> Result<Duration, String> {
    if std::env::var("PYX12").is_ok_and(|v| v == "0") {
        return Err("skipped (PYX12=0)".into());
    }
    let python = referee_python()
        .ok_or("no referee Python (set BACKOFFICE_ORACLE_PYTHON or run shared/oracles/setup.sh)")?;
    let path = std::env::temp_dir().join(format!(
        "backoffice-era-bench-{}.x12",
        uuid::Uuid::now_v7().simple()
    ));
    std::fs::write(&path, file).map_err(|e| e.to_string())?;
    let output = Command::new(&python)
        .arg("-c")
        .arg(PYX12_PARSE)
        .arg(&path)
        .output();
    let _ = std::fs::remove_file(&path);
    let output = output.map_err(|e| format!("cannot run {}: {e}", python.display()))?;
    let report: Value = serde_json::from_slice(&output.stdout).map_err(|_| {
        format!(
            "pyx12 failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )
    })?;
    assert!(
        report["ok"] == json!(true) && report["error_count"] == json!(0),
        "pyx12 refused the generated 835: {report}"
    );
    let seconds = report["seconds"].as_f64().expect("seconds");
    Ok(Duration::from_secs_f64(seconds))
}

fn mb_per_s(bytes: usize, time: Duration) -> f64 {
    bytes as f64 / 1e6 / time.as_secs_f64()
}

fn print_reading(row: &ReadRow, claims: usize) {
    println!(
        "\n835 reading: {claims} claims, {:.2} MB, {} segments (best of {READ_ROUNDS}; pyx12 once)\n",
        row.bytes as f64 / 1e6,
        row.segments
    );
    println!("| reader | s | MB/s | claims/s | vs byte scan | speed-up over pyx12 |");
    println!("|---|---|---|---|---|---|");
    let pyx12 = row.pyx12.as_ref().ok();
    let line = |name: &str, time: Duration| {
        let speed_up = pyx12.map_or("-".into(), |p| {
            format!("{:.0}x", p.as_secs_f64() / time.as_secs_f64())
        });
        println!(
            "| {name} | {:.4} | {:.1} | {:.0} | {:.1}x slower | {speed_up} |",
            time.as_secs_f64(),
            mb_per_s(row.bytes, time),
            claims as f64 / time.as_secs_f64(),
            time.as_secs_f64() / row.scan.as_secs_f64(),
        );
    };
    line("byte scan counting `~` (baseline)", row.scan);
    line("read_835 + balance::check", row.read);
    match &row.pyx12 {
        Ok(time) => {
            line("pyx12 x12n_document (baseline)", *time);
            let speed_up = time.as_secs_f64() / row.read.as_secs_f64();
            println!(
                "\nread_835 is {speed_up:.0}x faster than pyx12 (target >= {TARGET_SPEED_UP:.0}x): {}",
                if speed_up >= TARGET_SPEED_UP {
                    "met"
                } else {
                    "MISSED"
                }
            );
        }
        Err(why) => println!("\npyx12: {why}"),
    }
}

fn print_posting(rows: &[PostRow], read: Duration) {
    println!(
        "\n835 posting end to end through HTTP POST /remittances, a group of claims per transaction (target: the whole file under {TARGET_SECONDS} s)\n"
    );
    println!(
        "| backend | claims | MB | POST s | claims/s | POST / read_835 | statements per claim | commits per claim | s in statements | dry run s | target |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for r in rows {
        let seconds = r.post.as_secs_f64();
        println!(
            "| {} | {} | {:.2} | {:.2} | {:.0} | {:.0}x | {:.1} | {:.2} | {:.2} | {:.2} | {} |",
            r.backend,
            r.claims,
            r.bytes as f64 / 1e6,
            seconds,
            r.claims as f64 / seconds,
            seconds / read.as_secs_f64(),
            r.statements,
            r.transactions,
            r.in_database.as_secs_f64(),
            r.dry_run.as_secs_f64(),
            if seconds < TARGET_SECONDS {
                "met"
            } else {
                "MISSED"
            },
        );
    }
}

fn main() {
    let started = Instant::now();
    queries::install();
    let measuring = std::env::args().any(|a| a == "--bench");
    let count = env_number("CLAIMS", if measuring { 10_000 } else { 20 });
    assert!(count >= PATIENTS, "CLAIMS must be at least {PATIENTS}");
    let postgres = support::postgres_url();
    let runtime = support::runtime();

    let mut rows = Vec::new();
    let sqlite = sqlite_database();
    let (row, file) = runtime.block_on(run_backend(Kind::Sqlite, &sqlite, count));
    rows.push(row);
    drop(sqlite);
    let mut notes = Vec::new();
    match postgres_database(&postgres) {
        Ok(database) => {
            rows.push(
                runtime
                    .block_on(run_backend(Kind::Postgres, &database, count))
                    .0,
            );
        }
        Err(why) => notes.push(format!("PostgreSQL skipped: {why}")),
    }
    let read = reading(&file, count);
    print_reading(&read, count);
    print_posting(&rows, read.read);
    for note in notes {
        println!("\n{note}");
    }
    println!("\nwhole bench: {:.0} s", started.elapsed().as_secs_f64());
}
