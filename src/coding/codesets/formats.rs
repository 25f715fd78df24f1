//! Readers for the published file layouts: CMS HCPCS Level II fixed width, a licensed CPT CSV, CMS
//! NCCI PTP and MUE quarterly files, and our `code<TAB>description` lists. Each returns rows or a message
//! naming the line; none panics on bad input.

use chrono::NaiveDate;

use super::model::{ModifierIndicator, MueLimit, NcciEdit, NewCode};

type Parsed<T> = Result<Vec<T>, String>;

fn line_error(number: usize, message: impl std::fmt::Display) -> String {
    format!("line {}: {message}", number + 1)
}

/// A list with a header line and then `code<TAB>description` (POS, modifiers, CARC, RARC).
pub fn code_list(text: &str) -> Parsed<NewCode> {
    let mut rows = Vec::new();
    for (number, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let (code, description) = line
            .split_once('\t')
            .ok_or_else(|| line_error(number, "expected code<TAB>description"))?;
        rows.push(new_code(code, description, None, true, number)?);
    }
    Ok(rows)
}

fn new_code(
    code: &str,
    description: &str,
    short: Option<&str>,
    billable: bool,
    number: usize,
) -> Result<NewCode, String> {
    let code = code.trim().to_ascii_uppercase();
    let valid =
        !code.is_empty() && code.len() <= 8 && code.bytes().all(|b| b.is_ascii_alphanumeric());
    if !valid {
        return Err(line_error(number, format!("{code:?} is not a code")));
    }
    let description = description.trim();
    if description.is_empty() {
        return Err(line_error(number, "the description is empty"));
    }
    Ok(NewCode {
        code,
        description: description.to_owned(),
        short_description: short
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
        billable,
        notes: None,
    })
}

/// The CMS HCPCS Level II "contractor" file: 320-column records. Columns (1-based): HCPCS code 1–5,
/// sequence number 6–10, record id 11 (3 first line of a procedure, 4 its continuation, 7 and 8 the
/// same for modifiers), long description 12–91, short description 92–119, action effective date
/// 277–284 and termination date 285–292 (YYYYMMDD). Continuation lines extend the long description;
/// modifier records are skipped (modifiers are their own system). A code terminated before
/// `effective_from` is kept but not billable.
pub fn hcpcs_fixed_width(text: &str, effective_from: NaiveDate) -> Parsed<NewCode> {
    let mut rows: Vec<NewCode> = Vec::new();
    for (number, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        if !line.is_ascii() || line.len() < 12 {
            return Err(line_error(number, "not a HCPCS fixed-width record"));
        }
        let field =
            |from: usize, to: usize| line.get(from - 1..to.min(line.len())).unwrap_or("").trim();
        let code = field(1, 5);
        match field(11, 11) {
            "3" => {
                let terminated =
                    parse_yyyymmdd(field(285, 292)).map_err(|e| line_error(number, e))?;
                let billable = terminated.is_none_or(|end| end >= effective_from);
                rows.push(new_code(
                    code,
                    field(12, 91),
                    Some(field(92, 119)),
                    billable,
                    number,
                )?);
            }
            "4" => match rows.last_mut() {
                Some(previous) if previous.code == code => {
                    previous.description.push(' ');
                    previous.description.push_str(field(12, 91));
                }
                _ => {
                    return Err(line_error(
                        number,
                        "continuation line without its first line",
                    ));
                }
            },
            "7" | "8" => {}
            other => return Err(line_error(number, format!("unknown record id {other:?}"))),
        }
    }
    Ok(rows)
}

/// An empty field, `*` or `00000000` is no date.
fn parse_yyyymmdd(field: &str) -> Result<Option<NaiveDate>, String> {
    let field = field.trim();
    if field.is_empty() || field == "*" || field.bytes().all(|b| b == b'0') {
        return Ok(None);
    }
    NaiveDate::parse_from_str(field, "%Y%m%d")
        .map(Some)
        .map_err(|_| format!("{field:?} is not a YYYYMMDD date"))
}

/// A licensed CPT file as CSV with the columns code, short, long (a header line is skipped).
pub fn cpt_csv(text: &str) -> Parsed<NewCode> {
    let mut rows = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let fields = split_csv(line).map_err(|e| line_error(number, e))?;
        if fields.iter().all(|f| f.trim().is_empty()) || (number == 0 && !starts_with_code(&fields))
        {
            continue;
        }
        let [code, short, long] = fields.as_slice() else {
            return Err(line_error(
                number,
                "expected three columns: code, short, long",
            ));
        };
        let description = if long.trim().is_empty() { short } else { long };
        rows.push(new_code(code, description, Some(short), true, number)?);
    }
    Ok(rows)
}

fn starts_with_code(fields: &[String]) -> bool {
    fields.first().is_some_and(|f| {
        let f = f.trim();
        f.len() == 5
            && f.bytes().all(|b| b.is_ascii_alphanumeric())
            && f.bytes().any(|b| b.is_ascii_digit())
    })
}

/// Splits one CSV line (RFC 4180 quoting, no line breaks inside fields).
pub fn split_csv(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.trim_end_matches('\r').chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if field.is_empty() => quoted = true,
            (',', false) => fields.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    if quoted {
        return Err("unterminated quoted field".into());
    }
    fields.push(field);
    Ok(fields)
}

