use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::directory::address::{Address, AddressJson};
use crate::directory::values::{Email, PersonName, Phone, Sex};
use crate::error::{AppError, Validator};

/// A calendar date written as `YYYY-MM-DD`.
pub fn parse_date(input: &str) -> Result<NaiveDate, String> {
    let text = input.trim();
    if text.is_empty() {
        return Err("must not be empty".into());
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .filter(|_| text.len() == 10)
        .ok_or_else(|| "must be a date as YYYY-MM-DD".into())
}

/// A date of birth: not before 1900-01-01 and not after `today`.
pub fn check_birth_date(date: NaiveDate, today: NaiveDate) -> Result<NaiveDate, String> {
    let earliest = NaiveDate::from_ymd_opt(1900, 1, 1).expect("a valid date");
    if date < earliest {
        return Err("must not be before 1900-01-01".into());
    }
    if date > today {
        return Err("must not be in the future".into());
    }
    Ok(date)
}

/// A date of birth as `YYYY-MM-DD`, checked against today's date (UTC).
pub fn parse_birth_date(input: &str) -> Result<NaiveDate, String> {
    check_birth_date(parse_date(input)?, Utc::now().date_naive())
}

/// A patient as registered or replaced through the API.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatientInput {
    pub last_name: String,
    pub first_name: String,
    pub middle_name: Option<String>,
    /// `YYYY-MM-DD`; not in the future, not before 1900.
    pub date_of_birth: String,
    /// `F`, `M` or `U`.
    pub sex: String,
    pub address: AddressJson,
    /// North American number; stored as 10 digits.
    pub phone: Option<String>,
    pub email: Option<String>,
    /// On replace: the version read (or send If-Match). Ignored on create.
    pub version: Option<i32>,
}

/// A patient whose every field has been checked.
#[derive(Debug, Clone)]
pub struct ValidPatient {
    pub last_name: PersonName,
    pub first_name: PersonName,
    pub middle_name: Option<PersonName>,
    pub date_of_birth: NaiveDate,
    pub sex: Sex,
    pub address: Address,
    pub phone: Option<Phone>,
    pub email: Option<Email>,
}

impl ValidPatient {
    /// The lower-cased search key of the last name.
    pub fn last_name_key(&self) -> String {
        self.last_name.as_str().to_lowercase()
    }

    /// The lower-cased search key of the first name.
    pub fn first_name_key(&self) -> String {
        self.first_name.as_str().to_lowercase()
    }
}

impl TryFrom<&PatientInput> for ValidPatient {
    type Error = AppError;

    fn try_from(input: &PatientInput) -> Result<Self, AppError> {
        let mut v = Validator::new();
        let last_name = v.check("last_name", PersonName::parse(&input.last_name));
        let first_name = v.check("first_name", PersonName::parse(&input.first_name));
        let middle_name = v.optional(
            "middle_name",
            input.middle_name.as_deref(),
            PersonName::parse,
        );
        let date_of_birth = v.check("date_of_birth", parse_birth_date(&input.date_of_birth));
        let sex = v.check("sex", Sex::parse(&input.sex));
        let address = Address::check(&mut v, "address", &input.address);
        let phone = v.optional("phone", input.phone.as_deref(), Phone::parse);
        let email = v.optional("email", input.email.as_deref(), Email::parse);
        v.finish(|| {
            Some(ValidPatient {
                last_name: last_name?,
                first_name: first_name?,
                middle_name: middle_name?,
                date_of_birth: date_of_birth?,
                sex: sex?,
                address: address?,
                phone: phone?,
                email: email?,
            })
        })
    }
}

