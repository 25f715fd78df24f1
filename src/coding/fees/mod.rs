//! Fee schedules: what the practice charges for a procedure code on a date, by default and per payer.

pub mod model;
pub mod routes;
pub mod store;

pub use model::{FeeSchedule, Price};
