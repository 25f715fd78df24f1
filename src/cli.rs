//! What the command line does, behind `main.rs`'s argument parsing. Each returns the exit code or a
//! message for standard error.

use std::io::Read;
use std::net::TcpListener;
use std::process::ExitCode;

use chrono::Duration;

use crate::audit::{self, Audit, AuditActor};
use crate::auth::routes::add_user;
use crate::auth::{Role, Username, check_new_password, hash_password, issue_token, store};
use crate::config::Settings;
use crate::db::ids::TokenId;
use crate::db::{self, DbConnection, DbPool, PooledConn, now, write_transaction};

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
    let username = Username::parse(username).map_err(|m| format!("username {m}"))?;
    let role = Role::parse(role).map_err(|m| format!("role {m}"))?;
    let password_hash = if password_stdin {
        let mut password = String::new();
        std::io::stdin()
            .read_to_string(&mut password)
            .map_err(|e| e.to_string())?;
        let password = password.trim_end_matches(['\r', '\n']);
        check_new_password(password).map_err(|m| format!("password {m}"))?;
        Some(hash_password(password)?)
    } else {
        None
    };
    let mut conn = connection(settings)?;
    let display_name = display_name.unwrap_or(username.as_str()).to_owned();
    let user = write_transaction(&mut conn, |conn: &mut DbConnection| {
        add_user(
            conn,
            &cli_actor(),
            &username,
            &display_name,
            role,
            password_hash,
        )
    })
    .map_err(|e| e.to_string())?;
    println!(
        "created user {} ({}) with id {}",
        user.username, user.role, user.id
    );
    Ok(ExitCode::SUCCESS)
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

pub fn user_disable(settings: &Settings, username: &str) -> CliResult {
    let mut conn = connection(settings)?;
    let name = username.trim().to_ascii_lowercase();
    write_transaction(&mut conn, |conn: &mut DbConnection| {
        let user = store::find_user_by_name(conn, &name)?
            .ok_or(crate::error::AppError::NotFound("user"))?;
        store::disable_user(conn, &user.id)?;
        audit::record(conn, &cli_actor(), Audit::new("disable", "user", &user.id))?;
        Ok::<_, crate::error::AppError>(())
    })
    .map_err(|e| e.to_string())?;
    println!("disabled {name} and revoked their tokens");
    Ok(ExitCode::SUCCESS)
}

pub fn token_create(settings: &Settings, username: &str, name: &str, days: i64) -> CliResult {
    if !(1..=365).contains(&days) {
        return Err("--days must be between 1 and 365".into());
    }
    let mut conn = connection(settings)?;
    let username = username.trim().to_ascii_lowercase();
    let token = write_transaction(&mut conn, |conn: &mut DbConnection| {
        let user = store::find_user_by_name(conn, &username)?
            .filter(|u| u.active)
            .ok_or(crate::error::AppError::NotFound("active user"))?;
        let (token, info) = issue_token(conn, &user.id, name, now() + Duration::days(days))?;
        audit::record(conn, &cli_actor(), Audit::new("create", "token", &info.id))?;
        Ok::<_, crate::error::AppError>(token)
    })
    .map_err(|e| e.to_string())?;
    println!("{token}");
    Ok(ExitCode::SUCCESS)
}

pub fn token_revoke(settings: &Settings, token_id: &str) -> CliResult {
    let token_id = TokenId::parse(token_id).map_err(|m| format!("token id {m}"))?;
    let mut conn = connection(settings)?;
    let revoked = write_transaction(&mut conn, |conn: &mut DbConnection| {
        let revoked = store::revoke_token(conn, &token_id)?;
        if revoked {
            audit::record(conn, &cli_actor(), Audit::new("revoke", "token", &token_id))?;
        }
        Ok::<_, diesel::result::Error>(revoked)
    })
    .map_err(|e| e.to_string())?;
    if !revoked {
        return Err(format!("no active token with id {token_id}"));
    }
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
