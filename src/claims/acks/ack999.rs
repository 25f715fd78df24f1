//! Reads one 999 implementation acknowledgement (005010X231A1) transaction set: which functional group
//! of ours it answers (AK1), each transaction set's verdict (AK2 .. IK5) with the segments and elements
//! in error (IK3, IK4) and their context (CTX, e.g. `CLM01:C260000123`, the claim the error is in), and
//! the group's verdict (AK9).
//!
//! Layout read (a segment elsewhere is an error): `AK1 (AK2 (IK3 CTX* (IK4 CTX*)*)* IK5)* AK9`.

use serde::Serialize;

use super::codes::{self, Code};
use super::error::AckError;
use super::fields::{malformed, non_empty, number, optional, optional_number, required};
use super::input::{SetEnvelope, TransactionSet};
use crate::x12::{Position, SegmentRef};

/// One 999 transaction set: the answer to one functional group we sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImplementationAck {
    /// The 999's own envelope (its ISA13, GS06, ST02).
    pub envelope: SetEnvelope,
    /// AK1: the group acknowledged.
    pub group: AcknowledgedGroup,
    /// AK2 .. IK5, in file order.
    pub transactions: Vec<TransactionResponse>,
    /// AK9.
    pub group_response: GroupResponse,
}

/// AK1: the functional group of ours this answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AcknowledgedGroup {
    /// AK101, our GS01 (`HC` for claims).
    pub functional_id: String,
    /// AK102, our GS06.
    pub group_control_number: String,
    /// AK103, our GS08 (`005010X222A1`).
    pub version: Option<String>,
}

/// AK2 .. IK5: the verdict on one transaction set of ours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TransactionResponse {
    /// AK201, our ST01 (`837`).
    pub transaction_set_id: String,
    /// AK202, our ST02.
    pub control_number: String,
    /// AK203, our ST03.
    pub implementation_reference: Option<String>,
    /// IK3 loops.
    pub segment_errors: Vec<SegmentError>,
    /// IK5.
    pub response: TransactionSetResponse,
    #[serde(serialize_with = "super::serialize_position")]
    pub position: Position,
}

impl TransactionResponse {
    /// Accepted (`A`) or accepted with errors noted (`E`): the set goes on to the payer.
    pub fn accepted(&self) -> bool {
        matches!(self.response.code.code.as_str(), "A" | "E")
    }

    /// The claims (CLM01) named by the errors' context, in order, without repeats.
    pub fn claim_references(&self) -> Vec<&str> {
        let mut claims: Vec<&str> = Vec::new();
        for claim in self.segment_errors.iter().filter_map(SegmentError::claim) {
            if !claims.contains(&claim) {
                claims.push(claim);
            }
        }
        claims
    }
}

/// IK3 with its CTX and IK4 segments: one segment of ours in error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SegmentError {
    /// IK301, e.g. `NM1`.
    pub segment_id: String,
    /// IK302: the segment's position in our transaction set, ST being 1.
    pub position_in_set: u32,
    /// IK303, e.g. `2010BA`.
    pub loop_id: Option<String>,
    /// IK304.
    pub error: Option<Code>,
    /// CTX after the IK3: the business unit (`CLM01` and the claim id) and the situational trigger.
    pub contexts: Vec<Context>,
    /// IK4 loops.
    pub element_errors: Vec<ElementError>,
    #[serde(serialize_with = "super::serialize_position")]
    pub position: Position,
}

impl SegmentError {
    /// The claim (CLM01) the error is in, when the context names it.
    pub fn claim(&self) -> Option<&str> {
        self.contexts
            .iter()
            .find(|context| context.name == "CLM01")
            .and_then(|context| context.reference.as_deref())
    }
}

/// IK4: one element of ours in error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ElementError {
    /// IK401-1, counted from 1.
    pub element_position: u32,
    /// IK401-2, for a composite element.
    pub component_position: Option<u32>,
    /// IK401-3, for a repeated element.
    pub repetition_position: Option<u32>,
    /// IK402, the data element reference number (e.g. `67` for NM109).
    pub data_element_reference: Option<String>,
    /// IK403.
    pub error: Code,
    /// IK404, a copy of the bad value.
    pub bad_value: Option<String>,
    /// CTX after the IK4.
    pub contexts: Vec<Context>,
    #[serde(serialize_with = "super::serialize_position")]
    pub position: Position,
}

