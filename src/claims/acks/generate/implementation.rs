//! The 999 generator: a verdict per transaction set of ours, with IK3/CTX/IK4 for the errors.

use super::{AckHeader, finish};
use crate::x12::{Element, GroupControlNumber, Segment, TransactionControlNumber, WriteError};

/// The version of the 837 the acknowledgements answer.
const CLAIMS_VERSION: &str = "005010X222A1";

/// The verdict on one transaction set of ours (our ST02).
#[derive(Debug, Clone)]
pub struct TransactionVerdict {
    pub control_number: TransactionControlNumber,
    pub accepted: bool,
    /// Reported in IK3/IK4; with `accepted` they make IK5 `E` (accepted, errors noted).
    pub errors: Vec<SegmentFault>,
}

impl TransactionVerdict {
    pub fn accepted(control_number: TransactionControlNumber) -> Self {
        TransactionVerdict {
            control_number,
            accepted: true,
            errors: Vec::new(),
        }
    }

    pub fn rejected(control_number: TransactionControlNumber, errors: Vec<SegmentFault>) -> Self {
        TransactionVerdict {
            control_number,
            accepted: false,
            errors,
        }
    }

    /// `A`, `E` or `R`.
    fn code(&self) -> &'static str {
        match (self.accepted, self.errors.is_empty()) {
            (true, true) => "A",
            (true, false) => "E",
            (false, _) => "R",
        }
    }
}

/// An IK3: a segment of ours in error, with the claim it is in (CTX) and the element (IK4).
#[derive(Debug, Clone)]
pub struct SegmentFault {
    pub segment_id: String,
    pub position_in_set: u32,
    pub loop_id: Option<String>,
    /// IK304 (`8`: segment has data element errors).
    pub code: String,
    /// CLM01 of the claim the segment belongs to, written as `CTX*CLM01:{claim}`.
    pub claim: Option<String>,
    pub element: Option<ElementFault>,
}

impl SegmentFault {
    pub fn new(segment_id: &str, position_in_set: u32, code: &str) -> Self {
        SegmentFault {
            segment_id: segment_id.to_string(),
            position_in_set,
            loop_id: None,
            code: code.to_string(),
            claim: None,
            element: None,
        }
    }

    pub fn in_loop(mut self, loop_id: &str) -> Self {
        self.loop_id = Some(loop_id.to_string());
        self
    }

    pub fn in_claim(mut self, clm01: &str) -> Self {
        self.claim = Some(clm01.to_string());
        self
    }

    pub fn with_element(mut self, element: ElementFault) -> Self {
        self.element = Some(element);
        self
    }
}

/// An IK4: an element of ours in error.
#[derive(Debug, Clone)]
pub struct ElementFault {
    pub position: u32,
    pub reference: Option<String>,
    /// IK403 (`7`: invalid code value).
    pub code: String,
    pub bad_value: Option<String>,
}

impl ElementFault {
    pub fn new(position: u32, code: &str) -> Self {
        ElementFault {
            position,
            reference: None,
            code: code.to_string(),
            bad_value: None,
        }
    }

    pub fn reference(mut self, data_element: &str) -> Self {
        self.reference = Some(data_element.to_string());
        self
    }

    pub fn bad_value(mut self, value: &str) -> Self {
        self.bad_value = Some(value.to_string());
        self
    }
}

/// A 999 answering our functional group `for_group` (GS06) of 837P transaction sets.
pub fn generate_999(
    header: &AckHeader,
    for_group: GroupControlNumber,
    transactions: &[TransactionVerdict],
) -> Result<String, WriteError> {
    let mut writer = header.begin("FA", "005010X231A1", "999")?;
    writer.segment(&Segment::of(
        "AK1",
        ["HC", &for_group.to_string(), CLAIMS_VERSION],
    ))?;
    for transaction in transactions {
        writer.segment(&Segment::of(
            "AK2",
            ["837", transaction.control_number.as_str(), CLAIMS_VERSION],
        ))?;
        for fault in &transaction.errors {
            for segment in fault_segments(fault) {
                writer.segment(&segment)?;
            }
        }
        let mut ik5 = Segment::new("IK5").with(transaction.code());
        if transaction.code() != "A" {
            ik5.push("5"); // one or more segments in error
        }
        writer.segment(&ik5)?;
    }
    let count = transactions.len();
    let accepted = transactions.iter().filter(|t| t.accepted).count();
    let with_errors = transactions.iter().any(|t| !t.errors.is_empty());
    let group_code = match (accepted, with_errors) {
        (0, _) if count > 0 => "R",
        (accepted, _) if accepted < count => "P",
        (_, true) => "E",
        _ => "A",
    };
    writer.segment(&Segment::of(
        "AK9",
        [
            group_code.to_string(),
            count.to_string(),
            count.to_string(),
            accepted.to_string(),
        ],
    ))?;
    finish(writer)
}

fn fault_segments(fault: &SegmentFault) -> Vec<Segment> {
    let mut segments = vec![Segment::of(
        "IK3",
        [
            fault.segment_id.clone(),
            fault.position_in_set.to_string(),
            fault.loop_id.clone().unwrap_or_default(),
            fault.code.clone(),
        ],
    )];
    if let Some(claim) = &fault.claim {
        segments.push(Segment::new("CTX").with(Element::composite(["CLM01", claim])));
    }
    if let Some(element) = &fault.element {
        segments.push(Segment::of(
            "IK4",
            [
                element.position.to_string(),
                element.reference.clone().unwrap_or_default(),
                element.code.clone(),
                element.bad_value.clone().unwrap_or_default(),
            ],
        ));
    }
    segments
}
