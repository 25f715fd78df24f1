//! A 277CA applied: each claim status finds the claim version we sent by its CLM01 (TRN02). Accepted
//! (A2, A5) accepts it; rejected (A3, A4, A6, A7, A8, E0, E3, E4) rejects it with every status (category,
//! status and entity codes described, free text, the payer's claim number). Received (A0, A1) and
//! anything a person must read are left as they are, with the statuses as the reason.

use super::apply::{Run, Verdict};
use super::reasons::{claim_reasons_277, describe_statuses};
use super::sent;
use crate::claims::acks::{ClaimAcknowledgement, ClaimOutcome};
use crate::claims::lifecycle::Status;
use crate::db::DbConnection;
use crate::error::AppResult;

pub fn apply(
    conn: &mut DbConnection,
    run: &mut Run,
    sets: &[ClaimAcknowledgement],
) -> AppResult<()> {
    for status in sets.iter().flat_map(|set| &set.claims) {
        let clm01 = status.claim_reference.as_str();
        let Some(claim) = sent::claim_by_clm01(conn, clm01)? else {
            run.unmatched(
                format!("CLM01 {clm01}"),
                "no claim of ours was sent with this claim number",
            );
            continue;
        };
        let payer = status.payer_claim_number.clone();
        let to = match status.outcome {
            ClaimOutcome::Accepted => Status::Accepted,
            ClaimOutcome::Rejected => Status::Rejected,
            ClaimOutcome::Received => {
                let reason = format!(
                    "received, not yet accepted or rejected ({}); a later acknowledgement decides",
                    describe_statuses(status)
                );
                run.unchanged(&claim, reason, payer.as_deref());
                continue;
            }
            ClaimOutcome::NeedsReview => {
                let reason = format!("statuses a person must read: {}", describe_statuses(status));
                run.unchanged(&claim, reason, payer.as_deref());
                continue;
            }
        };
        let verdict = Verdict {
            to,
            reasons: claim_reasons_277(run.file_id(), status),
            payer_claim_number: payer,
        };
        run.settle(conn, &claim, verdict)?;
    }
    Ok(())
}
