//! Rules of the implementation guide a snapshot must meet before a byte of it is written, so the
//! clearinghouse never has to reject what we could have caught: counts (1-12 diagnoses, 1-50 lines, 4
//! modifiers, 4 pointers), pointers within the diagnoses, CLM02 = sum of the lines, F8 on corrections,
//! NPI check digits, nine-digit ZIP codes where the guide wants them, unique line ids.

use rust_decimal::Decimal;

use crate::claims::snapshot::{Address, ClaimSnapshot, Frequency, ServiceLine};
use crate::directory::values::npi_check_digit;

pub const MAX_DIAGNOSES: usize = 12;
pub const MAX_LINES: usize = 50;
pub const MAX_MODIFIERS: usize = 4;
pub const MAX_POINTERS: usize = 4;
/// CLM01 as the snapshot promises it (payers keep 20 characters of it).
pub const MAX_CLAIM_NUMBER: usize = 20;

/// The first broken rule: the loop and what is wrong.
pub fn check_claim(snapshot: &ClaimSnapshot) -> Result<(), (&'static str, String)> {
    let claim = &snapshot.claim;
    let fail = |loop_id: &'static str, problem: String| Err((loop_id, problem));
    if claim.claim_number.is_empty() || claim.claim_number.len() > MAX_CLAIM_NUMBER {
        return fail(
            "2300",
            format!("CLM01 must be 1 to {MAX_CLAIM_NUMBER} characters"),
        );
    }
    if !(1..=MAX_DIAGNOSES).contains(&claim.diagnoses.len()) {
        let count = claim.diagnoses.len();
        return fail(
            "2300",
            format!("HI: {count} diagnoses, 1 to {MAX_DIAGNOSES} fit a claim"),
        );
    }
    if !(1..=MAX_LINES).contains(&claim.lines.len()) {
        let count = claim.lines.len();
        return fail(
            "2400",
            format!("{count} service lines, 1 to {MAX_LINES} fit a claim"),
        );
    }
    let sum: Decimal = claim.lines.iter().map(|line| line.charge).sum();
    if sum != claim.total_charge {
        let total = claim.total_charge;
        return fail(
            "2300",
            format!("CLM02 {total} is not the sum of the lines, {sum}"),
        );
    }
    if claim.frequency != Frequency::Original && claim.payer_claim_number.is_none() {
        let code = claim.frequency.code();
        return fail(
            "2300",
            format!("frequency {code} needs REF*F8, the payer's claim number"),
        );
    }
    for (number, line) in (1..).zip(&claim.lines) {
        check_line(number, line, claim.diagnoses.len()).or_else(|problem| fail("2400", problem))?;
    }
    check_line_ids(snapshot)?;
    check_parties(snapshot)
}

fn check_line(number: usize, line: &ServiceLine, diagnoses: usize) -> Result<(), String> {
    let at = |problem: String| Err(format!("line {number} ({}): {problem}", line.line_id));
    if line.modifiers.len() > MAX_MODIFIERS {
        return at(format!("more than {MAX_MODIFIERS} modifiers"));
    }
    if !(1..=MAX_POINTERS).contains(&line.diagnosis_pointers.len()) {
        return at(format!("1 to {MAX_POINTERS} diagnosis pointers are needed"));
    }
    if let Some(pointer) = line
        .diagnosis_pointers
        .iter()
        .find(|&&p| p == 0 || usize::from(p) > diagnoses)
    {
        return at(format!(
            "diagnosis pointer {pointer} is not one of the {diagnoses} diagnoses"
        ));
    }
    if line.charge < Decimal::ZERO {
        return at("the charge is negative".into());
    }
    if line.units <= Decimal::ZERO {
        return at("the units must be more than zero".into());
    }
    Ok(())
}

/// REF*6R must tell lines apart, and each 2430 must belong to a line of the claim.
fn check_line_ids(snapshot: &ClaimSnapshot) -> Result<(), (&'static str, String)> {
    let lines = &snapshot.claim.lines;
    for (index, line) in lines.iter().enumerate() {
        if line.line_id.is_empty() || lines[..index].iter().any(|l| l.line_id == line.line_id) {
            let problem = format!("REF*6R: line id {:?} is empty or repeated", line.line_id);
            return Err(("2400", problem));
        }
    }
    for payer in &snapshot.other_payers {
        if let Some(orphan) = payer
            .lines
            .iter()
            .find(|a| !lines.iter().any(|l| l.line_id == a.line_id))
        {
            let problem = format!(
                "adjudication for line id {:?}, not on this claim",
                orphan.line_id
            );
            return Err(("2430", problem));
        }
    }
    Ok(())
}

fn check_parties(snapshot: &ClaimSnapshot) -> Result<(), (&'static str, String)> {
    let billing = &snapshot.billing_provider;
    check_npi("2010AA", &billing.npi)?;
    check_zip9("2010AA", &billing.address)?;
    if let Some(rendering) = &snapshot.rendering_provider {
        check_npi("2310B", &rendering.npi)?;
    }
    if let Some(facility) = &snapshot.service_facility {
        if let Some(npi) = &facility.npi {
            check_npi("2310C", npi)?;
        }
        check_zip9("2310C", &facility.address)?;
    }
    Ok(())
}

pub(super) fn npi_is_valid(npi: &str) -> bool {
    npi.len() == 10
        && npi.bytes().all(|b| b.is_ascii_digit())
        && npi_check_digit(&npi[..9]) == Some(npi.as_bytes()[9] - b'0')
}

fn check_npi(loop_id: &'static str, npi: &str) -> Result<(), (&'static str, String)> {
    if npi_is_valid(npi) {
        Ok(())
    } else {
        Err((
            loop_id,
            format!("NPI {npi:?} is not 10 digits with a valid check digit"),
        ))
    }
}

/// The guide wants the full ZIP+4 for the billing provider and the service facility.
fn check_zip9(loop_id: &'static str, address: &Address) -> Result<(), (&'static str, String)> {
    if address.zip.len() == 9 && address.zip.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        let zip = &address.zip;
        Err((
            loop_id,
            format!("N403 {zip:?}: nine digits (ZIP+4) are required here"),
        ))
    }
}
