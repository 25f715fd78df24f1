//! One CLP: match it to our claim and version, then (unless a dry run) post it in the caller's
//! transaction, which is the claim's own.
//!
//! Choices, so the next engineer knows what to keep or change:
//! - Matching: CLP01 = one of our CLM01s (`claim_versions.clm01`) names claim and version; else CLP07 =
//!   `claims.payer_claim_number` (one claim only) names the claim at its current version, reported as
//!   `matched_by: payer_claim_number`. Lines match by REF*6R against the version's snapshot line ids;
//!   an SVC without REF*6R falls back to procedure code + service date + charge (reported apart, as
//!   `lines_matched_by_code_date_charge`); lines that match nothing are reported (and queued) but the
//!   claim still posts from its CLP amounts.
//! - Posted: CLP02 1 and 19 (processed as primary), 4 (denied) and 22 (a reversal, see `reversal`).
//!   Not yet: secondary/tertiary (2, 3, 20, 21), a negative amount outside a reversal; they go to the
//!   work queue.
//! - A claim posts only from `sent` or `accepted`; a `sent` claim is first moved to `accepted` (the
//!   payer adjudicated it, so it was accepted, whatever acknowledgement we missed). Any other status
//!   (already paid, denied, rejected...) queues the CLP: a payer re-adjudicating a claim sends a
//!   reversal first, which makes the claim accepted again.
//! - Claims post their charge when built (`claims::charges`); a claim built before that has none, and
//!   its version's charge is posted first, in the same transaction, dated the claim's date of service.
//! - Entries, dated BPR16: insurance payment (CLP04), one contractual adjustment (CO, claim and line
//!   CAS), one other adjustment (OA, PI and any other group), one transfer to the patient per PR reason
//!   (memo names deductible / coinsurance / copay).
//! - A denial (CLP02 = 4) posts no payment nor adjustment: the insurance receivable stays open for an
//!   appeal, a correction or a write-off by a biller; the claim goes to `denied` with the CARC and RARC
//!   codes and descriptions as `status_reasons`.
//! - Status after: `paid` when nothing is left for the payer (insurance balance zero), else
//!   `partially_paid`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::json;

use super::model::{AdjustmentAmount, PostedClaim, Unmatched};
use super::reversal;
use super::secondary;
use super::store;
use crate::audit::AuditActor;
use crate::claims::Status;
use crate::claims::charges;
use crate::claims::snapshot::{ClaimSnapshot, Responsibility};
use crate::claims::{store as claims_store, workflow};
use crate::coding::codesets::{Snapshot, System};
use crate::db::DbConnection;
use crate::db::ids::{ClaimId, EncounterId, PatientId};
use crate::error::{AppError, AppResult};
use crate::ledger::standard::{self, ClaimRef, Payer};
use crate::ledger::{self, EntryFilter, EntryKind, ValidEntry};
use crate::remittance::ClaimPayment;

/// What the posting of one CLP needs besides the CLP.
pub struct Context<'a> {
    pub actor: &'a AuditActor,
    pub codes: &'a Snapshot,
    /// The remittance file's id (none on a dry run).
    pub file_id: Option<&'a str>,
    /// BPR16: the date entries are posted on.
    pub payment_date: NaiveDate,
    pub dry_run: bool,
}

/// What one CLP came to.
pub enum Step {
    Posted(Box<PostedClaim>, Vec<Unmatched>),
    Unmatched(Vec<Unmatched>),
}

pub(super) struct Matched {
    pub(super) claim_id: ClaimId,
    pub(super) version: i32,
    pub(super) by: &'static str,
    pub(super) patient_id: PatientId,
    pub(super) encounter_id: EncounterId,
    pub(super) status: Status,
    pub(super) snapshot: ClaimSnapshot,
}

pub(super) fn unmatched(index: i32, clp: &ClaimPayment, reason: impl Into<String>) -> Step {
    Step::Unmatched(vec![Unmatched {
        clp_index: index,
        clp01: clp.claim_id.clone(),
        line_id: None,
        reason: reason.into(),
    }])
}