/// CTX: where an error sits in business terms (`CLM01` with the claim id) or which segment made a
/// situational element required (`SITUATIONAL TRIGGER` with CTX02..CTX06).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Context {
    /// CTX01-1.
    pub name: String,
    /// CTX01-2.
    pub reference: Option<String>,
    /// CTX02, CTX03, CTX04: the triggering segment, its position, its loop.
    pub segment_id: Option<String>,
    pub segment_position: Option<u32>,
    pub loop_id: Option<String>,
}

/// IK5: accepted or rejected, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TransactionSetResponse {
    /// IK501.
    pub code: Code,
    /// IK502 .. IK506.
    pub errors: Vec<Code>,
}

/// AK9: the verdict on the whole group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupResponse {
    /// AK901: `A`, `E`, `P` (partially accepted), `R`, `M`, `W` or `X`.
    pub code: Code,
    /// AK902, AK903, AK904.
    pub transaction_sets_included: u32,
    pub transaction_sets_received: u32,
    pub transaction_sets_accepted: u32,
    /// AK905 .. AK909.
    pub errors: Vec<Code>,
}

/// What the walk is inside of, for placing CTX and IK4.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Inside {
    Header,
    Transaction,
    /// After an IK3 (or its CTX).
    SegmentNote,
    /// After an IK4 (or its CTX).
    ElementNote,
    Trailer,
}

/// Reads one 999 transaction set.
pub(crate) fn read(set: TransactionSet<'_>) -> Result<ImplementationAck, AckError> {
    let mut body = set.body.iter();
    let group = match body.next() {
        Some(ak1) if ak1.id() == "AK1" => acknowledged_group(ak1)?,
        Some(other) => return Err(malformed(other, 0, "a 999 starts with AK1")),
        None => return Err(AckError::malformed(set.end, "SE", "the 999 has no AK1")),
    };
    let mut walk = Walk {
        transactions: Vec::new(),
        open: None,
        group_response: None,
        inside: Inside::Header,
    };
    for segment in body {
        walk.inside = walk.step(segment)?;
    }
    let group_response = walk
        .group_response
        .ok_or_else(|| AckError::malformed(set.end, "SE", "the 999 has no AK9"))?;
    Ok(ImplementationAck {
        envelope: set.envelope,
        group,
        transactions: walk.transactions,
        group_response,
    })
}

/// The 999 read so far.
struct Walk {
    transactions: Vec<TransactionResponse>,
    /// The AK2 loop whose IK5 has not come yet.
    open: Option<TransactionResponse>,
    group_response: Option<GroupResponse>,
    inside: Inside,
}

impl Walk {
    /// Files one segment where it belongs and says what the walk is inside of next.
    fn step(&mut self, segment: &SegmentRef<'_>) -> Result<Inside, AckError> {
        use Inside::*;
        Ok(match (segment.id(), self.inside) {
            (_, Trailer) => return Err(malformed(segment, 0, "follows the AK9")),
            ("AK2", Header) => {
                self.open = Some(transaction_header(segment)?);
                Transaction
            }
            ("IK3", Transaction | SegmentNote | ElementNote) => {
                let error = segment_error(segment)?;
                self.open_mut(segment)?.segment_errors.push(error);
                SegmentNote
            }
            ("IK4", SegmentNote | ElementNote) => {
                let error = element_error(segment)?;
                self.last_segment_error(segment)?.element_errors.push(error);
                ElementNote
            }
            ("CTX", SegmentNote) => {
                let context = context(segment)?;
                self.last_segment_error(segment)?.contexts.push(context);
                SegmentNote
            }
            ("CTX", ElementNote) => {
                let context = context(segment)?;
                self.last_segment_error(segment)?
                    .element_errors
                    .last_mut()
                    .ok_or_else(|| malformed(segment, 0, "no IK4 to give context to"))?
                    .contexts
                    .push(context);
                ElementNote
            }
            ("IK5", Transaction | SegmentNote | ElementNote) => {
                let mut transaction = self
                    .open
                    .take()
                    .ok_or_else(|| malformed(segment, 0, "IK5 without AK2"))?;
                transaction.response = transaction_response(segment)?;
                self.transactions.push(transaction);
                Header
            }
            ("AK9", Header) => {
                self.group_response = Some(group_response_of(segment)?);
                Trailer
            }
            ("AK2" | "AK9", _) => {
                return Err(malformed(segment, 0, "the AK2 before it has no IK5"));
            }
            (id, _) => {
                let problem = format!("{id} is not expected here in a 999");
                return Err(malformed(segment, 0, problem));
            }
        })
    }

