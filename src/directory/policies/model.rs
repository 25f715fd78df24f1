use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::subscriber::{Subscriber, SubscriberInput, ValidSubscriber};
use crate::db::ids::{PatientId, PayerId, PolicyId};
use crate::directory::patients::parse_date;
use crate::directory::values::bounded_text;
use crate::error::{AppError, Validator};

/// Which payer is billed first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Primary,
    Secondary,
    Tertiary,
}

impl Priority {
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Primary => "primary",
            Priority::Secondary => "secondary",
            Priority::Tertiary => "tertiary",
        }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        match text.trim() {
            "primary" => Ok(Priority::Primary),
            "secondary" => Ok(Priority::Secondary),
            "tertiary" => Ok(Priority::Tertiary),
            _ => Err("must be primary, secondary or tertiary".into()),
        }
    }
}

/// The patient's relationship to the subscriber (the policy holder).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Relationship {
    /// The patient is the subscriber.
    #[serde(rename = "self")]
    SelfInsured,
    Spouse,
    Child,
    Other,
}

impl Relationship {
    pub fn as_str(self) -> &'static str {
        match self {
            Relationship::SelfInsured => "self",
            Relationship::Spouse => "spouse",
            Relationship::Child => "child",
            Relationship::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        match text.trim() {
            "self" => Ok(Relationship::SelfInsured),
            "spouse" => Ok(Relationship::Spouse),
            "child" => Ok(Relationship::Child),
            "other" => Ok(Relationship::Other),
            _ => Err("must be self, spouse, child or other".into()),
        }
    }
}

/// An insurance policy as created or replaced through the API.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyInput {
    /// Id of an active payer.
    pub payer_id: String,
    /// Letters, digits and dashes, at most 80.
    pub member_id: String,
    pub group_number: Option<String>,
    pub group_name: Option<String>,
    /// `primary`, `secondary` or `tertiary`.
    pub priority: String,
    /// `self`, `spouse`, `child` or `other`.
    pub relationship: String,
    /// Required unless `relationship` is `self`; must be absent when it is.
    pub subscriber: Option<SubscriberInput>,
    /// `YYYY-MM-DD`.
    pub effective_date: String,
    /// `YYYY-MM-DD`, not before `effective_date`.
    pub end_date: Option<String>,
    /// On replace: the version read (or send If-Match). Ignored on create.
    pub version: Option<i32>,
}

/// A policy whose every field has been checked (the payer's existence is checked against the database).
#[derive(Debug, Clone)]
pub struct ValidPolicy {
    pub payer_id: PayerId,
    pub member_id: String,
    pub group_number: Option<String>,
    pub group_name: Option<String>,
    pub priority: Priority,
    pub relationship: Relationship,
    pub subscriber: Option<ValidSubscriber>,
    pub effective_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
}

fn member_id(input: &str) -> Result<String, String> {
    let s = bounded_text(input, 80)?;
    let ok = s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !ok {
        return Err("may contain only letters, digits and -".into());
    }
    Ok(s)
}

/// The subscriber matching the relationship: absent for `self`, present and valid otherwise.
fn check_subscriber(
    v: &mut Validator,
    relationship: Option<Relationship>,
    input: Option<&SubscriberInput>,
) -> Option<Option<ValidSubscriber>> {
    match (relationship, input) {
        (Some(Relationship::SelfInsured), None) | (None, None) => Some(None),
        (Some(Relationship::SelfInsured), Some(_)) => {
            v.reject("subscriber", "must be absent when relationship is self");
            None
        }
        (Some(_), None) => {
            v.reject("subscriber", "is required when relationship is not self");
            None
        }
        (_, Some(s)) => ValidSubscriber::check(v, "subscriber", s).map(Some),
    }
}

impl TryFrom<&PolicyInput> for ValidPolicy {
    type Error = AppError;

    fn try_from(input: &PolicyInput) -> Result<Self, AppError> {
        let mut v = Validator::new();
        let payer_id = v.check("payer_id", PayerId::parse(&input.payer_id));
        let member_id = v.check("member_id", member_id(&input.member_id));
        let group_number = v.optional("group_number", input.group_number.as_deref(), |s| {
            bounded_text(s, 50)
        });
        let group_name = v.optional("group_name", input.group_name.as_deref(), |s| {
            bounded_text(s, 60)
        });
        let priority = v.check("priority", Priority::parse(&input.priority));
        let relationship = v.check("relationship", Relationship::parse(&input.relationship));
        let subscriber = check_subscriber(&mut v, relationship, input.subscriber.as_ref());
        let effective_date = v.check("effective_date", parse_date(&input.effective_date));
        let end_date = v.optional("end_date", input.end_date.as_deref(), parse_date);
        if let (Some(start), Some(Some(end))) = (effective_date, end_date)
            && end < start
        {
            v.reject("end_date", "must not be before effective_date");
        }
        v.finish(|| {
            Some(ValidPolicy {
                payer_id: payer_id?,
                member_id: member_id?,
                group_number: group_number?,
                group_name: group_name?,
                priority: priority?,
                relationship: relationship?,
                subscriber: subscriber?,
                effective_date: effective_date?,
                end_date: end_date?,
            })
        })
    }
}

