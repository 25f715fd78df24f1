//! Validated value types for directory records ("parse, don't validate").
//!
//! Every type is built only through `parse`, which trims its input and, on failure,
//! returns a short message suitable for an API validation error. Values display and
//! serialize as their normalized plain string.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

/// X12 element, component, repetition and segment separators: they would corrupt claim files.
const X12_SEPARATORS: [char; 4] = ['*', '~', ':', '^'];
const X12_SEPARATOR_MESSAGE: &str = "must not contain * ~ : ^";

/// A code table of `(code, name)` rows, and one of its rows.
type Table = &'static [(&'static str, &'static str)];
type Entry = &'static (&'static str, &'static str);

/// Declares newtypes over `String` holding an already validated, normalized value.
macro_rules! string_newtypes {
    ($($(#[$meta:meta])* $name:ident;)+) => {$(
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
    )+};
}

/// Display, FromStr and Serialize (as the plain string) for types with `parse` and `as_str`.
macro_rules! string_value {
    ($($name:ident),+ $(,)?) => {$(
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                Self::parse(s)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    )+};
}

string_newtypes! {
    /// National Provider Identifier: 10 digits, the last a Luhn check digit.
    Npi;
    /// US ZIP code, stored as 5 or 9 digits without a dash (as X12 N403 wants).
    ZipCode;
    /// North American (NANP) phone number, stored as 10 digits.
    Phone;
    /// E-mail address (pragmatic check), stored with the domain lowercased.
    Email;
    /// NUCC Health Care Provider Taxonomy code: 9 letters or digits then 'X', uppercase.
    TaxonomyCode;
    /// US Employer Identification Number, stored as 9 digits.
    TaxId;
    /// One part of a person's name (first, middle, last...), case kept as given.
    PersonName;
    /// CLIA certificate number (REF*X4 on lab claims): two digits, `D`, seven digits.
    CliaNumber;
}

string_value! {
    Npi, ZipCode, StateCode, Phone, Email, PlaceOfService, ClaimFilingIndicator, TaxonomyCode,
    TaxId, PersonName, Sex, CliaNumber,
}

/// The trimmed input, or "must not be empty".
fn required(input: &str) -> Result<&str, String> {
    match input.trim() {
        "" => Err("must not be empty".into()),
        s => Ok(s),
    }
}

fn ensure(ok: bool, message: &str) -> Result<(), String> {
    if ok { Ok(()) } else { Err(message.into()) }
}

fn all_digits(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit())
}

fn lookup(table: Table, code: &str, message: &str) -> Result<Entry, String> {
    let row = table.iter().find(|(c, _)| *c == code);
    row.ok_or_else(|| message.into())
}

/// Trimmed free text of at most `max` characters, safe to put in an X12 element.
pub fn bounded_text(input: &str, max: usize) -> Result<String, String> {
    let s = required(input)?;
    if s.chars().count() > max {
        return Err(format!("must be at most {max} characters"));
    }
    let control = s.chars().any(char::is_control);
    ensure(!control, "must not contain control characters")?;
    ensure(!s.contains(X12_SEPARATORS), X12_SEPARATOR_MESSAGE)?;
    Ok(s.to_string())
}

/// The NPI check digit for nine leading digits (Luhn over "80840" + the nine),
/// or `None` unless `first9` is exactly nine ASCII digits.
pub fn npi_check_digit(first9: &str) -> Option<u8> {
    if first9.len() != 9 || !all_digits(first9) {
        return None;
    }
    let sum: u32 = "80840"
        .bytes()
        .chain(first9.bytes())
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0') * if i % 2 == 0 { 2 } else { 1 };
            d / 10 + d % 10
        })
        .sum();
    Some(((10 - sum % 10) % 10) as u8)
}

impl Npi {
    pub fn parse(input: &str) -> Result<Self, String> {
        let s = required(input)?;
        ensure(s.len() == 10 && all_digits(s), "must be 10 digits")?;
        let check = s.as_bytes()[9] - b'0';
        let ok = npi_check_digit(&s[..9]) == Some(check);
        ensure(ok, "check digit is wrong")?;
        Ok(Self(s.to_string()))
    }
}

/// `s` without the dash at byte `at`, if it is exactly `len` bytes long with a dash there.
fn without_dash(s: &str, at: usize, len: usize) -> String {
    match s.as_bytes().get(at) {
        Some(b'-') if s.len() == len => format!("{}{}", &s[..at], &s[at + 1..]),
        _ => s.to_string(),
    }
}