/// Matches the CLP and posts it (or says what would be posted).
pub fn post_claim(
    conn: &mut DbConnection,
    ctx: &Context,
    index: i32,
    clp: &ClaimPayment,
) -> AppResult<Step> {
    let Some(matched) = find_claim(conn, clp)? else {
        let mut reason = format!("CLP01 {} is none of our claim ids", clp.claim_id);
        if let Some(number) = &clp.payer_claim_number {
            reason.push_str(&format!(" and CLP07 {number} names no single claim"));
        }
        return Ok(unmatched(index, clp, reason));
    };
    if clp.is_reversal() {
        return reversal::post(conn, ctx, index, clp, &matched);
    }
    if let Some(reason) = not_postable(clp, matched.snapshot.subscriber.responsibility) {
        return Ok(unmatched(index, clp, reason));
    }
    if !matches!(matched.status, Status::Sent | Status::Accepted) {
        let reason = format!(
            "claim {} is {}; a remittance posts to a sent or accepted claim (re-adjudications are not posted yet)",
            clp.claim_id,
            matched.status.as_str()
        );
        return Ok(unmatched(index, clp, reason));
    }
    let lines = match_lines(index, clp, &matched.snapshot);
    let posted = post_matched(conn, ctx, index, clp, &matched, &lines)?;
    Ok(Step::Posted(Box::new(posted), lines.misses))
}

fn find_claim(conn: &mut DbConnection, clp: &ClaimPayment) -> AppResult<Option<Matched>> {
    let mut found = store::version_by_clm01(conn, &clp.claim_id)?.map(|(id, v)| (id, v, "clm01"));
    if found.is_none()
        && let Some(number) = clp.payer_claim_number.as_deref().filter(|n| !n.is_empty())
    {
        found = store::claim_by_payer_number(conn, number)?
            .map(|(id, v)| (id, v, "payer_claim_number"));
    }
    let Some((claim_id, version, by)) = found else {
        return Ok(None);
    };
    let summary =
        claims_store::find_summary(conn, &claim_id)?.ok_or(AppError::NotFound("claim"))?;
    let stored = claims_store::find_version(conn, &claim_id, version)?
        .ok_or(AppError::NotFound("claim version"))?;
    Ok(Some(Matched {
        claim_id,
        version,
        by,
        patient_id: summary.patient_id,
        encounter_id: summary.encounter_id,
        status: summary.status,
        snapshot: stored.snapshot,
    }))
}

/// Why this CLP is not posted by this first slice, if it is not.
pub(super) fn not_postable(clp: &ClaimPayment, billed_to: Responsibility) -> Option<String> {
    let expected: &[&str] = match billed_to {
        Responsibility::Primary => &["1", "19", "4"],
        Responsibility::Secondary => &["2", "20", "4"],
        Responsibility::Tertiary => &["3", "21", "4"],
    };
    if !expected.contains(&clp.status.as_str()) {
        return Some(format!(
            "CLP02 = {} but the claim was billed to the {} payer",
            clp.status,
            match billed_to {
                Responsibility::Primary => "primary",
                Responsibility::Secondary => "secondary",
                Responsibility::Tertiary => "tertiary",
            }
        ));
    }
    let negative = clp.paid < Decimal::ZERO
        || all_adjustments(clp).any(|(_, _, amount)| amount < Decimal::ZERO);
    negative.then(|| "negative amounts (corrections) are not posted yet".into())
}

pub(super) fn all_adjustments(clp: &ClaimPayment) -> impl Iterator<Item = (&str, &str, Decimal)> {
    clp.adjustments
        .iter()
        .chain(clp.lines.iter().flat_map(|line| &line.adjustments))
        .map(|a| (a.group.as_str(), a.reason.as_str(), a.amount))
}

/// How the 835's service lines matched the version billed.
pub(super) struct LineMatches {
    /// Our line ids matched by REF*6R.
    pub by_line_id: Vec<String>,
    /// Our line ids matched, for an SVC without REF*6R, by procedure code, service date and charge (a
    /// fallback: the first line of ours not yet matched that agrees on all three).
    pub by_code_date_charge: Vec<String>,
    /// Lines that matched nothing, with why.
    pub misses: Vec<Unmatched>,
}

pub(super) fn match_lines(index: i32, clp: &ClaimPayment, snapshot: &ClaimSnapshot) -> LineMatches {
    let mut found = LineMatches {
        by_line_id: Vec::new(),
        by_code_date_charge: Vec::new(),
        misses: Vec::new(),
    };
    let ours = &snapshot.claim.lines;
    for (n, line) in clp.lines.iter().enumerate() {
        let miss = |reason: String| Unmatched {
            clp_index: index,
            clp01: clp.claim_id.clone(),
            line_id: line.line_id().map(str::to_owned),
            reason,
        };
        if let Some(id) = line.line_id() {
            // Payers may upper-case REF*6R (our line ids are lower-case UUIDs): compare without case.
            match ours.iter().find(|l| l.line_id.eq_ignore_ascii_case(id)) {
                Some(l) => found.by_line_id.push(l.line_id.clone()),
                None => found.misses.push(miss(format!(
                    "REF*6R {id} is not a line of the claim version billed"
                ))),
            }
            continue;
        }
        let date = line
            .service_date()
            .unwrap_or(snapshot.claim.date_of_service);
        let taken = |id: &str| {
            found
                .by_line_id
                .iter()
                .chain(&found.by_code_date_charge)
                .any(|t| t == id)
        };
        let fallback = ours.iter().find(|l| {
            l.code == line.procedure.code
                && l.date_of_service == date
                && l.charge == line.charge
                && !taken(&l.line_id)
        });
        match fallback {
            Some(l) => found.by_code_date_charge.push(l.line_id.clone()),
            None => found.misses.push(miss(format!(
                "service line {} has no REF*6R and no line of the claim has its code, date and charge",
                n + 1
            ))),
        }
    }
    found
}

