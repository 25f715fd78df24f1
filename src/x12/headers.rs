//! What the caller decides about each envelope: the ISA, GS and ST headers and their control numbers.
//! Control numbers come from the caller (a database counter), checked here against their X12 sizes;
//! counts and trailers are the envelope writer's job.

use std::fmt;

use chrono::NaiveDateTime;

use super::error::WriteError;

const MAX_NINE_DIGITS: u32 = 999_999_999;

/// ISA13 / IEA02: 1 to 999999999, written as nine digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct InterchangeControlNumber(u32);

impl InterchangeControlNumber {
    pub fn new(value: u32) -> Result<Self, WriteError> {
        nine_digit("ISA13", value).map(InterchangeControlNumber)
    }

    pub fn value(self) -> u32 {
        self.0
    }
}

impl fmt::Display for InterchangeControlNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:09}", self.0)
    }
}

/// GS06 / GE02: 1 to 999999999, written without padding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GroupControlNumber(u32);

impl GroupControlNumber {
    pub fn new(value: u32) -> Result<Self, WriteError> {
        nine_digit("GS06", value).map(GroupControlNumber)
    }

    pub fn value(self) -> u32 {
        self.0
    }
}

impl fmt::Display for GroupControlNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

fn nine_digit(field: &'static str, value: u32) -> Result<u32, WriteError> {
    if (1..=MAX_NINE_DIGITS).contains(&value) {
        Ok(value)
    } else {
        Err(WriteError::InvalidControlNumber {
            field,
            value: value.to_string(),
            rule: "1 to 999999999",
        })
    }
}

/// ST02 / SE02: 4 to 9 letters or digits (upper-cased), unique within its functional group.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TransactionControlNumber(String);

impl TransactionControlNumber {
    pub fn new(value: &str) -> Result<Self, WriteError> {
        let fits =
            (4..=9).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_alphanumeric());
        if fits {
            Ok(TransactionControlNumber(value.to_ascii_uppercase()))
        } else {
            Err(WriteError::InvalidControlNumber {
                field: "ST02",
                value: value.to_string(),
                rule: "4 to 9 letters or digits",
            })
        }
    }

    /// A counter value written with at least four digits (`7` becomes `0007`).
    pub fn from_number(value: u32) -> Result<Self, WriteError> {
        let value = nine_digit("ST02", value)?;
        Ok(TransactionControlNumber(format!("{value:04}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TransactionControlNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// ISA15: whether the interchange is test or production data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Usage {
    Test,
    Production,
}

impl Usage {
    pub fn code(self) -> &'static str {
        match self {
            Usage::Test => "T",
            Usage::Production => "P",
        }
    }
}

/// The ISA segment's content. ISA11 (repetition separator), ISA12 (`00501`) and ISA16 (component
/// separator) are not here: the writer takes them from its separators and the version it writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterchangeHeader {
    /// ISA01, usually `00` (no authorization information).
    pub authorization_qualifier: String,
    /// ISA02, up to 10 characters, usually blank.
    pub authorization_information: String,
    /// ISA03, usually `00` (no security information).
    pub security_qualifier: String,
    /// ISA04, up to 10 characters, usually blank.
    pub security_information: String,
    /// ISA05, e.g. `ZZ` (mutually defined).
    pub sender_qualifier: String,
    /// ISA06, up to 15 characters.
    pub sender_id: String,
    /// ISA07.
    pub receiver_qualifier: String,
    /// ISA08, up to 15 characters.
    pub receiver_id: String,
    /// ISA09 (YYMMDD) and ISA10 (HHMM).
    pub created: NaiveDateTime,
    /// ISA13, repeated in IEA02.
    pub control_number: InterchangeControlNumber,
    /// ISA14: ask the receiver for a TA1 interchange acknowledgment.
    pub acknowledgment_requested: bool,
    /// ISA15.
    pub usage: Usage,
}

impl InterchangeHeader {
    /// A header with no authorization or security information (`00` and blanks) and no TA1 requested.
    pub fn new(
        sender: (&str, &str),
        receiver: (&str, &str),
        created: NaiveDateTime,
        control_number: InterchangeControlNumber,
        usage: Usage,
    ) -> Self {
        InterchangeHeader {
            authorization_qualifier: "00".into(),
            authorization_information: String::new(),
            security_qualifier: "00".into(),
            security_information: String::new(),
            sender_qualifier: sender.0.into(),
            sender_id: sender.1.into(),
            receiver_qualifier: receiver.0.into(),
            receiver_id: receiver.1.into(),
            created,
            control_number,
            acknowledgment_requested: false,
            usage,
        }
    }
}

/// The GS segment's content; GS07 is always `X` (ASC X12).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupHeader {
    /// GS01, e.g. `HC` for 837 claims.
    pub functional_id: String,
    /// GS02, application sender's code.
    pub sender_code: String,
    /// GS03, application receiver's code.
    pub receiver_code: String,
    /// GS04 (CCYYMMDD) and GS05 (HHMM).
    pub created: NaiveDateTime,
    /// GS06, repeated in GE02.
    pub control_number: GroupControlNumber,
    /// GS08, e.g. `005010X222A1`.
    pub version: String,
}

/// The ST segment's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionHeader {
    /// ST01, e.g. `837`.
    pub id: String,
    /// ST02, repeated in SE02.
    pub control_number: TransactionControlNumber,
    /// ST03, e.g. `005010X222A1` (required in an 837P, not used in an 835).
    pub implementation_reference: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interchange_control_numbers_are_nine_digits_zero_padded() {
        assert_eq!(
            InterchangeControlNumber::new(17).map(|n| n.to_string()),
            Ok("000000017".into())
        );
        assert_eq!(
            InterchangeControlNumber::new(999_999_999).map(|n| n.to_string()),
            Ok("999999999".into())
        );
        assert!(InterchangeControlNumber::new(1_000_000_000).is_err());
        assert!(InterchangeControlNumber::new(0).is_err());
    }

    #[test]
    fn group_control_numbers_are_written_without_padding() {
        assert_eq!(
            GroupControlNumber::new(42).map(|n| n.to_string()),
            Ok("42".into())
        );
        assert!(GroupControlNumber::new(1_000_000_000).is_err());
    }

    #[test]
    fn transaction_control_numbers_are_four_to_nine_letters_or_digits() {
        assert_eq!(
            TransactionControlNumber::from_number(7).map(|n| n.to_string()),
            Ok("0007".into())
        );
        assert_eq!(
            TransactionControlNumber::from_number(123_456_789).map(|n| n.to_string()),
            Ok("123456789".into())
        );
        assert_eq!(
            TransactionControlNumber::new("ab12").map(|n| n.to_string()),
            Ok("AB12".into())
        );
        for bad in ["123", "1234567890", "12*4", "12 4", ""] {
            assert!(TransactionControlNumber::new(bad).is_err(), "{bad:?}");
        }
    }
}
