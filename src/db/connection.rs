//! One connection type over both backends, chosen from the URL scheme (never by trial: diesel's derived
//! `establish` would silently turn a mistyped PostgreSQL URL into a SQLite file).

use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel::sqlite::SqliteConnection;

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

pub type DbPool = r2d2::Pool<Manager>;
pub type PooledConn = r2d2::PooledConnection<Manager>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

impl Backend {
    /// `postgres://` or `postgresql://` is PostgreSQL; a `sqlite://` URL or a plain path is SQLite.
    pub fn from_url(url: &str) -> (Backend, String) {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (Backend::Postgres, url.to_owned())
        } else {
            let path = url.strip_prefix("sqlite://").unwrap_or(url);
            (Backend::Sqlite, path.to_owned())
        }
    }
}

/// r2d2 manager that opens the right backend and sets SQLite's pragmas on every new connection.
#[derive(Debug, Clone)]
pub struct Manager {
    backend: Backend,
    target: String,
}

impl Manager {
    pub fn new(database_url: &str) -> Self {
        let (backend, target) = Backend::from_url(database_url);
        Manager { backend, target }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn establish(&self) -> ConnectionResult<DbConnection> {
        match self.backend {
            Backend::Postgres => PgConnection::establish(&self.target).map(DbConnection::Pg),
            Backend::Sqlite => {
                let mut conn = SqliteConnection::establish(&self.target)?;
                // WAL lets readers run beside the writer; FULL sync because this is billing data;
                // busy_timeout makes writers queue instead of failing under contention.
                // busy_timeout first: switching a new file to WAL needs a lock other connections may hold.
                conn.batch_execute(
                    "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
                )
                .map_err(|e| ConnectionError::BadConnection(e.to_string()))?;
                // SQLite's own lower() folds only ASCII, so "Élan" would not match the pattern "él%"
                // that `like_prefix` builds; PostgreSQL's folds every letter. Replace it with Rust's.
                super::lower_utils::register_impl(&mut conn, |text: String| text.to_lowercase())
                    .map_err(|e| ConnectionError::BadConnection(e.to_string()))?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        self.establish().map_err(r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        <DbConnection as Connection>::TransactionManager::is_broken_transaction_manager(conn)
    }
}

/// Builds the pool. SQLite gets a small pool (one writer at a time anyway); PostgreSQL a larger one.
pub fn build_pool(database_url: &str, max_size: Option<u32>) -> Result<DbPool, r2d2::PoolError> {
    let manager = Manager::new(database_url);
    let default_size = match manager.backend() {
        Backend::Postgres => 10,
        Backend::Sqlite => 8,
    };
    r2d2::Pool::builder()
        .max_size(max_size.unwrap_or(default_size))
        .connection_timeout(Duration::from_secs(10))
        .build(manager)
}

/// Runs `f` in a transaction meant to write. On SQLite it begins `IMMEDIATE`, taking the write lock up
/// front: a deferred transaction that reads first and writes later can fail with SQLITE_BUSY when another
/// writer committed in between, which busy_timeout does not cure. Nested `transaction` calls inside `f`
/// become savepoints as usual, because the multi-backend manager delegates to the inner connection's.
pub fn write_transaction<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    match conn {
        DbConnection::Pg(_) => conn.transaction(f),
        DbConnection::Sqlite(inner) => {
            let status = AnsiTransactionManager::transaction_manager_status_mut(inner);
            if status.transaction_depth()?.is_some() {
                // Already inside a (write) transaction: a savepoint, as `transaction` makes.
                return conn.transaction(f);
            }
            AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")?;
            let result = f(conn);
            let DbConnection::Sqlite(inner) = conn else {
                unreachable!("backend cannot change inside a transaction")
            };
            match result {
                Ok(value) => {
                    AnsiTransactionManager::commit_transaction(inner)?;
                    Ok(value)
                }
                Err(error) => {
                    AnsiTransactionManager::rollback_transaction(inner)?;
                    Err(error)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_lower_folds_every_letter_as_postgres_does() {
        let mut conn = Manager::new(":memory:").establish().unwrap();
        let folded: String = diesel::select(super::super::lower("ÉLAN Öhm Street"))
            .get_result(&mut conn)
            .unwrap();
        assert_eq!(folded, "élan öhm street");
    }

    #[test]
    fn the_backend_comes_from_the_url_scheme() {
        let cases = [
            (
                "postgres://u@h:5432/db",
                Backend::Postgres,
                "postgres://u@h:5432/db",
            ),
            (
                "postgresql://u@h/db",
                Backend::Postgres,
                "postgresql://u@h/db",
            ),
            ("sqlite://data/bo.db", Backend::Sqlite, "data/bo.db"),
            ("./backoffice.db", Backend::Sqlite, "./backoffice.db"),
            ("postgres:/typo", Backend::Sqlite, "postgres:/typo"),
        ];
        for (url, backend, target) in cases {
            assert_eq!(
                Backend::from_url(url),
                (backend, target.to_owned()),
                "{url}"
            );
        }
    }

    #[derive(diesel::QueryableByName)]
    struct Pragma {
        #[diesel(sql_type = diesel::sql_types::Text)]
        value: String,
    }

    fn pragma(conn: &mut DbConnection, name: &str) -> String {
        diesel::sql_query(format!(
            "SELECT CAST((SELECT * FROM pragma_{name}) AS TEXT) AS value"
        ))
        .get_result::<Pragma>(conn)
        .unwrap()
        .value
    }

    #[test]
    fn sqlite_connections_use_wal_full_sync_foreign_keys_and_a_busy_timeout() {
        let dir = std::env::temp_dir().join(format!("bo-pragmas-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut conn = Manager::new(&dir.join("p.db").display().to_string())
            .establish()
            .unwrap();
        assert_eq!(pragma(&mut conn, "journal_mode"), "wal");
        assert_eq!(pragma(&mut conn, "synchronous"), "2", "FULL");
        assert_eq!(pragma(&mut conn, "foreign_keys"), "1");
        assert_eq!(pragma(&mut conn, "busy_timeout"), "10000");
        drop(conn);
        let _ = std::fs::remove_dir_all(dir);
    }
}
