//! What an import answers and keeps: the outcome (which claims changed, which were left as they were and
//! why, which references matched nothing) and the file as listed and shown. The outcome is stored with
//! the file, so importing the same bytes again answers exactly what the first import did.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::claims::lifecycle::Status;
use crate::db::ids::{ClaimBatchId, ClaimId, InboundFileId};

/// What importing one acknowledgement file did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Outcome {
    /// The stored file.
    pub id: InboundFileId,
    /// `999` or `277CA`.
    pub kind: String,
    /// SHA-256 of the file's bytes, lower-case hex.
    pub sha256: String,
    /// The acknowledgement's own ISA13.
    pub interchange_control_number: String,
    /// True when these bytes were imported before: nothing changed now, and this is what the first
    /// import did.
    pub duplicate: bool,
    /// Batches still open that the acknowledgement proves the clearinghouse received: marked sent,
    /// their claims batched → sent, before the claims below moved.
    pub batches_marked_sent: Vec<MarkedSent>,
    pub changed: Vec<ChangedClaim>,
    /// Claims found but not moved: already in that status, superseded by a newer version, or in a
    /// status the acknowledgement cannot move them from.
    pub unchanged: Vec<UnchangedClaim>,
    /// References that match nothing of ours (a group, transaction set or claim number we never sent).
    pub unmatched: Vec<Unmatched>,
}

impl Outcome {
    pub fn counts(&self) -> Counts {
        Counts {
            changed: self.changed.len(),
            unchanged: self.unchanged.len(),
            unmatched: self.unmatched.len(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MarkedSent {
    pub batch_id: ClaimBatchId,
    /// The batch's GS06.
    pub group_control_number: i64,
}

/// A claim the acknowledgement moved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ChangedClaim {
    pub claim_id: ClaimId,
    /// CLM01 of the version acknowledged.
    pub clm01: String,
    /// Its status before the import.
    pub from: Status,
    pub to: Status,
    /// What the acknowledgement said about it, as kept in the claim's `status_reasons`.
    #[schema(value_type = Vec<Object>)]
    pub reasons: Vec<serde_json::Value>,
    /// REF*1K of a 277CA: the payer's claim number (a replacement or void will need it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payer_claim_number: Option<String>,
}

/// A claim found but left as it was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UnchangedClaim {
    pub claim_id: ClaimId,
    pub clm01: String,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payer_claim_number: Option<String>,
}

/// A reference in the file that matches nothing of ours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Unmatched {
    /// What the file named: `GS06 17`, `GS06 17 ST02 0003`, `CLM01 C260000123`.
    pub reference: String,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Counts {
    pub changed: usize,
    pub unchanged: usize,
    pub unmatched: usize,
}

/// An acknowledgement file as listed.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct InboundFileSummary {
    pub id: InboundFileId,
    /// `999` or `277CA`.
    pub kind: String,
    pub sha256: String,
    /// The acknowledgement's ISA13 and ISA06.
    pub interchange_control_number: String,
    pub sender_id: String,
    /// Who imported it.
    pub received_by: String,
    pub received_at: DateTime<Utc>,
    /// How many claims changed, were left unchanged, and how many references matched nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub counts: Option<Counts>,
}

/// An acknowledgement file with what importing it did and its content, exactly as received.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct InboundFile {
    #[serde(flatten)]
    pub summary: InboundFileSummary,
    pub outcome: Outcome,
    pub content: String,
}
