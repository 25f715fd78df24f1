//! From records to a claim snapshot: pure mapping of the encounter, its providers, location, patient,
//! policy and payer and the practice into every fact the 837P prints. The queries that fetch the records
//! live in `sources.rs`; here nothing touches the database, so each rule is unit-tested.

use rust_decimal::Decimal;

use super::snapshot::{
    Address, BillingProvider, Claim, ClaimSnapshot, Consents, Frequency, PartyName, Patient, Payer,
    RenderingProvider, Responsibility, ServiceFacility, ServiceLine, Subscriber,
};
use crate::coding::encounters::Encounter;
use crate::coding::encounters::model::Line;
use crate::directory::address::AddressJson;
use crate::directory::locations::Location;
use crate::directory::patients::Patient as PatientRecord;
use crate::directory::payers::Payer as PayerRecord;
use crate::directory::policies::{Policy, Priority, Relationship};
use crate::directory::practice::Practice;
use crate::directory::providers::{EntityType, Provider};
use crate::error::FieldError;

/// A claim carries at most 12 diagnoses (HI).
pub const MAX_CLAIM_DIAGNOSES: usize = 12;

/// The records a claim is built from, as read in the building transaction.
pub struct Sources<'a> {
    pub practice: Option<&'a Practice>,
    pub billing: &'a Provider,
    pub rendering: &'a Provider,
    pub location: &'a Location,
    pub payer: &'a PayerRecord,
    pub policy: &'a Policy,
    pub patient: &'a PatientRecord,
    pub encounter: &'a Encounter,
}

/// What the biller adds when building.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub consents: Consents,
    pub prior_authorization: Option<String>,
}

/// Signature on file, assigned, benefits assigned, release signed (Y/A/Y/Y): what an office keeps on file.
pub fn default_consents() -> Consents {
    Consents {
        provider_signature_on_file: true,
        assignment: "A".into(),
        benefits_assigned: "Y".into(),
        release_of_information: "Y".into(),
    }
}

fn address(a: &AddressJson) -> Address {
    Address {
        line1: a.line1.clone(),
        line2: a.line2.clone(),
        city: a.city.clone(),
        state: a.state.clone(),
        zip: a.zip.clone(),
    }
}

fn provider_name(p: &Provider) -> PartyName {
    match p.entity_type {
        EntityType::Organization => PartyName::Organization {
            name: p.last_name.clone(),
        },
        EntityType::Individual => PartyName::Person {
            last: p.last_name.clone(),
            first: p.first_name.clone().unwrap_or_default(),
            middle: p.middle_name.clone(),
            suffix: None,
        },
    }
}

fn person(last: &str, first: &str, middle: Option<&str>) -> PartyName {
    PartyName::Person {
        last: last.to_owned(),
        first: first.to_owned(),
        middle: middle.map(str::to_owned),
        suffix: None,
    }
}

/// A line bills a lab test when its code is in the CPT pathology and laboratory range or it came from
/// a specimen: such claims need the practice's CLIA number.
pub fn is_lab_test(code: &str, specimen_id: Option<&str>) -> bool {
    let in_range = code.len() == 5
        && code
            .parse::<u32>()
            .is_ok_and(|n| (80000..=89999).contains(&n));
    in_range || specimen_id.is_some()
}

/// PAT01 / SBR02: the patient's relationship to the insured.
pub fn relationship_code(r: Relationship) -> &'static str {
    match r {
        Relationship::SelfInsured => "18",
        Relationship::Spouse => "01",
        Relationship::Child => "19",
        Relationship::Other => "G8",
    }
}

fn responsibility(p: Priority) -> Responsibility {
    match p {
        Priority::Primary => Responsibility::Primary,
        Priority::Secondary => Responsibility::Secondary,
        Priority::Tertiary => Responsibility::Tertiary,
    }
}

