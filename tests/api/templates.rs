//! Databases holding the full shipped code sets, for the few tests that need all of ICD-10-CM: the
//! import runs once into a template (a SQLite file under the target dir, a PostgreSQL template
//! database) named by a hash of the migrations and shipped code sets, so it is reused across runs until
//! either changes; each test gets a copy.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use backoffice::coding::codesets::shipped::OnStart;
use backoffice::db::Manager;
use diesel::connection::SimpleConnection;
use sha2::{Digest, Sha256};

use crate::helpers::{
    Backend, Cleanup, TestDatabase, fresh_database, postgres_admin_url, test_settings,
    with_database,
};

/// A hash of everything a template's content depends on.
fn template_key() -> &'static str {
    static KEY: OnceLock<String> = OnceLock::new();
    KEY.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut hasher = Sha256::new();
        for dir in ["migrations", "codesets"] {
            hash_tree(&root.join(dir), &mut hasher);
        }
        hex::encode(hasher.finalize())[..16].to_owned()
    })
}

fn hash_tree(dir: &Path, hasher: &mut Sha256) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("dir entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            hash_tree(&path, hasher);
        } else {
            hasher.update(path.to_string_lossy().as_bytes());
            hasher.update(std::fs::read(&path).expect("read file"));
        }
    }
}

/// Migrates `url` and imports every shipped code set, then closes every connection.
fn fill_template(url: &str) {
    let mut settings = test_settings(url);
    settings.codesets_on_start = OnStart::All;
    let pool = backoffice::cli::open_database(&settings).expect("migrate the template");
    let mut conn = pool.get().expect("template connection");
    backoffice::cli::import_shipped_codesets(&mut conn, &settings)
        .expect("import into the template");
    if url.starts_with("postgres") {
        return;
    }
    conn.batch_execute("PRAGMA wal_checkpoint(TRUNCATE)")
        .expect("checkpoint");
}

/// A copy of the template on `backend`; `None` only for PostgreSQL when no server is configured.
pub fn database_with_full_codesets(backend: Backend) -> Option<TestDatabase> {
    match backend {
        Backend::Sqlite => {
            let database = fresh_database(Backend::Sqlite)?;
            std::fs::copy(sqlite_template(), &database.url).expect("copy the SQLite template");
            Some(database)
        }
        Backend::Postgres => {
            let admin_url = postgres_admin_url()?;
            let template = postgres_template(&admin_url);
            let name = format!("bo_test_{}", uuid::Uuid::now_v7().simple());
            retry_while_busy(
                &admin_url,
                &format!("CREATE DATABASE {name} TEMPLATE {template}"),
            );
            Some(TestDatabase {
                url: with_database(&admin_url, &name),
                cleanup: Cleanup::PostgresDatabase { admin_url, name },
            })
        }
    }
}

fn sqlite_template() -> &'static Path {
    static TEMPLATE: OnceLock<PathBuf> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
        let path = dir.join(format!("codesets-template-{}.db", template_key()));
        if !path.exists() {
            // Built under a private name and renamed: another test process never sees half a file.
            let building = dir.join(format!(
                "codesets-template-{}.{}.db",
                template_key(),
                std::process::id()
            ));
            fill_template(&building.display().to_string());
            std::fs::rename(&building, &path).expect("publish the SQLite template");
        }
        path
    })
}

fn postgres_template(admin_url: &str) -> &'static str {
    static TEMPLATE: OnceLock<String> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let name = format!("bo_test_tpl_{}", template_key());
        if !database_exists(admin_url, &name) {
            let building = format!("bo_test_tplb_{}_{}", template_key(), std::process::id());
            let mut conn = Manager::new(admin_url).establish().expect("connect");
            for statement in [
                format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"),
                format!("CREATE DATABASE {building}"),
            ] {
                conn.batch_execute(&statement)
                    .expect("create the template database");
            }
            fill_template(&with_database(admin_url, &building));
            retry_while_busy(
                admin_url,
                &format!("ALTER DATABASE {building} RENAME TO {name}"),
            );
        }
        name
    })
}

fn database_exists(admin_url: &str, name: &str) -> bool {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Found {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        #[allow(dead_code)]
        one: i32,
    }
    let mut conn = Manager::new(admin_url).establish().expect("connect");
    let found: Vec<Found> = diesel::sql_query(format!(
        "SELECT 1 AS one FROM pg_database WHERE datname = '{name}'"
    ))
    .load(&mut conn)
    .expect("query pg_database");
    !found.is_empty()
}

/// Runs a statement that needs the template free of sessions (closed connections linger briefly on the
/// server), one at a time within this process.
fn retry_while_busy(admin_url: &str, statement: &str) {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    let _guard = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let mut conn = Manager::new(admin_url).establish().expect("connect");
    let mut attempts = 0;
    loop {
        match conn.batch_execute(statement) {
            Ok(()) => return,
            Err(e) if attempts < 50 && e.to_string().contains("being accessed by other users") => {
                attempts += 1;
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(e) => panic!("{statement}: {e}"),
        }
    }
}
