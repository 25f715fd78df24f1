//! Why a batch could not be written. Every error about a claim names it (CLM01, and its index in the
//! caller's list so the caller can hold that one claim back and write the rest) and the 837P loop.

use crate::x12::WriteError;

/// Which claim an error is about: its CLM01 and its index in the list given to the writer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRef {
    pub index: usize,
    pub claim_number: String,
}

impl std::fmt::Display for ClaimRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "claim {:?} (#{})", self.claim_number, self.index + 1)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum X837Error {
    /// An 837P needs at least one claim.
    #[error("no claims to write")]
    NoClaims,
    /// The trading partner settings (ISA, GS, 1000A, 1000B) cannot be written.
    #[error("trading partner settings, {place}: {problem}")]
    Settings {
        place: &'static str,
        problem: String,
    },
    /// The X12 writer refused a value of this claim: a separator or a character X12 cannot carry.
    #[error("{claim}, loop {loop_id}: {source}")]
    Data {
        claim: ClaimRef,
        loop_id: &'static str,
        source: WriteError,
    },
    /// The claim breaks a rule of the implementation guide (or of this writer) before anything is
    /// written for it.
    #[error("{claim}, loop {loop_id}: {problem}")]
    Invalid {
        claim: ClaimRef,
        loop_id: &'static str,
        problem: String,
    },
    /// More transaction sets than ST control numbers left (ST02 is at most 999999999).
    #[error("transaction set control numbers run out after {last}")]
    ControlNumbersExhausted { last: u32 },
}

impl X837Error {
    /// The claim the error is about, if it is about one.
    pub fn claim(&self) -> Option<&ClaimRef> {
        match self {
            X837Error::Data { claim, .. } | X837Error::Invalid { claim, .. } => Some(claim),
            _ => None,
        }
    }
}
