//! One claim as read back, gathered segment by segment, and the rules checked when it ends: CLM02 =
//! sum of SV102, 1 to 12 diagnoses, pointers within them, dates of service present, codes valid on
//! them, and earlier payers' adjudication balancing at line (2430) and claim (2320) level.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{Expectations, Problem};
use crate::x12::{Position, SegmentRef};

const MAX_DIAGNOSES: usize = 12;
const MAX_POINTERS: usize = 4;

/// What the walker learnt of one claim (from its CLM to the next HL, CLM or SE).
pub(super) struct ClaimRead {
    pub number: String,
    pub position: Position,
    total: Option<Decimal>,
    diagnoses: Vec<String>,
    hi_position: Option<Position>,
    lines: Vec<LineRead>,
    other_payers: Vec<OtherPayerRead>,
}

struct LineRead {
    position: Position,
    code: String,
    charge: Option<Decimal>,
    date: Option<NaiveDate>,
    adjudications: Vec<AdjudicationRead>,
}

struct AdjudicationRead {
    position: Position,
    payer_id: String,
    paid: Decimal,
    adjusted: Decimal,
}

struct OtherPayerRead {
    position: Position,
    payer_id: String,
    paid: Decimal,
    adjusted: Decimal,
}

/// A problem found when the claim ends: loop, segment id, where, what.
pub(super) type Late = (&'static str, &'static str, Position, Problem);

impl ClaimRead {
    pub fn open(clm: &SegmentRef<'_>) -> (Self, Option<Problem>) {
        let total = amount("CLM02", clm.get(2));
        let claim = ClaimRead {
            number: clm.get(1).to_string(),
            position: clm.position(),
            total: total.as_ref().ok().copied(),
            diagnoses: Vec::new(),
            hi_position: None,
            lines: Vec::new(),
            other_payers: Vec::new(),
        };
        (claim, total.err())
    }

    pub fn diagnoses(&mut self, hi: &SegmentRef<'_>) -> Option<Problem> {
        let is_diagnosis = |qualifier: &str| matches!(qualifier, "ABK" | "ABF" | "BK" | "BF");
        if !is_diagnosis(hi.element(1).component(1)) {
            return None; // another HI (condition codes...), not diagnoses
        }
        self.hi_position = Some(hi.position());
        self.diagnoses.extend(
            hi.elements()
                .filter(|element| is_diagnosis(element.component(1)))
                .map(|element| element.component(2).to_string()),
        );
        let count = self.diagnoses.len();
        (count > MAX_DIAGNOSES).then_some(Problem::TooManyDiagnoses { count })
    }

    pub fn line(&mut self, lx: &SegmentRef<'_>) -> Option<Problem> {
        self.lines.push(LineRead {
            position: lx.position(),
            code: String::new(),
            charge: None,
            date: None,
            adjudications: Vec::new(),
        });
        None
    }

    /// SV1: the code, the charge, and the pointers (checked now: HI comes before the lines).
    pub fn service(&mut self, sv1: &SegmentRef<'_>) -> Option<Problem> {
        let diagnoses = self.diagnoses.len();
        let line = self.lines.last_mut()?;
        line.code = sv1.element(1).component(2).to_string();
        let charge = amount("SV102", sv1.get(2));
        line.charge = charge.as_ref().ok().copied();
        if let Err(problem) = charge {
            return Some(problem);
        }
        let pointers: Vec<&str> = sv1.element(7).components().collect();
        if pointers.len() > MAX_POINTERS {
            return Some(Problem::TooManyPointers {
                count: pointers.len(),
            });
        }
        let out_of_range = pointers.iter().find(|pointer| {
            pointer
                .parse::<usize>()
                .map_or(true, |p| p == 0 || p > diagnoses)
        });
        out_of_range.map(|pointer| Problem::PointerOutOfRange {
            pointer: pointer.to_string(),
            diagnoses,
        })
    }

    pub fn service_date(&mut self, dtp: &SegmentRef<'_>) -> Option<Problem> {
        if dtp.get(1) != "472" {
            return None;
        }
        let line = self.lines.last_mut()?;
        match date("DTP03", dtp.get(3)) {
            Ok(date) => {
                line.date = Some(date);
                None
            }
            Err(problem) => Some(problem),
        }
    }

    pub fn other_payer(&mut self, sbr: &SegmentRef<'_>) -> Option<Problem> {
        self.other_payers.push(OtherPayerRead {
            position: sbr.position(),
            payer_id: String::new(),
            paid: Decimal::ZERO,
            adjusted: Decimal::ZERO,
        });
        None
    }

    pub fn other_payer_paid(&mut self, amt: &SegmentRef<'_>) -> Option<Problem> {
        if amt.get(1) != "D" {
            return None;
        }
        let payer = self.other_payers.last_mut()?;
        match amount("AMT02", amt.get(2)) {
            Ok(paid) => {
                payer.paid = paid;
                None
            }
            Err(problem) => Some(problem),
        }
    }

    pub fn other_payer_id(&mut self, nm1: &SegmentRef<'_>) -> Option<Problem> {
        let payer = self.other_payers.last_mut()?;
        payer.payer_id = nm1.get(9).to_string();
        None
    }

