//! Remittance queries. Nothing else touches `remittance_files`, `remittance_claims` and
//! `remittance_unmatched`; the claim and version lookups matching needs are here too (read-only).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::model::{Outcome, QueuedItem, RemittanceFile, RemittanceSummary, Unmatched};
use crate::db::ids::{ClaimId, RemittanceId};
use crate::db::schema::{
    claim_versions, claims, remittance_claims, remittance_files as files, remittance_unmatched,
};
use crate::db::{DbConnection, from_utc, new_id, now, to_utc};
use crate::money::from_cents;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = files)]
struct FileRow {
    id: String,
    sha256: String,
    payment_key: String,
    payer_id: String,
    trace_number: String,
    amount_cents: i64,
    payment_date: NaiveDate,
    claim_count: i32,
    content: String,
    outcome: String,
    completed: bool,
    received_by: String,
    received_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = files)]
struct SummaryRow {
    id: String,
    sha256: String,
    payer_id: String,
    trace_number: String,
    amount_cents: i64,
    payment_date: NaiveDate,
    claim_count: i32,
    completed: bool,
    received_by: String,
    received_at: NaiveDateTime,
}

impl SummaryRow {
    fn summary(self) -> RemittanceSummary {
        RemittanceSummary {
            id: self.id,
            sha256: self.sha256,
            payer_id: self.payer_id,
            trace_number: self.trace_number,
            amount: from_cents(self.amount_cents),
            payment_date: self.payment_date,
            claim_count: self.claim_count,
            completed: self.completed,
            received_by: self.received_by,
            received_at: to_utc(self.received_at),
        }
    }
}

/// A file about to be recorded.
pub struct NewFile<'a> {
    pub id: &'a RemittanceId,
    pub sha256: &'a str,
    pub payment_key: &'a str,
    pub payer_id: &'a str,
    pub trace_number: &'a str,
    pub amount_cents: i64,
    pub payment_date: NaiveDate,
    pub claim_count: i32,
    pub content: &'a str,
    pub received_by: &'a str,
}

fn bad(error: impl std::fmt::Display) -> diesel::result::Error {
    diesel::result::Error::DeserializationError(format!("stored remittance: {error}").into())
}

fn outcome_of(text: &str) -> QueryResult<Outcome> {
    serde_json::from_str(text).map_err(bad)
}

/// Records the file, not yet completed. False, recording nothing, when a file with the same SHA-256
/// or payment key is already there (on PostgreSQL a concurrent import waits for the first to commit).
pub fn reserve(conn: &mut DbConnection, file: &NewFile) -> QueryResult<bool> {
    let row = FileRow {
        id: file.id.to_string(),
        sha256: file.sha256.to_owned(),
        payment_key: file.payment_key.to_owned(),
        payer_id: file.payer_id.to_owned(),
        trace_number: file.trace_number.to_owned(),
        amount_cents: file.amount_cents,
        payment_date: file.payment_date,
        claim_count: file.claim_count,
        content: file.content.to_owned(),
        outcome: "{}".to_owned(),
        completed: false,
        received_by: file.received_by.to_owned(),
        received_at: from_utc(now()),
    };
    Ok(crate::insert_or_ignore!(conn, files::table, &row)? == 1)
}

/// The file recorded with these bytes or this payment key: its id and whether it is completed.
pub fn existing(
    conn: &mut DbConnection,
    sha256: &str,
    payment_key: &str,
) -> QueryResult<Option<(RemittanceId, bool)>> {
    let row: Option<(String, bool)> = files::table
        .filter(
            files::sha256
                .eq(sha256)
                .or(files::payment_key.eq(payment_key)),
        )
        .select((files::id, files::completed))
        .first(conn)
        .optional()?;
    Ok(row.map(|(id, done)| (RemittanceId::from_stored(id), done)))
}

