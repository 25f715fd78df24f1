//! The self-check: reads a written 837P back with the X12 [`Reader`](crate::x12::Reader) and checks what
//! the referees do not: envelopes and counts, CLM02 = sum of SV102, HL numbering and parents, NPI check
//! digits, at most 12 diagnoses and every pointer within them, COB balancing of earlier payers'
//! adjudication, and, through [`Expectations`], whether codes were valid on the date of service.
//! Every finding names the claim (CLM01) when inside one, the loop, and the segment's position.

mod claim_rules;
mod walk;

use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::x12::{FindingKind, Position};

/// What the caller knows that the file cannot tell: whether codes were valid on a date. The database
/// side plugs the code-set catalog in; every method defaults to "no objection".
pub trait Expectations {
    /// Why the ICD-10-CM `code` (no dot) was not a billable diagnosis on `date`, if it was not.
    fn diagnosis_problem(&self, _code: &str, _date: NaiveDate) -> Option<String> {
        None
    }

    /// Why the CPT/HCPCS `code` was not valid on `date`, if it was not.
    fn procedure_problem(&self, _code: &str, _date: NaiveDate) -> Option<String> {
        None
    }
}

/// Checks structure only.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoExpectations;

impl Expectations for NoExpectations {}

/// One problem in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// CLM01 of the claim the segment belongs to, when it belongs to one.
    pub claim: Option<String>,
    /// The 837P loop (`2300`, `2400`, ...) or envelope segment (`ISA`, `ST`, ...).
    pub loop_id: Option<&'static str>,
    /// The segment id (`SV1`), empty when the input could not be read at all.
    pub segment: String,
    pub position: Position,
    pub problem: Problem,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(claim) = &self.claim {
            write!(f, "claim {claim:?}, ")?;
        }
        if let Some(loop_id) = self.loop_id {
            write!(f, "loop {loop_id}, ")?;
        }
        write!(f, "{} at {}: {}", self.segment, self.position, self.problem)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The input is not an interchange the reader can open.
    NotX12(String),
    /// From [`crate::x12::check_envelopes`]: counts, control numbers, unreadable segments.
    Envelope(FindingKind),
    /// An amount that is not an X12 decimal.
    BadAmount {
        element: &'static str,
        value: String,
    },
    /// A date that is not CCYYMMDD.
    BadDate {
        element: &'static str,
        value: String,
    },
    /// CLM02 differs from the sum of the claim's SV102.
    TotalMismatch {
        declared: Decimal,
        lines: Decimal,
    },
    /// A claim without service lines.
    NoLines,
    /// A service line without DTP*472.
    NoServiceDate,
    /// HL01 out of sequence (1, 2, 3... in each transaction set).
    HlSequence {
        expected: usize,
        found: String,
    },
    /// HL02 missing, unknown, or at the wrong level for HL03.
    HlParent {
        level: String,
        parent: String,
    },
    /// HL04 says children follow (1) or not (0), and the file says otherwise.
    HlChildCode {
        declared: String,
        has_children: bool,
    },
    /// NM109 with qualifier XX that is not a valid NPI.
    InvalidNpi {
        npi: String,
    },
    NoDiagnoses,
    TooManyDiagnoses {
        count: usize,
    },
    /// SV107 names no diagnosis, more than four, or one the claim's HI does not have.
    PointerOutOfRange {
        pointer: String,
        diagnoses: usize,
    },
    TooManyPointers {
        count: usize,
    },
    /// A code the [`Expectations`] refuse on the date of service.
    CodeNotValid {
        code: String,
        date: NaiveDate,
        why: String,
    },
    /// 2430: SVD02 plus its CAS amounts differ from the line's SV102.
    LineUnbalanced {
        charge: Decimal,
        paid: Decimal,
        adjusted: Decimal,
    },
    /// 2320: CLM02 minus AMT*D differs from that payer's claim and line CAS amounts.
    ClaimUnbalanced {
        payer: String,
        charge: Decimal,
        paid: Decimal,
        adjusted: Decimal,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::NotX12(why) => write!(f, "not a readable interchange: {why}"),
            Problem::Envelope(kind) => write!(f, "{kind}"),
            Problem::BadAmount { element, value } => {
                write!(f, "{element} {value:?} is not an X12 decimal")
            }
            Problem::BadDate { element, value } => write!(f, "{element} {value:?} is not CCYYMMDD"),
            Problem::TotalMismatch { declared, lines } => {
                write!(f, "CLM02 {declared} is not the sum of SV102, {lines}")
            }
            Problem::NoLines => f.write_str("the claim has no service line"),
            Problem::NoServiceDate => f.write_str("the line has no DTP*472 date of service"),
            Problem::HlSequence { expected, found } => {
                write!(f, "HL01 {found:?} where {expected} was due")
            }
            Problem::HlParent { level, parent } => {
                write!(
                    f,
                    "HL level {level:?} has parent {parent:?}, which cannot be its parent"
                )
            }
            Problem::HlChildCode {
                declared,
                has_children,
            } => {
                let actual = if *has_children { "has" } else { "has no" };
                write!(f, "HL04 is {declared:?} but the level {actual} children")
            }
            Problem::InvalidNpi { npi } => write!(f, "NPI {npi:?} fails its check digit"),
            Problem::NoDiagnoses => f.write_str("the claim has no HI diagnosis"),
            Problem::TooManyDiagnoses { count } => {
                write!(f, "{count} diagnoses; an 837P claim holds at most 12")
            }
            Problem::PointerOutOfRange { pointer, diagnoses } => write!(
                f,
                "diagnosis pointer {pointer:?} is not one of the claim's {diagnoses} diagnoses"
            ),
            Problem::TooManyPointers { count } => {
                write!(f, "{count} diagnosis pointers; at most 4")
            }
            Problem::CodeNotValid { code, date, why } => {
                write!(f, "code {code} on {date}: {why}")
            }
            Problem::LineUnbalanced {
                charge,
                paid,
                adjusted,
            } => write!(
                f,
                "SVD02 {paid} + CAS {adjusted} does not balance the line charge {charge}"
            ),
            Problem::ClaimUnbalanced {
                payer,
                charge,
                paid,
                adjusted,
            } => write!(
                f,
                "payer {payer}: CLM02 {charge} - AMT*D {paid} is not its CAS total {adjusted}"
            ),
        }
    }
}

/// Checks a written 837P; no findings means it passed.
pub fn self_check(file: &[u8], expectations: &dyn Expectations) -> Vec<Finding> {
    walk::Walker::new(expectations).run(file)
}
