//! Coordination of benefits: when a primary payer leaves the patient something to pay and the patient
//! has a secondary policy active on the date of service, that balance is billed to the secondary
//! payer first. In the primary's posting transaction:
//! - a secondary claim for the encounter is built (or the one a biller built and not yet batched is
//!   used), ready to batch, carrying the primary's adjudication (2320/2330A/2330B/2430: what it paid,
//!   its claim and line CAS, the patient's remaining liability);
//! - the primary's patient-responsibility amounts stay with insurance instead of moving to the patient
//!   (the claim's insurance balance is what the secondary is billed).
//!
//! A secondary claim carries no charge of its own (`claims::charges`): its payments and adjustments
//! post to the receivable of the claim that carries the encounter's charge (`ledger_claim`), so the
//! encounter's balance is one subledger.

use chrono::NaiveDate;
use diesel::Connection;
use rust_decimal::Decimal;

use super::apply::Matched;
use super::model::AdjustmentAmount;
use crate::audit::AuditActor;
use crate::claims::build::Options;
use crate::claims::model::ValidBuild;
use crate::claims::snapshot::{
    Adjustment, ClaimSnapshot, LineAdjudication, OtherPayer, Responsibility,
};
use crate::claims::{charges, store as claims_store, workflow};
use crate::db::DbConnection;
use crate::db::ids::ClaimId;
use crate::directory::policies::{self, Policy, Priority};
use crate::error::{AppError, AppResult};
use crate::remittance::{ClaimPayment, ServiceLine as PaidLine};

/// The patient's secondary policy active on the date of service, when this claim is the primary's.
pub fn policy_for(conn: &mut DbConnection, m: &Matched) -> AppResult<Option<Policy>> {
    if m.snapshot.subscriber.responsibility != Responsibility::Primary {
        return Ok(None);
    }
    let dos = m.snapshot.claim.date_of_service;
    let filter = policies::store::PolicyFilter { active: Some(true) };
    let (found, _) = policies::store::list(conn, &m.patient_id, &filter, 20, 0)?;
    Ok(found.into_iter().find(|p| covers_as_secondary(p, dos)))
}

/// Whether the policy is a secondary one in force on the date of service.
pub fn covers_as_secondary(policy: &Policy, dos: NaiveDate) -> bool {
    policy.priority == Priority::Secondary
        && policy.effective_date <= dos
        && policy.end_date.is_none_or(|end| dos <= end)
}

/// The claim whose receivable a claim's postings go to: itself when it carries the encounter's charge,
/// else the encounter's claim that does (a secondary claim's primary).
pub fn ledger_claim(conn: &mut DbConnection, m: &Matched) -> AppResult<ClaimId> {
    if charges::carries_charge(&m.snapshot) {
        return Ok(m.claim_id.clone());
    }
    let Some(summary) = claims_store::find_summary(conn, &m.claim_id)? else {
        return Ok(m.claim_id.clone());
    };
    let filter = claims_store::ClaimFilter {
        encounter_id: Some(summary.encounter_id),
        ..Default::default()
    };
    let (claims, _) = claims_store::list(conn, &filter, 50, 0)?;
    for claim in claims {
        let Some(stored) = claims_store::find_version(conn, &claim.id, claim.current_version)?
        else {
            continue;
        };
        if charges::carries_charge(&stored.snapshot) {
            return Ok(claim.id);
        }
    }
    Ok(m.claim_id.clone())
}

/// A later payer's contractual and other adjustments, capped in that order at `room` (what is left
/// of the receivable after its payment and the patient's share): the rest of its CAS amounts covered
/// what an earlier payer settled.
pub fn within_balance(
    room: Decimal,
    contractual: Decimal,
    other: Vec<AdjustmentAmount>,
) -> (Decimal, Vec<AdjustmentAmount>) {
    let mut room = room.max(Decimal::ZERO);
    let contractual = contractual.min(room);
    room -= contractual;
    let other = other
        .into_iter()
        .filter_map(|mut a| {
            a.amount = a.amount.min(room);
            room -= a.amount;
            (a.amount > Decimal::ZERO).then_some(a)
        })
        .collect();
    (contractual, other)
}

