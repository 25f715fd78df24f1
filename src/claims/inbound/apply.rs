//! Settles claims as an acknowledgement says, inside the import's transaction, and writes down what
//! happened to each. One rule set for both kinds of acknowledgement:
//!
//! - the version acknowledged must still be the claim's current one, else the claim is *superseded*
//!   (a correction was made since) and nothing changes;
//! - a claim still `batched` proves its batch reached the clearinghouse: the batch is marked sent first
//!   (its claims batched → sent), then the claim moves on;
//! - a claim already in the status told is left as it is (a second file saying the same thing changes
//!   nothing); a claim the lifecycle cannot move that way (paid, closed, rejected then "accepted") is
//!   left as it is with the reason;
//! - a move is `workflow::transition` (event and patient-linked audit), then the claim's reasons.

use std::collections::HashSet;

use serde_json::Value;

use super::model::{ChangedClaim, MarkedSent, Outcome, UnchangedClaim, Unmatched};
use super::sent::{self, SentClaim};
use crate::audit::AuditActor;
use crate::claims::batches::mark_sent;
use crate::claims::lifecycle::{self, Status, Via};
use crate::claims::{store, workflow};
use crate::db::DbConnection;
use crate::db::ids::{ClaimBatchId, ClaimId, InboundFileId};
use crate::error::AppResult;

/// Where an acknowledgement sends one claim.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub to: Status,
    pub reasons: Vec<Value>,
    pub payer_claim_number: Option<String>,
}

/// One import in progress: who imports which file, and what has happened so far.
pub struct Run<'a> {
    actor: &'a AuditActor,
    /// The claim events' detail: which acknowledgement moved the claim.
    detail: String,
    /// `999` or `277CA`, for reasons a claim is left unchanged.
    kind: &'static str,
    outcome: Outcome,
    /// Batches looked at (and marked sent when they were open).
    batches_seen: HashSet<ClaimBatchId>,
    /// Claims of batches this import marked sent: they were batched before it.
    were_batched: HashSet<ClaimId>,
}

impl<'a> Run<'a> {
    pub fn new(actor: &'a AuditActor, kind: &'static str, outcome: Outcome) -> Self {
        Run {
            actor,
            detail: format!(
                "{kind} ISA13 {}, file {}",
                outcome.interchange_control_number, outcome.id
            ),
            kind,
            outcome,
            batches_seen: HashSet::new(),
            were_batched: HashSet::new(),
        }
    }

    pub fn file_id(&self) -> &InboundFileId {
        &self.outcome.id
    }

    pub fn finish(self) -> Outcome {
        self.outcome
    }

    pub fn unmatched(&mut self, reference: impl Into<String>, reason: impl Into<String>) {
        self.outcome.unmatched.push(Unmatched {
            reference: reference.into(),
            reason: reason.into(),
        });
    }

    pub fn unchanged(&mut self, claim: &SentClaim, reason: impl Into<String>, payer: Option<&str>) {
        self.outcome.unchanged.push(UnchangedClaim {
            claim_id: claim.claim_id.clone(),
            clm01: claim.clm01.clone(),
            reason: reason.into(),
            payer_claim_number: payer.map(str::to_owned),
        });
    }

    /// Marks the batch sent if it is still open: an acknowledgement of it proves it arrived.
    pub fn ensure_sent(&mut self, conn: &mut DbConnection, batch: &ClaimBatchId) -> AppResult<()> {
        if !self.batches_seen.insert(batch.clone()) {
            return Ok(());
        }
        let Some(found) = sent::batch(conn, batch)? else {
            return Ok(());
        };
        if !found.open {
            return Ok(());
        }
        for claim in sent::claims_of_batch(conn, batch)? {
            self.were_batched.insert(claim.claim_id);
        }
        mark_sent(conn, self.actor, batch)?;
        self.outcome.batches_marked_sent.push(MarkedSent {
            batch_id: batch.clone(),
            group_control_number: found.group_control_number,
        });
        Ok(())
    }

    /// Moves the claim as the verdict says, or writes down why not.
    pub fn settle(
        &mut self,
        conn: &mut DbConnection,
        claim: &SentClaim,
        verdict: Verdict,
    ) -> AppResult<()> {
        let payer = verdict.payer_claim_number.as_deref();
        let Some(mut current) = store::find_summary(conn, &claim.claim_id)? else {
            self.unchanged(claim, "the claim no longer exists", payer);
            return Ok(());
        };
        if current.current_version != claim.claim_version {
            let reason = format!(
                "superseded: {} is version {} of claim {}, which is now at version {}",
                claim.clm01, claim.claim_version, current.claim_number, current.current_version
            );
            self.unchanged(claim, reason, payer);
            return Ok(());
        }
        if let Some(number) = payer {
            // Kept whatever the status does: a replacement or void names it in REF*F8.
            store::set_payer_claim_number(conn, &claim.claim_id, number)?;
        }
        let mut before = current.status;
        if current.status == Status::Batched {
            self.ensure_sent(conn, &claim.batch_id)?;
            if let Some(now) = store::find_summary(conn, &claim.claim_id)? {
                current = now;
            }
        }
        if self.were_batched.contains(&claim.claim_id) && before == Status::Sent {
            before = Status::Batched;
        }
        let to = verdict.to;
        if current.status == to {
            let reason = format!("already {}", to.as_str());
            self.unchanged(claim, reason, payer);
            return Ok(());
        }
        if lifecycle::via(current.status, to) != Some(Via::System) {
            let reason = format!(
                "the claim is {}; a {} cannot move it to {}",
                current.status.as_str(),
                self.kind,
                to.as_str()
            );
            self.unchanged(claim, reason, payer);
            return Ok(());
        }
        workflow::transition(conn, self.actor, &claim.claim_id, to, Some(&self.detail))?;
        if !verdict.reasons.is_empty() || !current.status_reasons.is_empty() {
            store::set_status_reasons(conn, &claim.claim_id, &verdict.reasons)?;
        }
        self.changed(claim, before, verdict);
        Ok(())
    }

    /// Records a move; a claim moved twice by one file keeps one entry (first `from`, last `to`).
    fn changed(&mut self, claim: &SentClaim, from: Status, verdict: Verdict) {
        let entry = ChangedClaim {
            claim_id: claim.claim_id.clone(),
            clm01: claim.clm01.clone(),
            from,
            to: verdict.to,
            reasons: verdict.reasons,
            payer_claim_number: verdict.payer_claim_number,
        };
        match self
            .outcome
            .changed
            .iter_mut()
            .find(|c| c.claim_id == claim.claim_id)
        {
            Some(existing) => {
                existing.to = entry.to;
                existing.reasons = entry.reasons;
                existing.payer_claim_number = entry.payer_claim_number;
            }
            None => self.outcome.changed.push(entry),
        }
    }
}