fn billing_provider(src: &Sources, errors: &mut Vec<FieldError>) -> Option<BillingProvider> {
    let practice = src.practice;
    let ein: Option<String> = practice
        .and_then(|p| p.tax_id.as_deref())
        .map(|t| t.chars().filter(char::is_ascii_digit).collect());
    let ein = ein.filter(|e| e.len() == 9);
    if ein.is_none() {
        errors.push(FieldError::new(
            "practice.tax_id",
            "the practice's EIN is required to bill (REF*EI)",
        ));
    }
    let addr = practice.and_then(|p| p.address.as_ref()).map(address);
    if addr.is_none() {
        errors.push(FieldError::new(
            "practice.address",
            "the practice's address is required to bill (2010AA)",
        ));
    }
    Some(BillingProvider {
        name: provider_name(src.billing),
        npi: src.billing.npi.clone(),
        ein: ein?,
        taxonomy: src.billing.taxonomy_code.clone(),
        address: addr?,
        contact_phone: practice.and_then(|p| p.phone.clone()),
    })
}

/// The insured (2010BA) and, when the patient is someone else, the patient (2010CA).
fn insured(src: &Sources, errors: &mut Vec<FieldError>) -> Option<(Subscriber, Option<Patient>)> {
    let (policy, patient, payer) = (src.policy, src.patient, src.payer);
    let medicare_secondary = matches!(payer.claim_filing_indicator.as_str(), "MA" | "MB")
        && policy.priority == Priority::Secondary;
    let mut subscriber = Subscriber {
        responsibility: responsibility(policy.priority),
        group_number: policy.group_number.clone(),
        group_name: policy
            .group_name
            .clone()
            .filter(|_| policy.group_number.is_none()),
        insurance_type: medicare_secondary.then(|| "47".to_owned()),
        claim_filing_indicator: payer.claim_filing_indicator.clone(),
        member_id: policy.member_id.clone(),
        name: person(
            &patient.last_name,
            &patient.first_name,
            patient.middle_name.as_deref(),
        ),
        address: address(&patient.address),
        date_of_birth: patient.date_of_birth,
        sex: patient.sex.clone(),
    };
    if policy.relationship == Relationship::SelfInsured {
        return Some((subscriber, None));
    }
    let Some(holder) = &policy.subscriber else {
        errors.push(FieldError::new(
            "policy_id",
            "the policy names no subscriber although the patient is a dependent",
        ));
        return None;
    };
    let dependent = Patient {
        relationship: relationship_code(policy.relationship).to_owned(),
        name: subscriber.name.clone(),
        address: subscriber.address.clone(),
        date_of_birth: subscriber.date_of_birth,
        sex: subscriber.sex.clone(),
    };
    subscriber.name = person(&holder.last_name, &holder.first_name, None);
    subscriber.address = address(&holder.address);
    subscriber.date_of_birth = holder.date_of_birth;
    subscriber.sex = holder.sex.clone();
    Some((subscriber, Some(dependent)))
}

/// 2310B only when someone other than the billing provider rendered the service.
fn rendering_provider(src: &Sources) -> Option<RenderingProvider> {
    (src.rendering.id != src.billing.id).then(|| RenderingProvider {
        name: provider_name(src.rendering),
        npi: src.rendering.npi.clone(),
        taxonomy: src.rendering.taxonomy_code.clone(),
    })
}

/// 2310C only when the service was given elsewhere than the billing address (never a copy of 2010AA).
fn service_facility(location: &Location, billing: &Address) -> Option<ServiceFacility> {
    let at = address(&location.address);
    (at != *billing).then(|| ServiceFacility {
        name: location.name.clone(),
        npi: location.npi.clone(),
        address: at,
    })
}

fn service_line(
    line: &Line,
    index: usize,
    diagnoses: usize,
    encounter: &Encounter,
    errors: &mut Vec<FieldError>,
) -> ServiceLine {
    let mut pointers = Vec::new();
    for (j, p) in line.diagnosis_pointers.iter().enumerate() {
        match u8::try_from(*p) {
            Ok(p) if p >= 1 && usize::from(p) <= diagnoses => pointers.push(p),
            _ => errors.push(FieldError::new(
                format!("encounter.lines[{index}].diagnosis_pointers[{j}]"),
                "points at no diagnosis of the claim",
            )),
        }
    }
    if pointers.is_empty() && line.diagnosis_pointers.is_empty() {
        errors.push(FieldError::new(
            format!("encounter.lines[{index}].diagnosis_pointers"),
            "a claim line points at one diagnosis at least",
        ));
    }
    ServiceLine {
        line_id: line.id.to_string(),
        code: line.code.as_str().to_owned(),
        modifiers: line
            .modifiers
            .iter()
            .map(|m| m.as_str().to_owned())
            .collect(),
        charge: line.charge,
        units: Decimal::from(line.units),
        place_of_service: None,
        diagnosis_pointers: pointers,
        date_of_service: encounter.date_of_service,
        drug: None,
        // An encounter line's note is the practice's own (a lab accession, a pricing reminder), not a
        // message for the payer: it stays off the claim.
        note: None,
    }
}

