//! Generated 835s judged by a referee we did not write: every scenario the remittance issue names
//! (partial payment, denial, reversal and re-adjudication, PLB interest and recoupment, patient
//! responsibility split, unmatched claim, lines matched by REF*6R, the same payment twice), on one line,
//! LF and CRLF, must pass `shared/oracles/x12_check.py` (pyx12 against 005010X221A1, then x12sdk's claim
//! balancing), read back through our reader and balance by our own checks. All data is invented.

#[path = "common/oracles.rs"]
mod oracles;

use backoffice::remittance::generate::{EraHeader, generate_835, generate_835_sets, scenarios};
use backoffice::remittance::{self, balance};
use backoffice::x12::LineBreak;
use oracles::{Oracles, Scratch};

fn header(control_number: u32, line_break: LineBreak) -> EraHeader {
    let mut header = EraHeader::new("PAYERRCV01", "LABSUBMIT01", control_number).expect("header");
    header.line_break = line_break;
    header
}

/// Every scenario as a file, plus the duplicate pair and one file holding two transaction sets.
fn generated(line_break: LineBreak) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = scenarios::all()
        .into_iter()
        .enumerate()
        .map(|(i, scenario)| {
            let file = generate_835(&header(600 + i as u32, line_break), &scenario.remittance)
                .expect("writable 835");
            (scenario.name.to_string(), file)
        })
        .collect();
    for (name, control_number) in [("duplicate_file_a", 700), ("duplicate_file_b", 701)] {
        let file = generate_835(
            &header(control_number, line_break),
            &scenarios::duplicate_file(),
        )
        .expect("writable 835");
        files.push((name.to_string(), file));
    }
    let two_sets = generate_835_sets(
        &header(702, line_break),
        &[scenarios::partial_payment(), scenarios::denial()],
    )
    .expect("writable 835");
    files.push(("two_transaction_sets".to_string(), two_sets));
    files
}

#[test]
fn generated_remittances_pass_the_x12_referee_read_back_and_balance() {
    let scratch = Scratch::new("era835");
    let mut paths = Vec::new();
    for (suffix, line_break) in [
        ("line", LineBreak::None),
        ("lf", LineBreak::Lf),
        ("crlf", LineBreak::CrLf),
    ] {
        let files = generated(line_break);
        for (name, file) in &files {
            let sets = remittance::read_835(file.as_bytes())
                .unwrap_or_else(|e| panic!("{name} ({suffix}) does not read back: {e}"));
            for set in &sets {
                let imbalances = balance::check(set);
                assert!(imbalances.is_empty(), "{name}: {imbalances:?}");
            }
            let path = scratch.path(&format!("{name}_{suffix}.x12"));
            std::fs::write(&path, file).expect("scratch file");
            paths.push(path);
        }
        let key = |name: &str| {
            let (_, file) = files.iter().find(|(n, _)| n == name).expect("generated");
            remittance::read_835(file.as_bytes()).expect("readable")[0].payment_key()
        };
        assert_eq!(key("duplicate_file_a"), key("duplicate_file_b"));
    }
    let Some(oracles) = Oracles::find() else {
        return;
    };
    if let Err(report) = oracles.x12_check(&paths) {
        panic!("the X12 referee refused generated remittances:\n{report}");
    }
}