/// Sums by (group, reason), in code order.
pub(super) fn by_reason(clp: &ClaimPayment, ctx: &Context) -> Vec<AdjustmentAmount> {
    let mut sums: BTreeMap<(String, String), Decimal> = BTreeMap::new();
    for (group, reason, amount) in all_adjustments(clp) {
        *sums.entry((group.into(), reason.into())).or_default() += amount;
    }
    sums.into_iter()
        .map(|((group, reason), amount)| AdjustmentAmount {
            description: ctx.codes.describe(System::Carc, &reason, ctx.payment_date),
            group,
            reason,
            amount,
        })
        .collect()
}

/// The CLP's adjustments by group: the contractual (CO) total, the other groups' (OA, PI…) and the
/// patient's (PR) by reason.
pub(super) fn by_group(
    clp: &ClaimPayment,
    ctx: &Context,
) -> (Decimal, Vec<AdjustmentAmount>, Vec<AdjustmentAmount>) {
    let adjustments = by_reason(clp, ctx);
    let contractual = adjustments
        .iter()
        .filter(|a| a.group == "CO")
        .map(|a| a.amount)
        .sum();
    let (pr, other) = adjustments
        .into_iter()
        .filter(|a| a.group != "CO")
        .partition(|a| a.group == "PR");
    (contractual, other, pr)
}

pub(super) fn pr_kind(reason: &str) -> String {
    match reason {
        "1" => "PR1 deductible".into(),
        "2" => "PR2 coinsurance".into(),
        "3" => "PR3 copay".into(),
        other => format!("PR{other}"),
    }
}

/// The amounts one CLP adjudicates, as posted.
pub(super) struct Adjudication {
    pub paid: Decimal,
    pub contractual: Decimal,
    pub other: Vec<AdjustmentAmount>,
    /// Patient responsibility by reason (deductible, coinsurance, copay…).
    pub pr: Vec<AdjustmentAmount>,
    pub pr_total: Decimal,
    /// What is left for the payer once it is posted.
    pub insurance_left: Decimal,
    pub to: Status,
}

/// What the CLP posts against a receivable holding `before` for insurance. `carries_charge`: the
/// claim carries the encounter's charge (else a later payer's CO/OA amounts are capped, see
/// `secondary::within_balance`).
pub(super) fn adjudicate(
    ctx: &Context,
    clp: &ClaimPayment,
    carries_charge: bool,
    before: Decimal,
) -> Adjudication {
    let denied = clp.is_denied();
    let paid = if denied { Decimal::ZERO } else { clp.paid };
    let (contractual, other, pr) = if denied {
        (Decimal::ZERO, Vec::new(), Vec::new())
    } else {
        by_group(clp, ctx)
    };
    let pr_total: Decimal = pr.iter().map(|a| a.amount).sum();
    // A later payer's CO/OA amounts are counted against the whole charge (the primary's payment among
    // them, as OA-23): only what is left after its payment and patient share is adjusted off.
    let (contractual, other) = if carries_charge {
        (contractual, other)
    } else {
        secondary::within_balance(before - paid - pr_total, contractual, other)
    };
    let taken: Decimal =
        paid + contractual + other.iter().map(|a| a.amount).sum::<Decimal>() + pr_total;
    let insurance_left = before - taken;
    let to = if denied {
        Status::Denied
    } else if insurance_left <= Decimal::ZERO {
        Status::Paid
    } else {
        Status::PartiallyPaid
    };
    Adjudication {
        paid,
        contractual,
        other,
        pr,
        pr_total,
        insurance_left,
        to,
    }
}

