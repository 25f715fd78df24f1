//! Posting a group of CLPs in one transaction: the common case of an 835 (a claim billed once by its
//! CLM01, sent or accepted, carrying its charge, with no secondary policy to bill) read and written
//! set-wise, some twenty statements per few hundred claims instead of some thirty per claim (on
//! PostgreSQL each statement is a round trip, and an 835 pays thousands of claims).
//!
//! The entries, statuses, events and marks are those `apply` would post claim by claim. Whatever is
//! not the common case posts one by one as before (`apply::post_claim`): a reversal, a claim matched by
//! CLP07 or by nothing, a secondary claim, a claim billed before charges were posted at build, a
//! primary whose patient has a secondary policy, a CLM01 the file names twice, and every CLP whose
//! encounter another CLP of the group touches, so that nothing posted set-wise depends on the order of
//! the group's CLPs. A group's transaction that fails (another writer moved one of its claims, another
//! import of the file marked one first, a closed period) is rolled back and its CLPs post one by one,
//! each refused or posted on its own.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::apply::{
    self, Context, Matched, SENT_TO_ACCEPTED, Step, adjudicate, match_lines, move_detail,
    posted_claim,
};
use super::model::{PostedClaim, Unmatched};
use super::secondary;
use super::store::{self, ClaimMark};
use crate::audit::{self, Audit, AuditActor};
use crate::claims::events::{self, NewEvent};
use crate::claims::lifecycle::{self, Via};
use crate::claims::{Status, charges, store as claims_store, workflow};
use crate::coding::codesets::Snapshot;
use crate::db::DbConnection;
use crate::db::ids::{ClaimId, EncounterId, RemittanceId};
use crate::directory::policies::{self, Priority};
use crate::error::{AppError, AppResult};
use crate::ledger::standard::ClaimRef;
use crate::ledger::{self, ValidEntry};
use crate::remittance::ClaimPayment;

/// CLPs planned and posted together: large enough that a group's statements are few per claim, small
/// enough that a group that falls back to one by one costs little.
pub const GROUP: usize = 500;

/// One CLP of the file: its place, its payment's date (BPR16) and itself.
#[derive(Clone, Copy)]
pub struct Item<'f> {
    pub index: i32,
    pub date: NaiveDate,
    pub clp: &'f ClaimPayment,
}

/// A CLP ready to post set-wise: what it matched and everything it writes.
pub struct Planned<'f> {
    pub item: Item<'f>,
    matched: Matched,
    /// The claim's current version (its events carry it).
    current_version: i32,
    to: Status,
    entries: Vec<ValidEntry>,
    posted: PostedClaim,
    misses: Vec<Unmatched>,
    status_reasons: Option<String>,
}

/// A group's CLPs, sorted: those posted set-wise and those posted one by one (in file order).
pub struct Plan<'f> {
    pub set: Vec<Planned<'f>>,
    pub one_by_one: Vec<Item<'f>>,
}

/// What the group's CLPs are, read in a few queries.
struct Found {
    /// CLM01 → the one version it names (CLM01s naming none or several are left out).
    versions: HashMap<String, crate::claims::model::ClaimVersion>,
    summaries: HashMap<ClaimId, crate::claims::model::ClaimSummary>,
    /// Encounters touched by the group's CLPs, with how many CLPs touch each.
    encounters: HashMap<EncounterId, usize>,
}

fn find(conn: &mut DbConnection, items: &[Item]) -> AppResult<Found> {
    let clm01s: Vec<&str> = items.iter().map(|i| i.clp.claim_id.as_str()).collect();
    let mut by_clm01: HashMap<String, Vec<crate::claims::model::ClaimVersion>> = HashMap::new();
    for version in claims_store::versions_by_clm01(conn, &clm01s)? {
        by_clm01
            .entry(version.summary.clm01.clone())
            .or_default()
            .push(version);
    }
    let versions: HashMap<String, crate::claims::model::ClaimVersion> = by_clm01
        .into_iter()
        .filter(|(_, found)| found.len() == 1)
        .filter_map(|(clm01, mut found)| Some((clm01, found.pop()?)))
        .collect();
    let mut ids: Vec<ClaimId> = versions.values().map(|v| v.claim_id.clone()).collect();
    // A CLP that does not match by CLM01 may match by CLP07 (one by one): its claim is touched too.
    for item in items
        .iter()
        .filter(|i| !versions.contains_key(&i.clp.claim_id))
    {
        if let Some(number) = item
            .clp
            .payer_claim_number
            .as_deref()
            .filter(|n| !n.is_empty())
            && let Some((id, _)) = store::claim_by_payer_number(conn, number)?
        {
            ids.push(id);
        }
    }
    ids.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    ids.dedup();
    let summaries: HashMap<ClaimId, _> = claims_store::find_summaries(conn, &ids)?
        .into_iter()
        .map(|s| (s.id.clone(), s))
        .collect();
    let mut encounters: HashMap<EncounterId, usize> = HashMap::new();
    for item in items {
        let claim = match versions.get(&item.clp.claim_id) {
            Some(v) => Some(v.claim_id.clone()),
            None => item
                .clp
                .payer_claim_number
                .as_deref()
                .and_then(|n| {
                    summaries
                        .values()
                        .find(|s| s.payer_claim_number.as_deref() == Some(n))
                })
                .map(|s| s.id.clone()),
        };
        if let Some(summary) = claim.and_then(|c| summaries.get(&c)) {
            *encounters.entry(summary.encounter_id.clone()).or_default() += 1;
        }
    }
    Ok(Found {
        versions,
        summaries,
        encounters,
    })
}

