//! Acknowledgement file queries. Nothing else touches the `x12_inbound_files` table. A file is recorded
//! once per SHA-256 of its bytes: the unique fingerprint is what makes importing the same file twice (or
//! twice at once) change nothing the second time.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{InboundFile, InboundFileSummary, Outcome};
use crate::db::ids::InboundFileId;
use crate::db::schema::x12_inbound_files as files;
use crate::db::{DbConnection, from_utc, now, to_utc};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = files)]
struct FileRow {
    id: String,
    sha256: String,
    kind: String,
    interchange_control_number: String,
    sender_id: String,
    content: String,
    outcome: String,
    received_by: String,
    received_at: NaiveDateTime,
}

/// The columns a list shows: everything but the content.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = files)]
struct SummaryRow {
    id: String,
    sha256: String,
    kind: String,
    interchange_control_number: String,
    sender_id: String,
    outcome: String,
    received_by: String,
    received_at: NaiveDateTime,
}

/// A file about to be recorded.
pub struct NewFile<'a> {
    pub id: &'a InboundFileId,
    pub sha256: &'a str,
    /// `999` or `277CA`.
    pub kind: &'a str,
    pub interchange_control_number: &'a str,
    pub sender_id: &'a str,
    pub content: &'a str,
    pub received_by: &'a str,
}

/// A stored outcome that no longer reads (a hand-edited row): a database error, never a panic.
fn bad_outcome(error: serde_json::Error) -> diesel::result::Error {
    diesel::result::Error::DeserializationError(format!("stored outcome: {error}").into())
}

fn outcome_of(text: &str) -> QueryResult<Outcome> {
    serde_json::from_str(text).map_err(bad_outcome)
}

/// Records the file with an empty outcome (the caller stores the real one with [`set_outcome`] in the
/// same transaction). False, recording nothing, when a file with the same SHA-256 is already there; on
/// PostgreSQL a concurrent import of the same bytes waits here until the first one commits.
pub fn reserve(conn: &mut DbConnection, file: &NewFile) -> QueryResult<bool> {
    let row = FileRow {
        id: file.id.to_string(),
        sha256: file.sha256.to_owned(),
        kind: file.kind.to_owned(),
        interchange_control_number: file.interchange_control_number.to_owned(),
        sender_id: file.sender_id.to_owned(),
        content: file.content.to_owned(),
        outcome: "{}".to_owned(),
        received_by: file.received_by.to_owned(),
        received_at: from_utc(now()),
    };
    Ok(crate::insert_or_ignore!(conn, files::table, &row)? == 1)
}

/// Stores what importing the file did.
pub fn set_outcome(
    conn: &mut DbConnection,
    id: &InboundFileId,
    outcome: &Outcome,
) -> QueryResult<()> {
    let text = serde_json::to_string(outcome)
        .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
    diesel::update(files::table.find(id.as_str()))
        .set(files::outcome.eq(text))
        .execute(conn)?;
    Ok(())
}

/// The outcome recorded for the file with these bytes, if it was imported before.
pub fn outcome_by_sha256(conn: &mut DbConnection, sha256: &str) -> QueryResult<Option<Outcome>> {
    let text: Option<String> = files::table
        .filter(files::sha256.eq(sha256))
        .select(files::outcome)
        .first(conn)
        .optional()?;
    text.as_deref().map(outcome_of).transpose()
}

pub fn find(conn: &mut DbConnection, id: &InboundFileId) -> QueryResult<Option<InboundFile>> {
    let row: Option<FileRow> = files::table
        .find(id.as_str())
        .select(FileRow::as_select())
        .first(conn)
        .optional()?;
    row.map(|r| {
        Ok(InboundFile {
            outcome: outcome_of(&r.outcome)?,
            summary: InboundFileSummary {
                id: InboundFileId::from_stored(r.id),
                kind: r.kind,
                sha256: r.sha256,
                interchange_control_number: r.interchange_control_number,
                sender_id: r.sender_id,
                received_by: r.received_by,
                received_at: to_utc(r.received_at),
                counts: None,
            },
            content: r.content,
        })
    })
    .transpose()
}

/// One page of files, newest first, with the total; each with the counts of its outcome.
pub fn list(
    conn: &mut DbConnection,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<InboundFileSummary>, i64)> {
    let total = files::table.count().get_result(conn)?;
    let rows: Vec<SummaryRow> = files::table
        .order((files::received_at.desc(), files::id.desc()))
        .limit(limit)
        .offset(offset)
        .select(SummaryRow::as_select())
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(|r| {
            Ok(InboundFileSummary {
                counts: Some(outcome_of(&r.outcome)?.counts()),
                id: InboundFileId::from_stored(r.id),
                kind: r.kind,
                sha256: r.sha256,
                interchange_control_number: r.interchange_control_number,
                sender_id: r.sender_id,
                received_by: r.received_by,
                received_at: to_utc(r.received_at),
            })
        })
        .collect::<QueryResult<_>>()?;
    Ok((items, total))
}
