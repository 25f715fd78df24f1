//! Posting and reversing, inside the caller's transaction: the period must be open, a reversal names an
//! entry not yet reversed and not itself a reversal, and every posting is audited.

use chrono::NaiveDate;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use super::entry::{EntryKind, ValidEntry};
use super::periods;
use super::store::{self, Entry, EntryFilter};
use crate::audit::{self, Audit, AuditActor};
use crate::db::DbConnection;
use crate::db::ids::EntryId;
use crate::error::{AppError, AppResult};

/// Posts the entry; returns its id. Call inside `db::write_transaction` with the event it records.
pub fn post(conn: &mut DbConnection, actor: &AuditActor, entry: &ValidEntry) -> AppResult<EntryId> {
    periods::ensure_open(conn, entry.date())?;
    if let Some(original) = entry.reverses() {
        ensure_reversible(conn, original)?;
    }
    let id = store::insert(conn, entry, actor).map_err(|e| match (e, entry.reverses()) {
        // Another transaction reversed it first: the unique index on `reverses` decided.
        (DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _), Some(original)) => {
            AppError::conflict(
                "already_reversed",
                format!("entry {original} is already reversed"),
            )
        }
        (e, _) => e.into(),
    })?;
    let mut event = Audit::new("post", "journal_entry", &id).detail(format!(
        "{} {} lines",
        entry.kind().as_str(),
        entry.lines().len()
    ));
    if let Some(patient) = &entry.source().patient_id {
        event = event.patient(patient);
    }
    audit::record(conn, actor, event)?;
    Ok(id)
}

/// Posts the reversal of `entry_id` dated `date` (which must be in an open period, whatever the
/// original's), with the same lines on the other side.
pub fn reverse(
    conn: &mut DbConnection,
    actor: &AuditActor,
    entry_id: &EntryId,
    date: NaiveDate,
    memo: &str,
) -> AppResult<EntryId> {
    let original = find(conn, entry_id)?;
    let reversal = ValidEntry::reversing(&original.body, entry_id, date, memo)?;
    post(conn, actor, &reversal)
}

fn ensure_reversible(conn: &mut DbConnection, original: &EntryId) -> AppResult<()> {
    let entry = find(conn, original)?;
    if entry.body.kind() == EntryKind::Reversal {
        return Err(AppError::conflict(
            "reversal_not_reversible",
            format!("entry {original} is a reversal; post the original entry again instead"),
        ));
    }
    if let Some(reversal) = store::reversal_of(conn, original)? {
        return Err(AppError::conflict(
            "already_reversed",
            format!("entry {original} is already reversed by entry {reversal}"),
        ));
    }
    Ok(())
}

/// The claim's entries still in force: neither reversals nor reversed, in posting order.
pub fn standing_for_claim(
    conn: &mut DbConnection,
    claim_id: &crate::db::ids::ClaimId,
) -> AppResult<Vec<Entry>> {
    let filter = EntryFilter {
        claim_id: Some(claim_id.clone()),
        ..EntryFilter::default()
    };
    let entries = store::list(conn, &filter)?;
    let reversed: std::collections::HashSet<EntryId> = entries
        .iter()
        .filter_map(|e| e.body.reverses().cloned())
        .collect();
    Ok(entries
        .into_iter()
        .filter(|e| e.body.kind() != EntryKind::Reversal && !reversed.contains(&e.id))
        .collect())
}

pub fn find(conn: &mut DbConnection, id: &EntryId) -> AppResult<Entry> {
    store::find(conn, id)?.ok_or(AppError::NotFound("journal entry"))
}

pub fn list(conn: &mut DbConnection, filter: &EntryFilter) -> AppResult<Vec<Entry>> {
    Ok(store::list(conn, filter)?)
}
