//! Payers: insurance plans the practice bills, each with its electronic payer id and claim filing indicator.

mod model;
pub mod routes;
pub mod store;

pub use model::{Payer, PayerInput, ValidPayer, parse_payer_id};