impl Adjudication {
    /// The payer's entries: payment, contractual and other adjustments.
    pub(super) fn payer_entries(
        &self,
        ctx: &Context,
        claim: &ClaimRef,
    ) -> AppResult<Vec<ValidEntry>> {
        adjudication_entries(ctx, claim, self.paid, self.contractual, &self.other, &[])
    }

    /// The transfers of the patient's share, one per reason.
    pub(super) fn patient_entries(
        &self,
        ctx: &Context,
        claim: &ClaimRef,
    ) -> AppResult<Vec<ValidEntry>> {
        adjudication_entries(ctx, claim, Decimal::ZERO, Decimal::ZERO, &[], &self.pr)
    }
}

/// The CLP's report, before its entries, balances and secondary claim are known.
pub(super) fn posted_claim(
    index: i32,
    clp: &ClaimPayment,
    m: &Matched,
    lines: &LineMatches,
    adjudication: Adjudication,
    charge_posted: bool,
) -> PostedClaim {
    PostedClaim {
        clp_index: index,
        clp01: clp.claim_id.clone(),
        claim_id: m.claim_id.to_string(),
        claim_version: m.version,
        matched_by: m.by.into(),
        clp_status: clp.status.clone(),
        status_before: m.status.as_str().into(),
        status_after: adjudication.to.as_str().into(),
        charge_posted,
        paid: adjudication.paid,
        contractual: adjudication.contractual,
        other_adjustments: adjudication.other,
        patient_responsibility: adjudication.pr,
        lines_matched: lines.by_line_id.clone(),
        lines_matched_by_code_date_charge: lines.by_code_date_charge.clone(),
        insurance_balance: Decimal::ZERO,
        patient_balance: Decimal::ZERO,
        entries: Vec::new(),
        secondary_claim_id: None,
        secondary_note: None,
    }
}

fn post_matched(
    conn: &mut DbConnection,
    ctx: &Context,
    index: i32,
    clp: &ClaimPayment,
    m: &Matched,
    lines: &LineMatches,
) -> AppResult<PostedClaim> {
    // A secondary claim's postings go to the receivable of the claim carrying the encounter's charge.
    let claim = ClaimRef {
        claim_id: secondary::ledger_claim(conn, m)?,
        patient_id: m.patient_id.clone(),
    };
    let charge = charge_entry(conn, &claim, &m.snapshot)?;
    let before = match &charge {
        Some(_) => m.snapshot.claim.total_charge,
        None => ledger::claim_balance(conn, &claim.claim_id, None)?.insurance,
    };
    let adjudication = adjudicate(ctx, clp, charges::carries_charge(&m.snapshot), before);
    let secondary_policy = if clp.is_denied() || adjudication.pr_total <= Decimal::ZERO {
        None
    } else {
        secondary::policy_for(conn, m)?
    };
    let mut entries: Vec<ValidEntry> = charge.iter().cloned().collect();
    entries.extend(adjudication.payer_entries(ctx, &claim)?);
    let (to, pr_total, insurance_left) = (
        adjudication.to,
        adjudication.pr_total,
        adjudication.insurance_left,
    );
    let transfers = adjudication.patient_entries(ctx, &claim)?;
    let mut posted = posted_claim(index, clp, m, lines, adjudication, charge.is_some());
    posted.secondary_note = secondary_policy
        .as_ref()
        .map(|p| format!("the balance left goes to the secondary policy {}", p.id));
    if ctx.dry_run {
        let patient = ledger::claim_balance(conn, &claim.claim_id, None)?.patient;
        (posted.insurance_balance, posted.patient_balance) = match secondary_policy {
            Some(_) => (insurance_left + pr_total, patient),
            None => (insurance_left, patient + pr_total),
        };
        return Ok(posted);
    }
    let mut ids: Vec<String> = ledger::post_all(conn, ctx.actor, &entries)?
        .iter()
        .map(ToString::to_string)
        .collect();
    move_claim(conn, ctx, clp, m, to)?;
    if let Some(policy) = &secondary_policy {
        let primary = secondary::primary_adjudication(&m.snapshot, clp, ctx.payment_date, pr_total);
        match secondary::bill(conn, ctx.actor, m, policy, primary)? {
            Ok(id) => posted.secondary_claim_id = Some(id.to_string()),
            Err(reason) => {
                posted.secondary_note = Some(format!(
                    "no secondary claim ({reason}); the balance went to the patient"
                ))
            }
        }
    }
    if posted.secondary_claim_id.is_none() {
        ids.extend(
            ledger::post_all(conn, ctx.actor, &transfers)?
                .iter()
                .map(ToString::to_string),
        );
    }
    let balance = ledger::claim_balance(conn, &claim.claim_id, None)?;
    (posted.insurance_balance, posted.patient_balance) = (balance.insurance, balance.patient);
    posted.entries = ids;
    Ok(posted)
}

