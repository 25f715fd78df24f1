//! How snapshot values become X12 elements and the segments every party loop shares: amounts, D8 dates,
//! NM1 names, N3/N4 addresses, DMG demographics.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::error::X837Error;
use super::sink::Sink;
use crate::claims::snapshot::{Address, PartyName};
use crate::x12::Segment;

/// An X12 decimal (R): no trailing zeros, no leading `+`, no exponent (`120`, `42.5`, `-3.25`).
pub fn amount(value: Decimal) -> String {
    let normalized = value.normalize();
    if normalized.is_zero() {
        // Never `-0`.
        return "0".into();
    }
    normalized.to_string()
}

/// A D8 date: CCYYMMDD.
pub fn d8(date: NaiveDate) -> String {
    date.format("%Y%m%d").to_string()
}

/// NM1 for a party: entity code, type (1 person, 2 organisation), the name parts, and the id
/// qualifier and id when given (`XX` NPI, `MI` member id, `PI` payer id, `46` ETIN).
pub fn write_name(
    sink: &mut Sink,
    loop_id: &'static str,
    entity: &str,
    name: &PartyName,
    id: Option<(&str, &str)>,
) -> Result<(), X837Error> {
    let mut nm1 = Segment::new("NM1").with(entity);
    match name {
        PartyName::Person {
            last,
            first,
            middle,
            suffix,
        } => {
            nm1.push("1");
            nm1.push(sink.text(loop_id, "last name", last)?);
            nm1.push(sink.text(loop_id, "first name", first)?);
            nm1.push(optional_text(
                sink,
                loop_id,
                "middle name",
                middle.as_deref(),
            )?);
            nm1.push("");
            nm1.push(optional_text(
                sink,
                loop_id,
                "name suffix",
                suffix.as_deref(),
            )?);
        }
        PartyName::Organization { name } => {
            nm1.push("2");
            nm1.push(sink.text(loop_id, "name", name)?);
            for _ in 4..=7 {
                nm1.push("");
            }
        }
    }
    if let Some((qualifier, value)) = id {
        nm1.push(qualifier);
        nm1.push(value);
    }
    sink.put(loop_id, &nm1)
}

/// NM1 for an organisation known by a plain name (payers, facilities, submitter, receiver).
pub fn write_organization(
    sink: &mut Sink,
    loop_id: &'static str,
    entity: &str,
    name: &str,
    id: Option<(&str, &str)>,
) -> Result<(), X837Error> {
    let name = PartyName::Organization {
        name: name.to_string(),
    };
    write_name(sink, loop_id, entity, &name, id)
}

/// N3 and N4.
pub fn write_address(
    sink: &mut Sink,
    loop_id: &'static str,
    address: &Address,
) -> Result<(), X837Error> {
    let n3 = Segment::new("N3")
        .with(sink.text(loop_id, "address line 1", &address.line1)?)
        .with(optional_text(
            sink,
            loop_id,
            "address line 2",
            address.line2.as_deref(),
        )?);
    sink.put(loop_id, &n3)?;
    let n4 = Segment::new("N4")
        .with(sink.text(loop_id, "city", &address.city)?)
        .with(address.state.as_str())
        .with(address.zip.as_str());
    sink.put(loop_id, &n4)
}

/// DMG*D8: date of birth and sex.
pub fn write_demographics(
    sink: &mut Sink,
    loop_id: &'static str,
    date_of_birth: NaiveDate,
    sex: &str,
) -> Result<(), X837Error> {
    sink.put(
        loop_id,
        &Segment::of(
            "DMG",
            ["D8".to_string(), d8(date_of_birth), sex.to_string()],
        ),
    )
}

fn optional_text(
    sink: &Sink,
    loop_id: &'static str,
    field: &'static str,
    value: Option<&str>,
) -> Result<String, X837Error> {
    match value {
        Some(value) => sink.text(loop_id, field, value),
        None => Ok(String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_x12_decimals_without_trailing_zeros_or_plus() {
        for (value, written) in [
            (Decimal::new(12000, 2), "120"),
            (Decimal::new(4250, 2), "42.5"),
            (Decimal::new(1, 2), "0.01"),
            (Decimal::new(-325, 2), "-3.25"),
            (Decimal::new(0, 2), "0"),
            (Decimal::new(-0, 2), "0"),
            (Decimal::new(100_000_000, 0), "100000000"),
        ] {
            assert_eq!(amount(value), written, "{value}");
        }
        let negative_zero = Decimal::new(1, 2) - Decimal::new(1, 2);
        assert_eq!(amount(-negative_zero), "0");
    }

    #[test]
    fn dates_are_ccyymmdd() {
        let date = NaiveDate::from_ymd_opt(2026, 3, 7).expect("date");
        assert_eq!(d8(date), "20260307");
    }
}