/// The CLP matched, when it is the common case up to what needs the ledger: matched by a CLM01 the
/// file names once, its encounter touched by no other CLP of the group, not a reversal, postable from
/// its status and carrying its charge.
fn common_case(item: &Item, found: &Found, repeated: &HashSet<&str>) -> Option<Matched> {
    let clp = item.clp;
    if repeated.contains(clp.claim_id.as_str()) || clp.is_reversal() {
        return None;
    }
    let version = found.versions.get(&clp.claim_id)?;
    let summary = found.summaries.get(&version.claim_id)?;
    if found.encounters.get(&summary.encounter_id) != Some(&1)
        || !charges::carries_charge(&version.snapshot)
        || apply::not_postable(clp, version.snapshot.subscriber.responsibility).is_some()
        || !matches!(summary.status, Status::Sent | Status::Accepted)
    {
        return None;
    }
    Some(Matched {
        claim_id: version.claim_id.clone(),
        version: version.summary.version,
        by: "clm01",
        patient_id: summary.patient_id.clone(),
        encounter_id: summary.encounter_id.clone(),
        status: summary.status,
        snapshot: version.snapshot.clone(),
    })
}

/// Sorts the group's CLPs (in file order) into those posted set-wise, with what each will write, and
/// those posted one by one. Reads only: without a file (a dry run) the set is what would be posted.
pub fn plan<'f>(
    conn: &mut DbConnection,
    actor: &AuditActor,
    codes: &Snapshot,
    file_id: Option<&RemittanceId>,
    items: &[Item<'f>],
    repeated: &HashSet<&str>,
) -> AppResult<Plan<'f>> {
    let found = find(conn, items)?;
    let mut candidates: Vec<(Item<'f>, Matched)> = Vec::new();
    let mut one_by_one = Vec::new();
    for item in items {
        match common_case(item, &found, repeated) {
            Some(matched) => candidates.push((*item, matched)),
            None => one_by_one.push(*item),
        }
    }
    let ids: Vec<ClaimId> = candidates.iter().map(|(_, m)| m.claim_id.clone()).collect();
    let charged = ledger::claims_charged(conn, &ids)?;
    let balances = ledger::claim_balances(conn, &ids)?;
    let patients: Vec<_> = candidates
        .iter()
        .map(|(_, m)| m.patient_id.clone())
        .collect();
    let secondaries = policies::store::active_for_patients(conn, &patients, Priority::Secondary)?;
    let mut set = Vec::with_capacity(candidates.len());
    for (item, matched) in candidates {
        let Some(before) = balances
            .get(&matched.claim_id)
            .filter(|_| charged.contains(&matched.claim_id))
        else {
            one_by_one.push(item);
            continue;
        };
        let ctx = Context {
            actor,
            codes,
            file_id: file_id.map(RemittanceId::as_str),
            payment_date: item.date,
            dry_run: file_id.is_none(),
        };
        let adjudication = adjudicate(&ctx, item.clp, true, before.insurance);
        let dos = matched.snapshot.claim.date_of_service;
        let bills_secondary = !item.clp.is_denied()
            && adjudication.pr_total > Decimal::ZERO
            && secondaries.iter().any(|p| {
                p.patient_id == matched.patient_id && secondary::covers_as_secondary(p, dos)
            });
        let moves = [
            (matched.status, Status::Accepted),
            (Status::Accepted, adjudication.to),
        ];
        let allowed = moves
            .iter()
            .filter(|(from, to)| from != to)
            .all(|(from, to)| lifecycle::via(*from, *to).is_some_and(|via| via != Via::Correction));
        if bills_secondary || !allowed {
            one_by_one.push(item);
            continue;
        }
        let claim = ClaimRef {
            claim_id: matched.claim_id.clone(),
            patient_id: matched.patient_id.clone(),
        };
        let mut entries = adjudication.payer_entries(&ctx, &claim)?;
        entries.extend(adjudication.patient_entries(&ctx, &claim)?);
        let status_reasons = (adjudication.to == Status::Denied)
            .then(|| serde_json::to_string(&apply::denial_reasons(&ctx, item.clp)))
            .transpose()
            .map_err(|e| AppError::internal(format!("denial reasons: {e}")))?;
        let to = adjudication.to;
        let current_version = found
            .summaries
            .get(&matched.claim_id)
            .map_or(matched.version, |s| s.current_version);
        let lines = match_lines(item.index, item.clp, &matched.snapshot);
        let mut posted = posted_claim(item.index, item.clp, &matched, &lines, adjudication, false);
        let after = before.after(&matched.claim_id, &entries);
        (posted.insurance_balance, posted.patient_balance) = (after.insurance, after.patient);
        set.push(Planned {
            item,
            matched,
            current_version,
            to,
            entries,
            posted,
            misses: lines.misses,
            status_reasons,
        });
    }
    one_by_one.sort_by_key(|item| item.index);
    Ok(Plan { set, one_by_one })
}

