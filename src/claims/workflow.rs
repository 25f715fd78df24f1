//! What happens to claims, each step inside the caller's transaction with its event and audit record:
//! building one from a ready encounter, moving it (`transition`, which the batch, acknowledgement and
//! remittance work call too), correcting it, and handing ready claims to a batch.

use chrono::Datelike;

use super::build::{self, Options};
use super::charges;
use super::correction::{self, ValidCorrection};
use super::events::{self, NewEvent};
use super::lifecycle::{self, Status, Via};
use super::model::{Claim, ValidBuild};
use super::snapshot::Frequency;
use super::sources;
use super::store::{self, NewClaim, NewVersion, ReadyClaim};
use crate::audit::{self, Audit, AuditActor};
use crate::claims::partners;
use crate::coding::encounters::{self, Encounter};
use crate::db::ids::{ClaimId, PatientId, TradingPartnerId};
use crate::db::{DbConnection, next_counter, now};
use crate::error::{AppError, AppResult};
use crate::ledger::standard::ClaimRef;

pub const RESOURCE: &str = "claim";
/// The counter claim numbers come from (benchmarks that seed claims reserve theirs from it).
pub const CLAIM_NUMBERS: &str = "claim_number";
/// CLM01 `{number}-{version}` stays within 20 characters.
pub const MAX_VERSIONS: i32 = 99;

/// `C` + two-digit year + the counter, seven digits at least: `C260000123`. The counter never repeats,
/// whatever the year, so neither does a claim number.
pub fn claim_number(year: i32, sequence: i64) -> String {
    format!("C{:02}{sequence:07}", year.rem_euclid(100))
}

pub fn audit_claim(
    conn: &mut DbConnection,
    actor: &AuditActor,
    action: &str,
    id: &ClaimId,
    patient: &PatientId,
    detail: Option<String>,
) -> AppResult<()> {
    let mut event = Audit::new(action, RESOURCE, id).patient(patient);
    if let Some(detail) = detail {
        event = event.detail(detail);
    }
    Ok(audit::record(conn, actor, event)?)
}

pub fn find_or_404(conn: &mut DbConnection, id: &ClaimId) -> AppResult<Claim> {
    store::find(conn, id)?.ok_or(AppError::NotFound(RESOURCE))
}

fn concurrent() -> AppError {
    AppError::conflict(
        "concurrent_update",
        "the claim changed meanwhile; read it again",
    )
}

/// A ready encounter may be billed; a billed one only to another payer (a secondary claim) when it
/// already has a claim.
fn check_billable(conn: &mut DbConnection, encounter: &Encounter) -> AppResult<()> {
    let filter = store::ClaimFilter {
        encounter_id: Some(encounter.id.clone()),
        ..Default::default()
    };
    let billed_by_claim =
        encounter.status == encounters::Status::Billed && store::list(conn, &filter, 1, 0)?.1 > 0;
    match encounter.status {
        encounters::Status::Ready => Ok(()),
        encounters::Status::Billed if billed_by_claim => Ok(()),
        status => {
            let mut members = serde_json::Map::new();
            members.insert("encounter_status".into(), status.as_str().into());
            Err(AppError::ConflictWith {
                code: "encounter_not_ready",
                detail: format!(
                    "the encounter is {}; only a ready encounter can be billed",
                    status.as_str()
                ),
                members,
            })
        }
    }
}

fn refuse_open_claim(
    conn: &mut DbConnection,
    encounter: &Encounter,
    policy: &crate::directory::policies::Policy,
) -> AppResult<()> {
    let Some((id, number)) = store::open_claim_for(conn, &encounter.id, &policy.payer_id)? else {
        return Ok(());
    };
    let mut members = serde_json::Map::new();
    members.insert("claim_id".into(), id.as_str().into());
    Err(AppError::ConflictWith {
        code: "claim_exists",
        detail: format!("claim {number} for this encounter and payer is still open"),
        members,
    })
}

