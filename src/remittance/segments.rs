//! Typed values out of single 835 segments: BPR, REF/DTM/AMT, N3/N4, CLP, NM1, MIA/MOA, CAS triples,
//! SVC composites, PLB pairs. Each function reads one segment and names the element at fault.

use super::error::EraError;
use super::fields::{
    amount, date, malformed, non_empty, optional, optional_amount, optional_quantity, required,
    required_date,
};
use super::model::*;
use crate::x12::{ElementRef, SegmentRef};

pub(super) fn payment(bpr: &SegmentRef<'_>) -> Result<Payment, EraError> {
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

pub(super) fn reference(segment: &SegmentRef<'_>) -> Result<Reference, EraError> {
    Ok(Reference {
        qualifier: required(segment, 1)?.to_string(),
        value: required(segment, 2)?.to_string(),
    })
}

pub(super) fn dated(segment: &SegmentRef<'_>) -> Result<Dated, EraError> {
    Ok(Dated {
        qualifier: required(segment, 1)?.to_string(),
        date: required_date(segment, 2)?,
    })
}

pub(super) fn amount_of(segment: &SegmentRef<'_>) -> Result<Amount, EraError> {
    Ok(Amount {
        qualifier: required(segment, 1)?.to_string(),
        amount: amount(segment, 2)?,
    })
}

pub(super) fn address(address: &mut Address, segment: &SegmentRef<'_>) -> Result<(), EraError> {
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

pub(super) fn claim(
    clp: &SegmentRef<'_>,
    header_number: Option<String>,
) -> Result<ClaimPayment, EraError> {
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

pub(super) fn party(nm1: &SegmentRef<'_>) -> Result<Party, EraError> {
    Ok(Party {
        entity: required(nm1, 1)?.to_string(),
        last_or_organization: optional(nm1, 3),
        first: optional(nm1, 4),
        middle: optional(nm1, 5),
        id_qualifier: optional(nm1, 8),
        id: optional(nm1, 9),
    })
}

pub(super) fn remarks(segment: &SegmentRef<'_>, elements: &[usize]) -> AdjudicationRemarks {
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
pub(super) fn adjustments(cas: &SegmentRef<'_>) -> Result<Vec<Adjustment>, EraError> {
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

pub(super) fn procedure(
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

pub(super) fn service_line(svc: &SegmentRef<'_>) -> Result<ServiceLine, EraError> {
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

pub(super) fn provider_adjustment(plb: &SegmentRef<'_>) -> Result<ProviderAdjustment, EraError> {
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