fn adjustments<'a>(
    cas: impl Iterator<Item = &'a crate::remittance::Adjustment>,
) -> Vec<Adjustment> {
    cas.map(|a| Adjustment {
        group: a.group.clone(),
        reason: a.reason.clone(),
        amount: a.amount,
        quantity: a.quantity,
    })
    .collect()
}

/// 2320/2330/2430 from the primary's snapshot and its CLP: matched lines carry their SVC adjudication.
pub fn primary_adjudication(
    primary: &ClaimSnapshot,
    clp: &ClaimPayment,
    paid_date: NaiveDate,
    patient_liability: Decimal,
) -> OtherPayer {
    let line_of = |paid: &PaidLine| {
        let id = paid.line_id()?;
        primary
            .claim
            .lines
            .iter()
            .find(|l| l.line_id.eq_ignore_ascii_case(id))
    };
    let lines = clp
        .lines
        .iter()
        .filter_map(|paid| {
            let ours = line_of(paid)?;
            Some(LineAdjudication {
                line_id: ours.line_id.clone(),
                paid: paid.paid,
                code: ours.code.clone(),
                modifiers: ours.modifiers.clone(),
                units: ours.units,
                adjustments: adjustments(paid.adjustments.iter()),
                paid_date,
            })
        })
        .collect();
    OtherPayer {
        responsibility: Responsibility::Primary,
        relationship: primary
            .patient
            .as_ref()
            .map_or_else(|| "18".to_owned(), |p| p.relationship.clone()),
        group_number: primary.subscriber.group_number.clone(),
        claim_filing_indicator: primary.subscriber.claim_filing_indicator.clone(),
        subscriber_name: primary.subscriber.name.clone(),
        subscriber_member_id: primary.subscriber.member_id.clone(),
        payer_name: primary.payer.name.clone(),
        payer_id: primary.payer.payer_id.clone(),
        paid: clp.paid,
        claim_adjustments: adjustments(clp.adjustments.iter()),
        remaining_patient_liability: Some(patient_liability),
        paid_date,
        lines,
    }
}

/// Builds (or completes) the secondary claim; `Err` with the reason when it cannot be, in which case
/// nothing of it is left (a savepoint) and the caller moves the balance to the patient instead.
pub fn bill(
    conn: &mut DbConnection,
    actor: &AuditActor,
    m: &Matched,
    policy: &Policy,
    primary: OtherPayer,
) -> AppResult<Result<ClaimId, String>> {
    let attempt = conn.transaction::<_, AppError, _>(|conn| {
        let existing = claims_store::open_claim_for(conn, &m.encounter_id, &policy.payer_id)?;
        let (id, version) = match existing {
            Some((id, _)) => {
                let summary =
                    claims_store::find_summary(conn, &id)?.ok_or(AppError::NotFound("claim"))?;
                (id, summary.current_version)
            }
            None => {
                let build = ValidBuild {
                    encounter_id: m.encounter_id.clone(),
                    policy_id: Some(policy.id.clone()),
                    options: Options {
                        consents: m.snapshot.claim.consents.clone(),
                        prior_authorization: m.snapshot.claim.prior_authorization.clone(),
                    },
                };
                let claim = workflow::build_claim(conn, actor, &build)?;
                (claim.summary.id, claim.summary.current_version)
            }
        };
        let stored = claims_store::find_version(conn, &id, version)?
            .ok_or(AppError::NotFound("claim version"))?;
        let mut snapshot = stored.snapshot;
        snapshot.other_payers = vec![primary.clone()];
        if !claims_store::replace_unbatched_snapshot(conn, &id, version, &snapshot)? {
            return Err(AppError::conflict(
                "secondary_batched",
                "the secondary claim is already batched",
            ));
        }
        Ok(id)
    });
    match attempt {
        Ok(id) => Ok(Ok(id)),
        Err(
            e @ (AppError::Validation(_)
            | AppError::Conflict { .. }
            | AppError::ConflictWith { .. }
            | AppError::NotAllowedInState { .. }),
        ) => Ok(Err(e.to_string())),
        Err(e) => Err(e),
    }
}
