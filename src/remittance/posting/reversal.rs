//! A reversal (CLP02 = 22): the payer takes back its adjudication of a claim, usually followed in the same
//! file by a new one (re-adjudication). The claim's standing remittance postings (payment, adjustments,
//! transfers to the patient) are reversed, dated the payment date, and the claim is accepted again, so
//! the CLP that follows posts as a first adjudication would.
//!
//! The reversal must undo what was posted: its CLP04 must be minus the payment posted. When it is not
//! (the earlier remittance was never posted here, or the amounts differ), nothing is guessed: the CLP
//! goes to the work queue with both figures.

use super::apply::{
    Adjudication, Context, Matched, Step, by_group, match_lines, posted_claim, unmatched,
};
use crate::claims::{Status, charges, store as claims_store, workflow};
use crate::db::DbConnection;
use crate::error::AppResult;
use crate::ledger::{self, EntryKind};
use crate::money::from_cents;
use crate::remittance::ClaimPayment;

/// The kinds a remittance posts for a claim's adjudication (its charge stays).
const ADJUDICATION: [EntryKind; 4] = [
    EntryKind::InsurancePayment,
    EntryKind::ContractualAdjustment,
    EntryKind::OtherAdjustment,
    EntryKind::TransferToPatient,
];

pub fn post(
    conn: &mut DbConnection,
    ctx: &Context,
    index: i32,
    clp: &ClaimPayment,
    m: &Matched,
) -> AppResult<Step> {
    if !matches!(
        m.status,
        Status::Paid | Status::PartiallyPaid | Status::Denied
    ) {
        let reason = format!(
            "claim {} is {}; a reversal (CLP02 = 22) undoes an adjudication posted here (paid, partially paid or denied)",
            clp.claim_id,
            m.status.as_str()
        );
        return Ok(unmatched(index, clp, reason));
    }
    if !charges::carries_charge(&m.snapshot) {
        let reason = format!(
            "claim {} bills a secondary payer; reversing its adjudication is not posted automatically (its postings share the primary claim's receivable): work it by hand",
            clp.claim_id
        );
        return Ok(unmatched(index, clp, reason));
    }
    let standing: Vec<ledger::Entry> = ledger::standing_for_claim(conn, &m.claim_id)?
        .into_iter()
        .filter(|e| {
            e.body.source().remittance_id.is_some() && ADJUDICATION.contains(&e.body.kind())
        })
        .collect();
    let cents_of = |kind: EntryKind| -> i64 {
        standing
            .iter()
            .filter(|e| e.body.kind() == kind)
            .map(|e| e.body.total_cents())
            .sum()
    };
    let paid_posted = from_cents(cents_of(EntryKind::InsurancePayment));
    if -clp.paid != paid_posted {
        let reason = format!(
            "reversal CLP04 {} does not undo the payment posted for claim {} ({paid_posted}); nothing reversed",
            clp.paid, clp.claim_id
        );
        return Ok(unmatched(index, clp, reason));
    }
    let lines = match_lines(index, clp, &m.snapshot);
    let before = ledger::claim_balance(conn, &m.claim_id, None)?;
    // What the reversal gives back to each receivable: everything taken from insurance returns to it;
    // the transfers to the patient leave the patient's receivable.
    let taken_from_insurance: i64 = standing.iter().map(|e| e.body.total_cents()).sum();
    let to_patient = cents_of(EntryKind::TransferToPatient);
    let mut ids = Vec::new();
    let (insurance_balance, patient_balance) = if ctx.dry_run {
        (
            before.insurance + from_cents(taken_from_insurance),
            before.patient - from_cents(to_patient),
        )
    } else {
        let memo = format!("835 reversal of claim {} (CLP02 = 22)", clp.claim_id);
        for entry in &standing {
            ids.push(
                ledger::reverse(conn, ctx.actor, &entry.id, ctx.payment_date, &memo)?.to_string(),
            );
        }
        let detail = format!(
            "835 CLP {} (CLP02 = 22): adjudication reversed",
            clp.claim_id
        );
        workflow::transition(
            conn,
            ctx.actor,
            &m.claim_id,
            Status::Accepted,
            Some(&detail),
        )?;
        if m.status == Status::Denied {
            claims_store::set_status_reasons(conn, &m.claim_id, &[])?;
        }
        let after = ledger::claim_balance(conn, &m.claim_id, None)?;
        (after.insurance, after.patient)
    };
    let (contractual, other, pr) = by_group(clp, ctx);
    // As the payer sent it (negative amounts undoing the earlier adjudication).
    let reversed = Adjudication {
        paid: clp.paid,
        contractual,
        pr_total: pr.iter().map(|a| a.amount).sum(),
        other,
        pr,
        insurance_left: insurance_balance,
        to: Status::Accepted,
    };
    let mut posted = posted_claim(index, clp, m, &lines, reversed, false);
    (posted.insurance_balance, posted.patient_balance) = (insurance_balance, patient_balance);
    posted.entries = ids;
    Ok(Step::Posted(Box::new(posted), lines.misses))
}
