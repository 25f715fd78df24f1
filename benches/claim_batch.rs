//! A whole batch of 837P claims end to end through HTTP: `POST /claim-batches` for every ready claim of a
//! clearinghouse, then `GET /claim-batches/{id}/file`, on SQLite (a temporary file) and PostgreSQL (a
//! fresh database), each against an in-process baseline measured in the same run on the same claims:
//! `x837p::write_batch` + `x837p::self_check` of the snapshots `claims::ready_for_partner` loads. Target for
//! 10,000 claims: under 3 s end to end.
//!
//! The real server runs in-process on a random port. One practice is set up over HTTP (practice with a
//! CLIA number, provider, office with a ZIP+4, payer, a few patients with policies, one encounter each
//! coded, made ready and built into a claim with `POST /claims`, a trading partner). The other claims are
//! seeded straight into the database in one transaction: each template encounter (with its diagnoses and
//! lines) is cloned under new ids, and a claim stored for the clone through `claims::store::insert` with a
//! claim number from the service's counter and fresh line ids (`REF*6R`), with its "built" event.
//!
//! `cargo bench --bench claim_batch`. Environment: `CLAIMS` (default 10000), `ROUNDS` (fresh claims and a
//! new batch each round, default 2), `BACKOFFICE_BENCH_POSTGRES_URL` (default
//! postgres://postgres@127.0.0.1:5432/postgres; PostgreSQL is skipped with a note when unreachable).
//! Without `--bench` (`cargo test --bench claim_batch`) it is a quick check: 20 claims, one round.

mod support;

use std::time::{Duration, Instant};

use backoffice::claims;
use backoffice::claims::partner::ControlNumbers;
use backoffice::claims::snapshot::ClaimSnapshot;
use backoffice::claims::x837p::{self, BatchOptions};
use backoffice::coding::codesets::Snapshot;
use backoffice::db::ids::TradingPartnerId;
use backoffice::db::{DbConnection, now};
use reqwest::{Method, StatusCode};
use serde_json::json;
use sha2::{Digest, Sha256};

use support::{
    BenchDatabase, Kind, PATIENTS, env_number, postgres_database, seed, sqlite_database,
};

const TARGET_SECONDS: f64 = 3.0;
const BASELINE_ROUNDS: usize = 3;

/// The in-process baseline on the claims the batch will take: the best of a few rounds of writing the
/// file and self-checking it, as `create_batch` does. Also returns how long loading them took once.
fn baseline(
    conn: &mut DbConnection,
    partner: &TradingPartnerId,
    count: usize,
) -> (Duration, Duration) {
    let loading = Instant::now();
    let ready = claims::ready_for_partner(conn, partner).expect("ready claims");
    let load = loading.elapsed();
    assert_eq!(ready.len(), count, "every seeded claim is ready");
    let codes = Snapshot::load(conn, None).expect("the code set catalog");
    let expectations = backoffice::claims::batches::expectations::CatalogExpectations(&codes);
    let partner = claims::partners::store::find(conn, partner)
        .expect("read the partner")
        .expect("the partner exists");
    let options = BatchOptions {
        writer: partner.writer_options(),
        ..BatchOptions::new("B000000000")
    };
    let snapshots: Vec<ClaimSnapshot> = ready.into_iter().map(|c| c.snapshot).collect();
    let numbers = ControlNumbers {
        interchange: 1,
        group: 1,
        first_transaction: 1,
    };
    let best = (0..BASELINE_ROUNDS)
        .map(|_| {
            let started = Instant::now();
            let batch = x837p::write_batch(
                &partner.settings,
                numbers,
                now().naive_utc(),
                &snapshots,
                &options,
            )
            .expect("the claims are valid");
            let findings = x837p::self_check(batch.text.as_bytes(), &expectations);
            let elapsed = started.elapsed();
            assert!(findings.is_empty(), "self-check findings: {findings:?}");
            assert_eq!(batch.placements.len(), count);
            elapsed
        })
        .min()
        .unwrap_or_default();
    (best, load)
}

struct Row {
    backend: &'static str,
    round: usize,
    claims: usize,
    post: Duration,
    download: Duration,
    baseline: Duration,
    load: Duration,
    size: usize,
}

