//! Named counters (MRNs, later accession and X12 control numbers). The increment is a single UPDATE inside
//! the caller's transaction: the row lock it takes serialises concurrent allocations on PostgreSQL (across
//! service instances too), and SQLite's write lock does the same, so a number is never handed out twice.

use diesel::prelude::*;

use super::DbConnection;
use super::schema::counters;

/// Returns the next value of `name` (starting at 1). Call inside a write transaction.
pub fn next_counter(conn: &mut DbConnection, name: &str) -> QueryResult<i64> {
    ensure_counter(conn, name)?;
    diesel::update(counters::table.find(name))
        .set(counters::value.eq(counters::value + 1))
        .execute(conn)?;
    counters::table
        .find(name)
        .select(counters::value)
        .first(conn)
}

/// Creates the counter at 0 unless it exists. Upserts are not portable through the multi-backend
/// connection, so this one matches on the backend.
fn ensure_counter(conn: &mut DbConnection, name: &str) -> QueryResult<usize> {
    let row = (counters::name.eq(name), counters::value.eq(0_i64));
    match conn {
        DbConnection::Pg(c) => diesel::insert_into(counters::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(c),
        DbConnection::Sqlite(c) => diesel::insert_into(counters::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(c),
    }
}