/// A patient as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Patient {
    pub id: crate::db::ids::PatientId,
    /// Medical record number, assigned on registration and never changed.
    pub mrn: String,
    pub last_name: String,
    pub first_name: String,
    pub middle_name: Option<String>,
    pub date_of_birth: NaiveDate,
    /// `F`, `M` or `U`.
    pub sex: String,
    pub address: AddressJson,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub active: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An invented patient that passes every check.
    fn valid_input() -> PatientInput {
        PatientInput {
            last_name: "Quillfeather".into(),
            first_name: "Test".into(),
            middle_name: Some("Example".into()),
            date_of_birth: "1984-02-29".into(),
            sex: "F".into(),
            address: AddressJson {
                line1: "100 Sample Way".into(),
                line2: None,
                city: "Springfield".into(),
                state: "ma".into(),
                zip: "01101".into(),
            },
            phone: Some("(555) 234-5678".into()),
            email: Some("test.q@Example.ORG".into()),
            version: None,
        }
    }

    fn fields_rejected(input: &PatientInput) -> Vec<String> {
        match ValidPatient::try_from(input) {
            Err(AppError::Validation(errors)) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn a_complete_patient_is_normalized() {
        let valid = ValidPatient::try_from(&valid_input()).unwrap();
        assert_eq!(valid.address.state.as_str(), "MA");
        assert_eq!(valid.phone.unwrap().as_str(), "5552345678");
        assert_eq!(valid.email.unwrap().as_str(), "test.q@example.org");
        assert_eq!(
            valid.date_of_birth,
            NaiveDate::from_ymd_opt(1984, 2, 29).unwrap()
        );
        assert_eq!(valid.middle_name.unwrap().as_str(), "Example");
    }

    #[test]
    fn blank_optional_fields_are_absent() {
        let mut input = valid_input();
        input.middle_name = Some("  ".into());
        input.phone = None;
        input.email = Some(String::new());
        let valid = ValidPatient::try_from(&input).unwrap();
        assert!(valid.middle_name.is_none() && valid.phone.is_none() && valid.email.is_none());
    }

    #[test]
    fn search_keys_are_lower_cased_names() {
        let mut input = valid_input();
        input.last_name = "McTestson".into();
        let valid = ValidPatient::try_from(&input).unwrap();
        assert_eq!(valid.last_name_key(), "mctestson");
        assert_eq!(valid.first_name_key(), "test");
    }

    #[test]
    fn each_invalid_field_is_named_in_the_error() {
        let tomorrow = (Utc::now().date_naive() + chrono::Days::new(1)).to_string();
        type Edit = Box<dyn Fn(&mut PatientInput)>;
        let cases: Vec<(&str, Edit)> = vec![
            ("last_name", Box::new(|p| p.last_name = " ".into())),
            ("first_name", Box::new(|p| p.first_name = "A*B".into())),
            (
                "middle_name",
                Box::new(|p| p.middle_name = Some("42".into())),
            ),
            (
                "date_of_birth",
                Box::new(|p| p.date_of_birth = "1984-02-30".into()),
            ),
            (
                "date_of_birth",
                Box::new(|p| p.date_of_birth = "02/01/1984".into()),
            ),
            (
                "date_of_birth",
                Box::new(|p| p.date_of_birth = "1899-12-31".into()),
            ),
            (
                "date_of_birth",
                Box::new(move |p| p.date_of_birth = tomorrow.clone()),
            ),
            (
                "date_of_birth",
                Box::new(|p| p.date_of_birth = String::new()),
            ),
            ("sex", Box::new(|p| p.sex = "X".into())),
            (
                "address.line1",
                Box::new(|p| p.address.line1 = String::new()),
            ),
            (
                "address.city",
                Box::new(|p| p.address.city = "C".repeat(31)),
            ),
            ("address.state", Box::new(|p| p.address.state = "ZZ".into())),
            ("address.zip", Box::new(|p| p.address.zip = "1234".into())),
            ("phone", Box::new(|p| p.phone = Some("555-1234".into()))),
            ("email", Box::new(|p| p.email = Some("not-an-email".into()))),
        ];
        for (field, edit) in cases {
            let mut input = valid_input();
            edit(&mut input);
            assert_eq!(fields_rejected(&input), vec![field.to_string()], "{field}");
        }
    }

    #[test]
    fn every_invalid_field_is_reported_at_once() {
        let mut input = valid_input();
        input.last_name = String::new();
        input.date_of_birth = "tomorrow".into();
        input.address.state = "XX".into();
        let fields = fields_rejected(&input);
        assert_eq!(fields, ["last_name", "date_of_birth", "address.state"]);
    }

    #[test]
    fn birth_dates_are_bounded_by_1900_and_today() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        let date = |s: &str| parse_date(s).unwrap();
        #[rustfmt::skip]
        let cases: &[(&str, Result<&str, &str>)] = &[
            ("1900-01-01", Ok("1900-01-01")),
            ("2026-11-29", Ok("2026-11-29")),
            ("1899-12-31", Err("must not be before 1900-01-01")),
            ("2026-11-30", Err("must not be in the future")),
        ];
        for (input, expected) in cases {
            let got = check_birth_date(date(input), today);
            let expected = expected.map(date).map_err(str::to_string);
            assert_eq!(got, expected, "{input}");
        }
    }

    #[test]
    fn dates_must_be_written_as_year_month_day() {
        for bad in [
            "2020-1-5",
            "20200105",
            "2020-02-30",
            "2020-01-05T00:00",
            "+2020-01-05",
        ] {
            assert_eq!(
                parse_date(bad),
                Err("must be a date as YYYY-MM-DD".into()),
                "{bad}"
            );
        }
        assert_eq!(
            parse_date(" 2020-01-05 "),
            Ok(NaiveDate::from_ymd_opt(2020, 1, 5).unwrap())
        );
    }
}
