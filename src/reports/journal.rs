//! The journal for a period: one row per entry line, in date and posting order, with the claim and
//! patient each line (or else its entry) belongs to. It lists patients, so the route audits it.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::store;
use super::table::{Cell, ColumnType, Table, column};
use crate::db::DbConnection;
use crate::error::AppResult;
use crate::ledger::Account;
use crate::money::from_cents;

/// The report and the patients it names.
pub fn report(
    conn: &mut DbConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> AppResult<(Table, Vec<String>)> {
    let lines = store::journal_lines(conn, from, to)?;
    let mut table = Table::new(
        "journal",
        format!("Journal {from} to {to}"),
        vec![
            column("date", "Date", ColumnType::Date),
            column("entry_id", "Entry", ColumnType::Text),
            column("kind", "Kind", ColumnType::Text),
            column("memo", "Memo", ColumnType::Text),
            column("account_code", "Account", ColumnType::Text),
            column("account_name", "Account name", ColumnType::Text),
            column("debit", "Debit", ColumnType::Money),
            column("credit", "Credit", ColumnType::Money),
            column("claim_id", "Claim", ColumnType::Text),
            column("patient_id", "Patient", ColumnType::Text),
            column("reverses", "Reverses", ColumnType::Text),
        ],
    )
    .parameter("from", from)
    .parameter("to", to);
    let mut patients = BTreeSet::new();
    for line in lines {
        let claim = line.line_claim_id.or(line.entry_claim_id);
        let patient = line.line_patient_id.or(line.entry_patient_id);
        patients.extend(patient.clone());
        let name = Account::from_code(&line.account_code).map_or("", Account::name);
        let amount = |cents: i64| {
            if cents == 0 {
                Cell::Empty
            } else {
                Cell::Money(from_cents(cents))
            }
        };
        table.push(vec![
            Cell::Date(line.date),
            Cell::Text(line.entry_id),
            Cell::Text(line.kind),
            Cell::Text(line.memo),
            Cell::text(line.account_code.as_str()),
            Cell::text(name),
            amount(line.debit_cents),
            amount(line.credit_cents),
            Cell::maybe(claim),
            Cell::maybe(patient),
            Cell::maybe(line.reverses),
        ]);
    }
    table.total("Total", &["debit", "credit"]);
    Ok((table, patients.into_iter().collect()))
}
