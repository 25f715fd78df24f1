//! Pure X12 (005010) reading and writing: delimiters, segments, envelopes. No database, no HTTP, nothing
//! about claims: the 837P writer, the 999/277CA readers and the 835 reader build on it.
//!
//! Writing: [`InterchangeWriter`] wraps [`Segment`]s in ISA/GS/ST envelopes with counts and the caller's
//! control numbers; [`SegmentWriter`] underneath upper-cases data, refuses delimiters inside data and
//! pads the ISA to 106 characters. Reading: [`Reader`] learns the delimiters from the ISA and yields
//! borrowed [`SegmentRef`]s with their [`Position`]; [`check_envelopes`] (or [`EnvelopeChecker`] in
//! the same pass) reports envelope problems as [`Finding`]s; [`transaction_sets`] does both and cuts a
//! file into its transaction sets with their envelopes.

mod envelope;
mod envelope_check;
mod error;
mod headers;
mod reader;
mod segment;
mod separators;
mod sets;
mod view;
mod writer;

#[cfg(test)]
mod tests;

pub use envelope::InterchangeWriter;
pub use envelope_check::{EnvelopeChecker, Finding, FindingKind, check_envelopes};
pub use error::{DataLocation, ReadError, ReadErrorKind, SeparatorError, WriteError};
pub use headers::{
    GroupControlNumber, GroupHeader, InterchangeControlNumber, InterchangeHeader,
    TransactionControlNumber, TransactionHeader, Usage,
};
pub use reader::{ISA_LENGTH, Position, Reader};
pub use segment::{Element, Segment};
pub use separators::{SeparatorRole, Separators};
pub use sets::{SetsError, TransactionSet, transaction_sets};
pub use view::{ElementRef, SegmentRef};
pub use writer::{LineBreak, SegmentWriter, WriterOptions};