/// Fields of a line of a CMS edit file, which CMS publishes tab-delimited (TXT) or as CSV.
fn edit_fields(line: &str) -> Result<Vec<String>, String> {
    if line.contains('\t') {
        Ok(line
            .trim_end_matches('\r')
            .split('\t')
            .map(str::to_owned)
            .collect())
    } else {
        split_csv(line)
    }
}

/// The CMS NCCI practitioner PTP file: copyright and column-title lines, then rows of column 1 code,
/// column 2 code, "in existence prior to 1996" flag, effective date, deletion date (`*` for none), modifier
/// indicator, rationale. Lines that do not start with a procedure code are headers.
pub fn ncci_ptp(text: &str) -> Parsed<NcciEdit> {
    let mut rows = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let fields = edit_fields(line).map_err(|e| line_error(number, e))?;
        if !starts_with_code(&fields) {
            continue;
        }
        if fields.len() < 6 {
            return Err(line_error(number, "expected at least six columns"));
        }
        let at = |e: String| line_error(number, e);
        let effective_date = parse_yyyymmdd(&fields[3]).map_err(at)?;
        let effective_date =
            effective_date.ok_or_else(|| line_error(number, "no effective date"))?;
        rows.push(NcciEdit {
            column1: code_field(&fields[0], number)?,
            column2: code_field(&fields[1], number)?,
            effective_date,
            deletion_date: parse_yyyymmdd(&fields[4]).map_err(|e| line_error(number, e))?,
            modifier_indicator: ModifierIndicator::parse(&fields[5])
                .map_err(|e| line_error(number, e))?,
            rationale: fields
                .get(6)
                .map(|r| r.trim().to_owned())
                .unwrap_or_default(),
        });
    }
    Ok(rows)
}

fn code_field(field: &str, number: usize) -> Result<String, String> {
    let code = field.trim().to_ascii_uppercase();
    if code.len() == 5 && code.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(code)
    } else {
        Err(line_error(
            number,
            format!("{code:?} is not a procedure code"),
        ))
    }
}

/// The CMS MUE practitioner file (CSV): header lines, then code, MUE value, adjudication indicator,
/// rationale.
pub fn mue(text: &str) -> Parsed<MueLimit> {
    let mut rows = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let fields = edit_fields(line).map_err(|e| line_error(number, e))?;
        if !starts_with_code(&fields) {
            continue;
        }
        if fields.len() < 3 {
            return Err(line_error(
                number,
                "expected code, MUE value, adjudication indicator",
            ));
        }
        let max_units = fields[1]
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|n| *n >= 0)
            .ok_or_else(|| line_error(number, format!("{:?} is not a unit count", fields[1])))?;
        rows.push(MueLimit {
            code: code_field(&fields[0], number)?,
            max_units,
            adjudication_indicator: fields[2].trim().to_owned(),
            rationale: fields
                .get(3)
                .map(|r| r.trim().to_owned())
                .unwrap_or_default(),
        });
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn csv_fields_honour_quotes() {
        assert_eq!(
            split_csv(r#"a,"b, c","d ""e""""#).unwrap(),
            vec!["a", "b, c", r#"d "e""#]
        );
        assert!(split_csv(r#"a,"b"#).is_err());
    }

    #[test]
    fn hcpcs_continuation_lines_extend_the_long_description() {
        let mut first = format!(
            "{:<5}{:05}3{:<80}{:<28}",
            "G0103", 100, "first part,", "PSA screen"
        );
        first.push_str(&" ".repeat(320 - first.len()));
        let second = format!("{:<5}{:05}4{:<80}", "G0103", 200, "second part");
        let rows = hcpcs_fixed_width(&format!("{first}\n{second}\n"), date("2026-01-01")).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].description, "first part, second part");
        assert_eq!(rows[0].short_description.as_deref(), Some("PSA screen"));
        assert!(rows[0].billable);
        assert!(hcpcs_fixed_width(&second, date("2026-01-01")).is_err());
        assert!(hcpcs_fixed_width("G0103", date("2026-01-01")).is_err());
    }

    #[test]
    fn ncci_rows_need_a_valid_modifier_indicator_and_dates() {
        let good = "80053\t80048\t\t20100101\t*\t0\tMisuse\n";
        let rows = ncci_ptp(&format!("Column 1\tColumn 2\n{good}")).unwrap();
        assert_eq!(rows[0].modifier_indicator, ModifierIndicator::NotAllowed);
        assert_eq!(rows[0].deletion_date, None);
        assert!(ncci_ptp("80053\t80048\t\t20100101\t*\t2\tx\n").is_err());
        assert!(ncci_ptp("80053\t80048\t\t2010-01-01\t*\t1\tx\n").is_err());
    }

    #[test]
    fn mue_values_are_unit_counts() {
        let rows =
            mue("\"HCPCS/CPT Code\",\"MUE\"\n36415,2,\"3 Date of Service Edit\",\"Clinical\"\n")
                .unwrap();
        assert_eq!(rows[0].max_units, 2);
        assert!(mue("36415,two,x,y\n").is_err());
    }
}
