//! Providers: the practice's billing and rendering providers, identified by NPI.

mod model;
pub mod routes;
pub mod store;

pub use model::{EntityType, Provider, ProviderInput, ValidProvider};
