//! Money: `rust_decimal::Decimal` in code, a decimal string in JSON (`"150.00"`), integer cents in the
//! database. Knows no domain.

use rust_decimal::Decimal;

/// The largest amount accepted anywhere (ten million): far above any charge, far below i64 cents.
const MAX_CENTS: i64 = 1_000_000_000;

/// An amount as stored: whole cents. More than two decimal places is refused rather than rounded, so
/// nothing the caller typed is silently changed.
pub fn to_cents(amount: Decimal) -> Result<i64, String> {
    let normalized = amount.normalize();
    if normalized.scale() > 2 {
        return Err("must have at most two decimal places".into());
    }
    let cents = (normalized * Decimal::ONE_HUNDRED)
        .trunc()
        .try_into()
        .map_err(|_| "is out of range".to_string())?;
    if !(-MAX_CENTS..=MAX_CENTS).contains(&cents) {
        return Err("is out of range".into());
    }
    Ok(cents)
}

/// Stored cents as an amount with two decimal places (`1500` → `15.00`).
pub fn from_cents(cents: i64) -> Decimal {
    Decimal::new(cents, 2)
}

/// An amount typed as text (`"150"`, `"150.5"`, `"150.50"`).
pub fn parse_amount(input: &str) -> Result<Decimal, String> {
    let text = input.trim();
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '-');
    if !plain {
        return Err("must be a decimal amount such as \"150.00\"".into());
    }
    let amount: Decimal = text
        .parse()
        .map_err(|_| "must be a decimal amount such as \"150.00\"".to_string())?;
    to_cents(amount).map(from_cents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_round_trip_through_cents() {
        for (text, cents) in [
            ("150", 15000),
            ("150.5", 15050),
            ("0.01", 1),
            ("-2.10", -210),
        ] {
            let amount = parse_amount(text).unwrap();
            assert_eq!(to_cents(amount), Ok(cents), "{text}");
            assert_eq!(from_cents(cents), amount);
        }
        assert_eq!(from_cents(15000).to_string(), "150.00");
    }

    #[test]
    fn sub_cent_exponent_and_huge_amounts_are_refused() {
        for text in ["1.001", "1e3", "", "abc", "99999999999", "1,00"] {
            assert!(parse_amount(text).is_err(), "{text}");
        }
    }
}
