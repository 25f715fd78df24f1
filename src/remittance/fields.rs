//! Typed values out of 835 segments: required elements, amounts, quantities, dates. Each failure becomes
//! an [`EraError::Malformed`] naming the segment and element, never a panic or a silent default.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::error::EraError;
use crate::x12::SegmentRef;

/// Element `n`, which must not be empty.
pub(crate) fn required<'a>(segment: &SegmentRef<'a>, n: usize) -> Result<&'a str, EraError> {
    match segment.get(n) {
        "" => Err(malformed(segment, n, "is required but empty")),
        value => Ok(value),
    }
}

/// Element `n`, `None` when empty.
pub(crate) fn optional(segment: &SegmentRef<'_>, n: usize) -> Option<String> {
    non_empty(segment.get(n))
}

pub(crate) fn non_empty(value: &str) -> Option<String> {
    (!value.is_empty()).then(|| value.to_string())
}

/// A required amount (`150`, `99.5`, `-2.50`): at most two decimal places, as money is kept.
pub(crate) fn amount(segment: &SegmentRef<'_>, n: usize) -> Result<Decimal, EraError> {
    let value = required(segment, n)?;
    parse_amount(segment, n, value)
}

/// An optional amount: `None` when empty.
pub(crate) fn optional_amount(
    segment: &SegmentRef<'_>,
    n: usize,
) -> Result<Option<Decimal>, EraError> {
    match segment.get(n) {
        "" => Ok(None),
        value => parse_amount(segment, n, value).map(Some),
    }
}

pub(crate) fn parse_amount(
    segment: &SegmentRef<'_>,
    n: usize,
    value: &str,
) -> Result<Decimal, EraError> {
    crate::money::parse_amount(value)
        .map_err(|why| malformed(segment, n, format!("{value:?} {why}")))
}

/// An optional quantity (units, CAS quantities): a plain decimal number such as `1`, `2.5` or `-1`.
pub(crate) fn optional_quantity(
    segment: &SegmentRef<'_>,
    n: usize,
) -> Result<Option<Decimal>, EraError> {
    let value = segment.get(n);
    if value.is_empty() {
        return Ok(None);
    }
    let plain = value.len() <= 15
        && value
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-');
    plain
        .then(|| value.parse::<Decimal>().ok())
        .flatten()
        .map(Some)
        .ok_or_else(|| malformed(segment, n, format!("{value:?} is not a quantity")))
}

/// A CCYYMMDD date.
pub(crate) fn date(segment: &SegmentRef<'_>, n: usize, value: &str) -> Result<NaiveDate, EraError> {
    let well_formed = value.len() == 8 && value.bytes().all(|b| b.is_ascii_digit());
    well_formed
        .then(|| NaiveDate::parse_from_str(value, "%Y%m%d").ok())
        .flatten()
        .ok_or_else(|| malformed(segment, n, format!("{value:?} is not a CCYYMMDD date")))
}

/// A required CCYYMMDD date in element `n`.
pub(crate) fn required_date(segment: &SegmentRef<'_>, n: usize) -> Result<NaiveDate, EraError> {
    let value = required(segment, n)?;
    date(segment, n, value)
}

/// `IDnn problem` (element `n`), or the bare problem for the segment as a whole (`n` = 0).
pub(crate) fn malformed(segment: &SegmentRef<'_>, n: usize, problem: impl AsRef<str>) -> EraError {
    let problem = match n {
        0 => problem.as_ref().to_string(),
        n => format!("{}{:02} {}", segment.id(), n, problem.as_ref()),
    };
    EraError::malformed(segment.position(), segment.id(), problem)
}