/// Builds version 1 from the encounter, status ready, and bills the encounter; refusals change nothing.
pub fn build_claim(
    conn: &mut DbConnection,
    actor: &AuditActor,
    valid: &ValidBuild,
) -> AppResult<Claim> {
    let Some(encounter) = encounters::store::find(conn, &valid.encounter_id)? else {
        return Err(AppError::invalid(
            "encounter_id",
            "no encounter with this id",
        ));
    };
    let policy = sources::policy(conn, &encounter, valid.policy_id.as_ref())?;
    refuse_open_claim(conn, &encounter, &policy)?;
    check_billable(conn, &encounter)?;
    let records = sources::records(conn, &encounter, policy)?;
    let number = claim_number(now().year(), next_counter(conn, CLAIM_NUMBERS)?);
    let options: &Options = &valid.options;
    let snapshot = build::build(&records.sources(&encounter), &number, options)
        .map_err(AppError::Validation)?;
    let id = store::insert(
        conn,
        &NewClaim {
            claim_number: &number,
            patient_id: &encounter.patient_id,
            encounter_id: &encounter.id,
            policy_id: &records.policy.id,
            payer_id: &records.payer.id,
            snapshot: &snapshot,
        },
    )?;
    if encounter.status == encounters::Status::Ready && !encounters::store::bill(conn, &encounter)?
    {
        return Err(AppError::conflict(
            "concurrent_update",
            "the encounter changed meanwhile; read it again",
        ));
    }
    let event = NewEvent {
        kind: "built",
        from: None,
        to: Some(Status::Ready),
        version: 1,
        detail: None,
    };
    events::record(conn, &id, actor, &event)?;
    let claim = ClaimRef {
        claim_id: id.clone(),
        patient_id: encounter.patient_id.clone(),
    };
    let today = now().date_naive();
    charges::post_charge(conn, actor, &claim, Some(&encounter.id), &snapshot, today)?;
    audit_claim(conn, actor, "create", &id, &encounter.patient_id, None)?;
    find_or_404(conn, &id)
}

fn not_allowed(from: Status, to: Status, allowed: Vec<Status>) -> AppError {
    AppError::NotAllowedInState {
        action: to.as_str().to_owned(),
        state: from.as_str().to_owned(),
        allowed: allowed.iter().map(|s| s.as_str().to_owned()).collect(),
    }
}

/// Moves the claim to `to` when the lifecycle has that move (409 naming the allowed ones otherwise),
/// conditionally on the status read, with an event and an audit record. Moving to batched freezes the
/// current version. For the service's own steps; a biller's moves go through `manual_transition`.
pub fn transition(
    conn: &mut DbConnection,
    actor: &AuditActor,
    id: &ClaimId,
    to: Status,
    detail: Option<&str>,
) -> AppResult<Claim> {
    move_status(conn, actor, id, to, detail)?;
    find_or_404(conn, id)
}

/// `transition` without reading the claim back, for callers that do not answer with it (posting a
/// remittance moves thousands of claims; reading each back is two queries each time).
pub fn move_status(
    conn: &mut DbConnection,
    actor: &AuditActor,
    id: &ClaimId,
    to: Status,
    detail: Option<&str>,
) -> AppResult<()> {
    let claim = store::find_summary(conn, id)?.ok_or(AppError::NotFound(RESOURCE))?;
    let from = claim.status;
    if lifecycle::via(from, to).is_none_or(|via| via == Via::Correction) {
        let allowed = [Via::Manual, Via::System]
            .into_iter()
            .flat_map(|how| lifecycle::next(from, how))
            .collect();
        return Err(not_allowed(from, to, allowed));
    }
    if !store::set_status(conn, id, from, to)? {
        return Err(concurrent());
    }
    if to == Status::Batched {
        store::freeze_current(conn, id)?;
    }
    let event = NewEvent {
        kind: "status",
        from: Some(from),
        to: Some(to),
        version: claim.current_version,
        detail,
    };
    events::record(conn, id, actor, &event)?;
    let note = format!("{} -> {}", from.as_str(), to.as_str());
    audit_claim(conn, actor, "status", id, &claim.patient_id, Some(note))
}

/// A biller's move: only draft ⇄ ready and → closed; the others are the service's (409 naming the moves
/// a biller may make from here).
pub fn manual_transition(
    conn: &mut DbConnection,
    actor: &AuditActor,
    id: &ClaimId,
    to: Status,
    reason: Option<&str>,
) -> AppResult<Claim> {
    let claim = store::find_summary(conn, id)?.ok_or(AppError::NotFound(RESOURCE))?;
    if lifecycle::via(claim.status, to) != Some(Via::Manual) {
        let allowed = lifecycle::next(claim.status, Via::Manual);
        return Err(not_allowed(claim.status, to, allowed));
    }
    transition(conn, actor, id, to, reason)
}

