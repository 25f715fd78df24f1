//! Posting and reversing, inside the caller's transaction: the period must be open, a reversal names an
//! entry not yet reversed and not itself a reversal, and every posting is audited.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use super::entry::{EntryKind, ValidEntry};
use super::periods::{self, Month};
use super::store::{self, Entry, EntryFilter};
use crate::audit::{self, Audit, AuditActor};
use crate::db::DbConnection;
use crate::db::ids::{ClaimId, EntryId};
use crate::error::{AppError, AppResult};

/// Posts the entry; returns its id. Call inside `db::write_transaction` with the event it records.
pub fn post(conn: &mut DbConnection, actor: &AuditActor, entry: &ValidEntry) -> AppResult<EntryId> {
    let ids = post_all(conn, actor, std::slice::from_ref(entry))?;
    ids.into_iter()
        .next()
        .ok_or_else(|| AppError::internal("no entry posted"))
}

/// Posts the entries of one business event (a claim's charge, payment and adjustments) as `post` would
/// one by one, with fewer round trips: each month checked open once, all lines and entries inserted
/// in two statements, one audit append. Returns their ids in order. Call inside the event's
/// `db::write_transaction`.
pub fn post_all(
    conn: &mut DbConnection,
    actor: &AuditActor,
    entries: &[ValidEntry],
) -> AppResult<Vec<EntryId>> {
    let months: BTreeSet<Month> = entries.iter().map(|e| Month::of(e.date())).collect();
    for month in months {
        periods::ensure_open(conn, month.first_day())?;
    }
    for original in entries.iter().filter_map(ValidEntry::reverses) {
        ensure_reversible(conn, original)?;
    }
    let ids = store::insert_many(conn, entries, actor).map_err(|e| {
        match (e, entries.iter().find_map(ValidEntry::reverses)) {
            // Another transaction reversed it first: the unique index on `reverses` decided.
            (DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _), Some(original)) => {
                AppError::conflict(
                    "already_reversed",
                    format!("entry {original} is already reversed"),
                )
            }
            (e, _) => e.into(),
        }
    })?;
    let events = entries
        .iter()
        .zip(&ids)
        .map(|(entry, id)| {
            let event = Audit::new("post", "journal_entry", id).detail(format!(
                "{} {} lines",
                entry.kind().as_str(),
                entry.lines().len()
            ));
            match &entry.source().patient_id {
                Some(patient) => event.patient(patient),
                None => event,
            }
        })
        .collect();
    audit::record_many(conn, actor, events)?;
    Ok(ids)
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
/// Those of these claims with a charge posted (a line of theirs in a charge entry).
pub fn claims_charged(
    conn: &mut DbConnection,
    claims: &[ClaimId],
) -> AppResult<std::collections::HashSet<ClaimId>> {
    let ids: Vec<&str> = claims.iter().map(ClaimId::as_str).collect();
    Ok(store::claims_with_kind(conn, EntryKind::Charge, &ids)?
        .into_iter()
        .map(ClaimId::from_stored)
        .collect())
}

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