async fn run_backend(
    kind: Kind,
    database: &BenchDatabase,
    count: usize,
    rounds: usize,
) -> Vec<Row> {
    let support::Practice {
        api,
        partner,
        templates,
        mut conn,
    } = support::practice(kind, database).await;
    let partner_id = TradingPartnerId::parse(&partner).expect("partner id");

    let mut rows = Vec::new();
    for round in 1..=rounds {
        // The first round's templates are ready claims themselves.
        let seeded = match round {
            1 => count.saturating_sub(templates.len()),
            _ => count,
        };
        let seeding = Instant::now();
        seed(&mut conn, &templates, seeded);
        eprintln!(
            "{}: round {round}: {seeded} claims seeded in {:.1} s",
            kind.name(),
            seeding.elapsed().as_secs_f64()
        );
        let expected = match round {
            1 => seeded + templates.len(),
            _ => seeded,
        };
        let (baseline, load) = baseline(&mut conn, &partner_id, expected);

        let posting = Instant::now();
        let batch = api
            .json(
                Method::POST,
                "/claim-batches",
                &json!({"partner_id": partner}),
                StatusCode::CREATED,
            )
            .await;
        let post = posting.elapsed();
        assert_eq!(
            batch["claim_count"],
            json!(expected),
            "every ready claim is in the batch"
        );
        let path = format!("/claim-batches/{}/file", batch["id"].as_str().expect("id"));
        let downloading = Instant::now();
        let file = api.raw(Method::GET, &path, None, StatusCode::OK).await;
        let download = downloading.elapsed();
        assert_eq!(
            hex::encode(Sha256::digest(&file)),
            batch["sha256"].as_str().expect("sha256"),
            "the file downloaded is the one stored"
        );
        let clm = file.windows(5).filter(|w| w == b"~CLM*").count()
            + usize::from(file.starts_with(b"CLM*"));
        assert_eq!(clm, expected, "one CLM per claim in the file");
        rows.push(Row {
            backend: kind.name(),
            round,
            claims: expected,
            post,
            download,
            baseline,
            load,
            size: file.len(),
        });
    }
    rows
}

fn print_table(rows: &[Row]) {
    println!(
        "\nClaim batch end to end through HTTP (target for 10,000 claims: POST + download < {TARGET_SECONDS} s)"
    );
    println!(
        "baseline = in-process x837p::write_batch + self_check of the same snapshots, best of {BASELINE_ROUNDS}\n"
    );
    println!(
        "| backend | round | N | MB | POST s | download s | end-to-end claims/s | baseline s | baseline claims/s | ratio (POST+download)/baseline | load ready s |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for r in rows {
        let total = (r.post + r.download).as_secs_f64();
        let baseline = r.baseline.as_secs_f64();
        println!(
            "| {} | {} | {} | {:.1} | {:.2} | {:.2} | {:.0} | {:.3} | {:.0} | {:.1}x | {:.2} |",
            r.backend,
            r.round,
            r.claims,
            r.size as f64 / 1e6,
            r.post.as_secs_f64(),
            r.download.as_secs_f64(),
            r.claims as f64 / total,
            baseline,
            r.claims as f64 / baseline,
            total / baseline,
            r.load.as_secs_f64(),
        );
    }
}

fn main() {
    let measuring = std::env::args().any(|a| a == "--bench");
    let count = env_number("CLAIMS", if measuring { 10_000 } else { 20 });
    let rounds = env_number("ROUNDS", if measuring { 2 } else { 1 });
    assert!(count >= PATIENTS, "CLAIMS must be at least {PATIENTS}");
    let postgres = support::postgres_url();
    let runtime = support::runtime();

    let mut rows = Vec::new();
    let sqlite = sqlite_database();
    rows.extend(runtime.block_on(run_backend(Kind::Sqlite, &sqlite, count, rounds)));
    drop(sqlite);
    let mut notes = Vec::new();
    match postgres_database(&postgres) {
        Ok(database) => {
            rows.extend(runtime.block_on(run_backend(Kind::Postgres, &database, count, rounds)));
        }
        Err(why) => notes.push(format!("PostgreSQL skipped: {why}")),
    }
    print_table(&rows);
    for note in notes {
        println!("\n{note}");
    }
}
