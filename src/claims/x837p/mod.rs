//! ANSI X12 837P (005010X222A1) out of [`ClaimSnapshot`](crate::claims::snapshot::ClaimSnapshot)s, and
//! the self-check that reads a written file back. Pure: no database, no HTTP.
//!
//! - [`write_batch`]: one interchange per batch, one transaction set per billing provider NPI and payer
//!   id (at most 5,000 claims each), and where each claim went ([`Batch::placements`]).
//! - [`self_check`]: what the referees do not check (sums, HL tree, NPI check digits, diagnosis
//!   pointers, COB balancing, codes valid on the date of service through [`Expectations`]).
//! - Free text is folded to ASCII or refused: see [`crate::ascii`] for the policy.
//!
//! One module per loop family: `header` (ISA, GS, BHT, 1000A/B), `parties` (2000A-2010CA), `claim`
//! (2300, 2310B/C), `other_payers` (2320-2330B, 2430), `lines` (2400, 2410); `validate` holds the
//! guide's rules checked before writing, `sink` the X12 writer with claim and loop context.

mod batch;
mod check;
mod claim;
mod elements;
mod error;
mod header;
mod lines;
mod other_payers;
mod parties;
pub mod samples;
mod sink;
mod validate;

#[cfg(test)]
mod tests;

pub use batch::{
    Batch, BatchOptions, ClaimPlacement, MAX_CLAIMS_PER_TRANSACTION, transaction_count, write_batch,
};
pub use check::{Expectations, Finding, NoExpectations, Problem, self_check};
pub use elements::amount;
pub use error::{ClaimRef, X837Error};
pub use sink::IMPLEMENTATION_GUIDE;
pub use validate::check_claim as check_snapshot;
pub use validate::{MAX_CLAIM_NUMBER, MAX_DIAGNOSES, MAX_LINES, MAX_MODIFIERS, MAX_POINTERS};
