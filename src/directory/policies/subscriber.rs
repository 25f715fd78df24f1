//! The subscriber (policy holder) of a policy whose patient is a dependent.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::directory::address::{Address, AddressJson};
use crate::directory::patients::parse_birth_date;
use crate::directory::values::{PersonName, Sex};
use crate::error::Validator;

/// The policy holder, when it is not the patient.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubscriberInput {
    pub last_name: String,
    pub first_name: String,
    /// `YYYY-MM-DD`.
    pub date_of_birth: String,
    /// `F`, `M` or `U`.
    pub sex: String,
    pub address: AddressJson,
}

/// A checked subscriber.
#[derive(Debug, Clone)]
pub struct ValidSubscriber {
    pub last_name: PersonName,
    pub first_name: PersonName,
    pub date_of_birth: NaiveDate,
    pub sex: Sex,
    pub address: Address,
}

impl ValidSubscriber {
    /// Checks every part, recording errors under `prefix` (`subscriber.date_of_birth`).
    pub fn check(v: &mut Validator, prefix: &str, input: &SubscriberInput) -> Option<Self> {
        let field = |name: &str| format!("{prefix}.{name}");
        let last_name = v.check(&field("last_name"), PersonName::parse(&input.last_name));
        let first_name = v.check(&field("first_name"), PersonName::parse(&input.first_name));
        let date_of_birth = v.check(
            &field("date_of_birth"),
            parse_birth_date(&input.date_of_birth),
        );
        let sex = v.check(&field("sex"), Sex::parse(&input.sex));
        let address = Address::check(v, &field("address"), &input.address);
        Some(ValidSubscriber {
            last_name: last_name?,
            first_name: first_name?,
            date_of_birth: date_of_birth?,
            sex: sex?,
            address: address?,
        })
    }
}

/// The policy holder as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Subscriber {
    pub last_name: String,
    pub first_name: String,
    pub date_of_birth: NaiveDate,
    pub sex: String,
    pub address: AddressJson,
}
