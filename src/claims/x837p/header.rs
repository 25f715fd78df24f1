//! The parts of the file that come from the trading partner settings, not from claims: ISA and GS
//! headers, and in each transaction set the BHT, 1000A submitter and 1000B receiver.

use chrono::NaiveDateTime;

use super::elements::write_organization;
use super::error::X837Error;
use super::sink::{IMPLEMENTATION_GUIDE, Sink, ccyymmdd, hhmm};
use crate::claims::partner::{ControlNumbers, PartnerSettings};
use crate::x12::{
    GroupControlNumber, GroupHeader, InterchangeControlNumber, InterchangeHeader, Segment, Usage,
};

pub(super) fn interchange_header(
    settings: &PartnerSettings,
    numbers: ControlNumbers,
    created: NaiveDateTime,
) -> Result<InterchangeHeader, X837Error> {
    let usage = match settings.usage_indicator.as_str() {
        "T" => Usage::Test,
        "P" => Usage::Production,
        other => {
            return Err(X837Error::Settings {
                place: "ISA15",
                problem: format!("{other:?} is neither T (test) nor P (production)"),
            });
        }
    };
    let control_number =
        InterchangeControlNumber::new(numbers.interchange).map_err(|e| X837Error::Settings {
            place: "ISA13",
            problem: e.to_string(),
        })?;
    let mut isa = InterchangeHeader::new(
        (&settings.sender_qualifier, &settings.sender_id),
        (&settings.receiver_qualifier, &settings.receiver_id),
        created,
        control_number,
        usage,
    );
    isa.authorization_qualifier = settings.isa01_qualifier.clone();
    isa.authorization_information = settings.isa02_authorization.clone();
    isa.security_qualifier = settings.isa03_qualifier.clone();
    isa.security_information = settings.isa04_security.clone();
    isa.acknowledgment_requested = settings.acknowledgement_requested;
    Ok(isa)
}

pub(super) fn group_header(
    settings: &PartnerSettings,
    numbers: ControlNumbers,
    created: NaiveDateTime,
) -> Result<GroupHeader, X837Error> {
    let control_number =
        GroupControlNumber::new(numbers.group).map_err(|e| X837Error::Settings {
            place: "GS06",
            problem: e.to_string(),
        })?;
    Ok(GroupHeader {
        functional_id: "HC".into(),
        sender_code: settings.gs02_sender_code.clone(),
        receiver_code: settings.gs03_receiver_code.clone(),
        created,
        control_number,
        version: IMPLEMENTATION_GUIDE.into(),
    })
}

/// BHT, 1000A and 1000B. `fallback_phone` is the billing provider's, for a submitter without a phone
/// of its own.
pub(super) fn write_transaction_header(
    sink: &mut Sink,
    settings: &PartnerSettings,
    batch_reference: &str,
    created: NaiveDateTime,
    fallback_phone: Option<&str>,
) -> Result<(), X837Error> {
    // BHT02 00 original, BHT06 CH chargeable (fee-for-service claims).
    let bht = Segment::of(
        "BHT",
        [
            "0019".to_string(),
            "00".into(),
            batch_reference.into(),
            ccyymmdd(created),
            hhmm(created),
            "CH".into(),
        ],
    );
    sink.put("BHT", &bht)?;
    let submitter = Some(("46", settings.submitter_id.as_str()));
    write_organization(sink, "1000A", "41", &settings.submitter_name, submitter)?;
    let phone = match settings.submitter_contact_phone.as_str() {
        "" => fallback_phone.unwrap_or_default(),
        own => own,
    };
    if phone.is_empty() {
        return Err(sink.invalid("1000A", "PER: the submitter has no contact phone".into()));
    }
    let mut per = Segment::new("PER")
        .with("IC")
        .with(sink.text("1000A", "contact name", &settings.submitter_contact_name)?)
        .with("TE")
        .with(phone);
    if let Some(email) = settings.submitter_contact_email.as_deref() {
        per = per.with("EM").with(email);
    }
    sink.put("1000A", &per)?;
    let receiver = Some(("46", settings.receiver_id_1000b.as_str()));
    write_organization(sink, "1000B", "40", &settings.receiver_name, receiver)
}
