//! Encounters: a patient's visit on a date of service, coded with diagnoses and procedure lines, moving
//! open → coded → ready → billed.

pub mod lab_charges;
pub mod lifecycle;
pub mod model;
pub mod routes;
pub mod service;
pub mod store;
pub mod workflow;

pub use model::{Encounter, Status};
