//! Typed values out of acknowledgement segments: required elements, counts, dates, amounts. Each failure
//! becomes an [`AckError::Malformed`] naming the segment and element, never a panic or a silent default.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::error::AckError;
use crate::x12::SegmentRef;

/// Element `n`, which must not be empty.
pub(crate) fn required<'a>(segment: &SegmentRef<'a>, n: usize) -> Result<&'a str, AckError> {
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

/// A count or position (`AK902`, `IK302`): digits only.
pub(crate) fn number(segment: &SegmentRef<'_>, n: usize, value: &str) -> Result<u32, AckError> {
    let digits = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
    value
        .parse()
        .ok()
        .filter(|_| digits)
        .ok_or_else(|| malformed(segment, n, format!("{value:?} is not a whole number")))
}

/// An optional number: `None` when empty.
pub(crate) fn optional_number(
    segment: &SegmentRef<'_>,
    n: usize,
    value: &str,
) -> Result<Option<u32>, AckError> {
    match value {
        "" => Ok(None),
        value => number(segment, n, value).map(Some),
    }
}

/// A CCYYMMDD date.
pub(crate) fn date(segment: &SegmentRef<'_>, n: usize, value: &str) -> Result<NaiveDate, AckError> {
    let well_formed = value.len() == 8 && value.bytes().all(|b| b.is_ascii_digit());
    well_formed
        .then(|| NaiveDate::parse_from_str(value, "%Y%m%d").ok())
        .flatten()
        .ok_or_else(|| malformed(segment, n, format!("{value:?} is not a CCYYMMDD date")))
}

/// An optional CCYYMMDD date: `None` when empty.
pub(crate) fn optional_date(
    segment: &SegmentRef<'_>,
    n: usize,
) -> Result<Option<NaiveDate>, AckError> {
    match segment.get(n) {
        "" => Ok(None),
        value => date(segment, n, value).map(Some),
    }
}

/// An optional amount (`STC04`, `150`, `99.50`, `-3`): `None` when empty.
pub(crate) fn optional_amount(
    segment: &SegmentRef<'_>,
    n: usize,
) -> Result<Option<Decimal>, AckError> {
    match segment.get(n) {
        "" => Ok(None),
        value => crate::money::parse_amount(value)
            .map(Some)
            .map_err(|why| malformed(segment, n, format!("{value:?} {why}"))),
    }
}

/// `IDnn problem` (element `n`), or the bare problem for the segment as a whole (`n` = 0).
pub(crate) fn malformed(segment: &SegmentRef<'_>, n: usize, problem: impl AsRef<str>) -> AckError {
    let problem = match n {
        0 => problem.as_ref().to_string(),
        n => format!("{}{:02} {}", segment.id(), n, problem.as_ref()),
    };
    AckError::malformed(segment.position(), segment.id(), problem)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::x12::Reader;

    const ISA: &str = "ISA*00*          *00*          *ZZ*A              *ZZ*B              *240116*0800*^*00501*000000101*0*T*:~";

    fn with_segment<T>(text: &str, check: impl FnOnce(&SegmentRef<'_>) -> T) -> T {
        let input = format!("{ISA}{text}~");
        let segment = Reader::new(input.as_bytes())
            .expect("ISA")
            .nth(1)
            .expect("a segment")
            .expect("readable");
        check(&segment)
    }

    #[test]
    fn numbers_are_digits_only() {
        with_segment("AK9*A*1*+2*x*", |s| {
            assert_eq!(number(s, 2, s.get(2)), Ok(1));
            assert!(number(s, 3, s.get(3)).is_err());
            assert!(number(s, 4, s.get(4)).is_err());
            assert!(number(s, 5, s.get(5)).is_err());
            assert_eq!(optional_number(s, 5, s.get(5)), Ok(None));
        });
    }

    #[test]
    fn dates_are_ccyymmdd_and_real() {
        with_segment("DTP*472*D8*20240110*20240230*2024011", |s| {
            assert_eq!(
                date(s, 3, s.get(3)),
                Ok(NaiveDate::from_ymd_opt(2024, 1, 10).unwrap())
            );
            let error = date(s, 4, s.get(4)).unwrap_err().to_string();
            assert!(error.contains("DTP04"), "{error}");
            assert!(date(s, 5, s.get(5)).is_err());
        });
    }

    #[test]
    fn amounts_are_decimals() {
        with_segment("STC*A1:19*20240116*WQ*150.5*1E3", |s| {
            assert_eq!(optional_amount(s, 4), Ok(Some(Decimal::new(1505, 1))));
            assert!(optional_amount(s, 5).is_err());
            assert_eq!(optional_amount(s, 6), Ok(None));
        });
    }
}
