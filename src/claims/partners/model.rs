//! Trading partners as the API takes and shows them, checked against the X12 envelope rules: ISA
//! qualifiers of two characters, interchange ids up to 15, GS codes of 2 to 15, `T` or `P`, and no X12
//! separator (`* : ^ ~`) anywhere.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::claims::partner::PartnerSettings;
use crate::db::ids::{PayerId, TradingPartnerId};
use crate::directory::values::{Email, Phone, bounded_text};
use crate::error::{AppError, Validator};
use crate::x12::{Separators, WriterOptions};

/// A trading partner as created or replaced through the API.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerInput {
    /// How people call the clearinghouse, at most 60 characters.
    pub name: String,
    /// ISA01: `00` (no authorization information) or `03`; `00` when absent.
    pub isa01_qualifier: Option<String>,
    /// ISA02: up to 10 characters; blank when ISA01 is `00`.
    pub isa02_authorization: Option<String>,
    /// ISA03: `00` (no security information) or `01` (password); `00` when absent.
    pub isa03_qualifier: Option<String>,
    /// ISA04: up to 10 characters; blank when ISA03 is `00`.
    pub isa04_security: Option<String>,
    /// ISA05: two characters (`ZZ`, `30`, `01`, ...).
    pub sender_qualifier: String,
    /// ISA06: 1 to 15 characters.
    pub sender_id: String,
    /// ISA07.
    pub receiver_qualifier: String,
    /// ISA08: 1 to 15 characters.
    pub receiver_id: String,
    /// ISA14: ask for a TA1; false when absent.
    #[serde(default)]
    pub acknowledgement_requested: bool,
    /// ISA15: `T` (test) or `P` (production).
    pub usage_indicator: String,
    /// GS02: 2 to 15 characters.
    pub gs02_sender_code: String,
    /// GS03: 2 to 15 characters.
    pub gs03_receiver_code: String,
    /// 1000A NM103: at most 60 characters.
    pub submitter_name: String,
    /// 1000A NM109: 2 to 80 characters.
    pub submitter_id: String,
    /// 1000A PER02: at most 60 characters.
    pub submitter_contact_name: String,
    /// 1000A PER04: a North American number, stored as 10 digits.
    pub submitter_contact_phone: String,
    pub submitter_contact_email: Option<String>,
    /// 1000B NM103: at most 60 characters.
    pub receiver_name: String,
    /// 1000B NM109: 2 to 80 characters.
    pub receiver_id_1000b: String,
    /// Our payer record ids (not electronic payer ids) whose claims go through this partner.
    #[serde(default)]
    pub payer_ids: Vec<String>,
    /// The delimiters the clearinghouse wants; X12's usual `*` `:` `^` `~` when absent.
    pub separators: Option<SeparatorSettings>,
    /// On replace: the version read (or send If-Match). Ignored on create.
    pub version: Option<i32>,
}

/// A trading partner whose every field has been checked (the payers' existence against the database).
#[derive(Debug, Clone)]
pub struct ValidPartner {
    pub name: String,
    pub settings: PartnerSettings,
    pub separators: SeparatorSettings,
    pub payer_ids: Vec<PayerId>,
}

pub const MAX_PAYERS: usize = 500;

/// The four X12 delimiters of the files sent to a partner: single ASCII characters, all different,
/// none a letter, digit or space.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeparatorSettings {
    pub element: char,
    pub component: char,
    pub repetition: char,
    pub segment: char,
}

impl Default for SeparatorSettings {
    fn default() -> Self {
        SeparatorSettings::from(Separators::default())
    }
}

impl From<Separators> for SeparatorSettings {
    fn from(s: Separators) -> Self {
        SeparatorSettings {
            element: char::from(s.element()),
            component: char::from(s.component()),
            repetition: char::from(s.repetition()),
            segment: char::from(s.segment()),
        }
    }
}

impl SeparatorSettings {
    pub fn separators(&self) -> Result<Separators, String> {
        Separators::new(self.element, self.component, self.repetition, self.segment)
            .map_err(|e| e.to_string())
    }
}

/// Text of `min..=max` characters an X12 element can carry: printable ASCII, no separators.
fn element(input: &str, min: usize, max: usize) -> Result<String, String> {
    let s = bounded_text(input, max)?;
    if s.chars().count() < min {
        return Err(format!("must be {min} to {max} characters"));
    }
    if !s.chars().all(|c| c.is_ascii_graphic() || c == ' ') {
        return Err("must be printable ASCII".into());
    }
    Ok(s)
}

