//! Settings from `BACKOFFICE_*` environment variables, with defaults that work on a fresh machine.

use std::env;
use std::time::Duration;

use crate::coding::codesets::shipped::OnStart;

#[derive(Debug, Clone)]
pub struct Settings {
    /// `BACKOFFICE_DATABASE_URL`: a file path, `sqlite://path`, or `postgres://…`.
    pub database_url: String,
    /// `BACKOFFICE_BIND`: listen address.
    pub bind: String,
    /// `BACKOFFICE_DB_POOL_SIZE`: connections per instance (default 8 on SQLite, 10 on PostgreSQL).
    pub pool_size: Option<u32>,
    /// `BACKOFFICE_WORKERS`: HTTP worker threads (default: one per core).
    pub workers: Option<usize>,
    /// `BACKOFFICE_TOKEN_TTL_HOURS`: lifetime of tokens issued by login (default 12).
    pub login_token_ttl: Duration,
    /// `BACKOFFICE_MAX_BODY_BYTES`: largest JSON body accepted (default 256 KiB).
    pub max_body_bytes: usize,
    /// `BACKOFFICE_LOGIN_MAX_FAILURES`: failed logins per user within the window before 429 (default 5);
    /// an address may fail four times as often.
    pub login_max_failures: u32,
    /// `BACKOFFICE_LOGIN_WINDOW_MINUTES`: the rate-limit window (default 15).
    pub login_window: Duration,
    /// `BACKOFFICE_MRN_PREFIX`: prefix of generated medical record numbers (default `M`).
    pub mrn_prefix: String,
    /// `BACKOFFICE_ACCESSION_PREFIX`: 1 to 4 letters before the year in accession numbers (default `S`).
    pub accession_prefix: String,
    /// `BACKOFFICE_CODESETS_ON_START`: which shipped code sets a start imports: `all` (default), `small`
    /// (all but the full ICD-10-CM release) or `none`.
    pub codesets_on_start: OnStart,
    /// `BACKOFFICE_CODESETS_REFRESH_SECONDS`: how often an instance checks whether code sets were imported
    /// elsewhere (default 5).
    pub codesets_refresh: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            database_url: "./backoffice.db".into(),
            bind: "127.0.0.1:8080".into(),
            pool_size: None,
            workers: None,
            login_token_ttl: Duration::from_secs(12 * 3600),
            max_body_bytes: 256 * 1024,
            login_max_failures: 5,
            login_window: Duration::from_secs(15 * 60),
            mrn_prefix: "M".into(),
            accession_prefix: "S".into(),
            codesets_on_start: OnStart::All,
            codesets_refresh: Duration::from_secs(5),
        }
    }
}

impl Settings {
    /// Reads the environment; an unparsable number is an error naming the variable.
    pub fn from_env() -> Result<Self, String> {
        let defaults = Settings::default();
        Ok(Settings {
            database_url: var("DATABASE_URL").unwrap_or(defaults.database_url),
            bind: var("BIND").unwrap_or(defaults.bind),
            pool_size: number("DB_POOL_SIZE")?,
            workers: number("WORKERS")?,
            login_token_ttl: number::<u64>("TOKEN_TTL_HOURS")?
                .map(|h| Duration::from_secs(h * 3600))
                .unwrap_or(defaults.login_token_ttl),
            max_body_bytes: number("MAX_BODY_BYTES")?.unwrap_or(defaults.max_body_bytes),
            login_max_failures: number("LOGIN_MAX_FAILURES")?
                .unwrap_or(defaults.login_max_failures),
            login_window: number::<u64>("LOGIN_WINDOW_MINUTES")?
                .map(|m| Duration::from_secs(m * 60))
                .unwrap_or(defaults.login_window),
            mrn_prefix: var("MRN_PREFIX").unwrap_or(defaults.mrn_prefix),
            accession_prefix: accession_prefix(var("ACCESSION_PREFIX"))?
                .unwrap_or(defaults.accession_prefix),
            codesets_on_start: var("CODESETS_ON_START")
                .map(|v| {
                    OnStart::parse(&v).map_err(|m| format!("BACKOFFICE_CODESETS_ON_START {m}"))
                })
                .transpose()?
                .unwrap_or(defaults.codesets_on_start),
            codesets_refresh: number::<u64>("CODESETS_REFRESH_SECONDS")?
                .map(Duration::from_secs)
                .unwrap_or(defaults.codesets_refresh),
        })
    }
}

/// Accession prefixes are letters only, so the year that follows is never read as part of them.
fn accession_prefix(raw: Option<String>) -> Result<Option<String>, String> {
    let Some(raw) = raw else { return Ok(None) };
    let prefix = raw.trim().to_ascii_uppercase();
    if (1..=4).contains(&prefix.len()) && prefix.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(Some(prefix))
    } else {
        Err(format!(
            "BACKOFFICE_ACCESSION_PREFIX must be 1 to 4 letters, got {raw:?}"
        ))
    }
}

fn var(name: &str) -> Option<String> {
    env::var(format!("BACKOFFICE_{name}"))
        .ok()
        .filter(|v| !v.trim().is_empty())
}

fn number<T: std::str::FromStr>(name: &str) -> Result<Option<T>, String> {
    match var(name) {
        None => Ok(None),
        Some(raw) => raw
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| format!("BACKOFFICE_{name} must be a number, got {raw:?}")),
    }
}
