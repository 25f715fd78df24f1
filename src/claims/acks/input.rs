//! From bytes to acknowledgement transaction sets: [`x12::transaction_sets`] reads and checks the file,
//! this tells a 999 from a 277CA (refusing anything else and a mix of the two) and hands each ST..SE body
//! to the reader of its kind with the envelope it came in.

use serde::Serialize;

use super::error::AckError;
use crate::x12::{self, Position, SegmentRef, SetsError};

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
    let sets = x12::transaction_sets(input).map_err(|e| match e {
        SetsError::Read(error) => AckError::from(error),
        SetsError::Envelope(findings) => AckError::Envelope(findings),
        SetsError::Outside(position) => {
            AckError::malformed(position, "ST", "outside an interchange and group")
        }
    })?;
    let sets: Vec<TransactionSet<'_>> = sets
        .into_iter()
        .map(|set| {
            Ok(TransactionSet {
                kind: kind_of(&set)?,
                envelope: envelope(&set.isa, &set.gs, &set.st),
                body: set.body,
                end: set.end,
            })
        })
        .collect::<Result<_, AckError>>()?;
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

fn kind_of(set: &x12::TransactionSet<'_>) -> Result<AckKind, AckError> {
    let version = set.version();
    let st = &set.st;
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
