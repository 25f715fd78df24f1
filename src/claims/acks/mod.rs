//! Acknowledgements of the claims we send, read into typed results: pure, no database and no HTTP.
//!
//! - [`read`] takes a file's bytes, checks its envelopes, tells a 999 from a 277CA by ST01 and reads it;
//!   [`read_999`] and [`read_277ca`] do the same but refuse the other kind.
//! - A 999 ([`ImplementationAck`]) says whether each transaction set (ST02) of a group (GS06) we sent was
//!   well-formed; a 277CA ([`ClaimAcknowledgement`]) says whether each claim (CLM01) went into the payer's
//!   adjudication system, and if not, why ([`codes`] describes the codes).
//! - [`fingerprint`] identifies a file by its bytes, so importing the same file twice changes nothing.
//! - [`generate`] writes 999 and 277CA files for tests of everything that consumes them.

pub mod ack277;
pub mod ack999;
pub mod codes;
mod error;
mod fields;
pub mod generate;
mod input;

#[cfg(test)]
mod robustness_tests;
#[cfg(test)]
mod tests;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::x12::Position;

pub use ack277::{ClaimAcknowledgement, ClaimOutcome, ClaimStatus, StatusInfo};
pub use ack999::{ImplementationAck, TransactionResponse};
pub use codes::Code;
pub use error::AckError;
pub use input::{AckKind, SetEnvelope};

/// An acknowledgement file: one or more transaction sets, all of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "transaction_sets", rename_all = "snake_case")]
pub enum Ack {
    Implementation(Vec<ImplementationAck>),
    ClaimAcknowledgement(Vec<ClaimAcknowledgement>),
}

impl Ack {
    pub fn kind(&self) -> AckKind {
        match self {
            Ack::Implementation(_) => AckKind::Implementation,
            Ack::ClaimAcknowledgement(_) => AckKind::ClaimAcknowledgement,
        }
    }

    /// The 999 transaction sets, when this is a 999.
    pub fn implementation(&self) -> Option<&[ImplementationAck]> {
        match self {
            Ack::Implementation(sets) => Some(sets),
            Ack::ClaimAcknowledgement(_) => None,
        }
    }

    /// The 277CA transaction sets, when this is a 277CA.
    pub fn claim_acknowledgement(&self) -> Option<&[ClaimAcknowledgement]> {
        match self {
            Ack::ClaimAcknowledgement(sets) => Some(sets),
            Ack::Implementation(_) => None,
        }
    }
}

/// Reads a 999 or 277CA file, whichever it is.
pub fn read(file: &[u8]) -> Result<Ack, AckError> {
    let sets = input::transaction_sets(file)?;
    // `transaction_sets` guarantees at least one set, all of one kind.
    let kind = sets.first().map_or(AckKind::Implementation, |set| set.kind);
    match kind {
        AckKind::Implementation => sets
            .into_iter()
            .map(ack999::read)
            .collect::<Result<_, _>>()
            .map(Ack::Implementation),
        AckKind::ClaimAcknowledgement => sets
            .into_iter()
            .map(ack277::read)
            .collect::<Result<_, _>>()
            .map(Ack::ClaimAcknowledgement),
    }
}

/// Reads a 999 file; a 277CA is refused.
pub fn read_999(file: &[u8]) -> Result<Ack, AckError> {
    read_kind(file, AckKind::Implementation)
}

/// Reads a 277CA file; a 999 is refused.
pub fn read_277ca(file: &[u8]) -> Result<Ack, AckError> {
    read_kind(file, AckKind::ClaimAcknowledgement)
}

fn read_kind(file: &[u8], expected: AckKind) -> Result<Ack, AckError> {
    let ack = read(file)?;
    if ack.kind() != expected {
        return Err(AckError::WrongKind {
            expected: expected.name(),
            found: ack.kind().name(),
        });
    }
    Ok(ack)
}

/// SHA-256 of the file's bytes, lower-case hex: the same file imported twice has the same fingerprint.
/// (A file re-sent with other line breaks is another file; its control numbers tell the two apart.)
pub fn fingerprint(file: &[u8]) -> String {
    hex::encode(Sha256::digest(file))
}

/// Positions in JSON as `{segment, line, offset}` (the x12 module stays free of serde).
fn serialize_position<S: serde::Serializer>(
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
