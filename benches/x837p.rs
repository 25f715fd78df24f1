//! 837P throughput: generation of a batch of typical invented claims in claims/s (target >= 50,000/s
//! in-process), and reading that file back with the x12 `Reader` (every segment and every element) in
//! MB/s against a plain byte scan counting `~` over the same bytes, in the same run.
//!
//! `cargo bench --bench x837p` runs criterion, then prints a summary measured on fixed batches (best of
//! 5 rounds). `BACKOFFICE_BENCH_CLAIMS=N` sets the batch size (default 10000).

use std::time::{Duration, Instant};

use backoffice::claims::snapshot::ClaimSnapshot;
use backoffice::claims::x837p::samples::{
    control_numbers, created, partner_settings, typical_claim,
};
use backoffice::claims::x837p::{BatchOptions, write_batch};
use backoffice::x12::Reader;
use criterion::{Criterion, Throughput, criterion_group};

fn claims(n: usize) -> Vec<ClaimSnapshot> {
    (0..n).map(typical_claim).collect()
}

fn generate(claims: &[ClaimSnapshot]) -> String {
    write_batch(
        &partner_settings(),
        control_numbers(),
        created(),
        claims,
        &BatchOptions::new("BENCH0001"),
    )
    .expect("typical claims are valid")
    .text
}

/// Every segment and every element through the x12 reader; returns a count so nothing is optimised out.
fn read_all(file: &[u8]) -> usize {
    let reader = Reader::new(file).expect("ISA");
    let mut elements = 0;
    for segment in reader {
        let segment = segment.expect("readable");
        elements += segment
            .elements()
            .map(|e| e.as_str().len() + 1)
            .sum::<usize>();
    }
    elements
}

fn count_terminators(file: &[u8]) -> usize {
    file.iter().filter(|&&b| b == b'~').count()
}

fn bench(c: &mut Criterion) {
    let batch = claims(1000);
    let file = generate(&claims(10_000));
    let mut group = c.benchmark_group("x837p");
    group.throughput(Throughput::Elements(batch.len() as u64));
    group.bench_function("write_1000_claims", |b| b.iter(|| generate(&batch)));
    group.throughput(Throughput::Bytes(file.len() as u64));
    group.bench_function("read_all_elements", |b| {
        b.iter(|| read_all(file.as_bytes()))
    });
    group.bench_function("byte_scan_terminators", |b| {
        b.iter(|| count_terminators(std::hint::black_box(file.as_bytes())))
    });
    group.finish();
}

fn best_of(rounds: usize, mut run: impl FnMut()) -> Duration {
    (0..rounds)
        .map(|_| {
            let started = Instant::now();
            run();
            started.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn summary() {
    let count: usize = std::env::var("BACKOFFICE_BENCH_CLAIMS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    let batch = claims(count);
    let file = generate(&batch);
    let written = best_of(5, || {
        std::hint::black_box(generate(&batch));
    });
    let read = best_of(5, || {
        std::hint::black_box(read_all(std::hint::black_box(file.as_bytes())));
    });
    let scanned = best_of(5, || {
        std::hint::black_box(count_terminators(std::hint::black_box(file.as_bytes())));
    });
    let megabytes = file.len() as f64 / 1e6;
    let claims_per_second = count as f64 / written.as_secs_f64();
    let read_rate = megabytes / read.as_secs_f64();
    let scan_rate = megabytes / scanned.as_secs_f64();
    let segments = count_terminators(file.as_bytes());
    println!("\n837P, {count} typical claims ({megabytes:.2} MB, {segments} segments), best of 5:");
    println!("  generation               {claims_per_second:>12.0} claims/s  (target >= 50000)");
    println!(
        "  generation               {:>12.1} MB/s",
        megabytes / written.as_secs_f64()
    );
    println!("  x12 Reader, all elements {read_rate:>12.1} MB/s");
    println!("  byte scan counting '~'   {scan_rate:>12.1} MB/s  (baseline)");
    println!(
        "  Reader / byte scan       {:>12.3}x",
        read_rate / scan_rate
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = bench
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    if std::env::args().any(|a| a == "--bench") {
        summary();
    }
}
