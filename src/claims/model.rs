//! Claims as the API takes and shows them: the build and status requests checked at the edge, and the
//! claim, version and event views.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::build::{Options, default_consents};
use super::lifecycle::Status;
use super::snapshot::{ClaimSnapshot, Consents, Frequency};
use crate::db::ids::{ClaimId, EncounterId, PatientId, PayerId, PolicyId};
use crate::directory::values::bounded_text;
use crate::error::{AppError, Validator};

/// CLM06–CLM09 as sent; each absent part takes the usual value (Y, A, Y, Y).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentsInput {
    /// CLM06.
    pub provider_signature_on_file: Option<bool>,
    /// CLM07: `A` assigned, `B` lab services only, `C` not assigned.
    pub assignment: Option<String>,
    /// CLM08: `Y`, `N` or `W` (not applicable).
    pub benefits_assigned: Option<String>,
    /// CLM09: `Y` signed release or `I` informed consent only.
    pub release_of_information: Option<String>,
}

/// A claim to build from a ready encounter.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BuildInput {
    pub encounter_id: String,
    /// One of the patient's policies active on the date of service; absent: the encounter's policy.
    pub policy_id: Option<String>,
    /// REF*G1: letters, digits and dashes, at most 50.
    pub prior_authorization: Option<String>,
    pub consents: Option<ConsentsInput>,
}

/// A build request whose fields have the right shape.
#[derive(Debug, Clone)]
pub struct ValidBuild {
    pub encounter_id: EncounterId,
    pub policy_id: Option<PolicyId>,
    pub options: Options,
}

/// A reference a payer gave or wants (prior authorization, payer claim number): letters, digits, dashes.
pub fn reference(input: &str, max: usize) -> Result<String, String> {
    let s = bounded_text(input, max)?;
    if !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err("may contain only letters, digits and -".into());
    }
    Ok(s)
}

fn code(input: Option<&str>, default: &str, allowed: &[&str]) -> Result<String, String> {
    let s = input.unwrap_or(default).trim().to_ascii_uppercase();
    if allowed.contains(&s.as_str()) {
        return Ok(s);
    }
    Err(format!("must be one of: {}", allowed.join(", ")))
}

fn check_consents(v: &mut Validator, input: Option<&ConsentsInput>) -> Option<Consents> {
    let Some(c) = input else {
        return Some(default_consents());
    };
    let assignment = v.check(
        "consents.assignment",
        code(c.assignment.as_deref(), "A", &["A", "B", "C"]),
    );
    let benefits = v.check(
        "consents.benefits_assigned",
        code(c.benefits_assigned.as_deref(), "Y", &["Y", "N", "W"]),
    );
    let release = v.check(
        "consents.release_of_information",
        code(c.release_of_information.as_deref(), "Y", &["Y", "I"]),
    );
    Some(Consents {
        provider_signature_on_file: c.provider_signature_on_file.unwrap_or(true),
        assignment: assignment?,
        benefits_assigned: benefits?,
        release_of_information: release?,
    })
}

impl TryFrom<&BuildInput> for ValidBuild {
    type Error = AppError;

    fn try_from(input: &BuildInput) -> Result<Self, AppError> {
        let mut v = Validator::new();
        let encounter_id = v.check("encounter_id", EncounterId::parse(&input.encounter_id));
        let policy_id = v.optional("policy_id", input.policy_id.as_deref(), PolicyId::parse);
        let prior_authorization = v.optional(
            "prior_authorization",
            input.prior_authorization.as_deref(),
            |s| reference(s, 50),
        );
        let consents = check_consents(&mut v, input.consents.as_ref());
        v.finish(|| {
            Some(ValidBuild {
                encounter_id: encounter_id?,
                policy_id: policy_id?,
                options: Options {
                    consents: consents?,
                    prior_authorization: prior_authorization?,
                },
            })
        })
    }
}

/// A biller's move of a claim.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusInput {
    /// `draft`, `ready` or `closed` (the other moves are the service's).
    pub status: String,
    /// Why, for the claim's events; at most 200 characters.
    pub reason: Option<String>,
}

/// One version of a claim, without its snapshot.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VersionSummary {
    pub version: i32,
    /// CLM01 this version is sent with: the claim number, then `{claim_number}-{version}`.
    pub clm01: String,
    #[schema(value_type = String, example = "original")]
    pub frequency: Frequency,
    /// REF*F8 of a replacement or void.
    pub payer_claim_number: Option<String>,
    /// Why the correction was made.
    pub reason: Option<String>,
    #[schema(value_type = String, example = "162.00")]
    pub total_charge: Decimal,
    /// Frozen in a batch: never changes again.
    pub batched: bool,
    pub created_at: DateTime<Utc>,
}

/// A claim as lists show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClaimSummary {
    pub id: ClaimId,
    /// Our claim id, CLM01 of version 1; never reused.
    pub claim_number: String,
    pub patient_id: PatientId,
    pub encounter_id: EncounterId,
    pub policy_id: PolicyId,
    pub payer_id: PayerId,
    pub status: Status,
    /// Reasons an acknowledgement or remittance gave for the status (a rejection's), newest last.
    #[schema(value_type = Vec<Object>)]
    pub status_reasons: Vec<serde_json::Value>,
    /// The version that is (or will be) sent.
    pub current_version: i32,
    /// The payer's number for the claim, from its 277CA (REF*1K); a replacement or void names it.
    pub payer_claim_number: Option<String>,
    /// The row's version (ETag), bumped by every change.
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A claim with its current version's snapshot and all its versions.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Claim {
    #[serde(flatten)]
    pub summary: ClaimSummary,
    /// Every fact the current version sends.
    #[schema(value_type = Object)]
    pub snapshot: ClaimSnapshot,
    pub versions: Vec<VersionSummary>,
}

/// One version with its snapshot.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClaimVersion {
    pub claim_id: ClaimId,
    #[serde(flatten)]
    pub summary: VersionSummary,
    #[schema(value_type = Object)]
    pub snapshot: ClaimSnapshot,
}

/// One step of a claim's history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClaimEvent {
    pub seq: i32,
    /// `built`, `status`, `corrected`, `batched`, ...
    pub kind: String,
    pub from_status: Option<Status>,
    pub to_status: Option<Status>,
    /// The claim version the event concerns.
    pub version: i32,
    pub actor: String,
    pub detail: Option<String>,
    pub occurred_at: DateTime<Utc>,
}
