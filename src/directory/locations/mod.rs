//! Locations: the places the practice sees patients (service facilities), each with its place of service.

mod model;
pub mod routes;
pub mod store;

pub use model::{Location, LocationInput, ValidLocation};
