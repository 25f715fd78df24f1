//! Patient payments and refunds, each one journal entry posted in the caller's transaction (the route
//! holds the patient's row lock, so the balances read here are still true when the entry posts).

use rust_decimal::Decimal;

use super::account::{self, PatientAccount};
use super::model::{AppliedShare, PaymentReceipt, RefundReceipt, ValidPayment, ValidRefund};
use crate::audit::AuditActor;
use crate::claims::store as claims_store;
use crate::db::DbConnection;
use crate::db::ids::{ClaimId, EntryId, PatientId};
use crate::error::{AppError, AppResult, FieldError};
use crate::ledger::standard::{self, RefundOf};
use crate::ledger::{self, ValidEntry};

/// Posts the payment: applied to the named claim's patient balance, or to the oldest open patient
/// balances first (by date of service); what is left is held as credit.
pub fn pay(
    conn: &mut DbConnection,
    actor: &AuditActor,
    patient: &PatientId,
    payment: &ValidPayment,
) -> AppResult<PaymentReceipt> {
    let before = account::load(conn, patient, None)?;
    let open = match &payment.claim_id {
        Some(claim) => open_balance_of(conn, &before, patient, claim)?,
        None => before.open_patient_balances(),
    };
    let allocation = standard::allocate(payment.amount, &open);
    let mut entry =
        standard::patient_payment_allocated(payment.date, patient, payment.method, &allocation)?;
    if let Some(reference) = &payment.reference {
        entry = entry.with_note(&format!("reference {reference}"));
    }
    let entry_id = post_dated(conn, actor, &entry)?;
    let applied = allocation
        .applied
        .iter()
        .map(|(claim, amount)| AppliedShare {
            claim_id: claim.clone(),
            claim_number: before
                .claim(claim)
                .map(|c| c.summary().claim_number.clone())
                .unwrap_or_default(),
            amount: *amount,
        })
        .collect();
    Ok(PaymentReceipt {
        entry_id,
        patient_id: patient.clone(),
        date: payment.date,
        amount: payment.amount,
        method: payment.method.as_str().to_owned(),
        reference: payment.reference.clone(),
        applied,
        unapplied: allocation.unapplied,
        account: account::load(conn, patient, None)?.totals,
    })
}

/// The named claim's open patient balance (none when nothing is owed on it yet); 422 naming
/// `claim_id` when it is not one of the patient's claims.
fn open_balance_of(
    conn: &mut DbConnection,
    account: &PatientAccount,
    patient: &PatientId,
    claim: &ClaimId,
) -> AppResult<Vec<(ClaimId, Decimal)>> {
    let ours = claims_store::find_summary(conn, claim)?.is_some_and(|c| c.patient_id == *patient);
    if !ours {
        return Err(AppError::invalid(
            "claim_id",
            "is not a claim of this patient",
        ));
    }
    Ok(account
        .open_patient_balances()
        .into_iter()
        .filter(|(id, _)| id == claim)
        .collect())
}

/// Refunds part or all of the credit the patient holds; 422 naming `amount` when it is more.
pub fn refund(
    conn: &mut DbConnection,
    actor: &AuditActor,
    patient: &PatientId,
    refund: &ValidRefund,
) -> AppResult<RefundReceipt> {
    let credit = ledger::patient_balance(conn, patient, None)?.unapplied;
    if refund.amount > credit {
        return Err(AppError::invalid(
            "amount",
            format!("is more than the credit the patient holds ({credit})"),
        ));
    }
    let entry = standard::refund(
        refund.date,
        patient,
        None,
        RefundOf::Unapplied,
        refund.method,
        refund.amount,
    )?
    .with_note(&refund.reason);
    let entry_id = post_dated(conn, actor, &entry)?;
    Ok(RefundReceipt {
        entry_id,
        patient_id: patient.clone(),
        date: refund.date,
        amount: refund.amount,
        method: refund.method.as_str().to_owned(),
        reason: refund.reason.clone(),
        account: account::load(conn, patient, None)?.totals,
    })
}

/// Posts the entry; the ledger's 409 for a date in a closed period also names the request's `date`.
fn post_dated(
    conn: &mut DbConnection,
    actor: &AuditActor,
    entry: &ValidEntry,
) -> AppResult<EntryId> {
    ledger::post(conn, actor, entry).map_err(|error| match error {
        AppError::ConflictWith {
            code: code @ "period_closed",
            detail,
            mut members,
        } => {
            let field = FieldError::new("date", "is in a closed accounting period");
            members.insert("errors".into(), serde_json::json!([field]));
            AppError::ConflictWith {
                code,
                detail,
                members,
            }
        }
        other => other,
    })
}