    fn open_mut(&mut self, segment: &SegmentRef<'_>) -> Result<&mut TransactionResponse, AckError> {
        self.open
            .as_mut()
            .ok_or_else(|| malformed(segment, 0, "outside an AK2 loop"))
    }

    fn last_segment_error(
        &mut self,
        segment: &SegmentRef<'_>,
    ) -> Result<&mut SegmentError, AckError> {
        self.open_mut(segment)?
            .segment_errors
            .last_mut()
            .ok_or_else(|| malformed(segment, 0, "no IK3 before it"))
    }
}

fn acknowledged_group(ak1: &SegmentRef<'_>) -> Result<AcknowledgedGroup, AckError> {
    Ok(AcknowledgedGroup {
        functional_id: required(ak1, 1)?.to_string(),
        group_control_number: required(ak1, 2)?.to_string(),
        version: optional(ak1, 3),
    })
}

fn transaction_header(ak2: &SegmentRef<'_>) -> Result<TransactionResponse, AckError> {
    Ok(TransactionResponse {
        transaction_set_id: required(ak2, 1)?.to_string(),
        control_number: required(ak2, 2)?.to_string(),
        implementation_reference: optional(ak2, 3),
        segment_errors: Vec::new(),
        // Replaced by the IK5 that closes the loop; a loop without one is refused.
        response: TransactionSetResponse {
            code: Code::new("", codes::acknowledgment),
            errors: Vec::new(),
        },
        position: ak2.position(),
    })
}

fn segment_error(ik3: &SegmentRef<'_>) -> Result<SegmentError, AckError> {
    Ok(SegmentError {
        segment_id: required(ik3, 1)?.to_string(),
        position_in_set: number(ik3, 2, required(ik3, 2)?)?,
        loop_id: optional(ik3, 3),
        error: optional(ik3, 4).map(|code| Code::new(&code, codes::segment_error)),
        contexts: Vec::new(),
        element_errors: Vec::new(),
        position: ik3.position(),
    })
}

fn element_error(ik4: &SegmentRef<'_>) -> Result<ElementError, AckError> {
    let position = ik4.element(1);
    Ok(ElementError {
        element_position: number(ik4, 1, position.component(1))?,
        component_position: optional_number(ik4, 1, position.component(2))?,
        repetition_position: optional_number(ik4, 1, position.component(3))?,
        data_element_reference: optional(ik4, 2),
        error: Code::new(required(ik4, 3)?, codes::element_error),
        bad_value: optional(ik4, 4),
        contexts: Vec::new(),
        position: ik4.position(),
    })
}

fn context(ctx: &SegmentRef<'_>) -> Result<Context, AckError> {
    let identification = ctx.element(1);
    let name = identification.component(1);
    if name.is_empty() {
        return Err(malformed(ctx, 1, "is required but empty"));
    }
    Ok(Context {
        name: name.to_string(),
        reference: non_empty(identification.component(2)),
        segment_id: optional(ctx, 2),
        segment_position: optional_number(ctx, 3, ctx.get(3))?,
        loop_id: optional(ctx, 4),
    })
}

fn transaction_response(ik5: &SegmentRef<'_>) -> Result<TransactionSetResponse, AckError> {
    let code = required(ik5, 1)?;
    if !matches!(code, "A" | "E" | "M" | "R" | "W" | "X") {
        return Err(malformed(
            ik5,
            1,
            format!("{code:?} is not one of A, E, M, R, W, X"),
        ));
    }
    Ok(TransactionSetResponse {
        code: Code::new(code, codes::acknowledgment),
        errors: (2..=6)
            .filter_map(|n| optional(ik5, n))
            .map(|code| Code::new(&code, codes::transaction_set_error))
            .collect(),
    })
}

fn group_response_of(ak9: &SegmentRef<'_>) -> Result<GroupResponse, AckError> {
    let code = required(ak9, 1)?;
    if codes::acknowledgment(code).is_none() {
        return Err(malformed(
            ak9,
            1,
            format!("{code:?} is not one of A, E, M, P, R, W, X"),
        ));
    }
    let count = |n| required(ak9, n).and_then(|value| number(ak9, n, value));
    Ok(GroupResponse {
        code: Code::new(code, codes::acknowledgment),
        transaction_sets_included: count(2)?,
        transaction_sets_received: count(3)?,
        transaction_sets_accepted: count(4)?,
        errors: (5..=9)
            .filter_map(|n| optional(ak9, n))
            .map(|code| Code::new(&code, codes::group_error))
            .collect(),
    })
}
