//! The one shape every report takes before it is rendered: typed columns, rows of cells and a totals
//! row. Pure data, so JSON, CSV and XLSX are three views of the same figures and cannot disagree.

use chrono::NaiveDate;
use rust_decimal::Decimal;

/// What a column holds; each renderer writes it its own way (a decimal string in JSON, `1234.50` in
/// CSV, a number cell with `#,##0.00` in XLSX).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    Text,
    Money,
    Integer,
    Date,
}

impl ColumnType {
    pub fn as_str(self) -> &'static str {
        match self {
            ColumnType::Text => "text",
            ColumnType::Money => "money",
            ColumnType::Integer => "integer",
            ColumnType::Date => "date",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The JSON member name (snake_case).
    pub key: &'static str,
    /// The header a person reads in CSV and XLSX.
    pub title: &'static str,
    pub kind: ColumnType,
}

pub const fn column(key: &'static str, title: &'static str, kind: ColumnType) -> Column {
    Column { key, title, kind }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Empty,
    Text(String),
    Money(Decimal),
    Integer(i64),
    Date(NaiveDate),
}

impl Cell {
    pub fn text(value: impl Into<String>) -> Cell {
        Cell::Text(value.into())
    }

    /// Text, or empty when absent.
    pub fn maybe(value: Option<impl Into<String>>) -> Cell {
        value.map_or(Cell::Empty, |v| Cell::Text(v.into()))
    }

    /// The cell as CSV writes it: money with two decimals, dates ISO 8601.
    pub fn plain(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(text) => text.clone(),
            Cell::Money(amount) => format!("{:.2}", amount.round_dp(2)),
            Cell::Integer(n) => n.to_string(),
            Cell::Date(date) => date.format("%Y-%m-%d").to_string(),
        }
    }
}

/// A report ready to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Machine name (`ar_aging`), also the file name's stem.
    pub name: &'static str,
    /// What a person reads above the figures (`AR aging by payer as of 2026-11-30`).
    pub title: String,
    /// The parameters the report was run with, echoed in JSON (name, value).
    pub parameters: Vec<(&'static str, String)>,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    /// Same width as `columns`; the first text cell usually says `Total`.
    pub totals: Option<Vec<Cell>>,
}

impl Table {
    pub fn new(name: &'static str, title: impl Into<String>, columns: Vec<Column>) -> Table {
        Table {
            name,
            title: title.into(),
            parameters: Vec::new(),
            columns,
            rows: Vec::new(),
            totals: None,
        }
    }

    pub fn parameter(mut self, name: &'static str, value: impl ToString) -> Table {
        self.parameters.push((name, value.to_string()));
        self
    }

    /// Adds a row; a row of the wrong width is a programming error caught by the renderers' tests.
    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.columns.len(), "row width of {}", self.name);
        self.rows.push(row);
    }

    /// The totals row: `label` in the first column, the sum of every money and integer column named
    /// in `summed`, the rest empty.
    pub fn total(&mut self, label: &str, summed: &[&str]) {
        let totals = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, col)| {
                if i == 0 {
                    return Cell::text(label);
                }
                if !summed.contains(&col.key) {
                    return Cell::Empty;
                }
                match col.kind {
                    ColumnType::Money => Cell::Money(self.rows.iter().map(|r| money(&r[i])).sum()),
                    ColumnType::Integer => {
                        Cell::Integer(self.rows.iter().map(|r| integer(&r[i])).sum())
                    }
                    _ => Cell::Empty,
                }
            })
            .collect();
        self.totals = Some(totals);
    }

    /// The file name for a download: `ar_aging_2026-11-30.csv`.
    pub fn file_name(&self, extension: &str) -> String {
        let stamp: Vec<&str> = self.parameters.iter().filter_map(date_like).collect();
        let mut name = self.name.to_owned();
        for part in stamp {
            name.push('_');
            name.push_str(part);
        }
        format!("{name}.{extension}")
    }
}

fn date_like<'a>((_, value): &'a (&'static str, String)) -> Option<&'a str> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .is_ok()
        .then_some(value.as_str())
}

fn money(cell: &Cell) -> Decimal {
    match cell {
        Cell::Money(amount) => *amount,
        _ => Decimal::ZERO,
    }
}

fn integer(cell: &Cell) -> i64 {
    match cell {
        Cell::Integer(n) => *n,
        _ => 0,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A table with every kind of cell and awkward text, for the renderers' tests.
    pub(crate) fn sample() -> Table {
        let mut table = Table::new(
            "sample",
            "Sample",
            vec![
                column("name", "Name", ColumnType::Text),
                column("day", "Day", ColumnType::Date),
                column("count", "Count", ColumnType::Integer),
                column("amount", "Amount", ColumnType::Money),
            ],
        )
        .parameter("as_of", "2026-11-30");
        let day = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
        table.push(vec![
            Cell::text("Plain"),
            Cell::Date(day),
            Cell::Integer(2),
            Cell::Money("1234.5".parse().unwrap()),
        ]);
        table.push(vec![
            Cell::text("Comma, \"quoted\"\nline"),
            Cell::Empty,
            Cell::Integer(1),
            Cell::Money("-0.25".parse().unwrap()),
        ]);
        table.total("Total", &["count", "amount"]);
        table
    }

    #[test]
    fn totals_sum_the_named_columns_only() {
        let table = sample();
        assert_eq!(
            table.totals.unwrap(),
            vec![
                Cell::text("Total"),
                Cell::Empty,
                Cell::Integer(3),
                Cell::Money("1234.25".parse().unwrap())
            ]
        );
    }

    #[test]
    fn plain_cells_have_two_decimals_and_iso_dates() {
        assert_eq!(Cell::Money("1234.5".parse().unwrap()).plain(), "1234.50");
        assert_eq!(Cell::Money(Decimal::ZERO).plain(), "0.00");
        assert_eq!(
            Cell::Date(NaiveDate::from_ymd_opt(2026, 1, 5).unwrap()).plain(),
            "2026-01-05"
        );
        assert_eq!(sample().file_name("csv"), "sample_2026-11-30.csv");
    }
}
