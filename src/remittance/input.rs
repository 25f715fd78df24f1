//! From bytes to 835 transaction sets: [`x12::transaction_sets`] reads and checks the file, this refuses
//! any transaction set that is not an 835 (naming what it is) and hands each ST..SE body to the reader
//! with the envelope it came in.

use super::error::EraError;
use super::model::SetEnvelope;
use crate::x12::{self, Position, SegmentRef, SetsError};

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
    let sets = x12::transaction_sets(input).map_err(|e| match e {
        SetsError::Read(error) => EraError::from(error),
        SetsError::Envelope(findings) => EraError::Envelope(findings),
        SetsError::Outside(position) => {
            EraError::malformed(position, "ST", "outside an interchange and group")
        }
    })?;
    if sets.is_empty() {
        return Err(EraError::NoTransactionSet);
    }
    sets.into_iter()
        .map(|set| {
            check_kind(&set)?;
            Ok(TransactionSet {
                envelope: envelope(&set.isa, &set.gs, &set.st),
                body: set.body,
                end: set.end,
            })
        })
        .collect()
}

/// ST01 must be 835 and the version (ST03, else GS08) 005010X221 (A1 or the base guide).
fn check_kind(set: &x12::TransactionSet<'_>) -> Result<(), EraError> {
    let version = set.version();
    let st = &set.st;
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
