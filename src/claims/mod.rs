//! Claims out: clearinghouses (trading partners), claim versions built from ready encounters and frozen
//! as snapshots, their lifecycle and corrections; later written as ANSI X12 837P 005010X222A1 batches.

pub mod acks;
pub mod batches;
pub mod build;
pub mod charges;
pub mod correction;
pub mod events;
pub mod inbound;
pub mod lifecycle;
pub mod model;
pub mod partner;
pub mod partners;
pub mod routes;
pub mod snapshot;
pub mod sources;
pub mod store;
pub mod workflow;
pub mod x837p;

use actix_web::web;
use utoipa::OpenApi;

pub use lifecycle::Status;
pub use workflow::{mark_batched, ready_for_partner, transition};

#[derive(OpenApi)]
#[openapi(paths(
    partners::routes::list_partners,
    partners::routes::create_partner,
    partners::routes::get_partner,
    partners::routes::replace_partner,
    routes::list_claims,
    routes::build_claim,
    routes::get_claim,
    routes::get_version,
    routes::list_events,
    routes::change_status,
    routes::correct_claim,
    batches::routes::list_batches,
    batches::routes::create_batch,
    batches::routes::get_batch,
    batches::routes::get_file,
    batches::routes::mark_sent,
    inbound::routes::import_acknowledgement,
    inbound::routes::list_acknowledgements,
    inbound::routes::get_acknowledgement,
))]
pub struct ClaimsApi;

pub fn configure(cfg: &mut web::ServiceConfig) {
    partners::routes::configure(cfg);
    routes::configure(cfg);
    batches::routes::configure(cfg);
    inbound::routes::configure(cfg);
}
