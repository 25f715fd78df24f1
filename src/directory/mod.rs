//! General administration: the practice, its providers, locations and payers, and patients with their
//! insurance policies.

pub mod address;
pub mod providers;
pub mod values;

pub mod locations;
pub mod payers;
pub mod practice;
#[cfg(test)]
mod testing;

use actix_web::web;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    paths(
        providers::routes::list_providers,
        providers::routes::create_provider,
        providers::routes::get_provider,
        providers::routes::replace_provider,
        providers::routes::deactivate_provider,
        practice::routes::get_practice,
        practice::routes::save_practice,
        locations::routes::list_locations,
        locations::routes::create_location,
        locations::routes::get_location,
        locations::routes::replace_location,
        locations::routes::deactivate_location,
        payers::routes::list_payers,
        payers::routes::create_payer,
        payers::routes::get_payer,
        payers::routes::replace_payer,
        payers::routes::deactivate_payer,
    ),
    components(schemas(address::AddressJson))
)]
pub struct DirectoryApi;

pub fn configure(cfg: &mut web::ServiceConfig) {
    providers::routes::configure(cfg);
    practice::routes::configure(cfg);
    locations::routes::configure(cfg);
    payers::routes::configure(cfg);
}
