//! What the command line does, behind `main.rs`'s argument parsing. Each returns the exit code or a
//! message for standard error.

use std::io::{IsTerminal, Read};
use std::net::TcpListener;
use std::process::ExitCode;

use crate::audit::{self, AuditActor};
use crate::auth::admin::{self, TokenGrant, ValidUser, add_user};
use crate::auth::{User, hash_password, store};
use crate::coding::codesets::import::{ImportOutcome, ImportRequest, SourceFile};
use crate::coding::codesets::{self, System};
use crate::config::Settings;
use crate::db::ids::TokenId;
use crate::db::{self, DbConnection, DbPool, PooledConn, write_transaction};

mod era;

pub use era::era_import;

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
        import_shipped_codesets(&mut conn, &settings)?;
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

/// First start (and every start after an upgrade ships new sets): imports the shipped code sets the
/// settings select, under the start-up lock so instances starting together import once.
pub fn import_shipped_codesets(conn: &mut DbConnection, settings: &Settings) -> Result<(), String> {
    let mode = settings.codesets_on_start;
    let imported = db::exclusively(conn, |conn| codesets::shipped::import_shipped(conn, mode))
        .map_err(|e| format!("importing the shipped code sets: {e}"))?;
    for set in imported {
        tracing::info!(set = %set, "shipped code set imported");
    }
    Ok(())
}

/// What `codesets import` was asked.
pub struct CodesetImportArgs {
    pub paths: Vec<std::path::PathBuf>,
    pub system: Option<String>,
    pub label: Option<String>,
    pub effective_from: Option<chrono::NaiveDate>,
    pub effective_to: Option<chrono::NaiveDate>,
}

struct Bar(indicatif::ProgressBar);

impl codesets::import::Progress for Bar {
    fn start(&self, total: u64) {
        self.0.set_length(total);
    }
    fn advance(&self, rows: u64) {
        self.0.inc(rows);
    }
}

pub fn codesets_import(settings: &Settings, args: CodesetImportArgs) -> CliResult {
    let files = args
        .paths
        .iter()
        .map(|p| SourceFile::read(p))
        .collect::<Result<Vec<_>, _>>()?;
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    let system = match args.system.as_deref() {
        Some(s) => System::parse(s).map_err(|m| format!("--system {m}"))?,
        None => infer_system(&names)?,
    };
    let month = names.iter().find_map(|n| year_month(n));
    let effective_from = args
        .effective_from
        .or_else(|| month.and_then(|(y, m)| chrono::NaiveDate::from_ymd_opt(y, m, 1)))
        .ok_or("name the first day the files apply with --effective-from YYYY-MM-DD")?;
    let label = args.label.unwrap_or_else(|| match month {
        Some((y, m)) => format!("{y}-{m:02}"),
        None => names.join(", "),
    });
    let request = ImportRequest {
        system,
        label,
        effective_from,
        effective_to: args.effective_to,
        files,
    };
    let mut conn = connection(settings)?;
    let bar = indicatif::ProgressBar::new(0).with_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} rows ({elapsed})")
            .map_err(|e| e.to_string())?
            .progress_chars("=> "),
    );
    bar.set_message(format!("importing {system}"));
    let outcome = codesets::import::import(&mut conn, &cli_actor(), &request, &Bar(bar.clone()))
        .map_err(|e| e.to_string())?;
    bar.finish_and_clear();
    match outcome {
        ImportOutcome::Imported(v) => println!(
            "imported {} {} ({} rows), in effect from {}{}",
            v.system,
            v.label,
            v.entry_count,
            v.effective_from,
            v.effective_to
                .map(|to| format!(" to {to}"))
                .unwrap_or_default()
        ),
        ImportOutcome::AlreadyImported(v) => println!(
            "already imported as {} {} (same checksum): nothing changed",
            v.system, v.label
        ),
    }
    Ok(ExitCode::SUCCESS)
}

/// ICD-10-CM is recognisable by its name or its tabular XML; other systems must be named.
fn infer_system(names: &[&str]) -> Result<System, String> {
    let icd = names.iter().any(|n| {
        let n = n.to_ascii_lowercase();
        n.contains("icd10cm")
            || n.contains("icd-10-cm")
            || n.ends_with(".xml")
            || n.ends_with(".xml.gz")
    });
    if icd {
        Ok(System::Icd10cm)
    } else {
        Err("name the code system with --system (icd10cm, cpt, hcpcs, modifier, pos, carc, rarc, ncci_ptp, mue)".into())
    }
}

