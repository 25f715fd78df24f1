//! Reads one 835 transaction set, segment by segment, with a small state machine over its loops:
//! header (BPR, TRN, CUR, REF, DTM) → 1000A payer (N1*PR, N3, N4, REF, PER) → 1000B payee (N1*PE, N3,
//! N4, REF, RDM) → 2000 header numbers (LX, TS3, TS2) → 2100 claims (CLP, CAS, NM1, MIA, MOA, REF, DTM,
//! PER, AMT, QTY) → 2110 lines (SVC, DTM, CAS, REF, AMT, QTY, LQ) → PLB. A segment an 835 does not
//! have there is an error naming it; TS3/TS2/PER/QTY/CUR/RDM are accepted and not kept.

use super::error::EraError;
use super::fields::{
    amount, date, malformed, non_empty, optional, optional_amount, optional_quantity, required,
    required_date,
};
use super::input::TransactionSet;
use super::model::*;
use crate::x12::{ElementRef, SegmentRef};

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
        let id = segment.id();
        match id {
            "N1" => return self.party_loop(segment),
            "LX" => {
                self.require_parties(segment)?;
                self.leave_trailer(segment)?;
                self.header_number = Some(required(segment, 1)?.to_string());
                self.section = Section::HeaderNumber;
                return Ok(());
            }
            "CLP" => {
                self.require_parties(segment)?;
                self.leave_trailer(segment)?;
                self.claims
                    .push(claim(segment, self.header_number.clone())?);
                self.section = Section::Claim;
                return Ok(());
            }
            "PLB" => {
                self.require_parties(segment)?;
                self.provider_adjustments
                    .push(provider_adjustment(segment)?);
                self.section = Section::Trailer;
                return Ok(());
            }
            _ => {}
        }
        match self.section {
            Section::Header => self.header_segment(segment),
            Section::Payer => {
                let payer = self.payer.as_mut().expect("the payer section has a payer");
                match id {
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
            Section::Payee => {
                let payee = self.payee.as_mut().expect("the payee section has a payee");
                match id {
                    "N3" | "N4" => address(&mut payee.address, segment),
                    "REF" => {
                        payee.references.push(reference(segment)?);
                        Ok(())
                    }
                    "RDM" => Ok(()),
                    _ => Err(unexpected(segment, "the payee loop (1000B)")),
                }
            }
            Section::HeaderNumber => match id {
                "TS3" | "TS2" => Ok(()),
                _ => Err(unexpected(
                    segment,
                    "a header number (LX) before its first CLP",
                )),
            },
            Section::Claim => {
                let claim = self
                    .claims
                    .last_mut()
                    .expect("the claim section has a claim");
                if id == "SVC" {
                    claim.lines.push(service_line(segment)?);
                    self.section = Section::Line;
                    return Ok(());
                }
                claim_segment(claim, segment)
            }
            Section::Line => {
                let claim = self
                    .claims
                    .last_mut()
                    .expect("the line section has a claim");
                if id == "SVC" {
                    claim.lines.push(service_line(segment)?);
                    return Ok(());
                }
                let line = claim.lines.last_mut().expect("the line section has a line");
                line_segment(line, segment)
            }
            Section::Trailer => Err(unexpected(segment, "the summary (after PLB)")),
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

fn unexpected(segment: &SegmentRef<'_>, place: &str) -> EraError {
    malformed(
        segment,
        0,
        format!("{} is not expected in {place} of an 835", segment.id()),
    )
}

fn payment(bpr: &SegmentRef<'_>) -> Result<Payment, EraError> {
    let credit_debit = required(bpr, 3)?;
    if credit_debit != "C" && credit_debit != "D" {
        return Err(malformed(bpr, 3, format!("{credit_debit:?} is not C or D")));
    }
    Ok(Payment {
        handling_code: required(bpr, 1)?.to_string(),
        amount: amount(bpr, 2)?,
        credit_debit: credit_debit.to_string(),
        method: required(bpr, 4)?.to_string(),
        format: optional(bpr, 5),
        date: required_date(bpr, 16)?,
        position: bpr.position(),
    })
}

fn reference(segment: &SegmentRef<'_>) -> Result<Reference, EraError> {
    Ok(Reference {
        qualifier: required(segment, 1)?.to_string(),
        value: required(segment, 2)?.to_string(),
    })
}

fn dated(segment: &SegmentRef<'_>) -> Result<Dated, EraError> {
    Ok(Dated {
        qualifier: required(segment, 1)?.to_string(),
        date: required_date(segment, 2)?,
    })
}

fn amount_of(segment: &SegmentRef<'_>) -> Result<Amount, EraError> {
    Ok(Amount {
        qualifier: required(segment, 1)?.to_string(),
        amount: amount(segment, 2)?,
    })
}

fn address(address: &mut Address, segment: &SegmentRef<'_>) -> Result<(), EraError> {
    if segment.id() == "N3" {
        address.lines.push(required(segment, 1)?.to_string());
        address.lines.extend(optional(segment, 2));
    } else {
        address.city = Some(required(segment, 1)?.to_string());
        address.state = optional(segment, 2);
        address.postal_code = optional(segment, 3);
    }
    Ok(())
}

fn claim(clp: &SegmentRef<'_>, header_number: Option<String>) -> Result<ClaimPayment, EraError> {
    Ok(ClaimPayment {
        header_number,
        claim_id: required(clp, 1)?.to_string(),
        status: required(clp, 2)?.to_string(),
        charge: amount(clp, 3)?,
        paid: amount(clp, 4)?,
        patient_responsibility: optional_amount(clp, 5)?,
        filing_indicator: required(clp, 6)?.to_string(),
        payer_claim_number: optional(clp, 7),
        facility: optional(clp, 8),
        frequency: optional(clp, 9),
        adjustments: Vec::new(),
        patient: None,
        insured: None,
        rendering_provider: None,
        other_parties: Vec::new(),
        adjudication: Vec::new(),
        dates: Vec::new(),
        references: Vec::new(),
        amounts: Vec::new(),
        lines: Vec::new(),
        position: clp.position(),
    })
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

fn party(nm1: &SegmentRef<'_>) -> Result<Party, EraError> {
    Ok(Party {
        entity: required(nm1, 1)?.to_string(),
        last_or_organization: optional(nm1, 3),
        first: optional(nm1, 4),
        middle: optional(nm1, 5),
        id_qualifier: optional(nm1, 8),
        id: optional(nm1, 9),
    })
}

fn remarks(segment: &SegmentRef<'_>, elements: &[usize]) -> AdjudicationRemarks {
    AdjudicationRemarks {
        segment: segment.id().to_string(),
        remark_codes: elements
            .iter()
            .filter_map(|&n| non_empty(segment.get(n)))
            .collect(),
        position: segment.position(),
    }
}

/// CAS01 and up to six reason/amount/quantity triples (CAS02-04, 05-07, ... 17-19).
fn adjustments(cas: &SegmentRef<'_>) -> Result<Vec<Adjustment>, EraError> {
    let group = required(cas, 1)?.to_string();
    if cas.element_count() > 19 {
        return Err(malformed(cas, 0, "more than six adjustment triples"));
    }
    let mut found = Vec::new();
    for first in (2..=17).step_by(3) {
        let (reason, amount_text) = (cas.get(first), cas.get(first + 1));
        if reason.is_empty() && amount_text.is_empty() && cas.get(first + 2).is_empty() {
            continue;
        }
        if reason.is_empty() {
            return Err(malformed(
                cas,
                first,
                "is required when its amount is given",
            ));
        }
        found.push(Adjustment {
            group: group.clone(),
            reason: reason.to_string(),
            amount: amount(cas, first + 1)?,
            quantity: optional_quantity(cas, first + 2)?,
            position: cas.position(),
        });
    }
    if found.is_empty() {
        return Err(malformed(cas, 2, "is required but empty"));
    }
    Ok(found)
}

fn procedure(
    segment: &SegmentRef<'_>,
    n: usize,
    element: ElementRef<'_>,
) -> Result<Procedure, EraError> {
    let components: Vec<&str> = element.components().collect();
    let (qualifier, code) = (element.component(1), element.component(2));
    if qualifier.is_empty() || code.is_empty() {
        return Err(malformed(
            segment,
            n,
            format!("{:?} needs a qualifier and a code", element.as_str()),
        ));
    }
    Ok(Procedure {
        qualifier: qualifier.to_string(),
        code: code.to_string(),
        modifiers: components
            .iter()
            .skip(2)
            .take(4)
            .filter(|m| !m.is_empty())
            .map(|m| m.to_string())
            .collect(),
        description: non_empty(element.component(7)),
    })
}

fn service_line(svc: &SegmentRef<'_>) -> Result<ServiceLine, EraError> {
    let original = svc.element(6);
    Ok(ServiceLine {
        procedure: procedure(svc, 1, svc.element(1))?,
        charge: amount(svc, 2)?,
        paid: amount(svc, 3)?,
        revenue_code: optional(svc, 4),
        units: optional_quantity(svc, 5)?,
        original_procedure: match original.is_empty() {
            true => None,
            false => Some(procedure(svc, 6, original)?),
        },
        original_units: optional_quantity(svc, 7)?,
        dates: Vec::new(),
        adjustments: Vec::new(),
        references: Vec::new(),
        amounts: Vec::new(),
        remarks: Vec::new(),
        position: svc.position(),
    })
}

fn provider_adjustment(plb: &SegmentRef<'_>) -> Result<ProviderAdjustment, EraError> {
    let provider_id = required(plb, 1)?.to_string();
    let fiscal_period_end = date(plb, 2, required(plb, 2)?)?;
    if plb.element_count() > 14 {
        return Err(malformed(plb, 0, "more than six adjustment pairs"));
    }
    let mut items = Vec::new();
    for first in (3..=13).step_by(2) {
        let composite = plb.element(first);
        if composite.is_empty() && plb.get(first + 1).is_empty() {
            continue;
        }
        let reason = composite.component(1);
        if reason.is_empty() {
            return Err(malformed(plb, first, "needs an adjustment reason code"));
        }
        items.push(ProviderAdjustmentItem {
            reason: reason.to_string(),
            reference: non_empty(composite.component(2)),
            amount: amount(plb, first + 1)?,
        });
    }
    if items.is_empty() {
        return Err(malformed(plb, 3, "is required but empty"));
    }
    Ok(ProviderAdjustment {
        provider_id,
        fiscal_period_end,
        items,
        position: plb.position(),
    })
}
