//! A report as an XLSX workbook (rust_xlsxwriter): one sheet with a bold header row frozen in place,
//! real number cells formatted `#,##0.00` for money, real date cells, column widths fitted to the
//! widest text, and a bold totals row written as values so every spreadsheet shows the figures
//! without recalculating.

use chrono::Datelike;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{ColNum, ExcelDateTime, Format, RowNum, Workbook, Worksheet, XlsxError};

use super::table::{Cell, ColumnType, Table};
use crate::error::AppError;

const MONEY: &str = "#,##0.00";
const DATE: &str = "yyyy-mm-dd";
const MAX_WIDTH: usize = 60;

struct Formats {
    header: Format,
    text: Format,
    money: Format,
    date: Format,
}

impl Formats {
    fn new(bold: bool) -> Formats {
        let base = if bold {
            Format::new().set_bold()
        } else {
            Format::new()
        };
        Formats {
            header: Format::new().set_bold(),
            text: base.clone(),
            money: base.clone().set_num_format(MONEY),
            date: base.set_num_format(DATE),
        }
    }
}

pub fn render(table: &Table) -> Result<Vec<u8>, AppError> {
    build(table).map_err(|e| AppError::internal(format!("xlsx {}: {e}", table.name)))
}

fn build(table: &Table) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name(table.name))?;
    let plain = Formats::new(false);
    let bold = Formats::new(true);
    for (c, column) in table.columns.iter().enumerate() {
        sheet.write_string_with_format(0, col(c), column.title, &plain.header)?;
    }
    let mut r: RowNum = 1;
    for row in &table.rows {
        write_row(sheet, r, row, &plain)?;
        r += 1;
    }
    if let Some(totals) = &table.totals {
        write_row(sheet, r, totals, &bold)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (c, width) in widths(table).into_iter().enumerate() {
        sheet.set_column_width(col(c), width as f64)?;
    }
    workbook.save_to_buffer()
}

fn col(index: usize) -> ColNum {
    ColNum::try_from(index).unwrap_or(ColNum::MAX)
}

fn write_row(sheet: &mut Worksheet, r: RowNum, row: &[Cell], f: &Formats) -> Result<(), XlsxError> {
    for (c, cell) in row.iter().enumerate() {
        let c = col(c);
        match cell {
            Cell::Empty => sheet.write_blank(r, c, &f.text)?,
            Cell::Text(text) => sheet.write_string_with_format(r, c, text, &f.text)?,
            Cell::Money(amount) => {
                let value = amount.to_f64().unwrap_or_default();
                sheet.write_number_with_format(r, c, value, &f.money)?
            }
            Cell::Integer(n) => sheet.write_number_with_format(r, c, *n as f64, &f.text)?,
            Cell::Date(date) => {
                let day = ExcelDateTime::from_ymd(
                    u16::try_from(date.year()).unwrap_or(1900),
                    date.month() as u8,
                    date.day() as u8,
                )?;
                sheet.write_datetime_with_format(r, c, day, &f.date)?
            }
        };
    }
    Ok(())
}

/// Widths in characters: the widest header or cell as a spreadsheet shows it, plus a margin.
fn widths(table: &Table) -> Vec<usize> {
    table
        .columns
        .iter()
        .enumerate()
        .map(|(c, column)| {
            let cells =
                table
                    .rows
                    .iter()
                    .chain(&table.totals)
                    .map(|row| match (&row[c], column.kind) {
                        (Cell::Money(_), ColumnType::Money) => {
                            grouped(&row[c].plain()).chars().count()
                        }
                        (cell, _) => cell
                            .plain()
                            .lines()
                            .map(|l| l.chars().count())
                            .max()
                            .unwrap_or(0),
                    });
            let widest = cells
                .chain([column.title.chars().count()])
                .max()
                .unwrap_or(0);
            (widest + 2).min(MAX_WIDTH)
        })
        .collect()
}

/// `1234567.50` as `#,##0.00` shows it: `1,234,567.50`.
fn grouped(plain: &str) -> String {
    let (sign, digits) = plain.strip_prefix('-').map_or(("", plain), |d| ("-", d));
    let (whole, cents) = digits.split_once('.').unwrap_or((digits, "00"));
    let mut out = String::new();
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    format!("{sign}{out}.{cents}")
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(name: &str) -> String {
    name.chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(31)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::table::tests::sample;

    #[test]
    fn a_table_renders_to_a_zip_workbook() {
        let bytes = render(&sample()).unwrap();
        assert_eq!(&bytes[..2], b"PK");
    }

    #[test]
    fn widths_fit_the_widest_cell_as_shown() {
        assert_eq!(grouped("1234567.50"), "1,234,567.50");
        assert_eq!(grouped("-999.00"), "-999.00");
        assert_eq!(grouped("-1000.25"), "-1,000.25");
        // Name: the longest line of the multi-line cell ("Comma, \"quoted\"") is 15; Day: the
        // header and dates (10); Count: the header (5); Amount: "1,234.50" (8) vs the header (6).
        assert_eq!(widths(&sample()), vec![17, 12, 7, 10]);
    }
}