/// The first `YYYY-MM` in a file name (icd10cm-2026-04.tsv.gz → 2026, 4).
fn year_month(name: &str) -> Option<(i32, u32)> {
    let bytes = name.as_bytes();
    (0..bytes.len().saturating_sub(6)).find_map(|i| {
        let part = &name.get(i..i + 7)?;
        let (year, month) = part.split_once('-')?;
        let ok = year.len() == 4
            && month.len() == 2
            && part.bytes().filter(u8::is_ascii_digit).count() == 6;
        let month: u32 = month.parse().ok().filter(|m| (1..=12).contains(m))?;
        ok.then_some((year.parse().ok()?, month))
    })
}

pub fn codesets_list(settings: &Settings) -> CliResult {
    let mut conn = connection(settings)?;
    let versions = codesets::store::versions(&mut conn).map_err(|e| e.to_string())?;
    println!(
        "{:<10} {:<12} {:<12} {:>8}  label",
        "system", "from", "to", "rows"
    );
    for v in versions {
        let to = v
            .effective_to
            .map(|d| d.to_string())
            .unwrap_or_else(|| "-".into());
        println!(
            "{:<10} {:<12} {:<12} {:>8}  {}",
            v.system, v.effective_from, to, v.entry_count, v.label
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `claims export`: builds a batch for the partner (the named ready claims, else all routed to it) as
/// `POST /claim-batches` does, or takes an existing batch, and writes its stored file to `out` as
/// `{reference}.x12`, byte for byte what the API serves.
pub fn claims_export(
    settings: &Settings,
    partner: Option<&str>,
    claims: &[String],
    batch: Option<&str>,
    out: &std::path::Path,
) -> CliResult {
    use crate::claims::batches::{self, BatchInput, ValidBatchInput};
    use crate::db::ids::ClaimBatchId;
    let mut conn = connection(settings)?;
    let actor = cli_actor();
    let built = match (batch, partner) {
        (Some(id), None) => {
            let id = ClaimBatchId::parse(id).map_err(|e| format!("--batch: {e}"))?;
            batches::store::find(&mut conn, &id)
                .map_err(|e| e.to_string())?
                .ok_or("no batch with this id")?
        }
        (None, Some(partner)) => {
            let input = BatchInput {
                partner_id: partner.to_owned(),
                claim_ids: (!claims.is_empty()).then(|| claims.to_vec()),
            };
            let valid = ValidBatchInput::try_from(&input).map_err(refusal)?;
            let codes = codesets::Snapshot::load(&mut conn, None).map_err(|e| e.to_string())?;
            write_transaction(&mut conn, |conn| {
                batches::create_batch(conn, &actor, &codes, &valid, db::now().naive_utc())
            })
            .map_err(refusal)?
        }
        _ => {
            return Err(
                "name either --partner (to build a batch) or --batch (to export one)".into(),
            );
        }
    };
    let file = write_transaction(&mut conn, |conn| {
        let file = batches::store::file(conn, &built.id)?.unwrap_or_default();
        let audits = batches::store::claim_patients(conn, &built.id)?
            .into_iter()
            .map(|(claim, patient)| {
                audit::Audit::new("export", crate::claims::workflow::RESOURCE, claim)
                    .patient(patient)
                    .detail(format!("batch {} to a file", built.reference))
            })
            .collect();
        audit::record_many(conn, &actor, audits)?;
        Ok::<_, diesel::result::Error>(file)
    })
    .map_err(|e| e.to_string())?;
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let path = out.join(format!("{}.x12", built.reference));
    std::fs::write(&path, file.as_bytes()).map_err(|e| format!("{}: {e}", path.display()))?;
    println!(
        "batch {} ({}): {} claims in {} transaction sets, ISA13 {}, sha256 {}\nwrote {}",
        built.reference,
        built.id,
        built.claim_count,
        built.transaction_count,
        built.interchange_control_number,
        built.sha256,
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// A refusal as the API would answer it, for standard error: the detail, then each field and finding.
fn refusal(e: crate::error::AppError) -> String {
    let problem = e.problem();
    let mut text = problem.detail;
    for field in problem.errors {
        text.push_str(&format!("\n  {}: {}", field.field, field.message));
    }
    if let Some(findings) = problem
        .extensions
        .get("findings")
        .and_then(|f| f.as_array())
    {
        for f in findings {
            text.push_str(&format!("\n  {f}"));
        }
    }
    text
}
