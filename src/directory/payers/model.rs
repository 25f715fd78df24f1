use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::directory::address::{Address, AddressJson};
use crate::directory::values::{ClaimFilingIndicator, bounded_text};
use crate::error::{AppError, Validator};

/// The electronic payer id sent in X12 NM109: 2 to 80 letters or digits, uppercased.
/// Not unique: one clearinghouse id can serve several plans.
pub fn parse_payer_id(input: &str) -> Result<String, String> {
    let s = input.trim().to_ascii_uppercase();
    if s.is_empty() {
        return Err("must not be empty".into());
    }
    if !s.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err("must contain only letters and digits".into());
    }
    if !(2..=80).contains(&s.len()) {
        return Err("must be 2 to 80 characters".into());
    }
    Ok(s)
}

/// A payer as created or replaced through the API.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PayerInput {
    /// At most 60 characters.
    pub name: String,
    /// Electronic payer id (X12 NM109): 2 to 80 letters or digits; stored uppercase.
    pub payer_id: String,
    /// Where paper claims go, if anywhere.
    pub address: Option<AddressJson>,
    /// X12 SBR09 code, e.g. CI (commercial), MB (Medicare Part B), MC (Medicaid).
    pub claim_filing_indicator: String,
    /// On replace: the version read (or send If-Match). Ignored on create.
    pub version: Option<i32>,
}

/// A payer whose every field has been checked.
#[derive(Debug, Clone)]
pub struct ValidPayer {
    pub name: String,
    pub payer_id: String,
    pub address: Option<Address>,
    pub claim_filing_indicator: ClaimFilingIndicator,
}

impl TryFrom<&PayerInput> for ValidPayer {
    type Error = AppError;

    fn try_from(input: &PayerInput) -> Result<Self, AppError> {
        let mut v = Validator::new();
        let name = v.check("name", bounded_text(&input.name, 60));
        let payer_id = v.check("payer_id", parse_payer_id(&input.payer_id));
        let address = match &input.address {
            Some(json) => Address::check(&mut v, "address", json).map(Some),
            None => Some(None),
        };
        let claim_filing_indicator = v.check(
            "claim_filing_indicator",
            ClaimFilingIndicator::parse(&input.claim_filing_indicator),
        );
        v.finish(|| {
            Some(ValidPayer {
                name: name?,
                payer_id: payer_id?,
                address: address?,
                claim_filing_indicator: claim_filing_indicator?,
            })
        })
    }
}

/// A payer as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Payer {
    pub id: crate::db::ids::PayerId,
    pub name: String,
    pub payer_id: String,
    pub address: Option<AddressJson>,
    pub claim_filing_indicator: String,
    /// The X12 name of `claim_filing_indicator`, e.g. "Medicare Part B".
    pub claim_filing_indicator_name: String,
    pub active: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::testing::invalid_fields;

    fn input() -> PayerInput {
        PayerInput {
            name: "Acme Health Plan".into(),
            payer_id: " sx123 ".into(),
            address: Some(AddressJson {
                line1: "PO Box 100".into(),
                line2: None,
                city: "Hartford".into(),
                state: "CT".into(),
                zip: "06101".into(),
            }),
            claim_filing_indicator: "ci".into(),
            version: None,
        }
    }

    #[test]
    fn a_complete_payer_is_normalized() {
        let valid = ValidPayer::try_from(&input()).unwrap();
        assert_eq!(valid.payer_id, "SX123");
        assert_eq!(valid.claim_filing_indicator.as_str(), "CI");
        assert_eq!(valid.address.unwrap().zip.as_str(), "06101");
    }

    #[test]
    fn a_payer_without_an_address_is_valid() {
        let mut no_address = input();
        no_address.address = None;
        assert!(ValidPayer::try_from(&no_address).unwrap().address.is_none());
    }

    #[test]
    fn payer_ids_are_two_to_eighty_letters_or_digits() {
        let longest = "9".repeat(80);
        assert_eq!(parse_payer_id("87726"), Ok("87726".into()));
        assert_eq!(parse_payer_id(" mcrb1 "), Ok("MCRB1".into()));
        assert_eq!(parse_payer_id(&longest), Ok(longest.clone()));
        #[rustfmt::skip]
        let bad: &[(&str, &str)] = &[
            ("", "must not be empty"),
            ("  ", "must not be empty"),
            ("7", "must be 2 to 80 characters"),
            (&"9".repeat(81), "must be 2 to 80 characters"),
            ("SX-123", "must contain only letters and digits"),
            ("SX 123", "must contain only letters and digits"),
            ("SX*123", "must contain only letters and digits"),
            ("ÄB", "must contain only letters and digits"),
        ];
        for (input, message) in bad {
            assert_eq!(parse_payer_id(input), Err(message.to_string()), "{input:?}");
        }
    }

    #[test]
    fn each_invalid_field_is_reported_under_its_own_name() {
        type Case = (&'static str, fn(&mut PayerInput));
        let cases: &[Case] = &[
            ("name", |i| i.name = "".into()),
            ("name", |i| i.name = "n".repeat(61)),
            ("payer_id", |i| i.payer_id = "X".into()),
            ("payer_id", |i| i.payer_id = "SX~123".into()),
            ("address.line1", |i| {
                i.address.as_mut().unwrap().line1 = " ".into()
            }),
            ("address.state", |i| {
                i.address.as_mut().unwrap().state = "ZZ".into()
            }),
            ("address.zip", |i| {
                i.address.as_mut().unwrap().zip = "0610".into()
            }),
            ("claim_filing_indicator", |i| {
                i.claim_filing_indicator = "MD".into()
            }),
            ("claim_filing_indicator", |i| {
                i.claim_filing_indicator = "".into()
            }),
        ];
        for (field, spoil) in cases {
            let mut bad = input();
            spoil(&mut bad);
            assert_eq!(invalid_fields(ValidPayer::try_from(&bad)), [*field]);
        }
    }

    #[test]
    fn every_invalid_field_is_reported_at_once() {
        let mut bad = input();
        bad.payer_id = "".into();
        bad.claim_filing_indicator = "10".into();
        let fields = invalid_fields(ValidPayer::try_from(&bad));
        assert_eq!(fields, ["payer_id", "claim_filing_indicator"]);
    }
}
