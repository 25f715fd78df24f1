//! Remittance advice (X12 835, 005010X221A1) read into typed values: pure, no database and no HTTP.
//!
//! The payer's 835 tells what it paid for each claim and line we billed, what it adjusted and why (CARC
//! group and reason codes, RARC remarks), and what it took back or added at provider level (PLB). The
//! back office posts it to the books; this module is the part that needs no books:
//!
//! - [`read_835`] takes a file's bytes, checks its envelopes and reads every transaction set into a
//!   [`Remittance`]: payment (BPR), trace (TRN), payer and payee, claims (CLP) with adjustments (CAS),
//!   parties, dates, references, amounts and service lines (SVC), and PLB adjustments. Anything that is
//!   not an 835, or that is damaged, is refused with an [`EraError`] naming where.
//! - [`balance::check`] says whether the payment, each claim and each line add up, and by how much not,
//!   never guessing which amount is wrong.
//! - [`fingerprint`] and [`Remittance::payment_key`] recognise the same file, or the same payment in
//!   another file, imported twice.
//! - [`generate`] writes 835 files from a small description for tests of whatever consumes them.
//!
//! Codes stay codes: descriptions of CARC and RARC codes live in `codesets/` and are looked up by the
//! posting side.

pub mod balance;
mod error;
mod fields;
pub mod generate;
mod input;
pub mod model;
// Database and HTTP: left out when the fuzz target compiles this module alone (`--cfg fuzzing`).
#[cfg(not(fuzzing))]
pub mod posting;
mod read;
mod segments;

#[cfg(test)]
mod robustness_tests;
#[cfg(test)]
mod segment_tests;
#[cfg(test)]
mod tests;

use sha2::{Digest, Sha256};

use crate::x12::Position;

pub use balance::{Imbalance, Subject};
pub use error::EraError;
pub use input::VERSION;
pub use model::*;

/// Reads every transaction set of an 835 file, in file order.
pub fn read_835(file: &[u8]) -> Result<Vec<Remittance>, EraError> {
    input::transaction_sets(file)?
        .into_iter()
        .map(read::read)
        .collect()
}

/// SHA-256 of the file's bytes, lower-case hex: the same file imported twice has the same fingerprint.
pub fn fingerprint(file: &[u8]) -> String {
    hex::encode(Sha256::digest(file))
}

/// Positions in JSON as `{segment, line, offset}` (the x12 module stays free of serde).
pub(crate) fn serialize_position<S: serde::Serializer>(
    position: &Position,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeStruct;
    let mut out = serializer.serialize_struct("Position", 3)?;
    out.serialize_field("segment", &position.segment)?;
    out.serialize_field("line", &position.line)?;
    out.serialize_field("offset", &position.offset)?;
    out.end()
}
