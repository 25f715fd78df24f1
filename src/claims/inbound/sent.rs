//! Where our claims went, read only: the batch a 999 answers (by its GS06), the claims of one of its
//! transaction sets (by ST02) and the claim version a 277CA names (by CLM01). The batch work writes
//! these tables; an acknowledgement only finds its way back through them.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::ids::{ClaimBatchId, ClaimId};
use crate::db::schema::{claim_batch_claims as placed, claim_batches as batches};

/// A batch as an acknowledgement needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentBatch {
    pub id: ClaimBatchId,
    pub group_control_number: i64,
    /// `open` (built, not yet marked sent) or `sent`.
    pub open: bool,
}

/// One claim version in a batch, and where it is in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentClaim {
    pub batch_id: ClaimBatchId,
    pub claim_id: ClaimId,
    /// The version the batch carries (a later correction supersedes it).
    pub claim_version: i32,
    pub clm01: String,
    /// ST02.
    pub transaction_control_number: i64,
    /// Its segments, counted from ST = 1 as a 999's IK302 counts.
    pub first_segment: i32,
    pub last_segment: i32,
}

impl SentClaim {
    /// Whether a 999's IK302 falls within this claim's segments.
    pub fn holds_segment(&self, position: u32) -> bool {
        let position = i64::from(position);
        i64::from(self.first_segment) <= position && position <= i64::from(self.last_segment)
    }
}

type SentClaimRow = (String, String, i32, String, i64, i32, i32);

fn sent_claim(row: SentClaimRow) -> SentClaim {
    let (batch_id, claim_id, claim_version, clm01, st02, first_segment, last_segment) = row;
    SentClaim {
        batch_id: ClaimBatchId::from_stored(batch_id),
        claim_id: ClaimId::from_stored(claim_id),
        claim_version,
        clm01,
        transaction_control_number: st02,
        first_segment,
        last_segment,
    }
}

const SENT_CLAIM_COLUMNS: (
    placed::batch_id,
    placed::claim_id,
    placed::claim_version,
    placed::clm01,
    placed::transaction_control_number,
    placed::first_segment,
    placed::last_segment,
) = (
    placed::batch_id,
    placed::claim_id,
    placed::claim_version,
    placed::clm01,
    placed::transaction_control_number,
    placed::first_segment,
    placed::last_segment,
);

fn batch_of(row: (String, i64, String)) -> SentBatch {
    SentBatch {
        id: ClaimBatchId::from_stored(row.0),
        group_control_number: row.1,
        open: row.2 == "open",
    }
}

/// The batch whose functional group had this GS06 (unique across our batches).
pub fn batch_by_group(
    conn: &mut DbConnection,
    group_control_number: i64,
) -> QueryResult<Option<SentBatch>> {
    let row: Option<(String, i64, String)> = batches::table
        .filter(batches::group_control_number.eq(group_control_number))
        .select((batches::id, batches::group_control_number, batches::status))
        .first(conn)
        .optional()?;
    Ok(row.map(batch_of))
}

pub fn batch(conn: &mut DbConnection, id: &ClaimBatchId) -> QueryResult<Option<SentBatch>> {
    let row: Option<(String, i64, String)> = batches::table
        .find(id.as_str())
        .select((batches::id, batches::group_control_number, batches::status))
        .first(conn)
        .optional()?;
    Ok(row.map(batch_of))
}

/// Every claim of the batch, in file order.
pub fn claims_of_batch(
    conn: &mut DbConnection,
    batch: &ClaimBatchId,
) -> QueryResult<Vec<SentClaim>> {
    let rows: Vec<SentClaimRow> = placed::table
        .filter(placed::batch_id.eq(batch.as_str()))
        .order((
            placed::transaction_control_number,
            placed::position_in_transaction,
        ))
        .select(SENT_CLAIM_COLUMNS)
        .load(conn)?;
    Ok(rows.into_iter().map(sent_claim).collect())
}

/// The claims of one transaction set (ST02) of the batch, in file order.
pub fn claims_of_transaction(
    conn: &mut DbConnection,
    batch: &ClaimBatchId,
    transaction_control_number: i64,
) -> QueryResult<Vec<SentClaim>> {
    let rows: Vec<SentClaimRow> = placed::table
        .filter(placed::batch_id.eq(batch.as_str()))
        .filter(placed::transaction_control_number.eq(transaction_control_number))
        .order(placed::position_in_transaction)
        .select(SENT_CLAIM_COLUMNS)
        .load(conn)?;
    Ok(rows.into_iter().map(sent_claim).collect())
}

/// The claim version sent with this CLM01 (unique: a CLM01 is sent once, ever).
pub fn claim_by_clm01(conn: &mut DbConnection, clm01: &str) -> QueryResult<Option<SentClaim>> {
    let row: Option<SentClaimRow> = placed::table
        .filter(placed::clm01.eq(clm01))
        .select(SENT_CLAIM_COLUMNS)
        .first(conn)
        .optional()?;
    Ok(row.map(sent_claim))
}
