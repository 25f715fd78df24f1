//! Does the remittance add up? Three checks, each reporting the difference rather than guessing which
//! number is wrong:
//!
//! - the payment: BPR02 (negative for a debit, BPR03 = `D`) = sum of CLP04 − sum of PLB amounts;
//! - each claim (the guide's claim balancing): CLP03 − CLP04 = claim CAS amounts + line CAS amounts;
//! - each line: SVC02 − SVC03 = that line's CAS amounts.
//!
//! A reversal (CLP02 = 22) carries negative amounts and balances by the same rules.

use std::fmt;

use rust_decimal::Decimal;
use serde::Serialize;

use super::model::{ClaimPayment, Remittance, ServiceLine};
use super::serialize_position;
use crate::x12::Position;

/// What did not add up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Subject {
    /// BPR02 against the claims and PLBs (`trace` is TRN02).
    Payment { trace: String },
    /// A claim: CLP03 − CLP04 against its adjustments.
    Claim { claim_id: String },
    /// A line of a claim, named by REF*6R when it has one, else by its position in the claim (1, 2...).
    Line {
        claim_id: String,
        line_id: Option<String>,
        line_number: usize,
    },
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Payment { trace } => write!(f, "payment {trace}"),
            Subject::Claim { claim_id } => write!(f, "claim {claim_id}"),
            Subject::Line {
                claim_id,
                line_id: Some(line_id),
                ..
            } => write!(f, "claim {claim_id} line {line_id}"),
            Subject::Line {
                claim_id,
                line_id: None,
                line_number,
            } => write!(f, "claim {claim_id} line #{line_number}"),
        }
    }
}

/// One check that failed: `expected` is what the rule computes from the other amounts, `found` the
/// amount written (BPR02, CLP03 − CLP04, SVC02 − SVC03).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Imbalance {
    pub subject: Subject,
    /// Which rule, in words: `BPR02 = sum(CLP04) - sum(PLB)`.
    pub rule: &'static str,
    pub expected: Decimal,
    pub found: Decimal,
    #[serde(serialize_with = "serialize_position")]
    pub position: Position,
}

impl Imbalance {
    /// `found` − `expected`.
    pub fn difference(&self) -> Decimal {
        self.found - self.expected
    }
}

impl fmt::Display for Imbalance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} does not balance ({}): expected {}, found {} (difference {})",
            self.position,
            self.subject,
            self.rule,
            self.expected,
            self.found,
            self.difference()
        )
    }
}

pub const PAYMENT_RULE: &str = "BPR02 = sum(CLP04) - sum(PLB amounts)";
pub const CLAIM_RULE: &str = "CLP03 - CLP04 = claim and line CAS amounts";
pub const LINE_RULE: &str = "SVC02 - SVC03 = line CAS amounts";

/// Every imbalance of one remittance, payment first, then claims and their lines in file order.
pub fn check(remittance: &Remittance) -> Vec<Imbalance> {
    let mut found = Vec::new();
    let claims_paid: Decimal = remittance.claims.iter().map(|claim| claim.paid).sum();
    let expected = claims_paid - remittance.provider_adjustment_total();
    let payment = &remittance.payment;
    if payment.signed_amount() != expected {
        found.push(Imbalance {
            subject: Subject::Payment {
                trace: remittance.trace.number.clone(),
            },
            rule: PAYMENT_RULE,
            expected,
            found: payment.signed_amount(),
            position: payment.position,
        });
    }
    for claim in &remittance.claims {
        found.extend(check_claim(claim));
    }
    found
}

/// The claim's own balance, then each line's.
pub fn check_claim(claim: &ClaimPayment) -> Vec<Imbalance> {
    let mut found = Vec::new();
    let claim_level: Decimal = claim.adjustments.iter().map(|a| a.amount).sum();
    let line_level: Decimal = claim.lines.iter().map(line_adjustments).sum();
    let expected = claim_level + line_level;
    let written = claim.charge - claim.paid;
    if written != expected {
        found.push(Imbalance {
            subject: Subject::Claim {
                claim_id: claim.claim_id.clone(),
            },
            rule: CLAIM_RULE,
            expected,
            found: written,
            position: claim.position,
        });
    }
    for (index, line) in claim.lines.iter().enumerate() {
        let expected = line_adjustments(line);
        let written = line.charge - line.paid;
        if written != expected {
            found.push(Imbalance {
                subject: Subject::Line {
                    claim_id: claim.claim_id.clone(),
                    line_id: line.line_id().map(str::to_string),
                    line_number: index + 1,
                },
                rule: LINE_RULE,
                expected,
                found: written,
                position: line.position,
            });
        }
    }
    found
}

fn line_adjustments(line: &ServiceLine) -> Decimal {
    line.adjustments.iter().map(|a| a.amount).sum()
}
