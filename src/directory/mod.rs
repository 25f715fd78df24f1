//! General administration: the practice, its providers, locations and payers, and patients with their
//! insurance policies.

pub mod address;
pub mod locations;
pub mod patients;
pub mod payers;
pub mod policies;
pub mod practice;
pub mod providers;
pub mod record;
pub mod values;

#[cfg(test)]
pub mod testing;

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
        patients::routes::list_patients,
        patients::routes::create_patient,
        patients::routes::get_patient,
        patients::routes::replace_patient,
        patients::routes::deactivate_patient,
        policies::routes::list_policies,
        policies::routes::create_policy,
        policies::routes::get_policy,
        policies::routes::replace_policy,
        policies::routes::deactivate_policy,
    ),
    components(schemas(address::AddressJson))
)]
pub struct DirectoryApi;

pub fn configure(cfg: &mut web::ServiceConfig) {
    providers::routes::configure(cfg);
    practice::routes::configure(cfg);
    locations::routes::configure(cfg);
    payers::routes::configure(cfg);
    patients::routes::configure(cfg);
    policies::routes::configure(cfg);
}
