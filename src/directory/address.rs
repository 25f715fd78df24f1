//! Postal addresses as the API takes and gives them, validated at the edge.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::values::{StateCode, ZipCode, bounded_text};
use crate::error::Validator;

/// A US postal address. `zip` is 5 or 9 digits (`12345` or `12345-6789`); `state` a USPS code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddressJson {
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub state: String,
    pub zip: String,
}

/// A checked address: lines and city are clean text (no X12 separators), state and ZIP are real codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub state: StateCode,
    pub zip: ZipCode,
}

impl Address {
    /// Checks every part, recording errors under `prefix` (`address.zip`).
    pub fn check(v: &mut Validator, prefix: &str, input: &AddressJson) -> Option<Address> {
        let line1 = v.check(&format!("{prefix}.line1"), bounded_text(&input.line1, 55));
        let line2 = v.optional(&format!("{prefix}.line2"), input.line2.as_deref(), |s| {
            bounded_text(s, 55)
        });
        let city = v.check(&format!("{prefix}.city"), bounded_text(&input.city, 30));
        let state = v.check(&format!("{prefix}.state"), StateCode::parse(&input.state));
        let zip = v.check(&format!("{prefix}.zip"), ZipCode::parse(&input.zip));
        Some(Address {
            line1: line1?,
            line2: line2?,
            city: city?,
            state: state?,
            zip: zip?,
        })
    }

    /// The stored columns back into the API shape (stored values were checked when written).
    pub fn json(
        line1: String,
        line2: Option<String>,
        city: String,
        state: String,
        zip: String,
    ) -> AddressJson {
        AddressJson {
            line1,
            line2,
            city,
            state,
            zip,
        }
    }
}

/// An address whose parts are all optional in storage (practice, payer): present only when line1 is.
pub fn optional_json(
    line1: Option<String>,
    line2: Option<String>,
    city: Option<String>,
    state: Option<String>,
    zip: Option<String>,
) -> Option<AddressJson> {
    Some(AddressJson {
        line1: line1?,
        line2,
        city: city?,
        state: state?,
        zip: zip?,
    })
}
