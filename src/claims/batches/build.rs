//! Building a batch and sending it, each in the caller's transaction.
//!
//! Building takes the control numbers first: the counter rows' locks (PostgreSQL) or the write lock
//! (SQLite) make concurrent builders, on any service instance, wait for each other, so the ready claims
//! read next are not being taken by anyone else. Then the claims move to batched, the file is written
//! and read back through the self-check, and the file, its hash and where each claim went are stored.
//! Any refusal on the way rolls all of it back: no batch, no status change, no control number used.

use chrono::NaiveDateTime;
use sha2::{Digest, Sha256};

use super::expectations::CatalogExpectations;
use super::model::{BatchStatus, ClaimBatch, ValidBatchInput};
use super::store::{self, BatchRow, PlacementRow};
use crate::audit::{self, Audit, AuditActor};
use crate::claims::events::{self, NewEvent};
use crate::claims::lifecycle::Status;
use crate::claims::partner::ControlNumbers;
use crate::claims::partners::{self, TradingPartner};
use crate::claims::snapshot::ClaimSnapshot;
use crate::claims::store::{self as claim_store, MovedClaim, ReadyClaim};
use crate::claims::workflow::RESOURCE as CLAIM;
use crate::claims::x837p::{self, Batch, BatchOptions, X837Error};
use crate::coding::codesets::Snapshot;
use crate::db::ids::{ClaimBatchId, ClaimId};
use crate::db::{DbConnection, reserve_counter};
use crate::error::{AppError, AppResult};
use crate::money;

pub const RESOURCE: &str = "claim_batch";
const INTERCHANGE_NUMBERS: &str = "x12_interchange";
const GROUP_NUMBERS: &str = "x12_group";
const TRANSACTION_NUMBERS: &str = "x12_transaction";
/// ISA13, GS06 and ST02 are at most nine digits.
const MAX_CONTROL_NUMBER: i64 = 999_999_999;

fn control_number(conn: &mut DbConnection, name: &str, count: i64) -> AppResult<u32> {
    let first = reserve_counter(conn, name, count)?;
    if first + count - 1 > MAX_CONTROL_NUMBER {
        return Err(AppError::conflict(
            "control_numbers_exhausted",
            format!("the {name} control numbers are used up (nine digits)"),
        ));
    }
    u32::try_from(first).map_err(AppError::internal)
}

fn partner_or_422(conn: &mut DbConnection, input: &ValidBatchInput) -> AppResult<TradingPartner> {
    partners::store::find(conn, &input.partner_id)?
        .ok_or_else(|| AppError::invalid("partner_id", "no trading partner with this id"))
}

fn nothing_to_batch() -> AppError {
    AppError::conflict(
        "no_ready_claims",
        "no ready claim's payer routes through this trading partner",
    )
}

/// The named claims (each must exist, be ready and route through the partner: 422 naming the one that
/// does not), or every ready claim routed through the partner (409 when there is none).
fn claims_to_batch(
    conn: &mut DbConnection,
    partner: &TradingPartner,
    input: &ValidBatchInput,
) -> AppResult<Vec<ReadyClaim>> {
    let Some(ids) = &input.claim_ids else {
        let ready = crate::claims::ready_for_partner(conn, &partner.id)?;
        return match ready.is_empty() {
            true => Err(nothing_to_batch()),
            false => Ok(ready),
        };
    };
    let mut found: std::collections::HashMap<ClaimId, (Status, ReadyClaim)> =
        claim_store::with_current_versions(conn, ids)?
            .into_iter()
            .map(|(status, claim)| (claim.id.clone(), (status, claim)))
            .collect();
    let mut errors = crate::error::Validator::new();
    let mut claims = Vec::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        let field = format!("claim_ids[{i}]");
        match found.remove(id) {
            None => errors.reject(&field, "no claim with this id"),
            Some((status, _)) if status != Status::Ready => errors.reject(
                &field,
                format!("the claim is {}; only ready claims are batched", status.as_str()),
            ),
            Some((_, claim)) if !partner.payer_ids.contains(&claim.payer_id) => {
                errors.reject(&field, "the claim's payer does not route through this partner")
            }
            Some((_, claim)) => claims.push(claim),
        }
    }
    errors.finish(|| Some(claims))
}

