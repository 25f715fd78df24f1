//! Patient accounting: payments (applied to the oldest open patient balances first, the rest held as
//! credit), refunds of that credit, the account balance per claim, and statements as JSON and PDF.
//! Everything is read from and posted to the ledger (`crate::ledger`), in the request's transaction;
//! this module owns only the idempotency keys of payments and refunds.

pub mod account;
mod metrics;
pub mod model;
pub mod payments;
pub mod pdf;
pub mod routes;
pub mod statement;
mod store;

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    routes::create_payment,
    routes::create_refund,
    routes::get_balance,
    routes::get_statement,
))]
pub struct PatientAccountsApi;

pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    routes::configure(cfg);
}