/// Stores what importing the file did and marks it completed; a file another import of it completed
/// meanwhile keeps that import's outcome (the one that posted).
pub fn complete(conn: &mut DbConnection, id: &RemittanceId, outcome: &Outcome) -> QueryResult<()> {
    let text = serde_json::to_string(outcome)
        .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
    diesel::update(files::table.find(id.as_str()))
        .filter(files::completed.eq(false))
        .set((files::outcome.eq(text), files::completed.eq(true)))
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &RemittanceId) -> QueryResult<Option<RemittanceFile>> {
    let row: Option<(SummaryRow, String)> = files::table
        .find(id.as_str())
        .select((SummaryRow::as_select(), files::outcome))
        .first(conn)
        .optional()?;
    row.map(|(summary, outcome)| {
        Ok(RemittanceFile {
            summary: summary.summary(),
            outcome: if outcome == "{}" {
                Outcome::default()
            } else {
                outcome_of(&outcome)?
            },
        })
    })
    .transpose()
}

pub fn outcome(conn: &mut DbConnection, id: &RemittanceId) -> QueryResult<Option<Outcome>> {
    Ok(find(conn, id)?.map(|file| file.outcome))
}

/// One page of files, newest first, with the total.
pub fn list(
    conn: &mut DbConnection,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<RemittanceSummary>, i64)> {
    let total = files::table.count().get_result(conn)?;
    let rows: Vec<SummaryRow> = files::table
        .order((files::received_at.desc(), files::id.desc()))
        .limit(limit)
        .offset(offset)
        .select(SummaryRow::as_select())
        .load(conn)?;
    Ok((rows.into_iter().map(SummaryRow::summary).collect(), total))
}

/// What a CLP came to, recorded in the claim's own transaction.
pub struct ClaimMark<'a> {
    pub file_id: &'a RemittanceId,
    pub clp_index: i32,
    pub clp01: &'a str,
    pub claim: Option<(&'a ClaimId, i32, &'a str)>,
    /// `posted` or `unmatched`.
    pub result: &'a str,
    pub detail: &'a str,
}

#[derive(Insertable)]
#[diesel(table_name = remittance_claims, treat_none_as_default_value = false)]
struct ClaimMarkRow {
    file_id: String,
    clp_index: i32,
    clp01: String,
    claim_id: Option<String>,
    claim_version: Option<i32>,
    matched_by: Option<String>,
    result: String,
    detail: String,
    posted_at: NaiveDateTime,
}

/// Marks the CLP done; false when an earlier import of the file already did (the caller then posts
/// nothing for it).
pub fn mark_claim(conn: &mut DbConnection, mark: &ClaimMark) -> QueryResult<bool> {
    Ok(crate::insert_or_ignore!(conn, remittance_claims::table, &mark_row(mark))? == 1)
}

fn mark_row(mark: &ClaimMark) -> ClaimMarkRow {
    ClaimMarkRow {
        file_id: mark.file_id.to_string(),
        clp_index: mark.clp_index,
        clp01: mark.clp01.to_owned(),
        claim_id: mark.claim.map(|(id, _, _)| id.to_string()),
        claim_version: mark.claim.map(|(_, version, _)| version),
        matched_by: mark.claim.map(|(_, _, by)| by.to_owned()),
        result: mark.result.to_owned(),
        detail: mark.detail.to_owned(),
        posted_at: from_utc(now()),
    }
}

/// Marks the CLPs done, in a few statements; an error (a unique violation) when an earlier import of
/// the file marked one already, and the caller must roll back.
pub fn mark_claims(conn: &mut DbConnection, marks: &[ClaimMark]) -> QueryResult<()> {
    let rows: Vec<ClaimMarkRow> = marks.iter().map(mark_row).collect();
    for chunk in rows.chunks(INSERT_CHUNK) {
        crate::insert_batch!(&mut *conn, remittance_claims::table, chunk)?;
    }
    Ok(())
}

/// Rows per INSERT: 9 columns a mark, 7 an item, far below both backends' parameter limits.
const INSERT_CHUNK: usize = 500;

