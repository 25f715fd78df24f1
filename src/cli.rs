//! What the command line does, behind `main.rs`'s argument parsing. Each returns the exit code or a
//! message for standard error.

use std::io::{IsTerminal, Read};
use std::net::TcpListener;
use std::process::ExitCode;

use crate::audit::{self, AuditActor};
use crate::auth::admin::{self, TokenGrant, ValidUser, add_user};
use crate::auth::{User, hash_password, store};
use crate::config::Settings;
use crate::db::ids::TokenId;
use crate::db::{self, DbConnection, DbPool, PooledConn, write_transaction};

type CliResult = Result<ExitCode, String>;

fn cli_actor() -> AuditActor {
    AuditActor::system("cli")
}

/// Builds the pool and applies pending migrations.
pub fn open_database(settings: &Settings) -> Result<DbPool, String> {
    let pool = db::build_pool(&settings.database_url, settings.pool_size)
        .map_err(|e| format!("cannot open the database: {e}"))?;
    let mut conn = pool
        .get()
        .map_err(|e| format!("cannot open the database: {e}"))?;
    let applied = migrate_exclusively(&mut conn)?;
    if applied > 0 {
        tracing::info!(applied, "migrations applied");
    }
    Ok(pool)
}

/// Applies pending migrations under the start-up lock (several instances may start at once).
fn migrate_exclusively(conn: &mut DbConnection) -> Result<usize, String> {
    db::exclusively(conn, |conn| {
        db::run_migrations(conn).map_err(MigrateError::Failed)
    })
    .map_err(|e| e.to_string())
}

#[derive(Debug, thiserror::Error)]
enum MigrateError {
    #[error("migration failed: {0}")]
    Failed(Box<dyn std::error::Error + Send + Sync>),
    #[error("database error: {0}")]
    Database(#[from] diesel::result::Error),
}

/// One migrated connection for a CLI command (it keeps its pool alive).
fn connection(settings: &Settings) -> Result<PooledConn, String> {
    open_database(settings)?.get().map_err(|e| e.to_string())
}

pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        // Colour only on a terminal: log files and collectors get plain text.
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .try_init();
}

pub fn serve(settings: Settings, demo: bool) -> CliResult {
    init_logging();
    let pool = open_database(&settings)?;
    {
        let mut conn = pool.get().map_err(|e| e.to_string())?;
        if let Some(token) =
            crate::bootstrap::ensure_first_admin(&mut conn).map_err(|e| e.to_string())?
        {
            print_first_token(&token);
        }
        if demo {
            let loaded =
                crate::demo::load(&mut conn, &settings.mrn_prefix).map_err(|e| e.to_string())?;
            println!("{loaded}");
        }
    }
    let listener = TcpListener::bind(&settings.bind)
        .map_err(|e| format!("cannot listen on {}: {e}", settings.bind))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    tracing::info!(%address, "backoffice listening");
    println!("backoffice listening on http://{address}");
    actix_web::rt::System::new()
        .block_on(async move { crate::app::serve(listener, pool, settings)?.await })
        .map_err(|e| e.to_string())?;
    Ok(ExitCode::SUCCESS)
}

fn print_first_token(token: &str) {
    println!();
    println!(
        "First start: created the administrator user \"admin\". Its API token, shown only now"
    );
    println!("(valid 30 days; create your own users and tokens with it):");
    println!();
    println!("    {token}");
    println!();
}

pub fn migrate(settings: &Settings) -> CliResult {
    let pool = db::build_pool(&settings.database_url, Some(1)).map_err(|e| e.to_string())?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let applied = migrate_exclusively(&mut conn)?;
    println!("{applied} migration(s) applied");
    Ok(ExitCode::SUCCESS)
}

pub fn user_add(
    settings: &Settings,
    username: &str,
    role: &str,
    display_name: Option<&str>,
    password_stdin: bool,
) -> CliResult {
    let password = password_stdin.then(read_password).transpose()?;
    let user = ValidUser::parse(username, display_name.unwrap_or(username), role, password)
        .map_err(|e| e.to_string())?;
    let password_hash = user.password.as_deref().map(hash_password).transpose()?;
    let mut conn = connection(settings)?;
    let created = write_transaction(&mut conn, |conn: &mut DbConnection| {
        add_user(conn, &cli_actor(), &user, password_hash)
    })
    .map_err(|e| e.to_string())?;
    println!(
        "created user {} ({}) with id {}",
        created.username, created.role, created.id
    );
    Ok(ExitCode::SUCCESS)
}

/// The password piped to standard input, without its line ending.
fn read_password() -> Result<String, String> {
    let mut password = String::new();
    std::io::stdin()
        .read_to_string(&mut password)
        .map_err(|e| e.to_string())?;
    Ok(password.trim_end_matches(['\r', '\n']).to_owned())
}

pub fn user_list(settings: &Settings) -> CliResult {
    let mut conn = connection(settings)?;
    let users = store::list_users(&mut conn).map_err(|e| e.to_string())?;
    println!("{:<38} {:<24} {:<12} active", "id", "username", "role");
    for u in users {
        println!(
            "{:<38} {:<24} {:<12} {}",
            u.id,
            u.username,
            u.role.as_str(),
            u.active
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The user with this username, or a message naming it.
fn user_named(conn: &mut DbConnection, username: &str) -> Result<User, String> {
    let name = username.trim().to_ascii_lowercase();
    store::find_user_by_name(conn, &name)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no user named {name}"))
}

pub fn user_disable(settings: &Settings, username: &str) -> CliResult {
    let mut conn = connection(settings)?;
    let user = user_named(&mut conn, username)?;
    write_transaction(&mut conn, |conn| {
        admin::disable_user(conn, &cli_actor(), &user.id)
    })
    .map_err(|e| e.to_string())?;
    println!("disabled {} and revoked their tokens", user.username);
    Ok(ExitCode::SUCCESS)
}

pub fn token_create(settings: &Settings, username: &str, name: &str, days: i64) -> CliResult {
    let grant = TokenGrant::parse(name, Some(days)).map_err(|e| e.to_string())?;
    let mut conn = connection(settings)?;
    let user = user_named(&mut conn, username)?;
    let created = write_transaction(&mut conn, |conn| {
        admin::grant_token(conn, &cli_actor(), &user.id, &grant)
    })
    .map_err(|e| e.to_string())?;
    println!("{}", created.token);
    Ok(ExitCode::SUCCESS)
}

pub fn token_revoke(settings: &Settings, token_id: &str) -> CliResult {
    let token_id = TokenId::parse(token_id).map_err(|m| format!("token id {m}"))?;
    let mut conn = connection(settings)?;
    write_transaction(&mut conn, |conn| {
        admin::revoke_token(conn, &cli_actor(), &token_id)
    })
    .map_err(|e| e.to_string())?;
    println!("revoked {token_id}");
    Ok(ExitCode::SUCCESS)
}

pub fn audit_verify(settings: &Settings) -> CliResult {
    let mut conn = connection(settings)?;
    match audit::verify_chain(&mut conn).map_err(|e| e.to_string())? {
        Ok(count) => {
            println!("audit chain intact: {count} events verified");
            Ok(ExitCode::SUCCESS)
        }
        Err(broken) => {
            println!(
                "audit chain BROKEN at event {}: {}",
                broken.seq, broken.reason
            );
            Ok(ExitCode::from(1))
        }
    }
}
