//! The double-entry ledger: the chart of accounts, balanced and immutable journal entries, the standard
//! entries of business events, balances, and period close. Every business event posts one entry in the
//! caller's transaction; a correction is a reversing entry. Balance is guaranteed twice: a `ValidEntry`
//! cannot be built unbalanced, and the database refuses an unbalanced entry (see the migration).

pub mod accounts;
pub mod balances;
pub mod entry;
pub mod fold;
pub mod journal;
pub mod periods;
pub mod routes;
pub mod standard;
mod store;

#[cfg(test)]
mod proptests;

#[derive(utoipa::OpenApi)]
#[openapi(paths(routes::get_trial_balance))]
pub struct LedgerApi;

pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    routes::configure(cfg);
}

pub use accounts::{Account, AccountType, RevenueCategory, Side};
pub use balances::{
    AccountBalance, ClaimBalance, PatientBalance, Span, TrialBalance, claim_balance,
    claim_balances, patient_balance, trial_balance,
};
pub use entry::{EntryError, EntryKind, Line, PaymentMethod, Source, ValidEntry};
pub use journal::{claims_charged, find, list, post, post_all, reverse, standing_for_claim};
pub use periods::{ClosedPeriod, Month, close_period, closed_periods};
pub use store::{Entry, EntryFilter};

/// The chart of accounts as the database holds it: (code, name, type, normal balance). Tests compare
/// it with `Account::ALL`.
pub fn stored_accounts(
    conn: &mut crate::db::DbConnection,
) -> crate::error::AppResult<Vec<(String, String, String, String)>> {
    Ok(store::accounts(conn)?)
}
