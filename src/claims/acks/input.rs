//! From bytes to transaction sets: reads every segment, checks the envelopes in the same pass (a damaged
//! or truncated file is refused as a whole), and hands each ST..SE body to the reader of its kind with
//! the envelope it came in.

use serde::Serialize;

use super::error::AckError;
use crate::x12::{EnvelopeChecker, Position, Reader, SegmentRef};

/// Which acknowledgement a transaction set is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AckKind {
    /// 999 implementation acknowledgement (005010X231A1): was the file we sent well-formed?
    Implementation,
    /// 277CA claim acknowledgement (005010X214): was each claim accepted for adjudication?
    ClaimAcknowledgement,
}

impl AckKind {
    pub fn name(self) -> &'static str {
        match self {
            AckKind::Implementation => "999",
            AckKind::ClaimAcknowledgement => "277CA",
        }
    }
}

/// The envelope one acknowledgement transaction set came in (the acknowledgement's own control numbers,
/// not those of the file it acknowledges).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SetEnvelope {
    /// ISA13.
    pub interchange_control_number: String,
    /// ISA06 and ISA08, without their padding.
    pub interchange_sender: String,
    pub interchange_receiver: String,
    /// ISA15: `T` test or `P` production.
    pub usage: String,
    /// GS06.
    pub group_control_number: String,
    /// GS02 and GS03.
    pub application_sender: String,
    pub application_receiver: String,
    /// GS08, e.g. `005010X231A1`.
    pub version: String,
    /// ST02.
    pub transaction_control_number: String,
    /// Where the ST is.
    #[serde(serialize_with = "super::serialize_position")]
    pub position: Position,
}

/// One ST..SE, ready for the reader of its kind.
#[derive(Debug, Clone)]
pub(crate) struct TransactionSet<'a> {
    pub kind: AckKind,
    pub envelope: SetEnvelope,
    /// The segments between ST and SE (both excluded).
    pub body: Vec<SegmentRef<'a>>,
    /// Where the SE is: segments missing at the end of a loop are reported there.
    pub end: Position,
}

/// Reads and checks the interchange(s) in `input` and returns its transaction sets, all of one kind.
pub(crate) fn transaction_sets(input: &[u8]) -> Result<Vec<TransactionSet<'_>>, AckError> {
    let mut segments = Vec::new();
    let mut checker = EnvelopeChecker::new();
    for item in Reader::new(input)? {
        let segment = item?;
        checker.observe(&segment);
        segments.push(segment);
    }
    let findings = checker.finish();
    if !findings.is_empty() {
        return Err(AckError::Envelope(findings));
    }
    let sets = split(&segments)?;
    let Some(first) = sets.first() else {
        return Err(AckError::NoTransactionSet);
    };
    if let Some(other) = sets.iter().find(|set| set.kind != first.kind) {
        return Err(AckError::MixedKinds {
            position: other.envelope.position,
        });
    }
    Ok(sets)
}

/// Cuts checked envelopes into transaction sets. The envelope check guarantees ISA/GS/ST nesting, so
/// any header seen here has its trailer.
fn split<'a>(segments: &[SegmentRef<'a>]) -> Result<Vec<TransactionSet<'a>>, AckError> {
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
                    return Err(AckError::malformed(
                        segment.position(),
                        "ST",
                        "outside an interchange and group",
                    ));
                };
                open = Some(TransactionSet {
                    kind: kind_of(segment, &gs)?,
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

fn kind_of(st: &SegmentRef<'_>, gs: &SegmentRef<'_>) -> Result<AckKind, AckError> {
    let version = match st.get(3) {
        "" => gs.get(8),
        reference => reference,
    };
    match st.get(1) {
        "999" => Ok(AckKind::Implementation),
        // Other 277s (the X212 claim status response) share ST01 but not the layout.
        "277" if version.starts_with("005010X214") => Ok(AckKind::ClaimAcknowledgement),
        "277" => Err(AckError::Unsupported {
            position: st.position(),
            found: format!("277 {version:?}"),
        }),
        other => Err(AckError::Unsupported {
            position: st.position(),
            found: format!("{other:?}"),
        }),
    }
}

fn envelope(isa: &SegmentRef<'_>, gs: &SegmentRef<'_>, st: &SegmentRef<'_>) -> SetEnvelope {
    SetEnvelope {
        interchange_control_number: isa.get(13).to_string(),
        interchange_sender: isa.get(6).trim().to_string(),
        interchange_receiver: isa.get(8).trim().to_string(),
        usage: isa.get(15).to_string(),
        group_control_number: gs.get(6).to_string(),
        application_sender: gs.get(2).to_string(),
        application_receiver: gs.get(3).to_string(),
        version: gs.get(8).to_string(),
        transaction_control_number: st.get(2).to_string(),
        position: st.position(),
    }
}
