//! `era import FILE...`: each 835 read and posted by the same functions as `POST /remittances`
//! (`EraFile::read`, then `posting::import`), as the CLI actor, so the postings, the work queue and the
//! audit trail are the ones the API would have made. Every file is tried; the exit code is 1 when any
//! could not be read or posted.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

use super::{CliResult, cli_actor, connection, refusal};
use crate::coding::codesets::Snapshot;
use crate::config::Settings;
use crate::db::DbConnection;
use crate::remittance::posting::{EraFile, Outcome, import};

pub fn era_import(settings: &Settings, dry_run: bool, paths: &[std::path::PathBuf]) -> CliResult {
    let mut conn = connection(settings)?;
    let codes = Snapshot::load(&mut conn, None).map_err(|e| e.to_string())?;
    let mut failed = 0;
    for path in paths {
        match import_one(&mut conn, &codes, path, dry_run) {
            Ok(outcome) => print!("{}", summary(path, &outcome)),
            Err(why) => {
                failed += 1;
                eprintln!("{}: not imported: {why}", path.display());
            }
        }
    }
    if failed > 0 {
        eprintln!("{failed} of {} file(s) not imported", paths.len());
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn import_one(
    conn: &mut DbConnection,
    codes: &Snapshot,
    path: &Path,
    dry_run: bool,
) -> Result<Outcome, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let file = EraFile::read(bytes).map_err(refusal)?;
    import(conn, &cli_actor(), codes, &file, dry_run).map_err(refusal)
}

/// What importing the file did: one line of counts, then each unmatched claim or line with why.
fn summary(path: &Path, outcome: &Outcome) -> String {
    let name = path.display();
    let id = outcome.id.as_deref().unwrap_or("-");
    if outcome.duplicate {
        return format!(
            "{name}: duplicate of remittance {id} (same file or same payment): nothing posted\n"
        );
    }
    let mut by_status: BTreeMap<&str, usize> = BTreeMap::new();
    for claim in &outcome.claims {
        *by_status.entry(claim.status_after.as_str()).or_default() += 1;
    }
    let statuses: Vec<String> = by_status
        .iter()
        .map(|(status, n)| format!("{n} {status}"))
        .collect();
    let head = if outcome.dry_run {
        "dry run: would post".to_owned()
    } else {
        format!("remittance {id}: posted")
    };
    let statuses = if statuses.is_empty() {
        "none".to_owned()
    } else {
        statuses.join(", ")
    };
    let mut text = format!(
        "{name}: {head} {} claims ({statuses}), {} unmatched",
        outcome.claims.len(),
        outcome.unmatched.len(),
    );
    if !outcome.already_done.is_empty() {
        text.push_str(&format!(
            ", {} already posted by an earlier import",
            outcome.already_done.len()
        ));
    }
    text.push('\n');
    for item in &outcome.unmatched {
        let line = item
            .line_id
            .as_deref()
            .map(|l| format!(" line {l}"))
            .unwrap_or_default();
        text.push_str(&format!(
            "  unmatched CLP {} ({}){line}: {}\n",
            item.clp_index, item.clp01, item.reason
        ));
    }
    text
}
