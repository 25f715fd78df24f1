//! General administration: the practice, its providers, locations and payers, and patients with their
//! insurance policies.

pub mod address;
pub mod patients;
pub mod policies;
pub mod providers;
pub mod values;

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
    patients::routes::configure(cfg);
    policies::routes::configure(cfg);
}
