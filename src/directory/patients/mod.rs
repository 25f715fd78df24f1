//! Patients: demographics and the medical record number (MRN) the practice assigns on registration.
//! Every read of a patient is audited, like every write.

mod model;
pub mod routes;
pub mod store;

pub use model::{
    Patient, PatientInput, ValidPatient, check_birth_date, parse_birth_date, parse_date,
};
