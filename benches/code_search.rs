//! Search latency on the full ICD-10-CM release, in process: the index against a plain linear scan of
//! the same entries, in the same run. Prints median and p99 per query kind (timed one query at a time),
//! then lets criterion measure each query.
//!
//!   cargo bench --bench code_search

use std::hint::black_box;
use std::time::{Duration, Instant};

use backoffice::coding::codesets::System;
use backoffice::coding::codesets::index::VersionIndex;
use backoffice::coding::codesets::model::Payload;
use backoffice::coding::codesets::shipped::SHIPPED;
use backoffice::coding::codesets::store::StoredCode;
use criterion::{Criterion, criterion_group, criterion_main};

const LIMIT: usize = 20;

const KINDS: &[(&str, &[&str])] = &[
    (
        "code prefix",
        &["E11", "E11.6", "S52.5", "M84", "T36.0X", "Z00", "O9A", "I1"],
    ),
    (
        "one word",
        &[
            "hypertension",
            "fracture",
            "diabetes",
            "asthma",
            "pneumonia",
            "migraine",
            "sepsis",
            "anemia",
        ],
    ),
    (
        "three words",
        &[
            "diab mell type",
            "fracture shaft radius",
            "acute upper respiratory",
            "chronic kidney disease",
            "essential primary hypertension",
            "major depressive disorder",
            "open wound head",
            "poisoning by penicillins",
        ],
    ),
];

fn full_index() -> VersionIndex {
    let set = SHIPPED
        .iter()
        .find(|s| s.system == System::Icd10cm)
        .expect("ICD-10-CM ships");
    let Payload::Codes(rows) = set.request().parse().expect("parse the shipped release") else {
        unreachable!("ICD-10-CM holds codes")
    };
    let stored = rows
        .into_iter()
        .map(|r| StoredCode {
            code: r.code,
            description: r.description,
            short_description: r.short_description,
            billable: r.billable,
            notes: r.notes,
        })
        .collect();
    VersionIndex::build(stored)
}

/// Median and 99th percentile of single-query times over every query of a kind.
fn percentiles(mut run: impl FnMut(&str), queries: &[&str], rounds: usize) -> (Duration, Duration) {
    let mut times = Vec::with_capacity(queries.len() * rounds);
    for _ in 0..rounds {
        for q in queries {
            let start = Instant::now();
            run(q);
            times.push(start.elapsed());
        }
    }
    times.sort();
    (times[times.len() / 2], times[times.len() * 99 / 100])
}

fn report(index: &VersionIndex) {
    println!(
        "\nICD-10-CM full release: {} codes; limit {LIMIT}",
        index.len()
    );
    println!(
        "{:<12} {:>12} {:>12} {:>12} {:>12} {:>9}",
        "kind", "index p50", "index p99", "scan p50", "scan p99", "p50 ratio"
    );
    for (kind, queries) in KINDS {
        for q in *queries {
            assert_eq!(
                index.search(System::Icd10cm, q, LIMIT),
                index.search_by_scan(System::Icd10cm, q, LIMIT),
                "{q}"
            );
        }
        let (ip50, ip99) = percentiles(
            |q| drop(black_box(index.search(System::Icd10cm, q, LIMIT))),
            queries,
            500,
        );
        let (sp50, sp99) = percentiles(
            |q| drop(black_box(index.search_by_scan(System::Icd10cm, q, LIMIT))),
            queries,
            5,
        );
        println!(
            "{kind:<12} {:>12?} {:>12?} {:>12?} {:>12?} {:>8.0}x",
            ip50,
            ip99,
            sp50,
            sp99,
            sp50.as_secs_f64() / ip50.as_secs_f64()
        );
    }
    println!();
}

fn bench(c: &mut Criterion) {
    let index = full_index();
    report(&index);
    for (kind, queries) in KINDS {
        let mut group = c.benchmark_group(*kind);
        group.bench_function("index", |b| {
            b.iter(|| {
                queries
                    .iter()
                    .map(|q| index.search(System::Icd10cm, q, LIMIT).len())
                    .sum::<usize>()
            })
        });
        group.sample_size(10);
        group.bench_function("linear scan", |b| {
            b.iter(|| {
                queries
                    .iter()
                    .map(|q| index.search_by_scan(System::Icd10cm, q, LIMIT).len())
                    .sum::<usize>()
            })
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
