//! A patient statement as of a date: who sends it (the practice settings the claims bill under), to
//! whom, and the open items by date of service with what the patient owes. The PDF (`pdf.rs`) prints
//! exactly this value, so the JSON and the paper never disagree.

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;

use super::account::{AccountClaim, PatientAccount};
use crate::coding::codesets::{Snapshot, System};
use crate::db::ids::{ClaimId, PatientId};
use crate::directory::address::AddressJson;
use crate::directory::patients::Patient;
use crate::directory::practice::Practice;
use crate::money::from_cents;

/// Days between the statement date and the "pay by" date.
pub const PAY_WITHIN_DAYS: u64 = 30;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Party {
    pub name: String,
    /// The postal address as printed, one line per element.
    pub address: Vec<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Procedure {
    pub code: String,
    /// The short description from the code sets in force on the date of service (the long one when
    /// there is no short one); none when no code set knows the code.
    pub description: Option<String>,
}

/// One open claim: something is still owed on it, by the patient or by a payer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StatementItem {
    pub date_of_service: NaiveDate,
    pub claim_id: ClaimId,
    pub claim_number: String,
    pub procedures: Vec<Procedure>,
    #[schema(value_type = String)]
    pub charge: Decimal,
    #[schema(value_type = String)]
    pub insurance_paid: Decimal,
    #[schema(value_type = String)]
    pub adjustments: Decimal,
    #[schema(value_type = String)]
    pub patient_paid: Decimal,
    /// Still with the payer: not billed to the patient yet.
    #[schema(value_type = String)]
    pub insurance_pending: Decimal,
    /// What the patient owes on this claim.
    #[schema(value_type = String)]
    pub amount_due: Decimal,
}

#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct StatementTotals {
    #[schema(value_type = String)]
    pub charge: Decimal,
    #[schema(value_type = String)]
    pub insurance_paid: Decimal,
    #[schema(value_type = String)]
    pub adjustments: Decimal,
    #[schema(value_type = String)]
    pub patient_paid: Decimal,
    #[schema(value_type = String)]
    pub insurance_pending: Decimal,
    /// The patient's whole receivable (the items' amounts due, and any balance not tied to a claim).
    #[schema(value_type = String)]
    pub patient_balance: Decimal,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Statement {
    pub patient_id: PatientId,
    /// The patient's MRN.
    pub account_number: String,
    pub statement_date: NaiveDate,
    pub pay_by: NaiveDate,
    pub practice: Party,
    pub patient: Party,
    /// Oldest date of service first.
    pub items: Vec<StatementItem>,
    pub totals: StatementTotals,
    /// Payments held on the account, not applied to any item.
    #[schema(value_type = String)]
    pub credit: Decimal,
    /// The patient balance less the credit, never below zero.
    #[schema(value_type = String)]
    pub amount_due: Decimal,
}

fn address_lines(address: &AddressJson) -> Vec<String> {
    let mut lines = vec![address.line1.clone()];
    lines.extend(address.line2.clone());
    lines.push(format!(
        "{}, {} {}",
        address.city,
        address.state,
        zip(&address.zip)
    ));
    lines
}

/// `123456789` → `12345-6789`.
fn zip(text: &str) -> String {
    if text.len() == 9 && text.bytes().all(|b| b.is_ascii_digit()) {
        format!("{}-{}", &text[..5], &text[5..])
    } else {
        text.to_owned()
    }
}

fn full_name(p: &Patient) -> String {
    match &p.middle_name {
        Some(middle) => format!("{} {} {}", p.first_name, middle, p.last_name),
        None => format!("{} {}", p.first_name, p.last_name),
    }
}

fn procedures(claim: &AccountClaim, codes: &Snapshot) -> Vec<Procedure> {
    let date = claim.date_of_service();
    let mut out: Vec<Procedure> = Vec::new();
    for line in &claim.claim.snapshot.claim.lines {
        if out.iter().any(|p| p.code == line.code) {
            continue;
        }
        // The short description fits a statement line; the long one when there is no short one.
        let description = [System::Cpt, System::Hcpcs]
            .into_iter()
            .find_map(|system| codes.detail(system, &line.code, date))
            .map(|d| d.short_description.unwrap_or(d.description));
        out.push(Procedure {
            code: line.code.clone(),
            description,
        });
    }
    out
}

fn item(claim: &AccountClaim, codes: &Snapshot) -> StatementItem {
    let f = claim.figures;
    StatementItem {
        date_of_service: claim.date_of_service(),
        claim_id: claim.summary().id.clone(),
        claim_number: claim.summary().claim_number.clone(),
        procedures: procedures(claim, codes),
        charge: from_cents(f.charge),
        insurance_paid: from_cents(f.insurance_paid),
        adjustments: from_cents(f.adjustments),
        patient_paid: from_cents(f.patient_paid),
        insurance_pending: from_cents(f.insurance_due),
        amount_due: from_cents(f.patient_due),
    }
}

/// The statement of `account` (read as of `date`).
pub fn build(
    practice: &Practice,
    patient: &Patient,
    account: &PatientAccount,
    codes: &Snapshot,
    date: NaiveDate,
) -> Statement {
    let items: Vec<StatementItem> = account
        .claims
        .iter()
        .filter(|c| c.figures.patient_due != 0 || c.figures.insurance_due != 0)
        .map(|c| item(c, codes))
        .collect();
    let zero = from_cents(0);
    let mut totals = StatementTotals {
        charge: zero,
        insurance_paid: zero,
        adjustments: zero,
        patient_paid: zero,
        insurance_pending: zero,
        patient_balance: account.totals.patient_due,
    };
    for i in &items {
        totals.charge += i.charge;
        totals.insurance_paid += i.insurance_paid;
        totals.adjustments += i.adjustments;
        totals.patient_paid += i.patient_paid;
        totals.insurance_pending += i.insurance_pending;
    }
    let credit = account.totals.unapplied_credit;
    Statement {
        patient_id: patient.id.clone(),
        account_number: patient.mrn.clone(),
        statement_date: date,
        pay_by: date + Days::new(PAY_WITHIN_DAYS),
        practice: Party {
            name: practice.name.clone(),
            address: practice
                .address
                .as_ref()
                .map(address_lines)
                .unwrap_or_default(),
            phone: practice.phone.as_deref().map(phone),
        },
        patient: Party {
            name: full_name(patient),
            address: address_lines(&patient.address),
            phone: None,
        },
        items,
        amount_due: (totals.patient_balance - credit).max(zero),
        totals,
        credit,
    }
}

/// `5552345678` → `(555) 234-5678`.
fn phone(text: &str) -> String {
    if text.len() == 10 && text.bytes().all(|b| b.is_ascii_digit()) {
        format!("({}) {}-{}", &text[..3], &text[3..6], &text[6..])
    } else {
        text.to_owned()
    }
}
