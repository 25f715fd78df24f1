//! What earlier payers did with the claim: 2320 (their SBR, claim-level CAS, paid and remaining
//! amounts, OI), 2330A (their insured), 2330B (the payer), and per line 2430 (SVD, CAS, DTP*573).

use super::elements::{amount, d8, write_name, write_organization};
use super::error::X837Error;
use super::sink::Sink;
use crate::claims::snapshot::{Adjustment, Consents, LineAdjudication, OtherPayer, ServiceLine};
use crate::x12::{Element, Segment};

/// At most six reason/amount/quantity triples fit one CAS.
const TRIPLES_PER_CAS: usize = 6;

pub(super) fn write_other_payers(
    sink: &mut Sink,
    other_payers: &[OtherPayer],
    consents: &Consents,
) -> Result<(), X837Error> {
    for payer in other_payers {
        write_other_payer(sink, payer, consents)?;
    }
    Ok(())
}

fn write_other_payer(
    sink: &mut Sink,
    payer: &OtherPayer,
    consents: &Consents,
) -> Result<(), X837Error> {
    let sbr = Segment::new("SBR")
        .with(payer.responsibility.code())
        .with(payer.relationship.as_str())
        .with(payer.group_number.as_deref().unwrap_or_default())
        .with("")
        .with("")
        .with("")
        .with("")
        .with("")
        .with(payer.claim_filing_indicator.as_str());
    sink.put("2320", &sbr)?;
    write_adjustments(sink, "2320", &payer.claim_adjustments)?;
    sink.put(
        "2320",
        &Segment::of("AMT", ["D".to_string(), amount(payer.paid)]),
    )?;
    if let Some(remaining) = payer.remaining_patient_liability {
        sink.put(
            "2320",
            &Segment::of("AMT", ["EAF".to_string(), amount(remaining)]),
        )?;
    }
    // OI03 benefits assignment and OI06 release of information, as on the claim.
    let oi = Segment::new("OI")
        .with("")
        .with("")
        .with(consents.benefits_assigned.as_str())
        .with("")
        .with("")
        .with(consents.release_of_information.as_str());
    sink.put("2320", &oi)?;
    let member = Some(("MI", payer.subscriber_member_id.as_str()));
    write_name(sink, "2330A", "IL", &payer.subscriber_name, member)?;
    let payer_id = Some(("PI", payer.payer_id.as_str()));
    write_organization(sink, "2330B", "PR", &payer.payer_name, payer_id)?;
    if payer.lines.is_empty() {
        // The adjudication date goes here when no line-level adjudication (2430) carries it.
        let dtp = Segment::of("DTP", ["573".to_string(), "D8".into(), d8(payer.paid_date)]);
        sink.put("2330B", &dtp)?;
    }
    Ok(())
}

/// 2430 for `line`: each earlier payer's adjudication of it.
pub(super) fn write_line_adjudications(
    sink: &mut Sink,
    line: &ServiceLine,
    other_payers: &[OtherPayer],
) -> Result<(), X837Error> {
    for payer in other_payers {
        for adjudication in payer.lines.iter().filter(|a| a.line_id == line.line_id) {
            write_line_adjudication(sink, &payer.payer_id, adjudication)?;
        }
    }
    Ok(())
}

fn write_line_adjudication(
    sink: &mut Sink,
    payer_id: &str,
    adjudication: &LineAdjudication,
) -> Result<(), X837Error> {
    let procedure = Element::composite(
        ["HC", adjudication.code.as_str()]
            .into_iter()
            .chain(adjudication.modifiers.iter().map(String::as_str)),
    );
    let svd = Segment::new("SVD")
        .with(payer_id)
        .with(amount(adjudication.paid))
        .with(procedure)
        .with("")
        .with(amount(adjudication.units));
    sink.put("2430", &svd)?;
    write_adjustments(sink, "2430", &adjudication.adjustments)?;
    let dtp = Segment::of(
        "DTP",
        ["573".to_string(), "D8".into(), d8(adjudication.paid_date)],
    );
    sink.put("2430", &dtp)
}

/// CAS segments: one per group code (in order of first appearance), six triples each.
fn write_adjustments(
    sink: &mut Sink,
    loop_id: &'static str,
    adjustments: &[Adjustment],
) -> Result<(), X837Error> {
    let mut groups: Vec<&str> = Vec::new();
    for adjustment in adjustments {
        if !groups.contains(&adjustment.group.as_str()) {
            groups.push(&adjustment.group);
        }
    }
    for group in groups {
        let in_group: Vec<&Adjustment> = adjustments.iter().filter(|a| a.group == group).collect();
        for chunk in in_group.chunks(TRIPLES_PER_CAS) {
            let mut cas = Segment::new("CAS").with(group);
            for adjustment in chunk {
                cas.push(adjustment.reason.as_str());
                cas.push(amount(adjustment.amount));
                cas.push(adjustment.quantity.map(amount).unwrap_or_default());
            }
            sink.put(loop_id, &cas)?;
        }
    }
    Ok(())
}
