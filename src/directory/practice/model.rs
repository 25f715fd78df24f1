use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::directory::address::{Address, AddressJson};
use crate::directory::values::{CliaNumber, Npi, Phone, TaxId, bounded_text};
use crate::error::{AppError, Validator};

/// The practice settings as saved through the API.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PracticeInput {
    /// At most 60 characters.
    pub name: String,
    /// Employer Identification Number, `12-3456789` or 9 digits; stored as 9 digits.
    pub tax_id: Option<String>,
    /// The group NPI (10 digits with a valid check digit).
    pub npi: Option<String>,
    pub address: Option<AddressJson>,
    /// North American number; stored as 10 digits.
    pub phone: Option<String>,
    /// The CLIA certificate number lab claims carry (REF*X4): 2 digits, `D`, 7 digits, e.g. `05D0987654`.
    pub clia_number: Option<String>,
    /// The version read (or send If-Match); not needed the first time the settings are saved.
    pub version: Option<i32>,
}

/// Practice settings whose every field has been checked.
#[derive(Debug, Clone)]
pub struct ValidPractice {
    pub name: String,
    pub tax_id: Option<TaxId>,
    pub npi: Option<Npi>,
    pub address: Option<Address>,
    pub phone: Option<Phone>,
    pub clia_number: Option<CliaNumber>,
}

impl TryFrom<&PracticeInput> for ValidPractice {
    type Error = AppError;

    fn try_from(input: &PracticeInput) -> Result<Self, AppError> {
        let mut v = Validator::new();
        let name = v.check("name", bounded_text(&input.name, 60));
        let tax_id = v.optional("tax_id", input.tax_id.as_deref(), TaxId::parse);
        let npi = v.optional("npi", input.npi.as_deref(), Npi::parse);
        let address = match &input.address {
            Some(json) => Address::check(&mut v, "address", json).map(Some),
            None => Some(None),
        };
        let phone = v.optional("phone", input.phone.as_deref(), Phone::parse);
        let clia_number = v.optional(
            "clia_number",
            input.clia_number.as_deref(),
            CliaNumber::parse,
        );
        v.finish(|| {
            Some(ValidPractice {
                name: name?,
                tax_id: tax_id?,
                npi: npi?,
                address: address?,
                phone: phone?,
                clia_number: clia_number?,
            })
        })
    }
}

/// The practice settings as the API shows them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Practice {
    pub name: String,
    pub tax_id: Option<String>,
    pub npi: Option<String>,
    pub address: Option<AddressJson>,
    pub phone: Option<String>,
    pub clia_number: Option<String>,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::testing::invalid_fields;

    fn input() -> PracticeInput {
        PracticeInput {
            name: "Springfield Family Medicine".into(),
            tax_id: Some("12-3456789".into()),
            npi: Some("1234567893".into()),
            address: Some(AddressJson {
                line1: "12 Main St".into(),
                line2: Some("Suite 5".into()),
                city: "Springfield".into(),
                state: "MA".into(),
                zip: "01101".into(),
            }),
            phone: Some("555.234.5678".into()),
            clia_number: Some("05d0987654".into()),
            version: None,
        }
    }

    #[test]
    fn complete_settings_are_normalized() {
        let valid = ValidPractice::try_from(&input()).unwrap();
        assert_eq!(valid.tax_id.unwrap().as_str(), "123456789");
        assert_eq!(valid.phone.unwrap().as_str(), "5552345678");
        assert_eq!(valid.clia_number.unwrap().as_str(), "05D0987654");
        assert_eq!(valid.address.unwrap().line2.as_deref(), Some("Suite 5"));
    }

    #[test]
    fn a_name_alone_is_enough() {
        let bare = PracticeInput {
            name: "Solo Practice".into(),
            tax_id: None,
            npi: Some(" ".into()),
            address: None,
            phone: None,
            clia_number: None,
            version: None,
        };
        let valid = ValidPractice::try_from(&bare).unwrap();
        assert!(valid.tax_id.is_none() && valid.npi.is_none() && valid.address.is_none());
    }

    #[test]
    fn each_invalid_field_is_reported_under_its_own_name() {
        type Case = (&'static str, fn(&mut PracticeInput));
        let cases: &[Case] = &[
            ("name", |i| i.name = "".into()),
            ("name", |i| i.name = "Family^Medicine".into()),
            ("tax_id", |i| i.tax_id = Some("12-345678".into())),
            ("tax_id", |i| i.tax_id = Some("00-1234567".into())),
            ("npi", |i| i.npi = Some("123456789".into())),
            ("npi", |i| i.npi = Some("1234567890".into())),
            ("address.city", |i| {
                i.address.as_mut().unwrap().city = "".into()
            }),
            ("address.zip", |i| {
                i.address.as_mut().unwrap().zip = "01101-".into()
            }),
            ("phone", |i| i.phone = Some("+44 20 7946 0958".into())),
            ("clia_number", |i| i.clia_number = Some("05-0987654".into())),
        ];
        for (field, spoil) in cases {
            let mut bad = input();
            spoil(&mut bad);
            assert_eq!(invalid_fields(ValidPractice::try_from(&bad)), [*field]);
        }
    }
}
