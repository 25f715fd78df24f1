//! The ledger side of billing: a claim's charge is posted when the claim is built, and replaced when a
//! correction changes what is billed (the standing charge reversed, the new version's charged; a void
//! only reverses). A charge is dated its date of service, so AR and statements as of any date see the
//! service before its payments; when that month is closed, it is dated the day it is posted (a late
//! charge lands in the open period). A claim to a secondary or tertiary payer posts no charge: the encounter was charged
//! with its primary claim, and only the balance left moves to the later payer.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::build::is_lab_test;
use super::snapshot::{ClaimSnapshot, Frequency, Responsibility};
use crate::audit::AuditActor;
use crate::db::DbConnection;
use crate::db::ids::{EncounterId, EntryId};
use crate::error::AppResult;
use crate::ledger::standard::{self, ClaimRef, Payer};
use crate::ledger::{self, EntryKind, RevenueCategory, ValidEntry, periods};

/// Revenue by category of the snapshot's lines: lab tests to lab revenue, the rest to office.
fn revenue_lines(snapshot: &ClaimSnapshot) -> Vec<(RevenueCategory, Decimal)> {
    let mut by_category: BTreeMap<u8, (RevenueCategory, Decimal)> = BTreeMap::new();
    for line in &snapshot.claim.lines {
        let (key, category) = if is_lab_test(&line.code, None) {
            (0, RevenueCategory::Lab)
        } else {
            (1, RevenueCategory::Office)
        };
        by_category
            .entry(key)
            .or_insert((category, Decimal::ZERO))
            .1 += line.charge;
    }
    by_category
        .into_values()
        .filter(|(_, amount)| *amount > Decimal::ZERO)
        .collect()
}

/// Whether this snapshot bills the encounter's charge (a primary claim) or a balance left by another
/// payer (secondary, tertiary).
pub fn carries_charge(snapshot: &ClaimSnapshot) -> bool {
    snapshot.subscriber.responsibility == Responsibility::Primary
        && snapshot.other_payers.is_empty()
}

/// The charge entry of a claim version, dated `date`.
pub fn charge_entry(
    snapshot: &ClaimSnapshot,
    claim: &ClaimRef,
    encounter: Option<&EncounterId>,
    date: NaiveDate,
) -> AppResult<ValidEntry> {
    let lines = revenue_lines(snapshot);
    Ok(standard::charge(
        date,
        claim,
        encounter,
        Payer::Insurance,
        &lines,
    )?)
}

/// The date of service, or `today` when the date of service is in a closed period.
fn charge_date(conn: &mut DbConnection, snapshot: &ClaimSnapshot, today: NaiveDate) -> NaiveDate {
    let service = snapshot.claim.date_of_service;
    if periods::ensure_open(conn, service).is_ok() {
        service
    } else {
        today
    }
}

/// Posts the charge of a claim version (none for a secondary claim or a zero total).
pub fn post_charge(
    conn: &mut DbConnection,
    actor: &AuditActor,
    claim: &ClaimRef,
    encounter: Option<&EncounterId>,
    snapshot: &ClaimSnapshot,
    today: NaiveDate,
) -> AppResult<Option<EntryId>> {
    if !carries_charge(snapshot) || snapshot.claim.total_charge <= Decimal::ZERO {
        return Ok(None);
    }
    let date = charge_date(conn, snapshot, today);
    let entry = charge_entry(snapshot, claim, encounter, date)?;
    Ok(Some(ledger::post(conn, actor, &entry)?))
}

/// After a correction: reverses the claim's standing charges (dated like the new charge) and charges
/// the new version (a void charges nothing). Nothing happens for a claim that carries no charge.
pub fn post_corrected(
    conn: &mut DbConnection,
    actor: &AuditActor,
    claim: &ClaimRef,
    snapshot: &ClaimSnapshot,
    today: NaiveDate,
) -> AppResult<()> {
    if !carries_charge(snapshot) {
        return Ok(());
    }
    let date = charge_date(conn, snapshot, today);
    let standing: Vec<ledger::Entry> = ledger::standing_for_claim(conn, &claim.claim_id)?
        .into_iter()
        .filter(|e| e.body.kind() == EntryKind::Charge)
        .collect();
    let void = snapshot.claim.frequency == Frequency::Void;
    // A resubmission billing the same lines at the same charges changes nothing in the books.
    if !void && let [only] = standing.as_slice() {
        let same = charge_entry(snapshot, claim, None, date)?;
        if only.body.lines() == same.lines() {
            return Ok(());
        }
    }
    let memo = format!("charge replaced by version {}", snapshot.claim.version);
    for entry in &standing {
        ledger::reverse(conn, actor, &entry.id, date, &memo)?;
    }
    if !void {
        post_charge(conn, actor, claim, None, snapshot, today)?;
    }
    Ok(())
}
