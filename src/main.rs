//! The `backoffice` command: serve (default), migrate, user and token admin, audit verify, code set
//! import, claim batch export, 835 import.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use backoffice::cli;
use backoffice::config::Settings;

#[derive(Parser)]
#[command(
    name = "backoffice",
    version,
    about = "Back office of a medical practice and its lab bench"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP service (the default). Migrates the database first.
    Serve {
        /// Also load an invented demo practice (providers, location, payers, patients with policies).
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Code sets: import a version, list the imported versions.
    #[command(subcommand)]
    Codesets(CodesetsCommand),
    /// Audit trail tools.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Claims: export 837P batches for a clearinghouse.
    #[command(subcommand)]
    Claims(ClaimsCommand),
    /// Remittances (835 ERA files): import and post them.
    #[command(subcommand)]
    Era(EraCommand),
}

#[derive(Subcommand)]
enum EraCommand {
    /// Read and post each 835 file as `POST /remittances` does (each claim in its own transaction; a
    /// file or payment imported before posts nothing), printing per file what was posted and what
    /// matched nothing. Exits 1 when any file could not be read or posted (after trying all).
    Import {
        /// Say what would be posted, posting nothing.
        #[arg(long)]
        dry_run: bool,
        /// The 835 files, as received from the payer or clearinghouse.
        #[arg(required = true)]
        files: Vec<std::path::PathBuf>,
    },
}

#[derive(Subcommand)]
enum ClaimsCommand {
    /// Build a batch for a trading partner (its ready claims, or those named) and write its 837P file
    /// into a folder; or write an existing batch's file again, byte for byte.
    Export {
        /// The trading partner's id: build a new batch.
        #[arg(long, conflicts_with = "batch")]
        partner: Option<String>,
        /// Only these ready claims (repeat the flag); all ready claims routed to the partner when absent.
        #[arg(long = "claim", requires = "partner")]
        claims: Vec<String>,
        /// An existing batch's id: write its stored file.
        #[arg(long)]
        batch: Option<String>,
        /// The folder to write `{reference}.x12` into (created if missing).
        #[arg(long)]
        out: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user; with --password-stdin the password is read from standard input.
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        display_name: Option<String>,
        #[arg(long)]
        password_stdin: bool,
    },
    /// List users.
    List,
    /// Disable a user and revoke their tokens.
    Disable { username: String },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Issue a token for a user and print it once.
    Create {
        #[arg(long)]
        username: String,
        #[arg(long, default_value = "cli")]
        name: String,
        #[arg(long, default_value_t = 90)]
        days: i64,
    },
    /// Revoke a token by its id.
    Revoke { token_id: String },
}

#[derive(Subcommand)]
enum CodesetsCommand {
    /// Import one version of one code system from its published files (several files make one version:
    /// the ICD-10-CM TSV with its tabular XML, or the parts of an NCCI file). Re-importing the same files
    /// changes nothing.
    Import {
        /// The files (gzip-compressed or plain).
        #[arg(required = true)]
        paths: Vec<std::path::PathBuf>,
        /// icd10cm, cpt, hcpcs, modifier, pos, carc, rarc, ncci_ptp or mue (ICD-10-CM files are recognised).
        #[arg(long)]
        system: Option<String>,
        /// The version's name (default: the YYYY-MM in the file name, else the file names).
        #[arg(long)]
        label: Option<String>,
        /// First date of service the version applies to (default: the first of the file name's YYYY-MM).
        #[arg(long)]
        effective_from: Option<chrono::NaiveDate>,
        /// Last date of service (default: until the next version of the system starts).
        #[arg(long)]
        effective_to: Option<chrono::NaiveDate>,
    },
    /// List the imported versions with their effective dates.
    List,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the hash chain; exits 1 and names the first broken link.
    Verify,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(message) => {
            eprintln!("configuration error: {message}");
            return ExitCode::from(2);
        }
    };
    let result = match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Serve { demo } => cli::serve(settings, demo),
        Command::Migrate => cli::migrate(&settings),
        Command::User(UserCommand::Add {
            username,
            role,
            display_name,
            password_stdin,
        }) => cli::user_add(
            &settings,
            &username,
            &role,
            display_name.as_deref(),
            password_stdin,
        ),
        Command::User(UserCommand::List) => cli::user_list(&settings),
        Command::User(UserCommand::Disable { username }) => cli::user_disable(&settings, &username),
        Command::Token(TokenCommand::Create {
            username,
            name,
            days,
        }) => cli::token_create(&settings, &username, &name, days),
        Command::Token(TokenCommand::Revoke { token_id }) => {
            cli::token_revoke(&settings, &token_id)
        }
        Command::Audit(AuditCommand::Verify) => cli::audit_verify(&settings),
        Command::Codesets(CodesetsCommand::Import {
            paths,
            system,
            label,
            effective_from,
            effective_to,
        }) => cli::codesets_import(
            &settings,
            cli::CodesetImportArgs {
                paths,
                system,
                label,
                effective_from,
                effective_to,
            },
        ),
        Command::Codesets(CodesetsCommand::List) => cli::codesets_list(&settings),
        Command::Era(EraCommand::Import { dry_run, files }) => {
            cli::era_import(&settings, dry_run, &files)
        }
        Command::Claims(ClaimsCommand::Export {
            partner,
            claims,
            batch,
            out,
        }) => cli::claims_export(
            &settings,
            partner.as_deref(),
            &claims,
            batch.as_deref(),
            &out,
        ),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
