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
    /// `BACKOFFICE_LABEL_WIDTH_IN` × `BACKOFFICE_LABEL_HEIGHT_IN`: specimen label stock in inches
    /// (default 2 × 1; 1.5 × 0.75 to 4 × 4).
    pub label_width_in: f64,
    pub label_height_in: f64,
    /// `BACKOFFICE_LABEL_DPI`: the label printers' resolution when a request names none (203 or 300).
    pub label_dpi: u32,
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
            label_width_in: 2.0,
            label_height_in: 1.0,
            label_dpi: 203,
        }
    }
}

impl Settings {
    /// Reads the environment; an unparsable number is an error naming the variable.
    pub fn from_env() -> Result<Self, String> {
        let defaults = Settings::default();
        Settings {
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
            label_width_in: number("LABEL_WIDTH_IN")?.unwrap_or(defaults.label_width_in),
            label_height_in: number("LABEL_HEIGHT_IN")?.unwrap_or(defaults.label_height_in),
            label_dpi: number("LABEL_DPI")?.unwrap_or(defaults.label_dpi),
        }
        .checked()
    }

    /// Refuses settings the service could not work with, naming the variable, at start rather than on
    /// the first request that needs them.
    fn checked(self) -> Result<Self, String> {
        use crate::specimens::label::{Dpi, LabelError, LabelSpec};
        let dpi = Dpi::from_number(self.label_dpi).ok_or_else(|| {
            format!(
                "BACKOFFICE_LABEL_DPI must be 203 or 300, got {}",
                self.label_dpi
            )
        })?;
        LabelSpec::new(self.label_width_in, self.label_height_in, dpi).map_err(|e| match e {
            LabelError::Invalid { field, message } => {
                format!("BACKOFFICE_LABEL_{} {message}", field.to_uppercase())
            }
            other => other.to_string(),
        })?;
        Ok(self)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_label_stock_is_a_valid_2x1_inch_label_at_203_dpi() {
        let settings = Settings::default().checked().unwrap();
        assert_eq!(
            (settings.label_width_in, settings.label_height_in),
            (2.0, 1.0)
        );
        assert_eq!(settings.label_dpi, 203);
    }

    #[test]
    fn impossible_label_settings_name_their_variable() {
        let wide = Settings {
            label_width_in: 9.0,
            ..Settings::default()
        };
        let err = wide.checked().unwrap_err();
        assert!(
            err.starts_with("BACKOFFICE_LABEL_WIDTH_IN must be between"),
            "{err}"
        );
        let dpi = Settings {
            label_dpi: 600,
            ..Settings::default()
        };
        assert!(
            dpi.checked()
                .unwrap_err()
                .starts_with("BACKOFFICE_LABEL_DPI")
        );
    }
}