/// Posts the planned CLPs and marks them done, in the caller's transaction: an error means nothing of
/// the group may stay (the caller rolls back and posts them one by one).
pub fn write(
    conn: &mut DbConnection,
    actor: &AuditActor,
    file_id: &RemittanceId,
    set: &[Planned],
) -> AppResult<Vec<(i32, Step)>> {
    // Marks first: another import of the file that marked one of these already fails the group early.
    let details: Vec<String> = set
        .iter()
        .map(|p| format!("{} -> {}", p.posted.status_before, p.posted.status_after))
        .collect();
    let marks: Vec<ClaimMark> = set
        .iter()
        .zip(&details)
        .map(|(p, detail)| ClaimMark {
            file_id,
            clp_index: p.item.index,
            clp01: &p.item.clp.claim_id,
            claim: Some((&p.matched.claim_id, p.matched.version, p.matched.by)),
            result: "posted",
            detail,
        })
        .collect();
    store::mark_claims(conn, &marks)?;
    move_claims(conn, actor, set)?;
    let entries: Vec<ValidEntry> = set.iter().flat_map(|p| p.entries.iter().cloned()).collect();
    let mut ids = ledger::post_all(conn, actor, &entries)?.into_iter();
    let misses: Vec<&Unmatched> = set.iter().flat_map(|p| &p.misses).collect();
    store::queue_many(conn, file_id, &misses)?;
    Ok(set
        .iter()
        .map(|p| {
            let mut posted = p.posted.clone();
            posted.entries = ids
                .by_ref()
                .take(p.entries.len())
                .map(|id| id.to_string())
                .collect();
            (
                p.item.index,
                Step::Posted(Box::new(posted), p.misses.clone()),
            )
        })
        .collect())
}

impl Planned<'_> {
    /// What posting it would come to (a dry run's answer): no entry ids.
    pub fn would_post(&self) -> (i32, Step) {
        let step = Step::Posted(Box::new(self.posted.clone()), self.misses.clone());
        (self.item.index, step)
    }
}

/// The claims' rows, events and audit of their moves: a sent claim is accepted first (the payer
/// adjudicated it, whatever acknowledgement we missed), as `workflow::move_status` would record it.
fn move_claims(conn: &mut DbConnection, actor: &AuditActor, set: &[Planned]) -> AppResult<()> {
    let rows: Vec<claims_store::Adjudicated> = set
        .iter()
        .map(|p| claims_store::Adjudicated {
            id: &p.matched.claim_id,
            from: p.matched.status,
            to: p.to,
            payer_claim_number: p
                .item
                .clp
                .payer_claim_number
                .as_deref()
                .filter(|n| !n.is_empty()),
            status_reasons: p.status_reasons.clone(),
        })
        .collect();
    if claims_store::adjudicate_all(conn, &rows)? != rows.len() {
        return Err(AppError::conflict(
            "concurrent_update",
            "a claim of the group changed meanwhile",
        ));
    }
    let details: Vec<String> = set.iter().map(|p| move_detail(p.item.clp)).collect();
    let mut moves: Vec<(ClaimId, NewEvent)> = Vec::with_capacity(set.len() * 2);
    let mut audits = Vec::with_capacity(set.len() * 2);
    let steps: Vec<Vec<(Status, Status)>> = set.iter().map(steps).collect();
    for ((p, detail), steps) in set.iter().zip(&details).zip(&steps) {
        for (from, to) in steps {
            let detail = if *to == Status::Accepted {
                SENT_TO_ACCEPTED
            } else {
                detail.as_str()
            };
            moves.push((
                p.matched.claim_id.clone(),
                NewEvent {
                    kind: "status",
                    from: Some(*from),
                    to: Some(*to),
                    version: p.current_version,
                    detail: Some(detail),
                },
            ));
            audits.push(
                Audit::new("status", workflow::RESOURCE, &p.matched.claim_id)
                    .patient(&p.matched.patient_id)
                    .detail(format!("{} -> {}", from.as_str(), to.as_str())),
            );
        }
    }
    events::record_each(conn, actor, &moves)?;
    Ok(audit::record_many(conn, actor, audits)?)
}

/// The claim's moves, in order: sent → accepted when it was sent, then accepted → adjudicated.
fn steps(p: &Planned) -> Vec<(Status, Status)> {
    let mut steps = Vec::with_capacity(2);
    if p.matched.status == Status::Sent {
        steps.push((Status::Sent, Status::Accepted));
    }
    steps.push((Status::Accepted, p.to));
    steps
}