/// The CLP indexes of the file already done.
pub fn done_indexes(conn: &mut DbConnection, file: &RemittanceId) -> QueryResult<Vec<i32>> {
    remittance_claims::table
        .filter(remittance_claims::file_id.eq(file.as_str()))
        .order(remittance_claims::clp_index)
        .select(remittance_claims::clp_index)
        .load(conn)
}

#[derive(Insertable)]
#[diesel(table_name = remittance_unmatched, treat_none_as_default_value = false)]
struct QueuedRow {
    id: String,
    file_id: String,
    clp_index: i32,
    clp01: String,
    line_id: Option<String>,
    reason: String,
    created_at: NaiveDateTime,
}

/// Puts an item in the unmatched work queue.
pub fn queue(conn: &mut DbConnection, file: &RemittanceId, item: &Unmatched) -> QueryResult<()> {
    queue_many(conn, file, &[item])
}

/// Puts the items in the unmatched work queue, in a few statements.
pub fn queue_many(
    conn: &mut DbConnection,
    file: &RemittanceId,
    items: &[&Unmatched],
) -> QueryResult<()> {
    let at = from_utc(now());
    let rows: Vec<QueuedRow> = items
        .iter()
        .map(|item| QueuedRow {
            id: new_id().to_string(),
            file_id: file.to_string(),
            clp_index: item.clp_index,
            clp01: item.clp01.clone(),
            line_id: item.line_id.clone(),
            reason: item.reason.clone(),
            created_at: at,
        })
        .collect();
    for chunk in rows.chunks(INSERT_CHUNK) {
        crate::insert_batch!(&mut *conn, remittance_unmatched::table, chunk)?;
    }
    Ok(())
}

type QueueRow = (
    String,
    String,
    i32,
    String,
    Option<String>,
    String,
    NaiveDateTime,
);

/// One page of the unmatched work queue, oldest first, with the total.
pub fn queued(
    conn: &mut DbConnection,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<QueuedItem>, i64)> {
    let total = remittance_unmatched::table.count().get_result(conn)?;
    let rows: Vec<QueueRow> = remittance_unmatched::table
        .order((
            remittance_unmatched::created_at,
            remittance_unmatched::file_id,
            remittance_unmatched::clp_index,
            remittance_unmatched::id,
        ))
        .limit(limit)
        .offset(offset)
        .select((
            remittance_unmatched::id,
            remittance_unmatched::file_id,
            remittance_unmatched::clp_index,
            remittance_unmatched::clp01,
            remittance_unmatched::line_id,
            remittance_unmatched::reason,
            remittance_unmatched::created_at,
        ))
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(
            |(id, remittance_id, clp_index, clp01, line_id, reason, at)| QueuedItem {
                id,
                remittance_id,
                clp_index,
                clp01,
                line_id,
                reason,
                created_at: to_utc(at),
            },
        )
        .collect();
    Ok((items, total))
}

/// The claim and version sent with this CLM01.
pub fn version_by_clm01(
    conn: &mut DbConnection,
    clm01: &str,
) -> QueryResult<Option<(ClaimId, i32)>> {
    let row: Option<(String, i32)> = claim_versions::table
        .filter(claim_versions::clm01.eq(clm01))
        .select((claim_versions::claim_id, claim_versions::version))
        .first(conn)
        .optional()?;
    Ok(row.map(|(id, version)| (ClaimId::from_stored(id), version)))
}

/// The claim the payer numbers so (CLP07 = our `payer_claim_number`), with its current version; none
/// when no claim or more than one has that number.
pub fn claim_by_payer_number(
    conn: &mut DbConnection,
    number: &str,
) -> QueryResult<Option<(ClaimId, i32)>> {
    let rows: Vec<(String, i32)> = claims::table
        .filter(claims::payer_claim_number.eq(number))
        .select((claims::id, claims::current_version))
        .limit(2)
        .load(conn)?;
    Ok(match rows.as_slice() {
        [(id, version)] => Some((ClaimId::from_stored(id.clone()), *version)),
        _ => None,
    })
}
