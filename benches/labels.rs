//! Labels per second: SVG, PNG (203 dpi) and ZPL, each the whole path from checked data to bytes
//! (layout, Code128 encoding, rendering), against the Debian `zint` CLI rendering the same number of
//! Code128 PNGs in batch mode (`zint --batch`) in the same run.
//!
//! `cargo bench --bench labels` runs criterion, then prints a summary measured on fixed batches
//! (labels/s and the ratios the targets are stated in). `BACKOFFICE_BENCH_LABELS=N` sets the batch size
//! (default 5000). Without `zint` on PATH (Debian package `zint`) the baseline is skipped with a note.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use backoffice::specimens::label::{Dpi, LabelData, LabelFields, LabelFormat, LabelSpec, render};
use chrono::NaiveDate;
use criterion::{Criterion, Throughput, criterion_group};

/// Invented specimens with accessions of the service's shape (`S26-000017K`, aliquots `.n`).
fn specimens(n: usize) -> Vec<LabelData> {
    (0..n)
        .map(|i| {
            let check = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[i % 36] as char;
            let accession = if i % 5 == 4 {
                format!("S26-{:06}{check}.{}", 17 + i, 1 + i % 9)
            } else {
                format!("S26-{:06}{check}", 17 + i)
            };
            LabelData::new(LabelFields {
                accession,
                last_name: ["Doe", "Núñez", "O'Brien", "Nguyen"][i % 4].into(),
                first_name: ["Jane", "José", "Liam", "Wei"][i % 4].into(),
                date_of_birth: NaiveDate::from_ymd_opt(1950 + (i % 60) as i32, 3, 14).unwrap(),
                mrn: format!("M{:07}", 1000 + i),
                collected_at: NaiveDate::from_ymd_opt(2026, 11, 29).unwrap().and_hms_opt(
                    8,
                    (i % 60) as u32,
                    0,
                ),
                container: ["SST", "lavender EDTA", "urine cup"][i % 3].into(),
                test_codes: vec!["80053".into(), "85025".into(), "83036".into()],
            })
            .expect("invented specimen is valid")
        })
        .collect()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("backoffice-bench-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

fn zint() -> Option<PathBuf> {
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .map(|dir| dir.join("zint"))
        .find(|p| p.is_file())
}

/// Where zint puts its PNGs: one file each (`-o dir/~~~~~~~.png`), or all to standard output
/// (`--direct`, here discarded), which leaves the file system out as our in-memory rendering does.
#[derive(Clone, Copy)]
enum ZintOutput {
    Files,
    Stdout,
}

/// `zint --batch` rendering one Code128 PNG per accession of `data`, cycling to `count`. Only zint's
/// run is timed (writing its input file and cleaning up are not).
fn zint_batch(zint: &Path, data: &[LabelData], count: u64, output: ZintOutput) -> Duration {
    let dir = scratch("zint");
    let input = dir.join("input.txt");
    let mut lines = String::new();
    for i in 0..count as usize {
        lines.push_str(data[i % data.len()].accession());
        lines.push('\n');
    }
    std::fs::write(&input, lines).unwrap();
    let mut cmd = Command::new(zint);
    cmd.args(["--batch", "-b", "20", "--filetype=PNG", "-i"])
        .arg(&input);
    match output {
        ZintOutput::Files => {
            cmd.arg("-o").arg(dir.join("~~~~~~~.png"));
        }
        ZintOutput::Stdout => {
            cmd.arg("--direct").stdout(Stdio::null());
        }
    }
    let started = Instant::now();
    let status = cmd.status().expect("zint runs");
    let elapsed = started.elapsed();
    assert!(status.success(), "zint failed");
    let _ = std::fs::remove_dir_all(&dir);
    elapsed
}

/// Our PNGs written to files one by one, like zint's, for the like-for-like ratio.
fn png_files(data: &[LabelData], spec: &LabelSpec, count: u64) -> Duration {
    let dir = scratch("png");
    let started = Instant::now();
    for i in 0..count as usize {
        let png = render(&data[i % data.len()], spec, LabelFormat::Png).unwrap();
        std::fs::write(dir.join(format!("{i:07}.png")), png).unwrap();
    }
    let elapsed = started.elapsed();
    let _ = std::fs::remove_dir_all(&dir);
    elapsed
}

fn labels(c: &mut Criterion) {
    let data = specimens(1000);
    let spec = LabelSpec::two_by_one(Dpi::D203);
    let mut group = c.benchmark_group("labels");
    group.throughput(Throughput::Elements(1));
    for (name, format) in [
        ("svg", LabelFormat::Svg),
        ("png_203dpi", LabelFormat::Png),
        ("zpl", LabelFormat::Zpl),
    ] {
        let mut i = 0;
        group.bench_function(name, |b| {
            b.iter(|| {
                i += 1;
                render(&data[i % data.len()], &spec, format).unwrap()
            })
        });
    }
    group.bench_function("png_203dpi_to_files", |b| {
        b.iter_custom(|iters| png_files(&data, &spec, iters))
    });
    match zint() {
        Some(zint) => {
            group.bench_function("zint_batch_png_to_files", |b| {
                b.iter_custom(|iters| zint_batch(&zint, &data, iters, ZintOutput::Files))
            });
            group.bench_function("zint_batch_png_to_stdout", |b| {
                b.iter_custom(|iters| zint_batch(&zint, &data, iters, ZintOutput::Stdout))
            });
        }
        None => eprintln!("note: zint not on PATH (Debian package zint): no baseline"),
    }
    group.finish();
}

/// Timed batches of `count` labels per format, all in this run, and the ratios. Each measurement is
/// the best of three rounds, interleaved, so a burst of load from elsewhere on the machine does not
/// decide a ratio.
fn summary() {
    let count: u64 = std::env::var("BACKOFFICE_BENCH_LABELS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(5000);
    let data = specimens(1000);
    let spec = LabelSpec::two_by_one(Dpi::D203);
    let in_memory = |format| {
        let started = Instant::now();
        for i in 0..count as usize {
            std::hint::black_box(render(&data[i % data.len()], &spec, format).unwrap());
        }
        started.elapsed()
    };
    let zint = zint();
    let mut best = [Duration::MAX; 6];
    for _ in 0..3 {
        let mut round = vec![
            in_memory(LabelFormat::Svg),
            in_memory(LabelFormat::Png),
            in_memory(LabelFormat::Zpl),
            png_files(&data, &spec, count),
        ];
        if let Some(zint) = &zint {
            round.push(zint_batch(zint, &data, count, ZintOutput::Stdout));
            round.push(zint_batch(zint, &data, count, ZintOutput::Files));
        }
        for (b, d) in best.iter_mut().zip(round) {
            *b = (*b).min(d);
        }
    }
    let rate = |d: Duration| count as f64 / d.as_secs_f64();
    let [svg, png, zpl, png_files, zint_stdout, zint_files] = best.map(rate);
    println!("\nlabels/s, {count} labels per batch, 2x1 in at 203 dpi, best of 3 rounds:");
    println!("  SVG                         {svg:>9.0}   (target >= 20000)");
    println!("  PNG in memory               {png:>9.0}   (target >= 2000)");
    println!("  PNG written to files        {png_files:>9.0}");
    println!("  ZPL                         {zpl:>9.0}");
    if zint.is_none() {
        println!("  zint not on PATH (Debian package zint): no baseline");
        return;
    }
    println!("  zint --batch --direct       {zint_stdout:>9.0}   (baseline, PNGs to stdout)");
    println!("  zint --batch to files       {zint_files:>9.0}   (baseline, one file each)");
    println!(
        "  PNG in memory / zint stdout {:>9.2}x  (target >= 1)",
        png / zint_stdout
    );
    println!(
        "  PNG files / zint files      {:>9.2}x  (target >= 1)",
        png_files / zint_files
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = labels
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    // `cargo test --benches` runs each benchmark once as a smoke test; the summary is for real runs.
    if std::env::args().any(|a| a == "--bench") {
        summary();
    }
}
