//! Coding: code sets (import, index, search, lookup) in `codesets`; encounters with their diagnoses and
//! procedure lines, fee schedules, and the scrubber built on the catalog.

pub mod catalog_facts;
pub mod codesets;
pub mod encounters;
pub mod fees;
pub mod scrub;
pub mod values;

use actix_web::web;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    paths(
        encounters::routes::list_encounters,
        encounters::routes::create_encounter,
        encounters::routes::get_encounter,
        encounters::routes::replace_encounter,
        encounters::workflow::change_status,
        encounters::workflow::scrub_encounter,
        fees::routes::list_fee_schedules,
        fees::routes::create_fee_schedule,
        fees::routes::get_fee_schedule,
        fees::routes::replace_fee_schedule,
        fees::routes::list_prices,
        fees::routes::add_price,
    ),
    components(schemas(scrub::Finding, scrub::Severity, scrub::ScrubReport))
)]
pub struct EncountersApi;

pub fn configure(cfg: &mut web::ServiceConfig) {
    encounters::routes::configure(cfg);
    encounters::workflow::configure(cfg);
    fees::routes::configure(cfg);
}
