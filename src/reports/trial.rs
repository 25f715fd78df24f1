//! The trial balance as a report: `ledger::trial_balance` (as of a date, or the activity from a date),
//! one row per account of the chart.

use chrono::NaiveDate;

use super::table::{Cell, ColumnType, Table, column};
use crate::db::DbConnection;
use crate::error::AppResult;
use crate::ledger::{Span, trial_balance};

pub fn report(
    conn: &mut DbConnection,
    as_of: NaiveDate,
    from: Option<NaiveDate>,
) -> AppResult<Table> {
    let span = match from {
        Some(from) => Span::Between(from, as_of),
        None => Span::AsOf(as_of),
    };
    let balance = trial_balance(conn, span)?;
    let title = match from {
        Some(from) => format!("Trial balance, activity {from} to {as_of}"),
        None => format!("Trial balance as of {as_of}"),
    };
    let mut table = Table::new(
        "trial_balance",
        title,
        vec![
            column("code", "Account", ColumnType::Text),
            column("name", "Name", ColumnType::Text),
            column("account_type", "Type", ColumnType::Text),
            column("normal_balance", "Normal balance", ColumnType::Text),
            column("debits", "Debits", ColumnType::Money),
            column("credits", "Credits", ColumnType::Money),
            column("balance", "Balance", ColumnType::Money),
        ],
    );
    if let Some(from) = from {
        table = table.parameter("from", from);
    }
    table = table.parameter("as_of", as_of);
    for a in balance.accounts {
        table.push(vec![
            Cell::Text(a.code),
            Cell::Text(a.name),
            Cell::text(a.account_type.as_str()),
            Cell::text(a.normal_balance.as_str()),
            Cell::Money(a.debits),
            Cell::Money(a.credits),
            Cell::Money(a.balance),
        ]);
    }
    // The ledger's own totals, not a re-sum: the report shows what the books say.
    table.totals = Some(vec![
        Cell::text("Total"),
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Money(balance.total_debits),
        Cell::Money(balance.total_credits),
        Cell::Empty,
    ]);
    Ok(table)
}
