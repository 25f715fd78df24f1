//! Reads one 835 transaction set, segment by segment, with a small state machine over its loops:
//! header (BPR, TRN, CUR, REF, DTM) → 1000A payer (N1*PR, N3, N4, REF, PER) → 1000B payee (N1*PE, N3,
//! N4, REF, RDM) → 2000 header numbers (LX, TS3, TS2) → 2100 claims (CLP, CAS, NM1, MIA, MOA, REF, DTM,
//! PER, AMT, QTY) → 2110 lines (SVC, DTM, CAS, REF, AMT, QTY, LQ) → PLB. A segment an 835 does not
//! have there is an error naming it; TS3/TS2/PER/QTY/CUR/RDM are accepted and not kept.

use super::error::EraError;
use super::fields::{malformed, optional, required, required_date};
use super::input::TransactionSet;
use super::model::*;
use super::segments::{
    address, adjustments, amount_of, claim, dated, party, payment, provider_adjustment, reference,
    remarks, service_line,
};
use crate::x12::SegmentRef;

/// Which loop the next segment belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Header,
    Payer,
    Payee,
    HeaderNumber,
    Claim,
    Line,
    Trailer,
}

struct Builder {
    section: Section,
    trace: Option<Trace>,
    references: Vec<Reference>,
    production_date: Option<chrono::NaiveDate>,
    payer: Option<Payer>,
    payee: Option<Payee>,
    header_number: Option<String>,
    claims: Vec<ClaimPayment>,
    provider_adjustments: Vec<ProviderAdjustment>,
}

/// Reads one 835 transaction set.
pub(crate) fn read(set: TransactionSet<'_>) -> Result<Remittance, EraError> {
    let mut body = set.body.iter();
    let payment = match body.next() {
        Some(bpr) if bpr.id() == "BPR" => payment(bpr)?,
        Some(other) => return Err(malformed(other, 0, "an 835 starts with BPR")),
        None => return Err(EraError::malformed(set.end, "SE", "the 835 has no BPR")),
    };
    let mut builder = Builder {
        section: Section::Header,
        trace: None,
        references: Vec::new(),
        production_date: None,
        payer: None,
        payee: None,
        header_number: None,
        claims: Vec::new(),
        provider_adjustments: Vec::new(),
    };
    for segment in body {
        builder.segment(segment)?;
    }
    let missing = |what: &str| EraError::malformed(set.end, "SE", format!("the 835 has no {what}"));
    Ok(Remittance {
        envelope: set.envelope,
        payment,
        trace: builder.trace.ok_or_else(|| missing("TRN"))?,
        references: builder.references,
        production_date: builder.production_date,
        payer: builder.payer.ok_or_else(|| missing("payer (N1*PR)"))?,
        payee: builder.payee.ok_or_else(|| missing("payee (N1*PE)"))?,
        claims: builder.claims,
        provider_adjustments: builder.provider_adjustments,
    })
}

impl Builder {
    fn segment(&mut self, segment: &SegmentRef<'_>) -> Result<(), EraError> {
        match segment.id() {
            "N1" => self.party_loop(segment),
            "LX" => {
                self.require_parties(segment)?;
                self.leave_trailer(segment)?;
                self.header_number = Some(required(segment, 1)?.to_string());
                self.section = Section::HeaderNumber;
                Ok(())
            }
            "CLP" => {
                self.require_parties(segment)?;
                self.leave_trailer(segment)?;
                self.claims
                    .push(claim(segment, self.header_number.clone())?);
                self.section = Section::Claim;
                Ok(())
            }
            "PLB" => {
                self.require_parties(segment)?;
                self.provider_adjustments
                    .push(provider_adjustment(segment)?);
                self.section = Section::Trailer;
                Ok(())
            }
            _ => self.section_segment(segment),
        }
    }

    /// A segment that opens no loop goes to the loop the walk is in.
    fn section_segment(&mut self, segment: &SegmentRef<'_>) -> Result<(), EraError> {
        match (self.section, &mut self.payer, &mut self.payee) {
            (Section::Header, _, _) => self.header_segment(segment),
            (Section::Payer, Some(payer), _) => payer_segment(payer, segment),
            (Section::Payee, _, Some(payee)) => payee_segment(payee, segment),
            (Section::HeaderNumber, _, _) if matches!(segment.id(), "TS3" | "TS2") => Ok(()),
            (Section::HeaderNumber, _, _) => Err(unexpected(
                segment,
                "a header number (LX) before its first CLP",
            )),
            (Section::Claim | Section::Line, _, _) => self.claim_or_line_segment(segment),
            _ => Err(unexpected(segment, "the summary (after PLB)")),
        }
    }

    /// SVC opens a line of the current claim; other segments go to the line, if one is open.
    fn claim_or_line_segment(&mut self, segment: &SegmentRef<'_>) -> Result<(), EraError> {
        let Some(claim) = self.claims.last_mut() else {
            return Err(unexpected(segment, "an 835 before any CLP"));
        };
        if segment.id() == "SVC" {
            claim.lines.push(service_line(segment)?);
            self.section = Section::Line;
            return Ok(());
        }
        match (self.section, claim.lines.last_mut()) {
            (Section::Line, Some(line)) => line_segment(line, segment),
            _ => claim_segment(claim, segment),
        }
    }