/// The charge entry of the version, when the claim has none yet (built before charges were posted at
/// build). A secondary claim carries no charge of its own.
fn charge_entry(
    conn: &mut DbConnection,
    claim: &ClaimRef,
    snapshot: &ClaimSnapshot,
) -> AppResult<Option<ValidEntry>> {
    if !charges::carries_charge(snapshot) {
        return Ok(None);
    }
    let filter = EntryFilter {
        kind: Some(EntryKind::Charge),
        claim_id: Some(claim.claim_id.clone()),
        ..EntryFilter::default()
    };
    if !ledger::list(conn, &filter)?.is_empty() {
        return Ok(None);
    }
    let date = snapshot.claim.date_of_service;
    Ok(Some(charges::charge_entry(snapshot, claim, None, date)?))
}

fn adjudication_entries(
    ctx: &Context,
    claim: &ClaimRef,
    paid: Decimal,
    contractual: Decimal,
    other: &[AdjustmentAmount],
    pr: &[AdjustmentAmount],
) -> AppResult<Vec<ValidEntry>> {
    let date = ctx.payment_date;
    let source = ctx.file_id;
    let mut entries = Vec::new();
    if paid > Decimal::ZERO {
        entries.push(standard::insurance_payment(date, claim, source, paid)?);
    }
    if contractual > Decimal::ZERO {
        entries.push(standard::contractual_adjustment(
            date,
            claim,
            source,
            contractual,
        )?);
    }
    let other_total: Decimal = other.iter().map(|a| a.amount).sum();
    if other_total > Decimal::ZERO {
        entries.push(standard::other_adjustment(
            date,
            claim,
            Payer::Insurance,
            source,
            other_total,
        )?);
    }
    for item in pr.iter().filter(|a| a.amount > Decimal::ZERO) {
        entries.push(standard::transfer_to_patient_for(
            date,
            claim,
            source,
            item.amount,
            &pr_kind(&item.reason),
        )?);
    }
    Ok(entries)
}

/// Why a sent claim is accepted on the way to its adjudicated status.
pub(super) const SENT_TO_ACCEPTED: &str = "the payer adjudicated it (835)";

/// The claim event's detail for the move to the adjudicated status.
pub(super) fn move_detail(clp: &ClaimPayment) -> String {
    format!("835 CLP {} (CLP02 = {})", clp.claim_id, clp.status)
}

fn move_claim(
    conn: &mut DbConnection,
    ctx: &Context,
    clp: &ClaimPayment,
    m: &Matched,
    to: Status,
) -> AppResult<()> {
    let detail = move_detail(clp);
    if m.status == Status::Sent {
        workflow::move_status(
            conn,
            ctx.actor,
            &m.claim_id,
            Status::Accepted,
            Some(SENT_TO_ACCEPTED),
        )?;
    }
    workflow::move_status(conn, ctx.actor, &m.claim_id, to, Some(&detail))?;
    // CLP07: the payer's number for the claim, which a replacement or void must name (REF*F8).
    if let Some(number) = clp.payer_claim_number.as_deref().filter(|n| !n.is_empty()) {
        claims_store::set_payer_claim_number(conn, &m.claim_id, number)?;
    }
    if to == Status::Denied {
        claims_store::set_status_reasons(conn, &m.claim_id, &denial_reasons(ctx, clp))?;
    }
    Ok(())
}

/// The CARC (claim and line CAS) and RARC (MOA/MIA, line LQ) codes of a denial, with descriptions.
pub(super) fn denial_reasons(ctx: &Context, clp: &ClaimPayment) -> Vec<serde_json::Value> {
    let mut reasons: Vec<serde_json::Value> = all_adjustments(clp)
        .map(|(group, reason, amount)| {
            json!({"source": "835", "kind": "carc", "group": group, "code": reason,
                   "description": ctx.codes.describe(System::Carc, reason, ctx.payment_date),
                   "amount": amount.to_string(), "remittance_id": ctx.file_id})
        })
        .collect();
    let remarks = clp
        .adjudication
        .iter()
        .flat_map(|a| a.remark_codes.iter().map(String::as_str))
        .chain(clp.lines.iter().flat_map(|l| l.remark_codes()));
    for code in remarks {
        reasons.push(json!({"source": "835", "kind": "rarc", "code": code,
            "description": ctx.codes.describe(System::Rarc, code, ctx.payment_date),
            "remittance_id": ctx.file_id}));
    }
    reasons
}
