//! Acknowledgements in: 999 and 277CA files taken in over `POST /x12/inbound`, recorded once per
//! SHA-256, and applied to the claims they acknowledge in one transaction.
//!
//! - [`import`] reads a file at the edge and, in the caller's transaction, records it and applies it;
//! - [`from_999`] and [`from_277ca`] find our batch, transaction set or claim version and say where each
//!   claim goes; [`apply`] moves it (or writes down why not) by the rules every acknowledgement shares;
//! - [`reasons`] turns errors and statuses into what a biller reads in `status_reasons`;
//! - [`sent`] reads where our claims went (batches, transaction sets, CLM01s); [`files`] keeps the
//!   files; [`model`] is the outcome answered and stored.

pub mod apply;
pub mod files;
pub mod from_277ca;
pub mod from_999;
pub mod import;
pub mod model;
pub mod reasons;
pub mod routes;
pub mod sent;

pub use import::{AckFile, import};
pub use model::Outcome;

#[cfg(test)]
mod reasons_tests;
