use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::directory::address::{Address, AddressJson};
use crate::directory::values::{Npi, Phone, PlaceOfService, bounded_text};
use crate::error::{AppError, Validator};

/// A location as created or replaced through the API.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocationInput {
    /// At most 60 characters.
    pub name: String,
    pub address: AddressJson,
    /// North American number; stored as 10 digits.
    pub phone: Option<String>,
    /// CMS place of service code, e.g. 11 (office) or 81 (independent laboratory).
    pub place_of_service: String,
    /// The facility's own NPI, if it has one (10 digits with a valid check digit).
    pub npi: Option<String>,
    /// On replace: the version read (or send If-Match). Ignored on create.
    pub version: Option<i32>,
}

/// A location whose every field has been checked.
#[derive(Debug, Clone)]
pub struct ValidLocation {
    pub name: String,
    pub address: Address,
    pub phone: Option<Phone>,
    pub place_of_service: PlaceOfService,
    pub npi: Option<Npi>,
}

impl TryFrom<&LocationInput> for ValidLocation {
    type Error = AppError;

    fn try_from(input: &LocationInput) -> Result<Self, AppError> {
        let mut v = Validator::new();
        let name = v.check("name", bounded_text(&input.name, 60));
        let address = Address::check(&mut v, "address", &input.address);
        let phone = v.optional("phone", input.phone.as_deref(), Phone::parse);
        let place_of_service = v.check(
            "place_of_service",
            PlaceOfService::parse(&input.place_of_service),
        );
        let npi = v.optional("npi", input.npi.as_deref(), Npi::parse);
        v.finish(|| {
            Some(ValidLocation {
                name: name?,
                address: address?,
                phone: phone?,
                place_of_service: place_of_service?,
                npi: npi?,
            })
        })
    }
}

/// A location as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Location {
    pub id: crate::db::ids::LocationId,
    pub name: String,
    pub address: AddressJson,
    pub phone: Option<String>,
    pub place_of_service: String,
    /// The CMS name of `place_of_service`, e.g. "Office".
    pub place_of_service_name: String,
    pub npi: Option<String>,
    pub active: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::testing::invalid_fields;

    fn input() -> LocationInput {
        LocationInput {
            name: " Main Street Office ".into(),
            address: AddressJson {
                line1: "12 Main St".into(),
                line2: None,
                city: "Springfield".into(),
                state: "ma".into(),
                zip: "01101-1234".into(),
            },
            phone: Some("(555) 234-5678".into()),
            place_of_service: "11".into(),
            npi: Some("1234567893".into()),
            version: None,
        }
    }

    #[test]
    fn a_complete_location_is_normalized() {
        let valid = ValidLocation::try_from(&input()).unwrap();
        assert_eq!(valid.name, "Main Street Office");
        assert_eq!(valid.address.state.as_str(), "MA");
        assert_eq!(valid.address.zip.as_str(), "011011234");
        assert_eq!(valid.phone.unwrap().as_str(), "5552345678");
        assert_eq!(valid.place_of_service.name(), "Office");
        assert_eq!(valid.npi.unwrap().as_str(), "1234567893");
    }

    #[test]
    fn blank_optional_fields_are_absent() {
        let mut blank = input();
        blank.phone = Some("  ".into());
        blank.npi = None;
        let valid = ValidLocation::try_from(&blank).unwrap();
        assert!(valid.phone.is_none() && valid.npi.is_none());
    }

    #[test]
    fn each_invalid_field_is_reported_under_its_own_name() {
        type Case = (&'static str, fn(&mut LocationInput));
        let cases: &[Case] = &[
            ("name", |i| i.name = " ".into()),
            ("name", |i| i.name = "a".repeat(61)),
            ("name", |i| i.name = "Main*Office".into()),
            ("address.line1", |i| i.address.line1 = "".into()),
            ("address.line2", |i| {
                i.address.line2 = Some("Suite~5".into())
            }),
            ("address.city", |i| i.address.city = "c".repeat(31)),
            ("address.state", |i| i.address.state = "XX".into()),
            ("address.zip", |i| i.address.zip = "1234".into()),
            ("phone", |i| i.phone = Some("555-2345".into())),
            ("place_of_service", |i| i.place_of_service = "30".into()),
            ("place_of_service", |i| i.place_of_service = "".into()),
            ("npi", |i| i.npi = Some("1234567890".into())),
        ];
        for (field, spoil) in cases {
            let mut bad = input();
            spoil(&mut bad);
            assert_eq!(invalid_fields(ValidLocation::try_from(&bad)), [*field]);
        }
    }

    #[test]
    fn every_invalid_field_is_reported_at_once() {
        let mut bad = input();
        bad.name = "".into();
        bad.address.zip = "ABCDE".into();
        bad.place_of_service = "00".into();
        let fields = invalid_fields(ValidLocation::try_from(&bad));
        assert_eq!(fields, ["name", "address.zip", "place_of_service"]);
    }
}
