//! A report as CSV (RFC 4180): a header row of column titles, one line per row, the totals row last;
//! CRLF line ends; a field is quoted when it holds a comma, a quote, CR or LF, with quotes doubled.
//! Amounts are plain (`1234.50`, no thousands separator), dates ISO 8601, so spreadsheets and scripts
//! read them alike.

use super::table::{Cell, Table};

fn field(text: &str) -> String {
    if text.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

fn line(out: &mut String, fields: impl Iterator<Item = String>) {
    let fields: Vec<String> = fields.map(|f| field(&f)).collect();
    out.push_str(&fields.join(","));
    out.push_str("\r\n");
}

pub fn render(table: &Table) -> String {
    let mut out = String::new();
    line(&mut out, table.columns.iter().map(|c| c.title.to_owned()));
    for row in table.rows.iter().chain(&table.totals) {
        line(&mut out, row.iter().map(Cell::plain));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::table::tests::sample;

    #[test]
    fn fields_with_commas_quotes_or_line_breaks_are_quoted_with_quotes_doubled() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field("cr\r"), "\"cr\r\"");
        assert_eq!(field(""), "");
    }

    #[test]
    fn a_table_is_a_header_rows_and_totals_with_crlf() {
        assert_eq!(
            render(&sample()),
            "Name,Day,Count,Amount\r\n\
             Plain,2026-11-02,2,1234.50\r\n\
             \"Comma, \"\"quoted\"\"\nline\",,1,-0.25\r\n\
             Total,,3,1234.25\r\n"
        );
    }
}