    fn header_segment(&mut self, segment: &SegmentRef<'_>) -> Result<(), EraError> {
        match segment.id() {
            "TRN" => {
                if self.trace.is_some() {
                    return Err(malformed(segment, 0, "a second TRN in one 835"));
                }
                self.trace = Some(Trace {
                    kind: required(segment, 1)?.to_string(),
                    number: required(segment, 2)?.to_string(),
                    originator_id: required(segment, 3)?.to_string(),
                    supplemental: optional(segment, 4),
                });
            }
            "REF" => self.references.push(reference(segment)?),
            "DTM" if segment.get(1) == "405" => {
                self.production_date = Some(required_date(segment, 2)?);
            }
            "DTM" | "CUR" => {}
            _ => return Err(unexpected(segment, "the 835 header")),
        }
        Ok(())
    }

    /// N1*PR opens the payer loop, N1*PE the payee loop; each once, before any claim.
    fn party_loop(&mut self, n1: &SegmentRef<'_>) -> Result<(), EraError> {
        if !matches!(
            self.section,
            Section::Header | Section::Payer | Section::Payee
        ) {
            return Err(malformed(n1, 0, "N1 after the first LX, CLP or PLB"));
        }
        if self.trace.is_none() {
            return Err(malformed(n1, 0, "N1 before the TRN"));
        }
        let name = required(n1, 2)?.to_string();
        match n1.get(1) {
            "PR" if self.payer.is_none() => {
                self.payer = Some(Payer {
                    name,
                    id_qualifier: optional(n1, 3),
                    id: optional(n1, 4),
                    address: Address::default(),
                    additional_id: None,
                    references: Vec::new(),
                });
                self.section = Section::Payer;
            }
            "PE" if self.payee.is_none() => {
                if self.payer.is_none() {
                    return Err(malformed(n1, 0, "the payee (N1*PE) comes before the payer"));
                }
                self.payee = Some(Payee {
                    name,
                    id_qualifier: required(n1, 3)?.to_string(),
                    id: required(n1, 4)?.to_string(),
                    address: Address::default(),
                    references: Vec::new(),
                });
                self.section = Section::Payee;
            }
            "PR" | "PE" => return Err(malformed(n1, 1, "appears a second time")),
            other => return Err(malformed(n1, 1, format!("{other:?} is not PR or PE"))),
        }
        Ok(())
    }

    fn require_parties(&self, segment: &SegmentRef<'_>) -> Result<(), EraError> {
        match (&self.payer, &self.payee) {
            (Some(_), Some(_)) => Ok(()),
            (None, _) => Err(malformed(segment, 0, "comes before the payer (N1*PR)")),
            (_, None) => Err(malformed(segment, 0, "comes before the payee (N1*PE)")),
        }
    }

    fn leave_trailer(&self, segment: &SegmentRef<'_>) -> Result<(), EraError> {
        if self.section == Section::Trailer {
            return Err(unexpected(segment, "the summary (after PLB)"));
        }
        Ok(())
    }
}

fn payer_segment(payer: &mut Payer, segment: &SegmentRef<'_>) -> Result<(), EraError> {
    match segment.id() {
        "N3" | "N4" => address(&mut payer.address, segment),
        "REF" => {
            let reference = reference(segment)?;
            if reference.qualifier == "2U" {
                payer.additional_id = Some(reference.value.clone());
            }
            payer.references.push(reference);
            Ok(())
        }
        "PER" => Ok(()),
        _ => Err(unexpected(segment, "the payer loop (1000A)")),
    }
}

fn payee_segment(payee: &mut Payee, segment: &SegmentRef<'_>) -> Result<(), EraError> {
    match segment.id() {
        "N3" | "N4" => address(&mut payee.address, segment),
        "REF" => {
            payee.references.push(reference(segment)?);
            Ok(())
        }
        "RDM" => Ok(()),
        _ => Err(unexpected(segment, "the payee loop (1000B)")),
    }
}

fn unexpected(segment: &SegmentRef<'_>, place: &str) -> EraError {
    malformed(
        segment,
        0,
        format!("{} is not expected in {place} of an 835", segment.id()),
    )
}

fn claim_segment(claim: &mut ClaimPayment, segment: &SegmentRef<'_>) -> Result<(), EraError> {
    match segment.id() {
        "CAS" => claim.adjustments.extend(adjustments(segment)?),
        "NM1" => {
            let party = party(segment)?;
            let slot = match party.entity.as_str() {
                "QC" => &mut claim.patient,
                "IL" => &mut claim.insured,
                "82" => &mut claim.rendering_provider,
                _ => {
                    claim.other_parties.push(party);
                    return Ok(());
                }
            };
            if slot.is_some() {
                return Err(malformed(segment, 1, "appears a second time in one claim"));
            }
            *slot = Some(party);
        }
        "MIA" => claim
            .adjudication
            .push(remarks(segment, &[5, 20, 21, 22, 23, 24])),
        "MOA" => claim.adjudication.push(remarks(segment, &[3, 4, 5, 6, 7])),
        "REF" => claim.references.push(reference(segment)?),
        "DTM" => claim.dates.push(dated(segment)?),
        "AMT" => claim.amounts.push(amount_of(segment)?),
        "PER" | "QTY" => {}
        _ => return Err(unexpected(segment, "a claim (loop 2100)")),
    }
    Ok(())
}

fn line_segment(line: &mut ServiceLine, segment: &SegmentRef<'_>) -> Result<(), EraError> {
    match segment.id() {
        "DTM" => line.dates.push(dated(segment)?),
        "CAS" => line.adjustments.extend(adjustments(segment)?),
        "REF" => line.references.push(reference(segment)?),
        "AMT" => line.amounts.push(amount_of(segment)?),
        "LQ" => line.remarks.push(reference(segment)?),
        "QTY" => {}
        _ => return Err(unexpected(segment, "a service line (loop 2110)")),
    }
    Ok(())
}
