//! Claim batches: the 837P files we send a clearinghouse. Building one (`build`) takes ready claims in
//! one transaction with control numbers from database counters, writes the file, reads it back through
//! the self-check, and stores its bytes for good; `mark_sent` records that it left. `routes` serves them
//! over HTTP and `crate::cli` exports them to a folder.

pub mod build;
pub mod expectations;
pub mod model;
pub mod routes;
pub mod store;

pub use build::{create_batch, mark_sent};
pub use model::{BatchInput, ClaimBatch, ValidBatchInput};
