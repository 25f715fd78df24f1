//! The practice: the one row of settings (name, EIN, group NPI, address) that claims bill under.

mod model;
pub mod routes;
pub mod store;

pub use model::{Practice, PracticeInput, ValidPractice};
