//! Balances read from the stored lines: per account (a trial balance for a period or as of a date),
//! per patient (the patient receivable subledger and the credit they hold), per claim (insurance and
//! patient receivable of the claim's lines).

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;

use super::accounts::{Account, AccountType, Side};
use super::entry::ValidEntry;
use super::store::{self, LineFilter};
use crate::db::DbConnection;
use crate::db::ids::{ClaimId, PatientId};
use crate::error::{AppError, AppResult};
use crate::money::from_cents;

/// Which entries a trial balance sums, by entry date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    /// Every entry dated on or before the date.
    AsOf(NaiveDate),
    /// Entries dated from `from` to `to`, both included.
    Between(NaiveDate, NaiveDate),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct AccountBalance {
    pub code: String,
    pub name: String,
    pub account_type: AccountType,
    pub normal_balance: Side,
    #[schema(value_type = String)]
    pub debits: Decimal,
    #[schema(value_type = String)]
    pub credits: Decimal,
    /// On the account's normal side: debits − credits for a debit account, credits − debits otherwise.
    #[schema(value_type = String)]
    pub balance: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct TrialBalance {
    pub accounts: Vec<AccountBalance>,
    #[schema(value_type = String)]
    pub total_debits: Decimal,
    #[schema(value_type = String)]
    pub total_credits: Decimal,
}

/// Every account of the chart (those without lines at zero), in code order.
pub fn trial_balance(conn: &mut DbConnection, span: Span) -> AppResult<TrialBalance> {
    let filter = match span {
        Span::AsOf(date) => LineFilter {
            to: Some(date),
            ..LineFilter::default()
        },
        Span::Between(from, to) => LineFilter {
            from: Some(from),
            to: Some(to),
            ..LineFilter::default()
        },
    };
    let sums = sums(conn, &filter)?;
    let accounts: Vec<AccountBalance> = Account::ALL
        .into_iter()
        .map(|account| {
            let (d, c) = sums
                .iter()
                .find(|(a, ..)| *a == account)
                .map_or((0, 0), |s| (s.1, s.2));
            account_balance(account, d, c)
        })
        .collect();
    let (d, c) = sums.iter().fold((0, 0), |(d, c), s| (d + s.1, c + s.2));
    Ok(TrialBalance {
        accounts,
        total_debits: from_cents(d),
        total_credits: from_cents(c),
    })
}

fn account_balance(account: Account, debits: i64, credits: i64) -> AccountBalance {
    let balance = match account.normal_balance() {
        Side::Debit => debits - credits,
        Side::Credit => credits - debits,
    };
    AccountBalance {
        code: account.code().to_owned(),
        name: account.name().to_owned(),
        account_type: account.account_type(),
        normal_balance: account.normal_balance(),
        debits: from_cents(debits),
        credits: from_cents(credits),
        balance: from_cents(balance),
    }
}

fn sums(conn: &mut DbConnection, filter: &LineFilter) -> AppResult<Vec<(Account, i64, i64)>> {
    store::sums_by_account(conn, filter)?
        .into_iter()
        .map(|(code, d, c)| {
            let account = Account::from_code(&code)
                .ok_or_else(|| AppError::internal(format!("unknown account {code}")))?;
            Ok((account, d, c))
        })
        .collect()
}

/// Net debit balance of `account` in `sums`, in cents.
fn net(sums: &[(Account, i64, i64)], account: Account) -> i64 {
    sums.iter()
        .filter(|(a, ..)| *a == account)
        .map(|(_, d, c)| d - c)
        .sum()
}

/// What a patient owes and the credit they hold, as of a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PatientBalance {
    /// The patient receivable (what the patient owes).
    #[schema(value_type = String)]
    pub receivable: Decimal,
    /// Unapplied payments the patient holds (a credit).
    #[schema(value_type = String)]
    pub unapplied: Decimal,
}

pub fn patient_balance(
    conn: &mut DbConnection,
    patient: &PatientId,
    as_of: Option<NaiveDate>,
) -> AppResult<PatientBalance> {
    let filter = LineFilter {
        to: as_of,
        patient_id: Some(patient.clone()),
        ..LineFilter::default()
    };
    let sums = sums(conn, &filter)?;
    Ok(PatientBalance {
        receivable: from_cents(net(&sums, Account::PatientReceivable)),
        unapplied: from_cents(-net(&sums, Account::UnappliedPayments)),
    })
}

/// What is still owed on a claim, by whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ClaimBalance {
    #[schema(value_type = String)]
    pub insurance: Decimal,
    #[schema(value_type = String)]
    pub patient: Decimal,
    #[schema(value_type = String)]
    pub total: Decimal,
}

pub fn claim_balance(
    conn: &mut DbConnection,
    claim: &ClaimId,
    as_of: Option<NaiveDate>,
) -> AppResult<ClaimBalance> {
    let filter = LineFilter {
        to: as_of,
        claim_id: Some(claim.clone()),
        ..LineFilter::default()
    };
    let sums = sums(conn, &filter)?;
    Ok(ClaimBalance::of_cents(
        net(&sums, Account::InsuranceReceivable),
        net(&sums, Account::PatientReceivable),
    ))
}

/// Today's balance of each of these claims (a claim without lines is at zero), in a few queries.
pub fn claim_balances(
    conn: &mut DbConnection,
    claims: &[ClaimId],
) -> AppResult<HashMap<ClaimId, ClaimBalance>> {
    let ids: Vec<&str> = claims.iter().map(ClaimId::as_str).collect();
    let mut cents: HashMap<ClaimId, (i64, i64)> =
        claims.iter().map(|c| (c.clone(), (0, 0))).collect();
    for (claim, code, debits, credits) in store::sums_by_claim(conn, &ids)? {
        let account = Account::from_code(&code)
            .ok_or_else(|| AppError::internal(format!("unknown account {code}")))?;
        let sums = cents.entry(ClaimId::from_stored(claim)).or_default();
        match account {
            Account::InsuranceReceivable => sums.0 += debits - credits,
            Account::PatientReceivable => sums.1 += debits - credits,
            _ => {}
        }
    }
    Ok(cents
        .into_iter()
        .map(|(claim, (insurance, patient))| (claim, ClaimBalance::of_cents(insurance, patient)))
        .collect())
}

impl ClaimBalance {
    fn of_cents(insurance: i64, patient: i64) -> ClaimBalance {
        ClaimBalance {
            insurance: from_cents(insurance),
            patient: from_cents(patient),
            total: from_cents(insurance + patient),
        }
    }

    /// The balance once these entries are posted: their lines on the claim's receivables added.
    pub fn after(&self, claim: &ClaimId, entries: &[ValidEntry]) -> ClaimBalance {
        let (mut insurance, mut patient) = (self.insurance, self.patient);
        let lines = entries
            .iter()
            .flat_map(ValidEntry::lines)
            .filter(|line| line.claim_id.as_ref() == Some(claim));
        for line in lines {
            let signed = match line.side {
                Side::Debit => line.amount,
                Side::Credit => -line.amount,
            };
            match line.account {
                Account::InsuranceReceivable => insurance += signed,
                Account::PatientReceivable => patient += signed,
                _ => {}
            }
        }
        ClaimBalance {
            insurance,
            patient,
            total: insurance + patient,
        }
    }
}
