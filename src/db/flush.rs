//! Commits that do not wait for the disk, for a long run of small transactions that ends with one that
//! does (posting an 835 claim by claim, each claim its own transaction, then marking the file done).
//!
//! Inside [`deferring_flush`], PostgreSQL commits with `synchronous_commit = off` and SQLite (WAL) with
//! `synchronous = NORMAL`: each transaction is still atomic and commits in order, but a crash may lose
//! the last few committed, whole. The first transaction committed after it returns waits for the disk
//! as usual, and since both logs are written in order, that flushes every transaction before it too. So
//! once the caller's closing transaction has committed (and only then does it answer), everything is as
//! durable as if each transaction had waited; a crash before that is a crash a little earlier, which
//! the caller must already survive (an interrupted import is finished by importing the file again).
//! Each claim's commit then costs no fsync: the fsync is most of a small transaction's time.

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

use diesel::connection::SimpleConnection;

use super::DbConnection;

/// Runs `f` with deferred flushing on this connection, then restores the durable setting (also when
/// `f` fails or panics, so the pooled connection goes back as it came).
pub fn deferring_flush<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    set_waiting(conn, false)?;
    let result = catch_unwind(AssertUnwindSafe(|| f(&mut *conn)));
    let restored = set_waiting(conn, true);
    match result {
        Ok(value) => {
            let value = value?;
            restored?;
            Ok(value)
        }
        Err(panic) => resume_unwind(panic),
    }
}

fn set_waiting(conn: &mut DbConnection, wait: bool) -> diesel::QueryResult<()> {
    match (conn, wait) {
        (DbConnection::Pg(c), true) => c.batch_execute("SET synchronous_commit = on"),
        (DbConnection::Pg(c), false) => c.batch_execute("SET synchronous_commit = off"),
        // FULL is what every connection opens with (see `Manager`).
        (DbConnection::Sqlite(c), true) => c.batch_execute("PRAGMA synchronous = FULL"),
        (DbConnection::Sqlite(c), false) => c.batch_execute("PRAGMA synchronous = NORMAL"),
    }
}

#[cfg(test)]
mod tests {
    use diesel::prelude::*;
    use diesel::sql_types::Text;

    use super::*;
    use crate::db::Manager;

    #[derive(QueryableByName)]
    struct Setting {
        #[diesel(sql_type = Text)]
        value: String,
    }

    #[test]
    fn sqlite_flushes_lazily_inside_and_fully_again_after_even_on_failure() {
        let path = std::env::temp_dir().join(format!("flush-{}.db", uuid::Uuid::now_v7()));
        let mut conn = Manager::new(&path.display().to_string())
            .establish()
            .unwrap();
        let synchronous = |conn: &mut DbConnection| {
            diesel::sql_query("SELECT CAST((SELECT * FROM pragma_synchronous) AS TEXT) AS value")
                .get_result::<Setting>(conn)
                .unwrap()
                .value
        };
        let inside = deferring_flush(&mut conn, |conn| {
            Ok::<_, diesel::result::Error>(synchronous(conn))
        });
        assert_eq!(inside.unwrap(), "1", "NORMAL inside");
        assert_eq!(synchronous(&mut conn), "2", "FULL after");
        let failed: Result<(), diesel::result::Error> =
            deferring_flush(&mut conn, |_| Err(diesel::result::Error::NotFound));
        assert!(failed.is_err());
        assert_eq!(synchronous(&mut conn), "2", "FULL after a failure");
        drop(conn);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
}
