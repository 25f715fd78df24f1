//! Daily deposit: money into (and out of) the bank account per day, kind, payer and method, read from
//! the bank lines of the journal so it always agrees with the books.
//!
//! - Insurance payments: the payer is the claim's; the method is the 835's BPR04 (`ACH`, `CHK`...)
//!   as the posted remittance file stored it (several transaction sets with different methods join
//!   as `ACH/CHK`), or `eft` when the entry names no remittance.
//! - Patient payments and refunds: the payer is `Patient`, the method the entry's payment method
//!   (cash, card, check). Refunds leave the bank, so their amounts are negative.
//! - A reversal shows under its own kind with the opposite sign of what it undoes.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;

use super::store::{self, BankMove};
use super::table::{Cell, ColumnType, Table, column};
use crate::db::DbConnection;
use crate::error::AppResult;
use crate::ledger::Account;
use crate::money::from_cents;

pub const PATIENT: &str = "Patient";
const NO_REMITTANCE_METHOD: &str = "eft";

pub fn report(conn: &mut DbConnection, from: NaiveDate, to: NaiveDate) -> AppResult<Table> {
    let moves = store::bank_moves(conn, Account::Bank.code(), from, to)?;
    let claim_ids: Vec<String> = moves.iter().filter_map(|m| m.claim_id.clone()).collect();
    let payers: HashMap<String, String> = store::claim_facts(conn, &claim_ids)?
        .into_iter()
        .map(|c| (c.claim_id, c.payer_name))
        .collect();
    let remittance_ids: Vec<String> = moves
        .iter()
        .filter_map(|m| m.remittance_id.clone())
        .collect();
    let methods: HashMap<String, String> = store::remittances(conn, &remittance_ids)?
        .into_iter()
        .map(|(id, _, outcome)| (id, methods_of(&outcome)))
        .collect();
    // (date, kind, payer, method) -> (entries, cents)
    let mut sums: BTreeMap<(NaiveDate, String, String, String), (i64, i64)> = BTreeMap::new();
    for m in &moves {
        let key = (
            m.date,
            m.kind.clone(),
            payer(m, &payers),
            method(m, &methods),
        );
        let sum = sums.entry(key).or_default();
        sum.0 += 1;
        sum.1 += m.debit_cents - m.credit_cents;
    }
    let mut table = Table::new(
        "daily_deposit",
        format!("Daily deposit {from} to {to}"),
        vec![
            column("date", "Date", ColumnType::Date),
            column("kind", "Kind", ColumnType::Text),
            column("payer", "Payer", ColumnType::Text),
            column("method", "Method", ColumnType::Text),
            column("entries", "Entries", ColumnType::Integer),
            column("amount", "Amount", ColumnType::Money),
        ],
    )
    .parameter("from", from)
    .parameter("to", to);
    for ((date, kind, payer, method), (count, cents)) in sums {
        table.push(vec![
            Cell::Date(date),
            Cell::Text(kind),
            Cell::Text(payer),
            Cell::Text(method),
            Cell::Integer(count),
            Cell::Money(from_cents(cents)),
        ]);
    }
    table.total("Total", &["entries", "amount"]);
    Ok(table)
}

fn is_insurance(m: &BankMove) -> bool {
    m.remittance_id.is_some() || (m.payment_method.is_none() && m.claim_id.is_some())
}

fn payer(m: &BankMove, payers: &HashMap<String, String>) -> String {
    if !is_insurance(m) {
        return PATIENT.into();
    }
    m.claim_id
        .as_ref()
        .and_then(|id| payers.get(id))
        .cloned()
        .unwrap_or_else(|| "Insurance".into())
}

fn method(m: &BankMove, methods: &HashMap<String, String>) -> String {
    if let Some(method) = &m.payment_method {
        return method.clone();
    }
    m.remittance_id
        .as_ref()
        .and_then(|id| methods.get(id))
        .filter(|method| !method.is_empty())
        .cloned()
        .unwrap_or_else(|| NO_REMITTANCE_METHOD.into())
}

/// The distinct BPR04 methods of a stored remittance outcome (`payments[].method`), joined by `/`.
fn methods_of(outcome: &str) -> String {
    let value: serde_json::Value = serde_json::from_str(outcome).unwrap_or_default();
    let methods: BTreeSet<&str> = value["payments"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["method"].as_str())
        .filter(|m| !m.is_empty())
        .collect();
    methods.into_iter().collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bank_move(method: Option<&str>, remittance: Option<&str>, claim: Option<&str>) -> BankMove {
        BankMove {
            date: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
            kind: "insurance_payment".into(),
            payment_method: method.map(Into::into),
            remittance_id: remittance.map(Into::into),
            claim_id: claim.map(Into::into),
            debit_cents: 100,
            credit_cents: 0,
        }
    }

    #[test]
    fn insurance_money_takes_the_remittance_method_and_the_claim_payer() {
        let payers = HashMap::from([("c1".to_owned(), "Example Health Plan".to_owned())]);
        let methods = HashMap::from([(
            "r1".to_owned(),
            methods_of(r#"{"payments":[{"method":"CHK"},{"method":"ACH"},{"method":"ACH"}]}"#),
        )]);
        let paid = bank_move(None, Some("r1"), Some("c1"));
        assert_eq!(payer(&paid, &payers), "Example Health Plan");
        assert_eq!(method(&paid, &methods), "ACH/CHK");
        let unrecorded = bank_move(None, None, Some("c1"));
        assert_eq!(method(&unrecorded, &methods), "eft");
        let cash = bank_move(Some("cash"), None, Some("c1"));
        assert_eq!(
            (payer(&cash, &payers), method(&cash, &methods)),
            (PATIENT.into(), "cash".into())
        );
        assert_eq!(methods_of("{}"), "");
    }
}