    pub fn line_adjudication(&mut self, svd: &SegmentRef<'_>) -> Option<Problem> {
        let line = self.lines.last_mut()?;
        let paid = amount("SVD02", svd.get(2));
        line.adjudications.push(AdjudicationRead {
            position: svd.position(),
            payer_id: svd.get(1).to_string(),
            paid: *paid.as_ref().unwrap_or(&Decimal::ZERO),
            adjusted: Decimal::ZERO,
        });
        paid.err()
    }

    /// CAS: amounts in elements 3, 6, 9, 12, 15 and 18, added to the open 2320 or 2430.
    pub fn adjustment(&mut self, cas: &SegmentRef<'_>, claim_level: bool) -> Option<Problem> {
        let mut total = Decimal::ZERO;
        for element in (3..=18).step_by(3) {
            let value = cas.get(element);
            if value.is_empty() {
                continue;
            }
            match amount("CAS amount", value) {
                Ok(value) => total += value,
                Err(problem) => return Some(problem),
            }
        }
        let sum = if claim_level {
            self.other_payers.last_mut().map(|p| &mut p.adjusted)
        } else {
            let line = self.lines.last_mut()?;
            line.adjudications.last_mut().map(|a| &mut a.adjusted)
        };
        if let Some(sum) = sum {
            *sum += total;
        }
        None
    }

    /// The rules that need the whole claim.
    pub fn finish(self, expectations: &dyn Expectations) -> Vec<Late> {
        let mut late = Vec::new();
        let hi_at = self.hi_position.unwrap_or(self.position);
        if self.diagnoses.is_empty() {
            late.push(("2300", "HI", hi_at, Problem::NoDiagnoses));
        }
        if self.lines.is_empty() {
            late.push(("2300", "CLM", self.position, Problem::NoLines));
        }
        let sum: Option<Decimal> = self.lines.iter().map(|line| line.charge).sum();
        if let (Some(declared), Some(lines)) = (self.total, sum)
            && declared != lines
        {
            let problem = Problem::TotalMismatch { declared, lines };
            late.push(("2300", "CLM", self.position, problem));
        }
        self.check_lines(&mut late);
        self.check_other_payers(&mut late);
        self.check_codes(expectations, hi_at, &mut late);
        late
    }

    fn check_lines(&self, late: &mut Vec<Late>) {
        for line in &self.lines {
            if line.date.is_none() {
                late.push(("2400", "LX", line.position, Problem::NoServiceDate));
            }
            let Some(charge) = line.charge else { continue };
            for adjudication in &line.adjudications {
                if adjudication.paid + adjudication.adjusted != charge {
                    let problem = Problem::LineUnbalanced {
                        charge,
                        paid: adjudication.paid,
                        adjusted: adjudication.adjusted,
                    };
                    late.push(("2430", "SVD", adjudication.position, problem));
                }
            }
        }
    }

    /// COB balancing: CLM02 - AMT*D = that payer's claim-level CAS + its line-level CAS.
    fn check_other_payers(&self, late: &mut Vec<Late>) {
        let Some(charge) = self.total else { return };
        for payer in &self.other_payers {
            let line_adjusted: Decimal = self
                .lines
                .iter()
                .flat_map(|line| &line.adjudications)
                .filter(|a| a.payer_id == payer.payer_id)
                .map(|a| a.adjusted)
                .sum();
            let adjusted = payer.adjusted + line_adjusted;
            if charge - payer.paid != adjusted {
                let problem = Problem::ClaimUnbalanced {
                    payer: payer.payer_id.clone(),
                    charge,
                    paid: payer.paid,
                    adjusted,
                };
                late.push(("2320", "SBR", payer.position, problem));
            }
        }
    }

    fn check_codes(&self, expectations: &dyn Expectations, hi_at: Position, late: &mut Vec<Late>) {
        let dates: BTreeSet<NaiveDate> = self.lines.iter().filter_map(|line| line.date).collect();
        for code in &self.diagnoses {
            for &date in &dates {
                if let Some(why) = expectations.diagnosis_problem(code, date) {
                    let code = code.clone();
                    late.push((
                        "2300",
                        "HI",
                        hi_at,
                        Problem::CodeNotValid { code, date, why },
                    ));
                }
            }
        }
        for line in &self.lines {
            let Some(date) = line.date else { continue };
            if let Some(why) = expectations.procedure_problem(&line.code, date) {
                let code = line.code.clone();
                late.push((
                    "2400",
                    "SV1",
                    line.position,
                    Problem::CodeNotValid { code, date, why },
                ));
            }
        }
    }
}

/// An X12 decimal (R): optional minus, digits, at most one point; no plus, no exponent.
pub(super) fn amount(element: &'static str, value: &str) -> Result<Decimal, Problem> {
    let digits = value.strip_prefix('-').unwrap_or(value);
    let well_formed = !digits.is_empty()
        && digits.bytes().any(|b| b.is_ascii_digit())
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && digits.bytes().filter(|&b| b == b'.').count() <= 1;
    well_formed
        .then(|| value.parse::<Decimal>().ok())
        .flatten()
        .ok_or_else(|| Problem::BadAmount {
            element,
            value: value.to_string(),
        })
}

/// A D8 date.
pub(super) fn date(element: &'static str, value: &str) -> Result<NaiveDate, Problem> {
    let eight_digits = value.len() == 8 && value.bytes().all(|b| b.is_ascii_digit());
    eight_digits
        .then(|| NaiveDate::parse_from_str(value, "%Y%m%d").ok())
        .flatten()
        .ok_or_else(|| Problem::BadDate {
            element,
            value: value.to_string(),
        })
}