impl ZipCode {
    pub fn parse(input: &str) -> Result<Self, String> {
        let digits = without_dash(required(input)?, 5, 10);
        let ok = matches!(digits.len(), 5 | 9) && all_digits(&digits);
        ensure(ok, "must be 5 or 9 digits")?;
        Ok(Self(digits))
    }

    pub fn is_zip_plus4(&self) -> bool {
        self.0.len() == 9
    }

    /// The five-digit ZIP, without the +4 part.
    pub fn zip5(&self) -> &str {
        &self.0[..5]
    }
}

/// USPS codes of the 50 states, DC, the inhabited territories and the military "states".
pub const STATE_CODES: &[&str] = &[
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS",
    "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY",
    "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV",
    "WI", "WY", "DC", "PR", "VI", "GU", "AS", "MP", "AA", "AE", "AP",
];

/// USPS two-letter state code, stored uppercase.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StateCode(&'static str);

impl StateCode {
    pub fn parse(input: &str) -> Result<Self, String> {
        let s = required(input)?.to_ascii_uppercase();
        let code = STATE_CODES.iter().find(|code| **code == s);
        code.map(|code| Self(code))
            .ok_or_else(|| "is not a USPS state code".into())
    }

    pub fn as_str(&self) -> &str {
        self.0
    }
}

impl Phone {
    pub fn parse(input: &str) -> Result<Self, String> {
        let s = required(input)?;
        let lower = s.to_ascii_lowercase();
        let extension = lower.contains("ext") || lower.contains('x') || s.contains('#');
        ensure(!extension, "extensions are not supported")?;
        let (body, plus) = s.strip_prefix('+').map_or((s, false), |rest| (rest, true));
        let allowed = |c: char| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')');
        let ok = body.chars().all(allowed);
        ensure(ok, "may contain only digits, spaces and + ( ) - .")?;
        let mut digits: String = body.chars().filter(char::is_ascii_digit).collect();
        if digits.len() == 11 && digits.starts_with('1') {
            digits.remove(0);
        } else {
            ensure(!plus, "must be a +1 (North American) number")?;
        }
        ensure(digits.len() == 10, "must be 10 digits")?;
        let nanp_ok = |at: usize| !matches!(digits.as_bytes()[at], b'0' | b'1');
        ensure(nanp_ok(0), "area code must not start with 0 or 1")?;
        ensure(nanp_ok(3), "exchange must not start with 0 or 1")?;
        Ok(Self(digits))
    }
}

impl Email {
    pub fn parse(input: &str) -> Result<Self, String> {
        let s = required(input)?;
        ensure(s.chars().count() <= 254, "must be at most 254 characters")?;
        let blank = s.chars().any(|c| c.is_whitespace() || c.is_control());
        ensure(!blank, "must not contain spaces")?;
        ensure(!s.contains(X12_SEPARATORS), X12_SEPARATOR_MESSAGE)?;
        let (local, domain) = match s.split_once('@') {
            Some((local, domain)) if !domain.contains('@') => (local, domain),
            _ => return Err("must contain exactly one @".into()),
        };
        ensure(!local.is_empty(), "must have a name before the @")?;
        let short = local.len() <= 64;
        ensure(short, "must have at most 64 characters before the @")?;
        let label_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'-';
        let label_ok = |label: &str| {
            (1..=63).contains(&label.len())
                && label.bytes().all(label_byte)
                && !label.starts_with('-')
                && !label.ends_with('-')
        };
        let domain_ok = domain.contains('.') && domain.split('.').all(label_ok);
        ensure(domain_ok, "domain is not valid")?;
        Ok(Self(format!("{local}@{}", domain.to_ascii_lowercase())))
    }
}

/// The CMS Place of Service code set: every assigned code with its name.
/// The CMS Place of Service code set, every assigned code with its name, as shipped in
/// `codesets/pos/pos.tsv` (the same file the code-set catalog imports).
pub static PLACE_OF_SERVICE_CODES: std::sync::LazyLock<Vec<(&'static str, &'static str)>> =
    std::sync::LazyLock::new(|| {
        include_str!("../../../codesets/pos/pos.tsv")
            .lines()
            .skip(1)
            .filter_map(|line| line.split_once('\t'))
            .collect()
    });

/// CMS Place of Service code (two digits).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PlaceOfService(Entry);

impl PlaceOfService {
    pub fn parse(input: &str) -> Result<Self, String> {
        let message = "is not a CMS place of service code";
        lookup(&PLACE_OF_SERVICE_CODES, required(input)?, message).map(Self)
    }

    pub fn as_str(&self) -> &str {
        self.0.0
    }

