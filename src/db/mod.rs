//! Database access shared by every domain: one connection type over SQLite and PostgreSQL, the pool,
//! embedded migrations, write transactions and counters. Knows no domain.

mod connection;
mod counters;
mod flush;
pub mod ids;
pub mod schema;
mod time;

pub use connection::{
    Backend, DbConnection, DbPool, Manager, PooledConn, build_pool, write_transaction,
};
pub use counters::{next_counter, reserve_counter};
pub use flush::deferring_flush;
pub use time::{from_utc, now, to_utc};

use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

type MigrationError = Box<dyn std::error::Error + Send + Sync>;

/// Applies every pending migration of the connection's backend; returns how many ran.
pub fn run_migrations(conn: &mut DbConnection) -> Result<usize, MigrationError> {
    let applied = match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS)?.len(),
        DbConnection::Pg(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS)?.len(),
    };
    Ok(applied)
}

/// Reverts every applied migration (used by the test that runs migrations down and up again).
pub fn revert_all_migrations(conn: &mut DbConnection) -> Result<usize, MigrationError> {
    let reverted = match conn {
        DbConnection::Sqlite(c) => c.revert_all_migrations(SQLITE_MIGRATIONS)?.len(),
        DbConnection::Pg(c) => c.revert_all_migrations(POSTGRES_MIGRATIONS)?.len(),
    };
    Ok(reverted)
}

/// A fresh UUID v7 as stored in TEXT id columns.
pub fn new_id() -> uuid::Uuid {
    uuid::Uuid::now_v7()
}

diesel::define_sql_function! {
    /// SQL `lower()` for case-insensitive matching. SQLite connections replace the built-in (ASCII only)
    /// with Rust's `str::to_lowercase`, so it folds every letter on both backends.
    fn lower(text: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// A lower-case `LIKE` prefix pattern for user text, with `%`, `_` and `\` escaped: use with
/// `.escape('\\')` against `lower(column)` or a lower-cased key column (PostgreSQL's LIKE is
/// case-sensitive, SQLite's is not, so both sides are lowered).
pub fn like_prefix(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 1);
    for c in text.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// An arbitrary key for PostgreSQL's advisory lock around start-up work.
const STARTUP_LOCK_KEY: i64 = 0x6261_636b_6f66_6669; // "backoffi"

/// Runs `f` alone: several instances (or processes) starting at once migrate and bootstrap one after
/// another. PostgreSQL holds a session advisory lock around `f`; SQLite runs it in one immediate
/// transaction, whose write lock waits out the others (migrations nest in it as savepoints).
pub fn exclusively<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    if matches!(conn, DbConnection::Sqlite(_)) {
        return write_transaction(conn, f);
    }
    advisory_locked(conn, STARTUP_LOCK_KEY, f)
}

/// Runs `f` holding PostgreSQL's session advisory lock `key` (any instance holding it waits).
fn advisory_locked<T, E>(
    conn: &mut DbConnection,
    key: i64,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    use diesel::RunQueryDsl;
    diesel::sql_query(format!("SELECT pg_advisory_lock({key})")).execute(conn)?;
    let result = f(conn);
    diesel::sql_query(format!("SELECT pg_advisory_unlock({key})")).execute(conn)?;
    result
}

/// Runs `f` while no other caller with the same `key` runs, however many transactions `f` commits: on
/// PostgreSQL across every instance (a session advisory lock); on SQLite within this process, which is
/// the one serving an SQLite database.
pub fn one_at_a_time<T, E>(
    conn: &mut DbConnection,
    key: i64,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    if matches!(conn, DbConnection::Pg(_)) {
        return advisory_locked(conn, key, f);
    }
    let _held = local_lock::hold(key);
    f(conn)
}

/// Keys held in this process, each released when its guard drops (a panic included).
mod local_lock {
    use std::collections::BTreeSet;
    use std::sync::{Condvar, Mutex, PoisonError};

    static HELD: Mutex<BTreeSet<i64>> = Mutex::new(BTreeSet::new());
    static RELEASED: Condvar = Condvar::new();

    pub struct Held(i64);

    pub fn hold(key: i64) -> Held {
        let mut held = HELD.lock().unwrap_or_else(PoisonError::into_inner);
        while held.contains(&key) {
            held = RELEASED.wait(held).unwrap_or_else(PoisonError::into_inner);
        }
        held.insert(key);
        Held(key)
    }

    impl Drop for Held {
        fn drop(&mut self) {
            HELD.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .remove(&self.0);
            RELEASED.notify_all();
        }
    }
}

/// A multi-row INSERT on the concrete connection (the multi-backend connection cannot express batch
/// inserts). Keep each call's rows × columns under both backends' bind-parameter limits (32,766).
#[macro_export]
macro_rules! insert_batch {
    ($conn:expr, $table:expr, $values:expr) => {{
        use diesel::RunQueryDsl;
        match $conn {
            $crate::db::DbConnection::Pg(c) => {
                diesel::insert_into($table).values($values).execute(c)
            }
            $crate::db::DbConnection::Sqlite(c) => {
                diesel::insert_into($table).values($values).execute(c)
            }
        }
    }};
}

/// `INSERT … ON CONFLICT DO NOTHING`: the multi-backend connection cannot express upserts, so this runs
/// the insert on the concrete connection. Evaluates to the number of rows inserted (0 on a conflict).
#[macro_export]
macro_rules! insert_or_ignore {
    ($conn:expr, $table:expr, $values:expr) => {{
        use diesel::RunQueryDsl;
        match $conn {
            $crate::db::DbConnection::Pg(c) => diesel::insert_into($table)
                .values($values)
                .on_conflict_do_nothing()
                .execute(c),
            $crate::db::DbConnection::Sqlite(c) => diesel::insert_into($table)
                .values($values)
                .on_conflict_do_nothing()
                .execute(c),
        }
    }};
}
