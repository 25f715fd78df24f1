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

/// Reserves `count` consecutive values of `name` and returns the first (the next `count - 1` follow it).
/// Same locking as [`next_counter`]; `count` must be at least 1.
pub fn reserve_counter(conn: &mut DbConnection, name: &str, count: i64) -> QueryResult<i64> {
    debug_assert!(count >= 1);
    ensure_counter(conn, name)?;
    diesel::update(counters::table.find(name))
        .set(counters::value.eq(counters::value + count))
        .execute(conn)?;
    let last: i64 = counters::table
        .find(name)
        .select(counters::value)
        .first(conn)?;
    Ok(last - count + 1)
}

/// Creates the counter at 0 unless it exists.
fn ensure_counter(conn: &mut DbConnection, name: &str) -> QueryResult<usize> {
    let row = (counters::name.eq(name), counters::value.eq(0_i64));
    crate::insert_or_ignore!(conn, counters::table, row)
}