/// Two characters (an ISA id qualifier): letters or digits, uppercased.
fn qualifier(input: &str) -> Result<String, String> {
    let s = input.trim().to_ascii_uppercase();
    let ok = s.len() == 2 && s.bytes().all(|b| b.is_ascii_alphanumeric());
    if !ok {
        return Err("must be 2 letters or digits".into());
    }
    Ok(s)
}

fn one_of(input: &str, allowed: &[&str]) -> Result<String, String> {
    let s = input.trim().to_ascii_uppercase();
    if allowed.contains(&s.as_str()) {
        return Ok(s);
    }
    Err(format!("must be one of: {}", allowed.join(", ")))
}

/// ISA01/02 or ISA03/04: a qualifier and its value, which is blank exactly when the qualifier is `00`.
fn information(
    v: &mut Validator,
    names: (&str, &str),
    input: (Option<&str>, Option<&str>),
    allowed: &[&str],
) -> Option<(String, String)> {
    let qualifier = v.check(names.0, one_of(input.0.unwrap_or("00"), allowed));
    let value = v.optional(names.1, input.1, |s| element(s, 1, 10))?;
    match (qualifier?.as_str(), value) {
        ("00", None) => Some(("00".into(), String::new())),
        ("00", Some(_)) => {
            v.reject(names.1, format!("must be blank when {} is 00", names.0));
            None
        }
        (_, None) => {
            v.reject(names.1, format!("is required unless {} is 00", names.0));
            None
        }
        (q, Some(value)) => Some((q.to_owned(), value)),
    }
}

fn check_payers(v: &mut Validator, input: &[String]) -> Option<Vec<PayerId>> {
    if input.len() > MAX_PAYERS {
        v.reject("payer_ids", format!("at most {MAX_PAYERS} payers"));
        return None;
    }
    let parsed: Vec<Option<PayerId>> = input
        .iter()
        .enumerate()
        .map(|(i, id)| v.check(&format!("payer_ids[{i}]"), PayerId::parse(id)))
        .collect();
    let ids: Vec<PayerId> = parsed.into_iter().collect::<Option<_>>()?;
    for (i, id) in ids.iter().enumerate() {
        if ids[..i].contains(id) {
            v.reject(&format!("payer_ids[{i}]"), "is repeated");
        }
    }
    Some(ids)
}

impl TryFrom<&PartnerInput> for ValidPartner {
    type Error = AppError;

    fn try_from(i: &PartnerInput) -> Result<Self, AppError> {
        let mut v = Validator::new();
        let name = v.check("name", bounded_text(&i.name, 60));
        let authorization = information(
            &mut v,
            ("isa01_qualifier", "isa02_authorization"),
            (
                i.isa01_qualifier.as_deref(),
                i.isa02_authorization.as_deref(),
            ),
            &["00", "03"],
        );
        let security = information(
            &mut v,
            ("isa03_qualifier", "isa04_security"),
            (i.isa03_qualifier.as_deref(), i.isa04_security.as_deref()),
            &["00", "01"],
        );
        let sender_qualifier = v.check("sender_qualifier", qualifier(&i.sender_qualifier));
        let sender_id = v.check("sender_id", element(&i.sender_id, 1, 15));
        let receiver_qualifier = v.check("receiver_qualifier", qualifier(&i.receiver_qualifier));
        let receiver_id = v.check("receiver_id", element(&i.receiver_id, 1, 15));
        let usage = v.check("usage_indicator", one_of(&i.usage_indicator, &["T", "P"]));
        let gs02 = v.check("gs02_sender_code", element(&i.gs02_sender_code, 2, 15));
        let gs03 = v.check("gs03_receiver_code", element(&i.gs03_receiver_code, 2, 15));
        let submitter_name = v.check("submitter_name", element(&i.submitter_name, 1, 60));
        let submitter_id = v.check("submitter_id", element(&i.submitter_id, 2, 80));
        let contact_name = v.check(
            "submitter_contact_name",
            element(&i.submitter_contact_name, 1, 60),
        );
        let contact_phone = v.check(
            "submitter_contact_phone",
            Phone::parse(&i.submitter_contact_phone),
        );
        let contact_email = v.optional(
            "submitter_contact_email",
            i.submitter_contact_email.as_deref(),
            Email::parse,
        );
        let receiver_name = v.check("receiver_name", element(&i.receiver_name, 1, 60));
        let receiver_id_1000b = v.check("receiver_id_1000b", element(&i.receiver_id_1000b, 2, 80));
        let payer_ids = check_payers(&mut v, &i.payer_ids);
        let separators = v.check(
            "separators",
            i.separators.unwrap_or_default().separators().map(SeparatorSettings::from),
        );
        if let Some(chosen) = separators {
            refuse_chosen_separators(&mut v, i, chosen);
        }
        v.finish(|| {
            let (isa01_qualifier, isa02_authorization) = authorization?;
            let (isa03_qualifier, isa04_security) = security?;
            Some(ValidPartner {
                name: name?,
                separators: separators?,
                settings: PartnerSettings {
                    isa01_qualifier,
                    isa02_authorization,
                    isa03_qualifier,
                    isa04_security,
                    sender_qualifier: sender_qualifier?,
                    sender_id: sender_id?,
                    receiver_qualifier: receiver_qualifier?,
                    receiver_id: receiver_id?,
                    acknowledgement_requested: i.acknowledgement_requested,
                    usage_indicator: usage?,
                    gs02_sender_code: gs02?,
                    gs03_receiver_code: gs03?,
                    submitter_name: submitter_name?,
                    submitter_id: submitter_id?,
                    submitter_contact_name: contact_name?,
                    submitter_contact_phone: contact_phone?.as_str().to_owned(),
                    submitter_contact_email: contact_email?.map(|e| e.as_str().to_owned()),
                    receiver_name: receiver_name?,
                    receiver_id_1000b: receiver_id_1000b?,
                },
                payer_ids: payer_ids?,
            })
        })
    }
}

