//! Batches as the API takes and shows them.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::ids::{ClaimBatchId, ClaimId, TradingPartnerId};
use crate::error::{AppResult, Validator};

/// Most claims one request may name (their ids fit the default body limit); a batch of all ready claims
/// has no such bound.
pub const MAX_NAMED_CLAIMS: usize = 5_000;

/// A batch to build: for a clearinghouse, of the named claims or else of every ready claim whose payer
/// routes through it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchInput {
    pub partner_id: String,
    /// Ready claims to send; all ready claims routed to the partner when absent.
    pub claim_ids: Option<Vec<String>>,
}

#[derive(Debug, Clone)]
pub struct ValidBatchInput {
    pub partner_id: TradingPartnerId,
    pub claim_ids: Option<Vec<ClaimId>>,
}

impl TryFrom<&BatchInput> for ValidBatchInput {
    type Error = crate::error::AppError;

    fn try_from(input: &BatchInput) -> AppResult<Self> {
        let mut v = Validator::new();
        let partner_id = v.check("partner_id", TradingPartnerId::parse(&input.partner_id));
        let claim_ids = match &input.claim_ids {
            None => Some(None),
            Some(ids) if ids.is_empty() => {
                v.reject("claim_ids", "name at least one claim, or leave it out for all ready claims");
                None
            }
            Some(ids) if ids.len() > MAX_NAMED_CLAIMS => {
                v.reject("claim_ids", format!("at most {MAX_NAMED_CLAIMS} claims"));
                None
            }
            Some(ids) => {
                let parsed: Vec<Option<ClaimId>> = ids
                    .iter()
                    .enumerate()
                    .map(|(i, id)| v.check(&format!("claim_ids[{i}]"), ClaimId::parse(id)))
                    .collect();
                let mut seen = std::collections::HashSet::new();
                for (i, id) in parsed.iter().enumerate() {
                    if let Some(id) = id
                        && !seen.insert(id.clone())
                    {
                        v.reject(&format!("claim_ids[{i}]"), "is repeated");
                    }
                }
                parsed.into_iter().collect::<Option<Vec<_>>>().map(Some)
            }
        };
        v.finish(|| {
            Some(ValidBatchInput {
                partner_id: partner_id?,
                claim_ids: claim_ids?,
            })
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BatchStatus {
    /// Built and stored; not yet sent.
    Open,
    /// Sent to the clearinghouse (its claims are sent).
    Sent,
}

impl BatchStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            BatchStatus::Open => "open",
            BatchStatus::Sent => "sent",
        }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        match text {
            "open" => Ok(BatchStatus::Open),
            "sent" => Ok(BatchStatus::Sent),
            _ => Err("must be one of: open, sent".into()),
        }
    }
}

/// Where one claim version is in the file.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BatchedClaim {
    pub claim_id: ClaimId,
    pub claim_version: i32,
    /// CLM01 as sent.
    pub clm01: String,
    /// ST02 of its transaction set.
    pub transaction_control_number: i64,
    /// Its place among that set's claims, from 1.
    pub position_in_transaction: i32,
    /// Its segments, counted from ST = 1 as a 999 counts them.
    pub first_segment: i32,
    pub last_segment: i32,
}

/// A batch: the file's identity and where each claim went (`GET /claim-batches/{id}/file` gives the
/// bytes).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClaimBatch {
    pub id: ClaimBatchId,
    pub partner_id: TradingPartnerId,
    pub status: BatchStatus,
    /// BHT03, also the file's name.
    pub reference: String,
    /// ISA13 / IEA02.
    pub interchange_control_number: i64,
    /// GS06 / GE02.
    pub group_control_number: i64,
    pub claim_count: i32,
    pub transaction_count: i32,
    #[schema(value_type = String, example = "1250.00")]
    pub total_charge: Decimal,
    pub size_bytes: i64,
    /// SHA-256 of the file's bytes, lower-case hex.
    pub sha256: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub sent_by: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub version: i32,
    /// Absent in lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claims: Option<Vec<BatchedClaim>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::testing::invalid_fields;

    const PARTNER: &str = "0190f3a0-0000-7000-8000-000000000001";
    const CLAIM: &str = "0190f3a0-0000-7000-8000-000000000002";

    fn input(claim_ids: Option<Vec<&str>>) -> BatchInput {
        BatchInput {
            partner_id: PARTNER.into(),
            claim_ids: claim_ids.map(|ids| ids.into_iter().map(str::to_owned).collect()),
        }
    }

    #[test]
    fn all_ready_claims_or_named_ones() {
        assert!(ValidBatchInput::try_from(&input(None)).unwrap().claim_ids.is_none());
        let named = ValidBatchInput::try_from(&input(Some(vec![CLAIM]))).unwrap();
        assert_eq!(named.claim_ids.unwrap().len(), 1);
    }

    #[test]
    fn each_bad_field_is_named() {
        let mut bad_partner = input(None);
        bad_partner.partner_id = "nope".into();
        assert_eq!(invalid_fields(ValidBatchInput::try_from(&bad_partner)), ["partner_id"]);
        let cases: &[(Option<Vec<&str>>, &str)] = &[
            (Some(vec![]), "claim_ids"),
            (Some(vec![CLAIM, "x"]), "claim_ids[1]"),
            (Some(vec![CLAIM, CLAIM]), "claim_ids[1]"),
        ];
        for (ids, field) in cases {
            let result = ValidBatchInput::try_from(&input(ids.clone()));
            assert_eq!(invalid_fields(result), [*field], "{field}");
        }
    }
}
