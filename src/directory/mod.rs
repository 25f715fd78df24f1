//! General administration: the practice, its providers, locations and payers, and patients with their
//! insurance policies.

pub mod address;
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
    ),
    components(schemas(address::AddressJson))
)]
pub struct DirectoryApi;

pub fn configure(cfg: &mut web::ServiceConfig) {
    providers::routes::configure(cfg);
}
