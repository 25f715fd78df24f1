//! 837P files judged by referees we did not write: every invented scenario, alone and all in one batch,
//! is written, passes our own self-check, and passes `shared/oracles/x12_check.py` (pyx12 against the
//! 005010X222A1 maps, then x12sdk's typed models). Files stay in the target folder to be looked at.

#[path = "common/oracles.rs"]
mod oracles;

use std::path::PathBuf;

use backoffice::claims::snapshot::ClaimSnapshot;
use backoffice::claims::x837p::samples::{
    SampleCatalog, control_numbers, created, partner_settings, scenarios, typical_claim,
};
use backoffice::claims::x837p::{BatchOptions, self_check, write_batch};
use oracles::Oracles;

fn out_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("x837p");
    std::fs::create_dir_all(&dir).expect("output folder");
    dir
}

/// Writes a batch, self-checks it, and saves it as `name.x12`.
fn written(name: &str, claims: &[ClaimSnapshot]) -> PathBuf {
    written_with(name, claims, BatchOptions::new(format!("B{}", name.len())))
}

fn written_with(name: &str, claims: &[ClaimSnapshot], options: BatchOptions) -> PathBuf {
    let batch = write_batch(
        &partner_settings(),
        control_numbers(),
        created(),
        claims,
        &options,
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"));
    let findings = self_check(batch.text.as_bytes(), &SampleCatalog::for_samples());
    let report: Vec<String> = findings.iter().map(ToString::to_string).collect();
    assert!(report.is_empty(), "{name}:\n{}", report.join("\n"));
    let path = out_dir().join(format!("{name}.x12"));
    std::fs::write(&path, &batch.text).expect("write file");
    path
}

#[test]
fn every_scenario_alone_and_all_together_pass_the_self_check_and_the_referee() {
    let scenarios = scenarios();
    assert!(scenarios.len() >= 12);
    let mut files: Vec<PathBuf> = scenarios
        .iter()
        .map(|(name, claim)| written(name, std::slice::from_ref(claim)))
        .collect();
    let everything: Vec<ClaimSnapshot> = scenarios
        .iter()
        .map(|(_, claim)| claim.clone())
        .chain((0..30).map(typical_claim))
        .collect();
    files.push(written("combined_batch", &everything));
    // The same claims with at most three per transaction set: the split as the referee sees it.
    let mut split = BatchOptions::new("SPLIT3");
    split.max_claims_per_transaction = 3;
    files.push(written_with("combined_batch_split", &everything, split));
    let Some(oracles) = Oracles::find() else {
        return;
    };
    match oracles.x12_check(&files) {
        Ok(report) => assert_eq!(report.matches(": OK").count(), files.len(), "{report}"),
        Err(report) => panic!("the referee refused:\n{report}"),
    }
}
