//! What the patient account routes take and give. Requests are checked here (amounts positive with at
//! most two decimals, a known method, a date not in the future) so the posting code sees only valid
//! values; answers are plain serialisable shapes with money as decimal strings.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::db::ids::{ClaimId, EntryId, PatientId};
use crate::error::{AppResult, Validator};
use crate::ledger::PaymentMethod;
use crate::money;

/// A payment the patient makes at the desk, by mail or online.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentInput {
    /// More than zero, at most two decimals: `"40.00"`.
    pub amount: String,
    /// `cash`, `card` or `check`.
    pub method: String,
    /// `YYYY-MM-DD`, today (UTC) when absent; not in the future nor in a closed period.
    pub date: Option<String>,
    /// A check number or card authorisation, kept in the journal entry's memo.
    pub reference: Option<String>,
    /// Apply to this claim's patient balance only (the rest is held as credit); when absent, to the
    /// oldest open patient balances first, by date of service.
    pub claim_id: Option<String>,
}

/// A refund of the credit the patient holds.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefundInput {
    /// More than zero, at most two decimals, at most the credit held.
    pub amount: String,
    /// `cash`, `card` or `check`.
    pub method: String,
    /// `YYYY-MM-DD`, today (UTC) when absent.
    pub date: Option<String>,
    /// Why the money goes back; kept in the journal entry's memo.
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidPayment {
    pub amount: Decimal,
    pub method: PaymentMethod,
    pub date: NaiveDate,
    pub reference: Option<String>,
    pub claim_id: Option<ClaimId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidRefund {
    pub amount: Decimal,
    pub method: PaymentMethod,
    pub date: NaiveDate,
    pub reason: String,
}

fn positive_amount(text: &str) -> Result<Decimal, String> {
    let amount = money::parse_amount(text)?;
    if amount <= Decimal::ZERO {
        return Err("must be more than zero".into());
    }
    Ok(amount)
}

fn method(text: &str) -> Result<PaymentMethod, String> {
    PaymentMethod::parse(text.trim()).ok_or_else(|| "must be cash, card or check".into())
}

fn date(text: Option<&str>, today: NaiveDate) -> Result<NaiveDate, String> {
    let Some(text) = text else {
        return Ok(today);
    };
    let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| "must be a date written YYYY-MM-DD".to_owned())?;
    if date > today {
        return Err("must not be in the future".into());
    }
    Ok(date)
}

/// Free text for a memo: trimmed, 1 to `max` characters, no control characters.
fn note(text: &str, max: usize) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("must not be empty".into());
    }
    if text.chars().count() > max {
        return Err(format!("must be at most {max} characters"));
    }
    if text.chars().any(char::is_control) {
        return Err("must not contain control characters".into());
    }
    Ok(text.to_owned())
}

impl ValidPayment {
    /// Checks every field, reporting each bad one; `today` is the default and latest date.
    pub fn check(input: &PaymentInput, today: NaiveDate) -> AppResult<ValidPayment> {
        let mut v = Validator::new();
        let amount = v.check("amount", positive_amount(&input.amount));
        let method = v.check("method", method(&input.method));
        let date = v.check("date", date(input.date.as_deref(), today));
        let reference = v.optional("reference", input.reference.as_deref(), |r| note(r, 50));
        let claim_id = v.optional("claim_id", input.claim_id.as_deref(), ClaimId::parse);
        v.finish(|| {
            Some(ValidPayment {
                amount: amount?,
                method: method?,
                date: date?,
                reference: reference?,
                claim_id: claim_id?,
            })
        })
    }

    /// What makes two requests "the same" for an idempotency key (the raw input, so a payment sent
    /// without a date is the same payment tomorrow).
    pub fn fingerprint(input: &PaymentInput) -> String {
        digest(&[
            "payment",
            &input.amount,
            &input.method,
            input.date.as_deref().unwrap_or(""),
            input.reference.as_deref().unwrap_or(""),
            input.claim_id.as_deref().unwrap_or(""),
        ])
    }
}

impl ValidRefund {
    pub fn check(input: &RefundInput, today: NaiveDate) -> AppResult<ValidRefund> {
        let mut v = Validator::new();
        let amount = v.check("amount", positive_amount(&input.amount));
        let method = v.check("method", method(&input.method));
        let date = v.check("date", date(input.date.as_deref(), today));
        let reason = v.check("reason", note(&input.reason, 200));
        v.finish(|| {
            Some(ValidRefund {
                amount: amount?,
                method: method?,
                date: date?,
                reason: reason?,
            })
        })
    }

    pub fn fingerprint(input: &RefundInput) -> String {
        digest(&[
            "refund",
            &input.amount,
            &input.method,
            input.date.as_deref().unwrap_or(""),
            &input.reason,
        ])
    }
}

fn digest(parts: &[&str]) -> String {
    hex::encode(Sha256::digest(parts.join("\n").as_bytes()))
}