/// An insurance policy as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Policy {
    pub id: PolicyId,
    pub patient_id: PatientId,
    pub payer_id: PayerId,
    pub member_id: String,
    pub group_number: Option<String>,
    pub group_name: Option<String>,
    pub priority: Priority,
    pub relationship: Relationship,
    /// Absent when the patient is the subscriber.
    pub subscriber: Option<Subscriber>,
    pub effective_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub active: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::address::AddressJson;
    use crate::directory::values::Sex;

    fn address() -> AddressJson {
        AddressJson {
            line1: "200 Example Rd".into(),
            line2: Some("Apt 3".into()),
            city: "Shelbyville".into(),
            state: "IL".into(),
            zip: "62565-1234".into(),
        }
    }

    fn subscriber() -> SubscriberInput {
        SubscriberInput {
            last_name: "Placeholder".into(),
            first_name: "Sample".into(),
            date_of_birth: "1970-06-15".into(),
            sex: "M".into(),
            address: address(),
        }
    }

    /// An invented policy of a child on a parent's plan that passes every check.
    fn valid_input() -> PolicyInput {
        PolicyInput {
            payer_id: "0190f3a0-0000-7000-8000-000000000001".into(),
            member_id: "XYZ-123456789".into(),
            group_number: Some("GRP-0001".into()),
            group_name: Some("Example Widgets Inc".into()),
            priority: "primary".into(),
            relationship: "child".into(),
            subscriber: Some(subscriber()),
            effective_date: "2026-01-01".into(),
            end_date: Some("2026-12-31".into()),
            version: None,
        }
    }

    fn fields_rejected(input: &PolicyInput) -> Vec<String> {
        match ValidPolicy::try_from(input) {
            Err(AppError::Validation(errors)) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn a_dependent_policy_with_its_subscriber_is_valid() {
        let valid = ValidPolicy::try_from(&valid_input()).unwrap();
        assert_eq!(valid.priority, Priority::Primary);
        assert_eq!(valid.relationship, Relationship::Child);
        let subscriber = valid.subscriber.unwrap();
        assert_eq!(subscriber.address.zip.as_str(), "625651234");
        assert_eq!(subscriber.sex, Sex::Male);
    }

    #[test]
    fn a_self_policy_without_subscriber_or_end_date_is_valid() {
        let mut input = valid_input();
        input.relationship = "self".into();
        input.subscriber = None;
        input.end_date = None;
        input.group_number = Some(" ".into());
        let valid = ValidPolicy::try_from(&input).unwrap();
        assert!(valid.subscriber.is_none() && valid.end_date.is_none());
        assert!(valid.group_number.is_none());
    }

    #[test]
    fn a_policy_may_end_on_the_day_it_starts() {
        let mut input = valid_input();
        input.end_date = Some(input.effective_date.clone());
        assert!(ValidPolicy::try_from(&input).is_ok());
    }

    #[test]
    fn each_invalid_field_is_named_in_the_error() {
        type Edit = fn(&mut PolicyInput);
        #[rustfmt::skip]
        let cases: &[(&str, Edit)] = &[
            ("payer_id", |p| p.payer_id = String::new()),
            ("member_id", |p| p.member_id = "ABC 123".into()),
            ("member_id", |p| p.member_id = "A".repeat(81)),
            ("member_id", |p| p.member_id = "ABC_123".into()),
            ("group_number", |p| p.group_number = Some("G".repeat(51))),
            ("group_name", |p| p.group_name = Some("N".repeat(61))),
            ("group_name", |p| p.group_name = Some("Widgets*Inc".into())),
            ("priority", |p| p.priority = "quaternary".into()),
            ("relationship", |p| p.relationship = "cousin".into()),
            ("subscriber", |p| p.subscriber = None),
            ("subscriber", |p| p.relationship = "self".into()),
            ("subscriber.last_name", |p| p.subscriber.as_mut().unwrap().last_name = String::new()),
            ("subscriber.first_name", |p| p.subscriber.as_mut().unwrap().first_name = "7".into()),
            ("subscriber.date_of_birth", |p| {
                p.subscriber.as_mut().unwrap().date_of_birth = "1970-13-01".into()
            }),
            ("subscriber.date_of_birth", |p| {
                p.subscriber.as_mut().unwrap().date_of_birth = "2999-01-01".into()
            }),
            ("subscriber.sex", |p| p.subscriber.as_mut().unwrap().sex = "Q".into()),
            ("subscriber.address.state", |p| p.subscriber.as_mut().unwrap().address.state = "QQ".into()),
            ("subscriber.address.zip", |p| p.subscriber.as_mut().unwrap().address.zip = "9".into()),
            ("effective_date", |p| p.effective_date = "2026-02-30".into()),
            ("effective_date", |p| p.effective_date = String::new()),
            ("end_date", |p| p.end_date = Some("12/31/2026".into())),
            ("end_date", |p| p.end_date = Some("2025-12-31".into())),
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
        input.member_id = String::new();
        input.subscriber.as_mut().unwrap().date_of_birth = "soon".into();
        input.end_date = Some("2020-01-01".into());
        let fields = fields_rejected(&input);
        assert_eq!(
            fields,
            ["member_id", "subscriber.date_of_birth", "end_date"]
        );
    }

    #[test]
    fn priorities_and_relationships_read_and_serialize_as_their_words() {
        for p in [Priority::Primary, Priority::Secondary, Priority::Tertiary] {
            assert_eq!(Priority::parse(p.as_str()), Ok(p));
            assert_eq!(serde_json::to_value(p).unwrap(), p.as_str());
        }
        use Relationship::*;
        for r in [SelfInsured, Spouse, Child, Other] {
            assert_eq!(Relationship::parse(r.as_str()), Ok(r));
            assert_eq!(serde_json::to_value(r).unwrap(), r.as_str());
        }
    }
}