fn claim(
    src: &Sources,
    claim_number: &str,
    options: &Options,
    errors: &mut Vec<FieldError>,
) -> Claim {
    let e = src.encounter;
    let diagnoses: Vec<String> = e
        .diagnoses
        .iter()
        .map(|d| d.code.as_str().to_owned())
        .collect();
    if diagnoses.is_empty() || diagnoses.len() > MAX_CLAIM_DIAGNOSES {
        errors.push(FieldError::new(
            "encounter.diagnoses",
            "a claim carries 1 to 12 diagnoses",
        ));
    }
    if e.lines.is_empty() {
        errors.push(FieldError::new("encounter.lines", "a claim needs a line"));
    }
    let lines: Vec<ServiceLine> = e
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| service_line(l, i, diagnoses.len(), e, errors))
        .collect();
    let lab = e
        .lines
        .iter()
        .any(|l| is_lab_test(l.code.as_str(), l.specimen_id.as_deref()));
    let clia_number = src.practice.and_then(|p| p.clia_number.clone());
    if lab && clia_number.is_none() {
        errors.push(FieldError::new(
            "practice.clia_number",
            "the claim bills lab tests: the practice's CLIA number is required (REF*X4)",
        ));
    }
    Claim {
        claim_number: claim_number.to_owned(),
        version: 1,
        total_charge: lines.iter().map(|l| l.charge).sum(),
        place_of_service: src.location.place_of_service.clone(),
        frequency: Frequency::Original,
        payer_claim_number: None,
        consents: options.consents.clone(),
        prior_authorization: options.prior_authorization.clone(),
        clia_number: clia_number.filter(|_| lab),
        diagnoses,
        date_of_service: e.date_of_service,
        lines,
    }
}

/// The snapshot of version 1, or every reason it cannot be built (each naming the record's field).
pub fn build(
    src: &Sources,
    claim_number: &str,
    options: &Options,
) -> Result<ClaimSnapshot, Vec<FieldError>> {
    let mut errors = Vec::new();
    let billing = billing_provider(src, &mut errors);
    let insured = insured(src, &mut errors);
    let claim = claim(src, claim_number, options, &mut errors);
    let (Some(billing), Some((subscriber, patient))) = (billing, insured) else {
        return Err(errors);
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let snapshot = ClaimSnapshot {
        service_facility: service_facility(src.location, &billing.address),
        rendering_provider: rendering_provider(src),
        billing_provider: billing,
        pay_to: None,
        subscriber,
        payer: Payer {
            name: src.payer.name.clone(),
            payer_id: src.payer.payer_id.clone(),
            address: src.payer.address.as_ref().map(address),
        },
        patient,
        claim,
        other_payers: Vec::new(),
    };
    writable(&snapshot)?;
    Ok(snapshot)
}

/// Whether the 837P writer will take the snapshot (nine-digit ZIP codes, NPI check digits, counts): a
/// claim it would refuse is refused now, naming the record to fix, rather than blocking a batch later.
pub fn writable(snapshot: &ClaimSnapshot) -> Result<(), Vec<FieldError>> {
    let Err((loop_id, problem)) = crate::claims::x837p::check_snapshot(snapshot) else {
        return Ok(());
    };
    let record = match loop_id {
        "2010AA" | "2010AB" => "practice",
        "2310B" => "rendering_provider",
        "2310C" => "location",
        "2000B" | "2010BA" | "2010BB" => "policy",
        "2010CA" => "patient",
        _ => "encounter",
    };
    Err(vec![FieldError::new(record, format!("loop {loop_id}: {problem}"))])
}

#[cfg(test)]
#[path = "build_tests.rs"]
mod tests;