/// One problem that blocks a batch, as the 409's `findings` list it.
fn finding(claim: Option<&str>, loop_id: Option<&str>, segment: &str, problem: String) -> serde_json::Value {
    serde_json::json!({"claim": claim, "loop": loop_id, "segment": segment, "problem": problem})
}

fn blocked(findings: Vec<serde_json::Value>) -> AppError {
    let mut members = serde_json::Map::new();
    let detail = format!(
        "the batch was not built: {} problem(s) found in the file; fix the claims named and retry",
        findings.len()
    );
    members.insert("findings".into(), findings.into());
    AppError::ConflictWith {
        code: "batch_blocked",
        detail,
        members,
    }
}

fn write_error(error: X837Error) -> AppError {
    match error.claim() {
        Some(claim) => {
            let (loop_id, problem) = match &error {
                X837Error::Data { loop_id, source, .. } => (*loop_id, source.to_string()),
                X837Error::Invalid { loop_id, problem, .. } => (*loop_id, problem.clone()),
                _ => ("", error.to_string()),
            };
            blocked(vec![finding(Some(&claim.claim_number), Some(loop_id), "", problem)])
        }
        None => blocked(vec![finding(None, None, "", error.to_string())]),
    }
}

/// Writes the file and reads it back; any finding blocks the batch.
fn write_checked(
    partner: &TradingPartner,
    numbers: ControlNumbers,
    created: NaiveDateTime,
    snapshots: &[ClaimSnapshot],
    options: &BatchOptions,
    codes: &Snapshot,
) -> AppResult<Batch> {
    let batch = x837p::write_batch(&partner.settings, numbers, created, snapshots, options)
        .map_err(write_error)?;
    let findings = x837p::self_check(batch.text.as_bytes(), &CatalogExpectations(codes));
    if !findings.is_empty() {
        let listed = findings
            .iter()
            .map(|f| {
                let segment = format!("{} (segment {})", f.segment, f.position.segment);
                finding(f.claim.as_deref(), f.loop_id, &segment, f.problem.to_string())
            })
            .collect();
        return Err(blocked(listed));
    }
    Ok(batch)
}

