//! Loop 2400, one per service line: LX, SV1, DTP*472, REF*6R (our line id, so a remittance line matches
//! exactly), NTE*ADD, then 2410 (the drug) and 2430 (earlier payers' adjudication of the line).

use super::elements::{amount, d8};
use super::error::X837Error;
use super::other_payers::write_line_adjudications;
use super::sink::Sink;
use crate::claims::snapshot::{ClaimSnapshot, Drug, ServiceLine};
use crate::x12::{Element, Segment};

pub(super) fn write_lines(sink: &mut Sink, snapshot: &ClaimSnapshot) -> Result<(), X837Error> {
    let claim_place = snapshot.claim.place_of_service.as_str();
    for (index, line) in snapshot.claim.lines.iter().enumerate() {
        sink.put("2400", &Segment::of("LX", [(index + 1).to_string()]))?;
        sink.put("2400", &sv1(line, claim_place))?;
        let dtp = Segment::of(
            "DTP",
            ["472".to_string(), "D8".into(), d8(line.date_of_service)],
        );
        sink.put("2400", &dtp)?;
        sink.put("2400", &Segment::of("REF", ["6R", line.line_id.as_str()]))?;
        if let Some(note) = &line.note {
            let note = sink.text("2400", "line note", note)?;
            sink.put("2400", &Segment::of("NTE", ["ADD".to_string(), note]))?;
        }
        if let Some(drug) = &line.drug {
            write_drug(sink, drug)?;
        }
        write_line_adjudications(sink, line, &snapshot.other_payers)?;
    }
    Ok(())
}

/// SV1: procedure and modifiers, charge, units, place of service only when it differs from the
/// claim's, diagnosis pointers.
fn sv1(line: &ServiceLine, claim_place: &str) -> Segment {
    let procedure = Element::composite(
        ["HC", line.code.as_str()]
            .into_iter()
            .chain(line.modifiers.iter().map(String::as_str)),
    );
    let place = match line.place_of_service.as_deref() {
        Some(place) if place != claim_place => place,
        _ => "",
    };
    let pointers = Element::composite(line.diagnosis_pointers.iter().map(u8::to_string));
    Segment::new("SV1")
        .with(procedure)
        .with(amount(line.charge))
        .with("UN")
        .with(amount(line.units))
        .with(place)
        .with("")
        .with(pointers)
}

/// 2410: LIN with the NDC (qualifier N4) and CTP with the quantity and its unit.
fn write_drug(sink: &mut Sink, drug: &Drug) -> Result<(), X837Error> {
    sink.put("2410", &Segment::of("LIN", ["", "N4", drug.ndc.as_str()]))?;
    let ctp = Segment::new("CTP")
        .with("")
        .with("")
        .with("")
        .with(amount(drug.quantity))
        .with(Element::composite([drug.unit.as_str()]));
    sink.put("2410", &ctp)
}
