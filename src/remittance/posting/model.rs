//! What posting an 835 answers and stores: per claim, how it matched and what was posted; what matched
//! nothing (or was not posted) and why.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What importing (or, with `dry_run`, what would import) one 835 file did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Outcome {
    /// The remittance file's id (none on a dry run).
    pub id: Option<String>,
    pub sha256: String,
    /// True when the file (same SHA-256) or the same payment (payer, TRN02, amount) was imported
    /// before: nothing was posted this time; `id` is the earlier file's.
    pub duplicate: bool,
    pub dry_run: bool,
    /// TRN02 and BPR02 of each transaction set.
    pub payments: Vec<PaymentSummary>,
    /// Claims posted (or, on a dry run, that would be).
    pub claims: Vec<PostedClaim>,
    /// Claims and lines that matched nothing or were not posted, with why; kept in the work queue.
    pub unmatched: Vec<Unmatched>,
    /// CLP indexes an earlier, interrupted import of the same file had already posted or queued
    /// (PLB items count from -1 down).
    pub already_done: Vec<i32>,
    /// The PLB items (provider-level adjustments) and what each posted.
    #[serde(default)]
    pub provider_adjustments: Vec<ProviderAdjustmentPosted>,
}

/// One PLB item and what it posted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ProviderAdjustmentPosted {
    /// -1 for the file's first PLB item, -2 for the next, ...
    pub index: i32,
    /// PLB01.
    pub provider_id: String,
    /// The adjustment reason (`L6` interest, `WO` overpayment recovery, `FB` forwarding balance, ...).
    pub reason: String,
    /// PLB03-2, when given.
    pub reference: Option<String>,
    /// As in the file: positive when the payer withheld money, negative when it added money.
    #[schema(value_type = String)]
    pub amount: Decimal,
    /// `interest`, `credit_to_claim`, `unapplied`, `recoupment_from_claim` or `withheld`.
    pub treatment: String,
    /// The claim of ours PLB03-2 names, when it names one.
    pub claim_id: Option<String>,
    /// The journal entry posted (none on a dry run or for a zero amount).
    pub entry: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PaymentSummary {
    pub payer_id: String,
    pub trace_number: String,
    #[schema(value_type = String)]
    pub amount: Decimal,
    pub method: String,
}

/// One CLP matched to one of our claims, and what was posted for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PostedClaim {
    /// The CLP's place in the file, from 0, across transaction sets.
    pub clp_index: i32,
    pub clp01: String,
    pub claim_id: String,
    pub claim_version: i32,
    /// `clm01` (CLP01 is one of our CLM01s) or `payer_claim_number` (CLP07, a fallback).
    pub matched_by: String,
    /// CLP02.
    pub clp_status: String,
    /// The claim's status before and after.
    pub status_before: String,
    pub status_after: String,
    /// Whether the claim's charge entry was posted now (nothing had posted it before).
    pub charge_posted: bool,
    #[schema(value_type = String)]
    pub paid: Decimal,
    #[schema(value_type = String)]
    pub contractual: Decimal,
    pub other_adjustments: Vec<AdjustmentAmount>,
    /// PR amounts moved to the patient, by CARC (1 deductible, 2 coinsurance, 3 copay, ...).
    pub patient_responsibility: Vec<AdjustmentAmount>,
    /// Service lines matched by REF*6R.
    pub lines_matched: Vec<String>,
    /// Service lines without REF*6R matched by the fallback: procedure code, service date and charge.
    #[serde(default)]
    pub lines_matched_by_code_date_charge: Vec<String>,
    /// What the claim still owes after posting, by whom.
    #[schema(value_type = String)]
    pub insurance_balance: Decimal,
    #[schema(value_type = String)]
    pub patient_balance: Decimal,
    /// Journal entries posted (empty on a dry run).
    pub entries: Vec<String>,
    /// The secondary claim built (or completed) with this payer's adjudication, when the patient has a
    /// secondary policy and was left something to pay.
    #[serde(default)]
    pub secondary_claim_id: Option<String>,
    /// Why the balance went, or would go, to a secondary payer or not.
    #[serde(default)]
    pub secondary_note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AdjustmentAmount {
    /// CAS group (`CO`, `OA`, `PI`, `PR`) and reason (CARC).
    pub group: String,
    pub reason: String,
    /// The CARC description from the shipped code set, when known.
    pub description: Option<String>,
    #[schema(value_type = String)]
    pub amount: Decimal,
}

/// A claim or line of the 835 that was not posted, with why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Unmatched {
    pub clp_index: i32,
    pub clp01: String,
    /// REF*6R of the line, for a line; none for a whole claim.
    pub line_id: Option<String>,
    pub reason: String,
}

/// A remittance file as lists show it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RemittanceSummary {
    pub id: String,
    pub sha256: String,
    pub payer_id: String,
    pub trace_number: String,
    #[schema(value_type = String)]
    pub amount: Decimal,
    pub payment_date: chrono::NaiveDate,
    pub claim_count: i32,
    /// False while a file's claims are being posted, or when an import was interrupted (import the
    /// file again to finish it).
    pub completed: bool,
    pub received_by: String,
    pub received_at: chrono::DateTime<chrono::Utc>,
}

/// One remittance file: what importing it did.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RemittanceFile {
    #[serde(flatten)]
    pub summary: RemittanceSummary,
    pub outcome: Outcome,
}

/// One item of the unmatched work queue.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct QueuedItem {
    pub id: String,
    pub remittance_id: String,
    pub clp_index: i32,
    pub clp01: String,
    pub line_id: Option<String>,
    pub reason: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}