    pub fn name(&self) -> &'static str {
        self.0.1
    }
}

/// X12 837 (005010) SBR09 claim filing indicator codes with their names.
pub const CLAIM_FILING_INDICATOR_CODES: &[(&str, &str)] = &[
    ("11", "Other Non-Federal Programs"),
    ("12", "Preferred Provider Organization (PPO)"),
    ("13", "Point of Service (POS)"),
    ("14", "Exclusive Provider Organization (EPO)"),
    ("15", "Indemnity Insurance"),
    ("16", "Health Maintenance Organization (HMO) Medicare Risk"),
    ("17", "Dental Maintenance Organization"),
    ("AM", "Automobile Medical"),
    ("BL", "Blue Cross/Blue Shield"),
    ("CH", "Champus"),
    ("CI", "Commercial Insurance Co."),
    ("DS", "Disability"),
    ("FI", "Federal Employees Program"),
    ("HM", "Health Maintenance Organization"),
    ("LM", "Liability Medical"),
    ("MA", "Medicare Part A"),
    ("MB", "Medicare Part B"),
    ("MC", "Medicaid"),
    ("OF", "Other Federal Program"),
    ("TV", "Title V"),
    ("VA", "Veterans Affairs Plan"),
    ("WC", "Workers' Compensation Health Claim"),
    ("ZZ", "Mutually Defined"),
];

/// X12 837 SBR09 claim filing indicator code, stored uppercase.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ClaimFilingIndicator(Entry);

impl ClaimFilingIndicator {
    pub fn parse(input: &str) -> Result<Self, String> {
        let code = required(input)?.to_ascii_uppercase();
        let message = "is not an X12 claim filing indicator code";
        lookup(CLAIM_FILING_INDICATOR_CODES, &code, message).map(Self)
    }

    pub fn as_str(&self) -> &str {
        self.0.0
    }

    pub fn name(&self) -> &'static str {
        self.0.1
    }

    pub fn is_medicare(&self) -> bool {
        matches!(self.as_str(), "MA" | "MB")
    }
}

impl TaxonomyCode {
    pub fn parse(input: &str) -> Result<Self, String> {
        let s = required(input)?.to_ascii_uppercase();
        ensure(s.chars().count() == 10, "must be 10 characters")?;
        let alphanumeric = s.bytes().all(|b| b.is_ascii_alphanumeric());
        ensure(alphanumeric, "must contain only letters and digits")?;
        ensure(s.ends_with('X'), "must end with X")?;
        Ok(Self(s))
    }
}

/// EIN prefixes the IRS has never issued.
const UNISSUED_EIN_PREFIXES: &[&str] = &[
    "00", "07", "08", "09", "17", "18", "19", "28", "29", "49", "69", "70", "78", "79", "89", "96",
    "97",
];

impl TaxId {
    pub fn parse(input: &str) -> Result<Self, String> {
        let digits = without_dash(required(input)?, 2, 10);
        ensure(digits.len() == 9 && all_digits(&digits), "must be 9 digits")?;
        let unissued = UNISSUED_EIN_PREFIXES.contains(&&digits[..2]);
        ensure(!unissued, "is not a valid EIN prefix")?;
        Ok(Self(digits))
    }
}

impl CliaNumber {
    pub fn parse(input: &str) -> Result<Self, String> {
        let s = required(input)?.to_ascii_uppercase();
        let b = s.as_bytes();
        let shaped = b.len() == 10
            && all_digits(&s[..2])
            && b[2] == b'D'
            && s.get(3..).is_some_and(all_digits);
        ensure(shaped, "must be 10 characters: 2 digits, D, 7 digits")?;
        Ok(Self(s))
    }
}

impl PersonName {
    pub fn parse(input: &str) -> Result<Self, String> {
        let s = bounded_text(input, 60)?;
        ensure(s.chars().any(char::is_alphabetic), "must contain a letter")?;
        Ok(Self(s))
    }
}

/// Administrative sex as carried on claims: "F", "M" or "U".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sex {
    Female,
    Male,
    Unknown,
}

impl Sex {
    pub fn parse(input: &str) -> Result<Self, String> {
        match required(input)?.to_ascii_lowercase().as_str() {
            "f" | "female" => Ok(Self::Female),
            "m" | "male" => Ok(Self::Male),
            "u" | "unknown" => Ok(Self::Unknown),
            _ => Err("must be F, M or U".into()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Female => "F",
            Self::Male => "M",
            Self::Unknown => "U",
        }
    }
}
#[cfg(test)]
mod tests;