/// Makes version N+1 from the current one (see `correction`); the claim is ready again.
pub fn correct(
    conn: &mut DbConnection,
    actor: &AuditActor,
    id: &ClaimId,
    c: &ValidCorrection,
) -> AppResult<Claim> {
    let claim = find_or_404(conn, id)?;
    let from = claim.summary.status;
    if !lifecycle::correctable(from) {
        let allowed = lifecycle::next(from, Via::Manual);
        return Err(not_allowed(from, Status::Ready, allowed));
    }
    if c.frequency == Frequency::Original && from != Status::Rejected {
        return Err(AppError::invalid(
            "frequency",
            "original only resubmits a rejected claim; the payer has this one: use replacement or void",
        ));
    }
    let version = claim.summary.current_version + 1;
    if version > MAX_VERSIONS {
        return Err(AppError::conflict(
            "too_many_versions",
            format!("a claim has at most {MAX_VERSIONS} versions"),
        ));
    }
    // REF*F8: the number given, else the one the payer's 277CA gave.
    let mut c = c.clone();
    if c.frequency != Frequency::Original && c.payer_claim_number.is_none() {
        let Some(known) = claim.summary.payer_claim_number.clone() else {
            return Err(AppError::invalid(
                "payer_claim_number",
                "is required for a replacement or void (REF*F8): no 277CA has given the payer's claim number",
            ));
        };
        c.payer_claim_number = Some(known);
    }
    let c = &c;
    let clia = sources::clia_number(conn)?;
    let snapshot = correction::apply(
        &claim.snapshot,
        c,
        &claim.summary.claim_number,
        version,
        clia.as_deref(),
    )
    .map_err(AppError::Validation)?;
    let new = NewVersion {
        version,
        payer_claim_number: c.payer_claim_number.as_deref(),
        reason: Some(&c.reason),
        snapshot: &snapshot,
    };
    if !store::add_version(conn, id, from, &new)? {
        return Err(concurrent());
    }
    let detail = format!("{} (frequency {})", c.reason, c.frequency.code());
    let event = NewEvent {
        kind: "corrected",
        from: Some(from),
        to: Some(Status::Ready),
        version,
        detail: Some(&detail),
    };
    events::record(conn, id, actor, &event)?;
    let owner = ClaimRef {
        claim_id: id.clone(),
        patient_id: claim.summary.patient_id.clone(),
    };
    charges::post_corrected(conn, actor, &owner, &snapshot, now().date_naive())?;
    let note = format!("version {version}, frequency {}", c.frequency.code());
    audit_claim(
        conn,
        actor,
        "correct",
        id,
        &claim.summary.patient_id,
        Some(note),
    )?;
    find_or_404(conn, id)
}

/// The ready claims whose payers route through the partner, with their current snapshots.
pub fn ready_for_partner(
    conn: &mut DbConnection,
    partner: &TradingPartnerId,
) -> AppResult<Vec<ReadyClaim>> {
    let payers = partners::store::payer_ids(conn, partner)?;
    Ok(store::ready_for_payers(conn, &payers)?)
}

/// Marks the claims batched, each only if still ready (another batch may have taken it: it is left
/// out), freezing its current version. Returns the claims taken, in the order given.
pub fn mark_batched(
    conn: &mut DbConnection,
    actor: &AuditActor,
    ids: &[ClaimId],
    detail: Option<&str>,
) -> AppResult<Vec<ClaimId>> {
    let mut taken = Vec::with_capacity(ids.len());
    for id in ids {
        let Some(claim) = store::find_summary(conn, id)? else {
            continue;
        };
        if claim.status != Status::Ready
            || !store::set_status(conn, id, Status::Ready, Status::Batched)?
        {
            continue;
        }
        store::freeze_current(conn, id)?;
        let event = NewEvent {
            kind: "status",
            from: Some(Status::Ready),
            to: Some(Status::Batched),
            version: claim.current_version,
            detail,
        };
        events::record(conn, id, actor, &event)?;
        audit_claim(
            conn,
            actor,
            "status",
            id,
            &claim.patient_id,
            Some("ready -> batched".into()),
        )?;
        taken.push(id.clone());
    }
    Ok(taken)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claim_numbers_are_short_and_carry_the_year() {
        assert_eq!(claim_number(2026, 123), "C260000123");
        assert_eq!(claim_number(2100, 1), "C000000001");
        assert!(correction::clm01(&claim_number(2026, 99_999_999), MAX_VERSIONS).len() <= 20);
    }
}