/// Text fields must not hold the partner's own delimiters either (the usual four are refused already).
fn refuse_chosen_separators(v: &mut Validator, i: &PartnerInput, chosen: SeparatorSettings) {
    let usual = SeparatorSettings::default();
    let usual = [usual.element, usual.component, usual.repetition, usual.segment];
    let delimiters: Vec<char> = [chosen.element, chosen.component, chosen.repetition, chosen.segment]
        .into_iter()
        .filter(|c| !usual.contains(c))
        .collect();
    let fields: [(&str, &str); 9] = [
        ("sender_id", &i.sender_id),
        ("receiver_id", &i.receiver_id),
        ("gs02_sender_code", &i.gs02_sender_code),
        ("gs03_receiver_code", &i.gs03_receiver_code),
        ("submitter_name", &i.submitter_name),
        ("submitter_id", &i.submitter_id),
        ("submitter_contact_name", &i.submitter_contact_name),
        ("receiver_name", &i.receiver_name),
        ("receiver_id_1000b", &i.receiver_id_1000b),
    ];
    for (field, text) in fields {
        if let Some(c) = text.chars().find(|c| delimiters.contains(c)) {
            v.reject(field, format!("must not contain {c:?}, a delimiter of this partner's files"));
        }
    }
}

/// A trading partner as the API shows it: its envelope settings flattened beside its id and payers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TradingPartner {
    pub id: TradingPartnerId,
    pub name: String,
    /// ISA01–ISA15, GS02/GS03, 1000A and 1000B, as `PartnerSettings` names them.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub settings: PartnerSettings,
    pub payer_ids: Vec<PayerId>,
    pub separators: SeparatorSettings,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TradingPartner {
    /// How files for this partner are written: its delimiters, one long line.
    pub fn writer_options(&self) -> WriterOptions {
        WriterOptions {
            separators: self.separators.separators().unwrap_or_default(),
            ..WriterOptions::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::testing::invalid_fields;

    pub fn input() -> PartnerInput {
        PartnerInput {
            name: "Example Clearinghouse".into(),
            isa01_qualifier: None,
            isa02_authorization: None,
            isa03_qualifier: None,
            isa04_security: None,
            sender_qualifier: "zz".into(),
            sender_id: "SAMPLEPRACTICE".into(),
            receiver_qualifier: "ZZ".into(),
            receiver_id: "EXAMPLECH".into(),
            acknowledgement_requested: true,
            usage_indicator: "t".into(),
            gs02_sender_code: "SAMPLEPRACTICE".into(),
            gs03_receiver_code: "EXAMPLECH".into(),
            submitter_name: "Sample Family Medicine".into(),
            submitter_id: "SUB0001".into(),
            submitter_contact_name: "Billing Office".into(),
            submitter_contact_phone: "(555) 234-5678".into(),
            submitter_contact_email: Some("billing@example.org".into()),
            receiver_name: "Example Clearinghouse".into(),
            receiver_id_1000b: "EXAMPLECH".into(),
            payer_ids: vec!["0190f3a0-0000-7000-8000-000000000001".into()],
            separators: None,
            version: None,
        }
    }

    #[test]
    fn a_complete_partner_is_normalized_with_x12_defaults() {
        let valid = ValidPartner::try_from(&input()).unwrap();
        let s = valid.settings;
        assert_eq!(
            (s.isa01_qualifier.as_str(), s.isa02_authorization.as_str()),
            ("00", "")
        );
        assert_eq!(
            (s.isa03_qualifier.as_str(), s.isa04_security.as_str()),
            ("00", "")
        );
        assert_eq!(
            (s.sender_qualifier.as_str(), s.usage_indicator.as_str()),
            ("ZZ", "T")
        );
        assert_eq!(s.submitter_contact_phone, "5552345678");
        assert_eq!(valid.payer_ids.len(), 1);
    }

    #[test]
    fn authorization_and_security_values_go_with_their_qualifiers() {
        let mut with_password = input();
        with_password.isa03_qualifier = Some("01".into());
        with_password.isa04_security = Some("SECRET".into());
        let s = ValidPartner::try_from(&with_password).unwrap().settings;
        assert_eq!(
            (s.isa03_qualifier.as_str(), s.isa04_security.as_str()),
            ("01", "SECRET")
        );
    }

    #[test]
    fn each_invalid_field_is_reported_under_its_own_name() {
        type Case = (&'static str, fn(&mut PartnerInput));
        #[rustfmt::skip]
        let cases: &[Case] = &[
            ("name", |i| i.name = "".into()),
            ("isa01_qualifier", |i| i.isa01_qualifier = Some("05".into())),
            ("isa02_authorization", |i| i.isa02_authorization = Some("ABC".into())),
            ("isa04_security", |i| i.isa03_qualifier = Some("01".into())),
            ("isa04_security", |i| { i.isa03_qualifier = Some("01".into()); i.isa04_security = Some("X".repeat(11)) }),
            ("sender_qualifier", |i| i.sender_qualifier = "Z".into()),
            ("sender_qualifier", |i| i.sender_qualifier = "Z*".into()),
            ("sender_id", |i| i.sender_id = "S".repeat(16)),
            ("sender_id", |i| i.sender_id = "SAMPLE:1".into()),
            ("receiver_qualifier", |i| i.receiver_qualifier = "ZZZ".into()),
            ("receiver_id", |i| i.receiver_id = "".into()),
            ("receiver_id", |i| i.receiver_id = "EX~CH".into()),
            ("usage_indicator", |i| i.usage_indicator = "X".into()),
            ("gs02_sender_code", |i| i.gs02_sender_code = "S".into()),
            ("gs03_receiver_code", |i| i.gs03_receiver_code = "E".repeat(16)),
            ("gs03_receiver_code", |i| i.gs03_receiver_code = "EX^CH".into()),
            ("submitter_name", |i| i.submitter_name = "Sample*Medicine".into()),
            ("submitter_id", |i| i.submitter_id = "S".into()),
            ("submitter_contact_name", |i| i.submitter_contact_name = " ".into()),
            ("submitter_contact_phone", |i| i.submitter_contact_phone = "555-234".into()),
            ("submitter_contact_email", |i| i.submitter_contact_email = Some("nobody".into())),
            ("receiver_name", |i| i.receiver_name = "Ex~ample".into()),
            ("receiver_id_1000b", |i| i.receiver_id_1000b = "É1".into()),
            ("payer_ids[0]", |i| i.payer_ids = vec!["not-a-uuid".into()]),
            ("payer_ids[1]", |i| i.payer_ids.push(i.payer_ids[0].clone())),
            ("separators", |i| i.separators = Some(SeparatorSettings { element: ':', ..Default::default() })),
            ("separators", |i| i.separators = Some(SeparatorSettings { segment: 'A', ..Default::default() })),
            ("submitter_name", |i| { i.separators = Some(SeparatorSettings { element: '|', ..Default::default() }); i.submitter_name = "Sample|Medicine".into() }),
        ];
        for (field, spoil) in cases {
            let mut bad = input();
            spoil(&mut bad);
            assert_eq!(
                invalid_fields(ValidPartner::try_from(&bad)),
                [*field],
                "{field}"
            );
        }
    }
}
