//! From bytes to 835 transaction sets: reads every segment, checks the envelopes in the same pass (a
//! damaged or truncated file is refused as a whole), refuses any transaction set that is not an 835
//! (naming what it is), and hands each ST..SE body to the reader with the envelope it came in.

use super::error::EraError;
use super::model::SetEnvelope;
use crate::x12::{EnvelopeChecker, Position, Reader, SegmentRef};

/// The implementation guide this reader follows (GS08, or ST03 when a sender fills it in).
pub const VERSION: &str = "005010X221A1";

/// One ST..SE of an 835.
#[derive(Debug, Clone)]
pub(crate) struct TransactionSet<'a> {
    pub envelope: SetEnvelope,
    /// The segments between ST and SE (both excluded).
    pub body: Vec<SegmentRef<'a>>,
    /// Where the SE is: segments missing at the end are reported there.
    pub end: Position,
}

/// Reads and checks the interchange(s) in `input` and returns its 835 transaction sets.
pub(crate) fn transaction_sets(input: &[u8]) -> Result<Vec<TransactionSet<'_>>, EraError> {
    let mut segments = Vec::new();
    let mut checker = EnvelopeChecker::new();
    for item in Reader::new(input)? {
        let segment = item?;
        checker.observe(&segment);
        segments.push(segment);
    }
    let findings = checker.finish();
    if !findings.is_empty() {
        return Err(EraError::Envelope(findings));
    }
    let sets = split(&segments)?;
    if sets.is_empty() {
        return Err(EraError::NoTransactionSet);
    }
    Ok(sets)
}

/// Cuts checked envelopes into transaction sets. The envelope check guarantees ISA/GS/ST nesting.
fn split<'a>(segments: &[SegmentRef<'a>]) -> Result<Vec<TransactionSet<'a>>, EraError> {
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
                    return Err(EraError::malformed(
                        segment.position(),
                        "ST",
                        "outside an interchange and group",
                    ));
                };
                check_kind(segment, &gs)?;
                open = Some(TransactionSet {
                    envelope: envelope(&isa, &gs, segment),
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

/// ST01 must be 835 and the version (ST03, else GS08) 005010X221 (A1 or the base guide).
fn check_kind(st: &SegmentRef<'_>, gs: &SegmentRef<'_>) -> Result<(), EraError> {
    let version = match st.get(3) {
        "" => gs.get(8),
        reference => reference,
    };
    if st.get(1) == "835" && version.starts_with("005010X221") {
        return Ok(());
    }
    let found = match st.get(1) {
        "835" => format!("835 of version {version:?}"),
        other => format!("{other:?} (version {version:?})"),
    };
    Err(EraError::NotRemittance {
        position: st.position(),
        found,
    })
}

fn envelope(isa: &SegmentRef<'_>, gs: &SegmentRef<'_>, st: &SegmentRef<'_>) -> SetEnvelope {
    SetEnvelope {
        interchange_control_number: isa.get(13).to_string(),
        interchange_sender: isa.get(6).trim().to_string(),
        interchange_receiver: isa.get(8).trim().to_string(),
        usage: isa.get(15).to_string(),
        group_control_number: gs.get(6).to_string(),
        version: gs.get(8).to_string(),
        transaction_control_number: st.get(2).to_string(),
        position: st.position(),
    }
}
