//! The hierarchical levels above the claim: 2000A billing provider (2010AA, 2010AB), 2000B subscriber
//! (2010BA insured, 2010BB payer) and 2000C patient (2010CA), each opened by an HL numbered in order.

use super::elements::{write_address, write_demographics, write_name, write_organization};
use super::error::X837Error;
use super::sink::Sink;
use crate::claims::snapshot::ClaimSnapshot;
use crate::x12::Segment;

/// Hands out HL01 numbers within one transaction set: 1, 2, 3...
#[derive(Debug, Default)]
pub(super) struct HlNumbers {
    last: usize,
}

impl HlNumbers {
    pub fn next(&mut self) -> usize {
        self.last += 1;
        self.last
    }
}

fn hl(id: usize, parent: Option<usize>, level: &str, has_children: bool) -> Segment {
    Segment::new("HL")
        .with(id.to_string())
        .with(parent.map(|p| p.to_string()).unwrap_or_default())
        .with(level)
        .with(if has_children { "1" } else { "0" })
}

/// 2000A/2010AA/2010AB; returns the billing provider's HL number.
pub(super) fn write_billing_provider(
    sink: &mut Sink,
    numbers: &mut HlNumbers,
    snapshot: &ClaimSnapshot,
) -> Result<usize, X837Error> {
    let provider = &snapshot.billing_provider;
    let id = numbers.next();
    sink.put("2000A", &hl(id, None, "20", true))?;
    sink.put(
        "2000A",
        &Segment::of("PRV", ["BI", "PXC", provider.taxonomy.as_str()]),
    )?;
    let npi = Some(("XX", provider.npi.as_str()));
    write_name(sink, "2010AA", "85", &provider.name, npi)?;
    write_address(sink, "2010AA", &provider.address)?;
    sink.put("2010AA", &Segment::of("REF", ["EI", provider.ein.as_str()]))?;
    if let Some(pay_to) = &snapshot.pay_to {
        // NM1*87: the pay-to address only; its name and ids are the billing provider's.
        sink.put("2010AB", &Segment::of("NM1", ["87", "2"]))?;
        write_address(sink, "2010AB", &pay_to.address)?;
    }
    Ok(id)
}

/// 2000B/2010BA/2010BB and, when the patient is not the subscriber, 2000C/2010CA.
pub(super) fn write_subscriber_and_patient(
    sink: &mut Sink,
    numbers: &mut HlNumbers,
    billing_hl: usize,
    snapshot: &ClaimSnapshot,
) -> Result<(), X837Error> {
    let subscriber = &snapshot.subscriber;
    let patient_is_subscriber = snapshot.patient.is_none();
    let subscriber_hl = numbers.next();
    sink.put(
        "2000B",
        &hl(
            subscriber_hl,
            Some(billing_hl),
            "22",
            !patient_is_subscriber,
        ),
    )?;
    // SBR04 (group name) only without a group number, as the guide says.
    let group_name = match (&subscriber.group_number, &subscriber.group_name) {
        (None, Some(name)) => sink.text("2000B", "group name", name)?,
        _ => String::new(),
    };
    let sbr = Segment::new("SBR")
        .with(subscriber.responsibility.code())
        .with(if patient_is_subscriber { "18" } else { "" })
        .with(subscriber.group_number.as_deref().unwrap_or_default())
        .with(group_name)
        .with(subscriber.insurance_type.as_deref().unwrap_or_default())
        .with("")
        .with("")
        .with("")
        .with(subscriber.claim_filing_indicator.as_str());
    sink.put("2000B", &sbr)?;
    let member = Some(("MI", subscriber.member_id.as_str()));
    write_name(sink, "2010BA", "IL", &subscriber.name, member)?;
    write_address(sink, "2010BA", &subscriber.address)?;
    write_demographics(sink, "2010BA", subscriber.date_of_birth, &subscriber.sex)?;
    let payer = &snapshot.payer;
    let payer_id = Some(("PI", payer.payer_id.as_str()));
    write_organization(sink, "2010BB", "PR", &payer.name, payer_id)?;
    if let Some(address) = &payer.address {
        write_address(sink, "2010BB", address)?;
    }
    if let Some(patient) = &snapshot.patient {
        let patient_hl = numbers.next();
        sink.put("2000C", &hl(patient_hl, Some(subscriber_hl), "23", false))?;
        sink.put(
            "2000C",
            &Segment::of("PAT", [patient.relationship.as_str()]),
        )?;
        write_name(sink, "2010CA", "QC", &patient.name, None)?;
        write_address(sink, "2010CA", &patient.address)?;
        write_demographics(sink, "2010CA", patient.date_of_birth, &patient.sex)?;
    }
    Ok(())
}
