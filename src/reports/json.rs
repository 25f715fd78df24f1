//! A report as JSON: its parameters, its columns (with their types) and one object per row keyed by
//! column. Amounts are decimal strings (`"1234.50"`) like the rest of the API; dates ISO 8601; an
//! empty cell is null.

use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::table::{Cell, Table};

/// Every report answers this shape.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Report {
    /// `ar_aging`, `trial_balance`, `journal`, `daily_deposit` or `denials`.
    pub report: String,
    pub title: String,
    /// The parameters the report ran with (`as_of`, `from`, `to`, `by`).
    #[schema(value_type = Object)]
    pub parameters: Map<String, Value>,
    pub columns: Vec<ReportColumn>,
    /// One object per row, keyed by column `key`.
    #[schema(value_type = Vec<Object>)]
    pub rows: Vec<Map<String, Value>>,
    /// The totals row, keyed like a row; null when the report has none.
    #[schema(value_type = Option<Object>)]
    pub totals: Option<Map<String, Value>>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportColumn {
    pub key: String,
    pub title: String,
    /// `text`, `money` (a decimal string), `integer` or `date` (`YYYY-MM-DD`).
    #[serde(rename = "type")]
    pub kind: String,
}

fn value(cell: &Cell) -> Value {
    match cell {
        Cell::Empty => Value::Null,
        Cell::Integer(n) => Value::from(*n),
        Cell::Text(_) | Cell::Money(_) | Cell::Date(_) => Value::String(cell.plain()),
    }
}

fn object(table: &Table, row: &[Cell]) -> Map<String, Value> {
    table
        .columns
        .iter()
        .zip(row)
        .map(|(col, cell)| (col.key.to_owned(), value(cell)))
        .collect()
}

pub fn render(table: &Table) -> Report {
    Report {
        report: table.name.to_owned(),
        title: table.title.clone(),
        parameters: table
            .parameters
            .iter()
            .map(|(k, v)| ((*k).to_owned(), Value::String(v.clone())))
            .collect(),
        columns: table
            .columns
            .iter()
            .map(|c| ReportColumn {
                key: c.key.to_owned(),
                title: c.title.to_owned(),
                kind: c.kind.as_str().to_owned(),
            })
            .collect(),
        rows: table.rows.iter().map(|row| object(table, row)).collect(),
        totals: table.totals.as_ref().map(|row| object(table, row)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::table::tests::sample;

    #[test]
    fn amounts_are_strings_counts_numbers_and_empty_cells_null() {
        let json = serde_json::to_value(render(&sample())).unwrap();
        assert_eq!(json["report"], "sample");
        assert_eq!(json["parameters"]["as_of"], "2026-11-30");
        assert_eq!(json["columns"][3]["type"], "money");
        assert_eq!(
            json["rows"][0],
            serde_json::json!({"name": "Plain", "day": "2026-11-02", "count": 2, "amount": "1234.50"})
        );
        assert_eq!(json["rows"][1]["day"], Value::Null);
        assert_eq!(json["totals"]["amount"], "1234.25");
        assert_eq!(json["totals"]["day"], Value::Null);
    }
}
