//! Why an acknowledgement file could not be read. Every error past the ISA names the segment where it
//! was noticed (ordinal, line and byte), so whoever imports the file can find the spot.

use std::fmt;

use crate::x12::{Finding, Position, ReadError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AckError {
    /// No usable ISA, or a segment that cannot be split.
    Unreadable(ReadError),
    /// Envelopes not closed, control numbers or counts that disagree: the file is damaged or cut short,
    /// so nothing in it is trusted.
    Envelope(Vec<Finding>),
    /// An interchange holding no transaction set.
    NoTransactionSet,
    /// A transaction set this module does not read (`found` is its ST01, or ST01 and the version).
    Unsupported { position: Position, found: String },
    /// Transaction sets of both kinds in one file.
    MixedKinds { position: Position },
    /// A file of the other kind given to a reader of one kind.
    WrongKind {
        expected: &'static str,
        found: &'static str,
    },
    /// A segment missing, out of place, or holding a value that cannot be what it should.
    Malformed {
        position: Position,
        segment: String,
        problem: String,
    },
}

impl AckError {
    pub(crate) fn malformed(position: Position, segment: &str, problem: impl Into<String>) -> Self {
        AckError::Malformed {
            position,
            segment: segment.to_string(),
            problem: problem.into(),
        }
    }

    /// Where the (first) problem is, when it can be located.
    pub fn position(&self) -> Option<Position> {
        match self {
            AckError::Unreadable(error) => error.position,
            AckError::Envelope(findings) => findings.first().map(|f| f.position),
            AckError::Unsupported { position, .. }
            | AckError::MixedKinds { position }
            | AckError::Malformed { position, .. } => Some(*position),
            AckError::NoTransactionSet | AckError::WrongKind { .. } => None,
        }
    }
}

impl fmt::Display for AckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AckError::Unreadable(error) => write!(f, "unreadable X12: {error}"),
            AckError::Envelope(findings) => {
                write!(f, "broken envelope:")?;
                for finding in findings {
                    write!(f, " {finding};")?;
                }
                Ok(())
            }
            AckError::NoTransactionSet => write!(f, "the interchange holds no transaction set"),
            AckError::Unsupported { position, found } => write!(
                f,
                "{position}: transaction set {found} is neither a 999 (005010X231A1) nor a 277CA \
                 (005010X214)"
            ),
            AckError::MixedKinds { position } => write!(
                f,
                "{position}: 999 and 277CA transaction sets in one file; split it per kind"
            ),
            AckError::WrongKind { expected, found } => {
                write!(f, "expected a {expected} but the file is a {found}")
            }
            AckError::Malformed {
                position,
                segment,
                problem,
            } => write!(f, "{position}: {segment}: {problem}"),
        }
    }
}

impl std::error::Error for AckError {}

impl From<ReadError> for AckError {
    fn from(error: ReadError) -> Self {
        AckError::Unreadable(error)
    }
}