/// Builds, checks and stores one batch for the partner, moving its claims to batched.
pub fn create_batch(
    conn: &mut DbConnection,
    actor: &AuditActor,
    codes: &Snapshot,
    input: &ValidBatchInput,
    created: NaiveDateTime,
) -> AppResult<ClaimBatch> {
    let partner = partner_or_422(conn, input)?;
    let interchange = control_number(conn, INTERCHANGE_NUMBERS, 1)?;
    let group = control_number(conn, GROUP_NUMBERS, 1)?;
    let claims = claims_to_batch(conn, &partner, input)?;
    let reference = format!("B{interchange:09}");
    let options = BatchOptions {
        writer: partner.writer_options(),
        ..BatchOptions::new(reference.clone())
    };
    let snapshots: Vec<ClaimSnapshot> = claims.iter().map(|c| c.snapshot.clone()).collect();
    let transactions = x837p::transaction_count(&snapshots, &options) as i64;
    let numbers = ControlNumbers {
        interchange,
        group,
        first_transaction: control_number(conn, TRANSACTION_NUMBERS, transactions)?,
    };

    let ids: Vec<ClaimId> = claims.iter().map(|c| c.id.clone()).collect();
    if claim_store::take_for_batch(conn, &ids)? != ids.len() {
        return Err(AppError::conflict(
            "concurrent_update",
            "a claim changed while the batch was built; retry",
        ));
    }
    let batch = write_checked(&partner, numbers, created, &snapshots, &options, codes)?;

    let id = ClaimBatchId::generate();
    let placements: Vec<PlacementRow> = batch
        .placements
        .iter()
        .map(|p| {
            let claim = &claims[p.claim.index];
            Ok(PlacementRow {
                batch_id: id.to_string(),
                claim_id: claim.id.to_string(),
                claim_version: claim.version,
                clm01: claim.clm01.clone(),
                transaction_control_number: p
                    .transaction_control_number
                    .parse()
                    .map_err(AppError::internal)?,
                position_in_transaction: p.position_in_transaction as i32,
                first_segment: *p.segments.start() as i32,
                last_segment: *p.segments.end() as i32,
            })
        })
        .collect::<AppResult<_>>()?;
    let total: rust_decimal::Decimal = snapshots.iter().map(|s| s.claim.total_charge).sum();
    let row = BatchRow {
        id: id.to_string(),
        partner_id: partner.id.to_string(),
        status: BatchStatus::Open.as_str().to_owned(),
        interchange_control_number: i64::from(interchange),
        group_control_number: i64::from(group),
        reference: reference.clone(),
        claim_count: claims.len() as i32,
        transaction_count: batch.transaction_control_numbers.len() as i32,
        total_charge_cents: money::to_cents(total).map_err(AppError::internal)?,
        size_bytes: batch.text.len() as i64,
        sha256: hex::encode(Sha256::digest(batch.text.as_bytes())),
        created_by: actor.name.clone(),
        created_at: created,
        sent_by: None,
        sent_at: None,
        version: 1,
    };
    store::insert(conn, &row, &batch.text, &placements)?;

    let detail = format!("batch {reference}");
    let moved: Vec<MovedClaim> = claims.iter().map(ReadyClaim::moved).collect();
    record_moves(conn, actor, &moved, Status::Ready, Status::Batched, &detail)?;
    let audit_detail = format!("{} claims, ISA13 {interchange}", claims.len());
    audit::record(
        conn,
        actor,
        Audit::new("create", RESOURCE, &id).detail(audit_detail),
    )?;
    store::find(conn, &id)?.ok_or(AppError::NotFound(RESOURCE))
}

/// One claim event and one audit record per claim for a move made to all of them at once.
fn record_moves(
    conn: &mut DbConnection,
    actor: &AuditActor,
    claims: &[MovedClaim],
    from: Status,
    to: Status,
    detail: &str,
) -> AppResult<()> {
    let versions: Vec<(ClaimId, i32)> = claims.iter().map(|c| (c.id.clone(), c.version)).collect();
    let event = NewEvent {
        kind: "status",
        from: Some(from),
        to: Some(to),
        version: 0,
        detail: Some(detail),
    };
    events::record_many(conn, &versions, actor, &event)?;
    let note = format!("{} -> {}", from.as_str(), to.as_str());
    let audits = claims
        .iter()
        .map(|c| Audit::new("status", CLAIM, &c.id).patient(&c.patient_id).detail(note.clone()))
        .collect();
    Ok(audit::record_many(conn, actor, audits)?)
}

/// Marks the batch sent and its claims (still batched) sent. A batch already sent is left as it is.
pub fn mark_sent(
    conn: &mut DbConnection,
    actor: &AuditActor,
    id: &ClaimBatchId,
) -> AppResult<ClaimBatch> {
    let batch = store::find(conn, id)?.ok_or(AppError::NotFound(RESOURCE))?;
    if batch.status == BatchStatus::Sent {
        return Ok(batch);
    }
    if !store::set_sent(conn, id, &actor.name)? {
        return Err(AppError::conflict(
            "concurrent_update",
            "the batch changed meanwhile; read it again",
        ));
    }
    let ids: Vec<ClaimId> = batch
        .claims
        .iter()
        .flatten()
        .map(|c| c.claim_id.clone())
        .collect();
    let claims = claim_store::move_all(conn, &ids, Status::Batched, Status::Sent)?;
    let detail = format!("batch {}", batch.reference);
    record_moves(conn, actor, &claims, Status::Batched, Status::Sent, &detail)?;
    audit::record(
        conn,
        actor,
        Audit::new("sent", RESOURCE, id).detail(format!("{} claims", claims.len())),
    )?;
    store::find(conn, id)?.ok_or(AppError::NotFound(RESOURCE))
}