/// The share of a payment applied to one claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct AppliedShare {
    pub claim_id: ClaimId,
    pub claim_number: String,
    #[schema(value_type = String)]
    pub amount: Decimal,
}

/// The account's totals after a posting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct AccountTotals {
    /// What the patient owes (the patient receivable).
    #[schema(value_type = String)]
    pub patient_due: Decimal,
    /// What is still with the payers.
    #[schema(value_type = String)]
    pub insurance_pending: Decimal,
    /// Payments not applied to any balance: a credit the patient holds.
    #[schema(value_type = String)]
    pub unapplied_credit: Decimal,
}

/// What a payment posted.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PaymentReceipt {
    pub entry_id: EntryId,
    pub patient_id: PatientId,
    pub date: NaiveDate,
    #[schema(value_type = String)]
    pub amount: Decimal,
    pub method: String,
    pub reference: Option<String>,
    /// Oldest date of service first.
    pub applied: Vec<AppliedShare>,
    /// Held as credit.
    #[schema(value_type = String)]
    pub unapplied: Decimal,
    pub account: AccountTotals,
}

/// What a refund posted.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RefundReceipt {
    pub entry_id: EntryId,
    pub patient_id: PatientId,
    pub date: NaiveDate,
    #[schema(value_type = String)]
    pub amount: Decimal,
    pub method: String,
    pub reason: String,
    pub account: AccountTotals,
}

/// One claim of the account, from the ledger lines of its receivables.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ClaimAccount {
    pub claim_id: ClaimId,
    pub claim_number: String,
    pub date_of_service: NaiveDate,
    #[schema(value_type = String)]
    pub charge: Decimal,
    #[schema(value_type = String)]
    pub insurance_paid: Decimal,
    /// Contractual and other adjustments and write-offs.
    #[schema(value_type = String)]
    pub adjustments: Decimal,
    /// Patient payments applied to the claim, less refunds of them.
    #[schema(value_type = String)]
    pub patient_paid: Decimal,
    #[schema(value_type = String)]
    pub patient_due: Decimal,
    #[schema(value_type = String)]
    pub insurance_due: Decimal,
}

/// A patient's account as of a date.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccountBalance {
    pub patient_id: PatientId,
    pub as_of: NaiveDate,
    #[serde(flatten)]
    pub totals: AccountTotals,
    /// Every claim with ledger activity, oldest date of service first. A claim enters the ledger
    /// with its charge (today when its first remittance is posted).
    pub claims: Vec<ClaimAccount>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::testing::invalid_fields;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()
    }

    fn payment() -> PaymentInput {
        PaymentInput {
            amount: "40.00".into(),
            method: "check".into(),
            date: Some("2026-12-01".into()),
            reference: Some("check 1042".into()),
            claim_id: None,
        }
    }

    #[test]
    fn a_valid_payment_reads_and_defaults_to_today() {
        let valid = ValidPayment::check(&payment(), today()).unwrap();
        assert_eq!(valid.amount, Decimal::new(4000, 2));
        assert_eq!(valid.method, PaymentMethod::Check);
        let bare = PaymentInput {
            date: None,
            reference: None,
            ..payment()
        };
        assert_eq!(ValidPayment::check(&bare, today()).unwrap().date, today());
    }

    #[test]
    fn each_bad_field_is_named() {
        type Case = (&'static str, fn(&mut PaymentInput));
        let cases: &[Case] = &[
            ("amount", |p| p.amount = "0".into()),
            ("amount", |p| p.amount = "-5".into()),
            ("amount", |p| p.amount = "10.005".into()),
            ("amount", |p| p.amount = "ten".into()),
            ("method", |p| p.method = "bitcoin".into()),
            ("date", |p| p.date = Some("2026-12-04".into())),
            ("date", |p| p.date = Some("12/01/2026".into())),
            ("reference", |p| p.reference = Some("x".repeat(51))),
            ("claim_id", |p| p.claim_id = Some("42".into())),
        ];
        for (field, change) in cases {
            let mut input = payment();
            change(&mut input);
            let fields = invalid_fields(ValidPayment::check(&input, today()));
            assert_eq!(fields, vec![field.to_string()], "{input:?}");
        }
        let refund = RefundInput {
            amount: "5".into(),
            method: "card".into(),
            date: None,
            reason: "  ".into(),
        };
        let fields = invalid_fields(ValidRefund::check(&refund, today()));
        assert_eq!(fields, vec!["reason".to_string()]);
    }

    #[test]
    fn the_fingerprint_tells_payments_and_refunds_apart() {
        let p = payment();
        assert_eq!(
            ValidPayment::fingerprint(&p),
            ValidPayment::fingerprint(&p.clone())
        );
        let other = PaymentInput {
            amount: "41.00".into(),
            ..payment()
        };
        assert_ne!(
            ValidPayment::fingerprint(&p),
            ValidPayment::fingerprint(&other)
        );
    }
}
