//! Why an 835 could not be read. Every error past the ISA names the segment where it was noticed
//! (ordinal, line and byte), so whoever imports the file can find the spot.

use std::fmt;

use crate::x12::{Finding, Position, ReadError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EraError {
    /// No usable ISA, or a segment that cannot be split.
    Unreadable(ReadError),
    /// Envelopes not closed, control numbers or counts that disagree: the file is damaged or cut short,
    /// so nothing in it is trusted.
    Envelope(Vec<Finding>),
    /// An interchange holding no transaction set.
    NoTransactionSet,
    /// A transaction set that is not an 835 (005010X221A1); `found` is its ST01 and version.
    NotRemittance { position: Position, found: String },
    /// A segment missing, out of place, or holding a value that cannot be what it should.
    Malformed {
        position: Position,
        segment: String,
        problem: String,
    },
}

impl EraError {
    pub(crate) fn malformed(position: Position, segment: &str, problem: impl Into<String>) -> Self {
        EraError::Malformed {
            position,
            segment: segment.to_string(),
            problem: problem.into(),
        }
    }

    /// Where the (first) problem is, when it can be located.
    pub fn position(&self) -> Option<Position> {
        match self {
            EraError::Unreadable(error) => error.position,
            EraError::Envelope(findings) => findings.first().map(|f| f.position),
            EraError::NotRemittance { position, .. } | EraError::Malformed { position, .. } => {
                Some(*position)
            }
            EraError::NoTransactionSet => None,
        }
    }
}

impl fmt::Display for EraError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EraError::Unreadable(error) => write!(f, "unreadable X12: {error}"),
            EraError::Envelope(findings) => {
                write!(f, "broken envelope:")?;
                for finding in findings {
                    write!(f, " {finding};")?;
                }
                Ok(())
            }
            EraError::NoTransactionSet => write!(f, "the interchange holds no transaction set"),
            EraError::NotRemittance { position, found } => write!(
                f,
                "{position}: transaction set {found} is not an 835 remittance advice (005010X221A1)"
            ),
            EraError::Malformed {
                position,
                segment,
                problem,
            } => write!(f, "{position}: {segment}: {problem}"),
        }
    }
}

impl std::error::Error for EraError {}

impl From<ReadError> for EraError {
    fn from(error: ReadError) -> Self {
        EraError::Unreadable(error)
    }
}
