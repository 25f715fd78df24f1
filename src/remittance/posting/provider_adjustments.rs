//! PLB: the payer's provider-level adjustments, posted once per file after its claims, each in its own
//! transaction marked like a CLP (index -1, -2, ... in file order) so a repeated import skips it.
//!
//! A PLB amount is positive when the payer withholds money and negative when it adds money (BPR02 =
//! the CLP04s minus the PLB amounts), so after the file the bank has moved by exactly BPR02. What each
//! item posts (see `ledger::standard::PayerAdjustment`):
//! - L6 interest added: interest income;
//! - money added or withheld naming one of our claims in PLB03-2 (our CLM01, or the payer's claim
//!   number from a 277CA or 835): that claim's insurance receivable, so the biller sees it;
//! - money added naming nothing of ours: unapplied payments; withheld naming nothing: refunds payable.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::model::ProviderAdjustmentPosted;
use super::store;
use crate::audit::AuditActor;
use crate::claims::store as claims_store;
use crate::db::DbConnection;
use crate::error::AppResult;
use crate::ledger::standard::{self, ClaimRef, PayerAdjustment};
use crate::ledger::{self};
use crate::remittance::{ProviderAdjustment, ProviderAdjustmentItem};

/// Each PLB item of the file with its mark index (-1, -2, ...).
pub fn indexed<'a>(
    plbs: impl Iterator<Item = &'a ProviderAdjustment>,
) -> Vec<(i32, &'a ProviderAdjustment, &'a ProviderAdjustmentItem)> {
    plbs.flat_map(|plb| plb.items.iter().map(move |item| (plb, item)))
        .enumerate()
        .map(|(n, (plb, item))| (-1 - i32::try_from(n).unwrap_or(i32::MAX - 1), plb, item))
        .collect()
}

/// The claim PLB03-2 names, if it is one of ours.
fn named_claim(conn: &mut DbConnection, reference: Option<&str>) -> AppResult<Option<ClaimRef>> {
    let Some(reference) = reference.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    let found = match store::version_by_clm01(conn, reference)? {
        Some((id, _)) => Some(id),
        None => store::claim_by_payer_number(conn, reference)?.map(|(id, _)| id),
    };
    let Some(claim_id) = found else {
        return Ok(None);
    };
    Ok(
        claims_store::find_summary(conn, &claim_id)?.map(|summary| ClaimRef {
            claim_id,
            patient_id: summary.patient_id,
        }),
    )
}

fn treatment(item: &ProviderAdjustmentItem, claim: Option<ClaimRef>) -> PayerAdjustment {
    match (item.amount < Decimal::ZERO, claim) {
        (true, _) if item.reason == "L6" => PayerAdjustment::Interest,
        (true, Some(claim)) => PayerAdjustment::CreditToClaim(claim),
        (true, None) => PayerAdjustment::Unapplied,
        (false, Some(claim)) => PayerAdjustment::RecoupFromClaim(claim),
        (false, None) => PayerAdjustment::Withheld,
    }
}

fn name(adjustment: &PayerAdjustment) -> &'static str {
    match adjustment {
        PayerAdjustment::Interest => "interest",
        PayerAdjustment::CreditToClaim(_) => "credit_to_claim",
        PayerAdjustment::Unapplied => "unapplied",
        PayerAdjustment::RecoupFromClaim(_) => "recoupment_from_claim",
        PayerAdjustment::Withheld => "withheld",
    }
}

/// Posts one PLB item (or, on a dry run, says what it would post).
pub fn post(
    conn: &mut DbConnection,
    actor: &AuditActor,
    file_id: Option<&str>,
    date: NaiveDate,
    index: i32,
    plb: &ProviderAdjustment,
    item: &ProviderAdjustmentItem,
) -> AppResult<ProviderAdjustmentPosted> {
    let claim = named_claim(conn, item.reference.as_deref())?;
    let claim_id = claim.as_ref().map(|c| c.claim_id.to_string());
    let adjustment = treatment(item, claim);
    let mut posted = ProviderAdjustmentPosted {
        index,
        provider_id: plb.provider_id.clone(),
        reason: item.reason.clone(),
        reference: item.reference.clone(),
        amount: item.amount,
        treatment: name(&adjustment).into(),
        claim_id,
        entry: None,
    };
    if file_id.is_none() || item.amount.is_zero() {
        return Ok(posted);
    }
    let memo = match &item.reference {
        Some(reference) => format!("PLB {} {reference}: {}", item.reason, posted.treatment),
        None => format!("PLB {}: {}", item.reason, posted.treatment),
    };
    let entry = standard::payer_adjustment(date, &adjustment, file_id, item.amount.abs(), &memo)?;
    posted.entry = Some(ledger::post(conn, actor, &entry)?.to_string());
    Ok(posted)
}
