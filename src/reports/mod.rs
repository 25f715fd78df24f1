//! Accounting reports (AR aging, trial balance, journal, daily deposit, denial summary), each built
//! as one pure [`table::Table`] and rendered as JSON, CSV or XLSX. Queries live in [`store`]; each
//! report module turns rows into a table; [`format`] picks and writes the rendering.

pub mod aging;
pub mod csv;
pub mod denials;
pub mod deposits;
pub mod format;
pub mod journal;
pub mod json;
pub mod routes;
mod store;
pub mod table;
pub mod trial;
pub mod xlsx;

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        routes::ar_aging,
        routes::trial_balance,
        routes::journal_report,
        routes::daily_deposit,
        routes::denial_summary,
    ),
    components(schemas(json::Report, json::ReportColumn))
)]
pub struct ReportsApi;

pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    routes::configure(cfg);
}
