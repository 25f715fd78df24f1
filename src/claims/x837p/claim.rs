//! Loop 2300 (the claim: CLM, its references, HI diagnoses) with the claim-level provider loops 2310B
//! rendering and 2310C service facility, each written only when it differs from the billing provider.

use super::elements::{amount, write_address, write_name, write_organization};
use super::error::X837Error;
use super::sink::Sink;
use crate::claims::snapshot::{Claim, ClaimSnapshot, Frequency};
use crate::x12::{Element, Segment};

pub(super) fn write_claim(sink: &mut Sink, snapshot: &ClaimSnapshot) -> Result<(), X837Error> {
    let claim = &snapshot.claim;
    write_clm(sink, claim)?;
    // REF order as in the guide: G1 prior authorization, F8 payer claim control number, X4 CLIA.
    if let Some(authorization) = &claim.prior_authorization {
        sink.put("2300", &Segment::of("REF", ["G1", authorization.as_str()]))?;
    }
    if claim.frequency != Frequency::Original {
        let payer_claim = claim.payer_claim_number.as_deref().unwrap_or_default();
        sink.put("2300", &Segment::of("REF", ["F8", payer_claim]))?;
    }
    if let Some(clia) = &claim.clia_number {
        sink.put("2300", &Segment::of("REF", ["X4", clia.as_str()]))?;
    }
    sink.put("2300", &diagnoses(claim))?;
    if let Some(rendering) = &snapshot.rendering_provider {
        let npi = Some(("XX", rendering.npi.as_str()));
        write_name(sink, "2310B", "82", &rendering.name, npi)?;
        let prv = Segment::of("PRV", ["PE", "PXC", rendering.taxonomy.as_str()]);
        sink.put("2310B", &prv)?;
    }
    if let Some(facility) = &snapshot.service_facility {
        let npi = facility.npi.as_deref().map(|npi| ("XX", npi));
        write_organization(sink, "2310C", "77", &facility.name, npi)?;
        write_address(sink, "2310C", &facility.address)?;
    }
    Ok(())
}

fn write_clm(sink: &mut Sink, claim: &Claim) -> Result<(), X837Error> {
    let consents = &claim.consents;
    let facility =
        Element::composite([claim.place_of_service.as_str(), "B", claim.frequency.code()]);
    let clm = Segment::new("CLM")
        .with(claim.claim_number.as_str())
        .with(amount(claim.total_charge))
        .with("")
        .with("")
        .with(facility)
        .with(if consents.provider_signature_on_file {
            "Y"
        } else {
            "N"
        })
        .with(consents.assignment.as_str())
        .with(consents.benefits_assigned.as_str())
        .with(consents.release_of_information.as_str());
    sink.put("2300", &clm)
}

/// HI: the principal diagnosis (ABK) then the others (ABF), all in one segment.
fn diagnoses(claim: &Claim) -> Segment {
    let mut hi = Segment::new("HI");
    for (index, code) in claim.diagnoses.iter().enumerate() {
        let qualifier = if index == 0 { "ABK" } else { "ABF" };
        hi.push(Element::composite([qualifier, code.as_str()]));
    }
    hi
}
