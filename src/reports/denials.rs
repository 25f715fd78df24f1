//! Denial summary: claims an 835 denied in a period, by CARC group and reason code: how many claims,
//! how much (the CAS amounts of that reason), and the code's description from the shipped code sets.
//!
//! A denial is dated by its remittance's payment date (BPR16, the date its postings carry). The
//! reasons are the ones posting kept on the claim (`status_reasons` of kind `carc`), so a denied claim
//! later corrected and paid no longer counts. The totals row counts each claim once.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::Value;

use super::store;
use super::table::{Cell, ColumnType, Table, column};
use crate::coding::codesets::{Snapshot, System};
use crate::db::DbConnection;
use crate::error::AppResult;

/// One CARC of one denied claim, as posting kept it.
#[derive(Debug, Clone, PartialEq)]
struct Reason {
    group: String,
    code: String,
    amount: Decimal,
    remittance_id: Option<String>,
    description: Option<String>,
}

fn reasons_of(status_reasons: &str) -> Vec<Reason> {
    let value: Value = serde_json::from_str(status_reasons).unwrap_or_default();
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["kind"] == "carc" && r["source"] == "835")
        .map(|r| Reason {
            group: r["group"].as_str().unwrap_or_default().to_owned(),
            code: r["code"].as_str().unwrap_or_default().to_owned(),
            amount: r["amount"]
                .as_str()
                .and_then(|a| a.parse().ok())
                .unwrap_or_default(),
            remittance_id: r["remittance_id"].as_str().map(str::to_owned),
            description: r["description"].as_str().map(str::to_owned),
        })
        .collect()
}

#[derive(Default)]
struct Sum {
    claims: BTreeSet<String>,
    amount: Decimal,
    stored_description: Option<String>,
}

pub fn report(
    conn: &mut DbConnection,
    codes: &Snapshot,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<Table> {
    let denied: Vec<(String, Vec<Reason>)> = store::claims_in_status(conn, "denied")?
        .into_iter()
        .map(|(id, reasons)| (id, reasons_of(&reasons)))
        .collect();
    let remittance_ids: Vec<String> = denied
        .iter()
        .flat_map(|(_, reasons)| reasons.iter().filter_map(|r| r.remittance_id.clone()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let dates: HashMap<String, NaiveDate> = store::remittances(conn, &remittance_ids)?
        .into_iter()
        .map(|(id, date, _)| (id, date))
        .collect();
    let mut sums: BTreeMap<(String, String), Sum> = BTreeMap::new();
    let mut all_claims = BTreeSet::new();
    for (claim, reasons) in denied {
        for reason in reasons {
            let dated = reason.remittance_id.as_ref().and_then(|id| dates.get(id));
            if !dated.is_some_and(|d| (from..=to).contains(d)) {
                continue;
            }
            all_claims.insert(claim.clone());
            let sum = sums.entry((reason.group, reason.code)).or_default();
            sum.claims.insert(claim.clone());
            sum.amount += reason.amount;
            sum.stored_description = sum.stored_description.take().or(reason.description);
        }
    }
    let mut table = Table::new(
        "denials",
        format!("Denials {from} to {to}"),
        vec![
            column("group", "Group", ColumnType::Text),
            column("reason", "Reason (CARC)", ColumnType::Text),
            column("description", "Description", ColumnType::Text),
            column("claims", "Denied claims", ColumnType::Integer),
            column("amount", "Amount denied", ColumnType::Money),
        ],
    )
    .parameter("from", from)
    .parameter("to", to);
    let mut total = Decimal::ZERO;
    for ((group, code), sum) in sums {
        let description = codes
            .describe(System::Carc, &code, to)
            .or(sum.stored_description);
        total += sum.amount;
        table.push(vec![
            Cell::Text(group),
            Cell::Text(code),
            Cell::maybe(description),
            Cell::Integer(sum.claims.len() as i64),
            Cell::Money(sum.amount),
        ]);
    }
    table.totals = Some(vec![
        Cell::text("Total"),
        Cell::Empty,
        Cell::Empty,
        Cell::Integer(all_claims.len() as i64),
        Cell::Money(total),
    ]);
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_carc_reasons_from_an_835_count() {
        let stored = r#"[
            {"source":"835","kind":"carc","group":"CO","code":"50","amount":"120.00","remittance_id":"r1","description":"Not necessary"},
            {"source":"835","kind":"rarc","code":"N115","remittance_id":"r1"},
            {"source":"277CA","kind":"status","code":"A7"}
        ]"#;
        let reasons = reasons_of(stored);
        assert_eq!(reasons.len(), 1);
        assert_eq!(
            (reasons[0].group.as_str(), reasons[0].code.as_str()),
            ("CO", "50")
        );
        assert_eq!(reasons[0].amount, "120.00".parse::<Decimal>().unwrap());
        assert!(reasons_of("not json").is_empty());
    }
}
