//! An interchange read, its envelopes checked in the same pass, and cut into transaction sets, each
//! with the ISA, GS and ST it came in: where every reader of one kind of transaction set (999, 277CA,
//! 835) starts. A damaged or truncated file is refused as a whole.

use super::envelope_check::{EnvelopeChecker, Finding};
use super::error::ReadError;
use super::reader::{Position, Reader};
use super::view::SegmentRef;

/// One ST..SE with its envelopes.
#[derive(Debug, Clone)]
pub struct TransactionSet<'a> {
    pub isa: SegmentRef<'a>,
    pub gs: SegmentRef<'a>,
    pub st: SegmentRef<'a>,
    /// The segments between ST and SE (both excluded).
    pub body: Vec<SegmentRef<'a>>,
    /// Where the SE is: segments missing at the end of a loop are reported there.
    pub end: Position,
}

impl TransactionSet<'_> {
    /// The implementation guide the set follows: ST03, else GS08.
    pub fn version(&self) -> &str {
        match self.st.get(3) {
            "" => self.gs.get(8),
            reference => reference,
        }
    }
}

/// Why a file could not be cut into transaction sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetsError {
    /// A segment could not be read.
    Read(ReadError),
    /// The envelopes are broken (counts, control numbers, nesting, truncation).
    Envelope(Vec<Finding>),
    /// An ST outside an interchange and group.
    Outside(Position),
}

/// Reads and checks every interchange in `input` and returns its transaction sets in file order.
pub fn transaction_sets(input: &[u8]) -> Result<Vec<TransactionSet<'_>>, SetsError> {
    let mut segments = Vec::new();
    let mut checker = EnvelopeChecker::new();
    for item in Reader::new(input).map_err(SetsError::Read)? {
        let segment = item.map_err(SetsError::Read)?;
        checker.observe(&segment);
        segments.push(segment);
    }
    let findings = checker.finish();
    if !findings.is_empty() {
        return Err(SetsError::Envelope(findings));
    }
    split(&segments)
}

/// Cuts checked envelopes into transaction sets. The envelope check guarantees ISA/GS/ST nesting, so
/// any header seen here has its trailer.
fn split<'a>(segments: &[SegmentRef<'a>]) -> Result<Vec<TransactionSet<'a>>, SetsError> {
    let mut sets = Vec::new();
    let mut isa: Option<SegmentRef<'a>> = None;
    let mut gs: Option<SegmentRef<'a>> = None;
    let mut open: Option<TransactionSet<'a>> = None;
    for segment in segments {
        match segment.id() {
            "ISA" => isa = Some(*segment),
            "GS" => gs = Some(*segment),
            "ST" => {
                let (Some(isa), Some(gs)) = (isa, gs) else {
                    return Err(SetsError::Outside(segment.position()));
                };
                open = Some(TransactionSet {
                    isa,
                    gs,
                    st: *segment,
                    body: Vec::new(),
                    end: segment.position(),
                });
            }
            "SE" => {
                if let Some(mut set) = open.take() {
                    set.end = segment.position();
                    sets.push(set);
                }
            }
            _ => {
                if let Some(set) = open.as_mut() {
                    set.body.push(*segment);
                }
            }
        }
    }
    Ok(sets)
}
