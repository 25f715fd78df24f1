//! Batch queries. Nothing else writes the `claim_batches` and `claim_batch_claims` tables; the file
//! column is written once (triggers refuse any change to it).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{BatchStatus, BatchedClaim, ClaimBatch};
use crate::db::ids::{ClaimBatchId, ClaimId, TradingPartnerId};
use crate::db::schema::{claim_batch_claims as placements, claim_batches as batches};
use crate::db::{DbConnection, from_utc, now, to_utc};
use crate::money;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = batches)]
pub struct BatchRow {
    pub id: String,
    pub partner_id: String,
    pub status: String,
    pub interchange_control_number: i64,
    pub group_control_number: i64,
    pub reference: String,
    pub claim_count: i32,
    pub transaction_count: i32,
    pub total_charge_cents: i64,
    pub size_bytes: i64,
    pub sha256: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub sent_by: Option<String>,
    pub sent_at: Option<NaiveDateTime>,
    pub version: i32,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = placements)]
pub struct PlacementRow {
    pub batch_id: String,
    pub claim_id: String,
    pub claim_version: i32,
    pub clm01: String,
    pub transaction_control_number: i64,
    pub position_in_transaction: i32,
    pub first_segment: i32,
    pub last_segment: i32,
}

fn bad_value(what: impl std::fmt::Display) -> diesel::result::Error {
    diesel::result::Error::DeserializationError(what.to_string().into())
}

impl BatchRow {
    fn view(self, claims: Option<Vec<BatchedClaim>>) -> QueryResult<ClaimBatch> {
        Ok(ClaimBatch {
            id: ClaimBatchId::from_stored(self.id),
            partner_id: TradingPartnerId::from_stored(self.partner_id),
            status: BatchStatus::parse(&self.status).map_err(bad_value)?,
            reference: self.reference,
            interchange_control_number: self.interchange_control_number,
            group_control_number: self.group_control_number,
            claim_count: self.claim_count,
            transaction_count: self.transaction_count,
            total_charge: money::from_cents(self.total_charge_cents),
            size_bytes: self.size_bytes,
            sha256: self.sha256,
            created_by: self.created_by,
            created_at: to_utc(self.created_at),
            sent_by: self.sent_by,
            sent_at: self.sent_at.map(to_utc),
            version: self.version,
            claims,
        })
    }
}

impl PlacementRow {
    fn view(self) -> BatchedClaim {
        BatchedClaim {
            claim_id: ClaimId::from_stored(self.claim_id),
            claim_version: self.claim_version,
            clm01: self.clm01,
            transaction_control_number: self.transaction_control_number,
            position_in_transaction: self.position_in_transaction,
            first_segment: self.first_segment,
            last_segment: self.last_segment,
        }
    }
}

/// Rows per INSERT (8 columns each), far below the backends' bound-parameter limits.
const INSERT_CHUNK: usize = 1000;

/// Stores the batch, its file and where each claim went.
pub fn insert(
    conn: &mut DbConnection,
    row: &BatchRow,
    file: &str,
    claims: &[PlacementRow],
) -> QueryResult<()> {
    diesel::insert_into(batches::table)
        .values((row, batches::file.eq(file)))
        .execute(conn)?;
    for chunk in claims.chunks(INSERT_CHUNK) {
        crate::insert_batch!(&mut *conn, placements::table, chunk)?;
    }
    Ok(())
}

fn claims_of(conn: &mut DbConnection, id: &str) -> QueryResult<Vec<BatchedClaim>> {
    let rows: Vec<PlacementRow> = placements::table
        .filter(placements::batch_id.eq(id))
        .order((
            placements::transaction_control_number,
            placements::position_in_transaction,
        ))
        .select(PlacementRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(PlacementRow::view).collect())
}

/// The batch with where each claim went.
pub fn find(conn: &mut DbConnection, id: &ClaimBatchId) -> QueryResult<Option<ClaimBatch>> {
    let row: Option<BatchRow> = batches::table
        .find(id.as_str())
        .select(BatchRow::as_select())
        .first(conn)
        .optional()?;
    let Some(row) = row else {
        return Ok(None);
    };
    let claims = claims_of(conn, &row.id)?;
    row.view(Some(claims)).map(Some)
}

/// The stored file, exactly as written.
pub fn file(conn: &mut DbConnection, id: &ClaimBatchId) -> QueryResult<Option<String>> {
    batches::table
        .find(id.as_str())
        .select(batches::file)
        .first(conn)
        .optional()
}

/// Batches, newest first, optionally of one partner or status, with the total.
pub fn list(
    conn: &mut DbConnection,
    partner: Option<&TradingPartnerId>,
    status: Option<BatchStatus>,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<ClaimBatch>, i64)> {
    let query = || {
        let mut q = batches::table.into_boxed();
        if let Some(partner) = partner {
            q = q.filter(batches::partner_id.eq(partner.as_str().to_owned()));
        }
        if let Some(status) = status {
            q = q.filter(batches::status.eq(status.as_str()));
        }
        q
    };
    let total = query().count().get_result(conn)?;
    let rows: Vec<BatchRow> = query()
        .order((batches::created_at.desc(), batches::id.desc()))
        .limit(limit)
        .offset(offset)
        .select(BatchRow::as_select())
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(|row| row.view(None))
        .collect::<QueryResult<_>>()?;
    Ok((items, total))
}

/// Marks an open batch sent (false, changing nothing, when it is not open any more).
pub fn set_sent(conn: &mut DbConnection, id: &ClaimBatchId, by: &str) -> QueryResult<bool> {
    let at = from_utc(now());
    let changed = diesel::update(batches::table.find(id.as_str()))
        .filter(batches::status.eq(BatchStatus::Open.as_str()))
        .set((
            batches::status.eq(BatchStatus::Sent.as_str()),
            batches::sent_by.eq(by),
            batches::sent_at.eq(at),
            batches::version.eq(batches::version + 1),
        ))
        .execute(conn)?;
    Ok(changed > 0)
}

/// The claims of the batch with the patient each belongs to (for audit records of a download).
pub fn claim_patients(
    conn: &mut DbConnection,
    id: &ClaimBatchId,
) -> QueryResult<Vec<(String, String)>> {
    use crate::db::schema::claims;
    placements::table
        .inner_join(claims::table)
        .filter(placements::batch_id.eq(id.as_str()))
        .order(placements::clm01)
        .select((placements::claim_id, claims::patient_id))
        .load(conn)
}
