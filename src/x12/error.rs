//! What can go wrong in X12: bad delimiters, data a writer refuses, input a reader cannot split. Every
//! error names where (segment id and element position when writing; segment, line and byte when reading).

use std::fmt;

use super::reader::Position;
use super::separators::SeparatorRole;

/// A set of delimiters that cannot work.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SeparatorError {
    #[error("the {role} {character:?} is not a single ASCII character")]
    NotAscii {
        role: SeparatorRole,
        character: char,
    },
    #[error("the {role} {character:?} is a letter, digit or space, which occur in data")]
    Reserved {
        role: SeparatorRole,
        character: char,
    },
    #[error("{character:?} is both the {first} and the {second}")]
    Duplicate {
        first: SeparatorRole,
        second: SeparatorRole,
        character: char,
    },
}

/// Where a piece of written data sits: `SV1-01-2` is component 2 of element 1 of an SV1 segment.
/// Positions count from 1, as X12 implementation guides do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataLocation {
    pub segment: String,
    pub element: usize,
    /// Set only for a repeated element (more than one repetition).
    pub repetition: Option<usize>,
    /// Set only for a composite element (more than one component).
    pub component: Option<usize>,
}

impl fmt::Display for DataLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:02}", self.segment, self.element)?;
        if let Some(component) = self.component {
            write!(f, "-{component}")?;
        }
        if let Some(repetition) = self.repetition {
            write!(f, " (repetition {repetition})")?;
        }
        Ok(())
    }
}

/// Why a writer refused a segment. Nothing of a refused segment is written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WriteError {
    #[error(transparent)]
    Separators(#[from] SeparatorError),
    /// Data holding a delimiter would silently split into other elements or segments.
    #[error("{location}: the data contains {character:?}, the {role}")]
    SeparatorInData {
        location: DataLocation,
        character: char,
        role: SeparatorRole,
    },
    /// X12 data is printable ASCII; control characters and non-ASCII text would be misread.
    #[error("{location}: {character:?} is not allowed in X12 data (printable ASCII only)")]
    InvalidCharacter {
        location: DataLocation,
        character: char,
    },
    #[error("{id:?} is not a segment id (two or three letters or digits)")]
    InvalidSegmentId { id: String },
    /// ISA, GS, ST and their trailers carry counts and control numbers: only the envelope writer
    /// (or [`super::SegmentWriter::write_isa`]) writes them.
    #[error("{id} is an envelope segment; write it through the envelope writer")]
    EnvelopeSegment { id: String },
    #[error("{field}: {value:?} is longer than {max} characters")]
    FieldTooLong {
        field: &'static str,
        value: String,
        max: usize,
    },
    #[error("{field}: {value:?} is not a valid control number ({rule})")]
    InvalidControlNumber {
        field: &'static str,
        value: String,
        rule: &'static str,
    },
    /// Envelopes opened or closed out of order (a programming error in the caller).
    #[error("envelope out of order: {0}")]
    EnvelopeOrder(&'static str),
}

/// Why a reader could not read (all of) the input. `position` is set once segments can be located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    pub position: Option<Position>,
    pub kind: ReadErrorKind,
}

impl ReadError {
    pub(crate) fn at(position: Position, kind: ReadErrorKind) -> Self {
        ReadError {
            position: Some(position),
            kind,
        }
    }

    pub(crate) fn start(kind: ReadErrorKind) -> Self {
        ReadError {
            position: None,
            kind,
        }
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.position {
            Some(position) => write!(f, "{position}: {}", self.kind),
            None => write!(f, "{}", self.kind),
        }
    }
}

impl std::error::Error for ReadError {}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadErrorKind {
    #[error("the input is {length} bytes, too short for an ISA segment (106 bytes)")]
    TooShort { length: usize },
    #[error("the input does not start with an ISA segment")]
    NotIsa,
    /// The ISA is fixed-width; a separator missing where one must be means the layout (and so every
    /// delimiter read from it) cannot be trusted.
    #[error(
        "the ISA segment is not fixed-width: expected the element separator {expected:?} at byte {offset}"
    )]
    IsaLayout { offset: usize, expected: char },
    #[error("the ISA segment contains {character:?}, its own {role}, inside a field")]
    IsaDataContainsSeparator {
        character: char,
        role: SeparatorRole,
    },
    #[error("bad separators in the ISA segment: {0}")]
    Separators(SeparatorError),
    #[error(
        "this ISA segment declares other separators than the first one; split the file per interchange"
    )]
    SeparatorsChanged,
    #[error("the last segment has no segment terminator")]
    Unterminated,
    #[error("empty segment (two segment terminators in a row)")]
    EmptySegment,
    #[error("{id:?} is not a segment id (two or three letters or digits)")]
    InvalidSegmentId { id: String },
    #[error("the segment is not valid UTF-8 (X12 data is ASCII)")]
    NotUtf8,
}
