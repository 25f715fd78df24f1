//! The lab bench: orders, specimens and aliquots, their lifecycle and custody events, accession numbers,
//! stations and bench scans, container types, and the FHIR view. Labels live in `label/` (built on
//! `store::label_data`).

pub mod accession;
pub mod actions;
pub mod aliquots;
mod billing;
pub mod collection;
pub mod custody;
pub mod events;
pub mod fhir;
pub mod input;
pub mod label;
pub mod lifecycle;
mod listing;
pub mod model;
pub mod orders;
pub mod routes;
pub mod scans;
pub mod setup;
pub mod setup_input;
pub mod setup_routes;
pub mod store;

use actix_web::web;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(paths(
    routes::create_order,
    routes::get_order,
    routes::cancel_order,
    routes::list_specimens,
    routes::get_specimen,
    routes::specimen_events,
    routes::specimen_action,
    routes::create_aliquots,
    routes::scan,
    routes::fhir_specimen,
    setup_routes::list_stations,
    setup_routes::create_station,
    setup_routes::get_station,
    setup_routes::replace_station,
    setup_routes::list_container_types,
    setup_routes::create_container_type,
    setup_routes::get_container_type,
    setup_routes::replace_container_type,
    label::routes::get_label,
    label::routes::print_labels,
))]
pub struct SpecimensApi;

pub fn configure(cfg: &mut web::ServiceConfig) {
    routes::configure(cfg);
    setup_routes::configure(cfg);
    label::routes::configure(cfg);
}
