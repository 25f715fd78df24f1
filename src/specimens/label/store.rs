//! `label_prints`: one row per specimen per print job. Diesel only.

use chrono::NaiveDateTime;
use diesel::dsl::{exists, sum};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::label_prints;

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = label_prints)]
pub struct NewLabelPrint {
    pub id: String,
    pub job_id: String,
    pub specimen_id: String,
    pub copies: i32,
    pub format: String,
    pub dpi: i32,
    pub reprint: bool,
    pub reason: Option<String>,
    pub actor_id: Option<String>,
    pub actor: String,
    pub printed_at: NaiveDateTime,
}

/// Whether any label of the specimen was printed before (so the next print is a reprint).
pub fn printed_before(conn: &mut DbConnection, specimen_id: &str) -> QueryResult<bool> {
    diesel::select(exists(
        label_prints::table.filter(label_prints::specimen_id.eq(specimen_id)),
    ))
    .get_result(conn)
}

pub fn insert(conn: &mut DbConnection, print: &NewLabelPrint) -> QueryResult<()> {
    diesel::insert_into(label_prints::table)
        .values(print)
        .execute(conn)
        .map(|_| ())
}

/// Labels printed for the specimen so far, copies included.
pub fn copies_printed(conn: &mut DbConnection, specimen_id: &str) -> QueryResult<i64> {
    let total: Option<i64> = label_prints::table
        .filter(label_prints::specimen_id.eq(specimen_id))
        .select(sum(label_prints::copies))
        .first(conn)?;
    Ok(total.unwrap_or(0))
}
