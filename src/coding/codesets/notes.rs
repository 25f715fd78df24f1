//! ICD-10-CM instructional notes as kept from the tabular XML, and the code ranges an Excludes1 note
//! names ("(S58.-)", "(M97.4)", "(E08-E13)").

use serde::{Deserialize, Serialize};

/// The notes the tabular list attaches to one category or code (not inherited: the catalog walks parents).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CodeNotes {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub includes: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inclusion_terms: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excludes1: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excludes2: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub code_first: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub use_additional_code: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub code_also: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seventh_character_notes: Vec<String>,
    /// The 7th characters defined here (`sevenChrDef`); they apply to every code below this one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seventh_characters: Vec<SeventhCharacter>,
}

impl CodeNotes {
    pub fn is_empty(&self) -> bool {
        self == &CodeNotes::default()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SeventhCharacter {
    pub character: String,
    pub meaning: String,
}

/// Codes an instructional note points at: every code from `from` to `to` compared on their own
/// lengths, so a prefix `S58` (from = to = "S58") covers S58 and all below it, and `E08`–`E13` covers
/// every code of those categories. Codes are stored without the dot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct CodeRange {
    pub from: String,
    pub to: String,
}

impl CodeRange {
    pub fn contains(&self, code: &str) -> bool {
        let head = |bound: &str| code.get(..code.len().min(bound.len())).unwrap_or(code);
        head(&self.from) >= self.from.as_str() && head(&self.to) <= self.to.as_str()
    }
}

/// The code ranges named in parentheses in a note: "(S58.-)", "(E10.-, E11.-)", "(A00-B99)",
/// "(M97.4)". Text outside parentheses is ignored; so are parenthesized words that are not codes.
pub fn referenced_ranges(note: &str) -> Vec<CodeRange> {
    let mut ranges = Vec::new();
    let mut rest = note;
    while let Some(open) = rest.find('(') {
        let Some(close) = rest[open..].find(')') else {
            break;
        };
        let inside = &rest[open + 1..open + close];
        for item in inside.split(',') {
            if let Some(range) = parse_range(item) {
                ranges.push(range);
            }
        }
        rest = &rest[open + close + 1..];
    }
    ranges
}

fn parse_range(item: &str) -> Option<CodeRange> {
    let item = item.trim().trim_end_matches(".-").trim_end_matches('-');
    let (from, to) = match item.split_once('-') {
        Some((a, b)) => (code_like(a)?, code_like(b)?),
        None => {
            let code = code_like(item)?;
            (code.clone(), code)
        }
    };
    Some(CodeRange { from, to })
}

/// An ICD-10-CM code or category without its dot, or None: a letter, then 2 to 6 upper-case letters or
/// digits (the X placeholder included) of which the first two hold a digit, so words in capitals are not
/// taken for codes.
fn code_like(text: &str) -> Option<String> {
    let code: String = text.trim().chars().filter(|c| *c != '.').collect();
    let bytes = code.as_bytes();
    let ok = (3..=7).contains(&bytes.len())
        && bytes[0].is_ascii_uppercase()
        && (bytes[1].is_ascii_digit() || bytes[2].is_ascii_digit())
        && bytes[1..]
            .iter()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase());
    ok.then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(from: &str, to: &str) -> CodeRange {
        CodeRange {
            from: from.into(),
            to: to.into(),
        }
    }

    #[test]
    fn excludes_notes_name_prefixes_codes_and_ranges() {
        let cases: &[(&str, Vec<CodeRange>)] = &[
            (
                "traumatic amputation of forearm (S58.-)",
                vec![range("S58", "S58")],
            ),
            (
                "periprosthetic fracture (M97.4)",
                vec![range("M974", "M974")],
            ),
            ("diabetes (E08-E13)", vec![range("E08", "E13")]),
            (
                "both (E10.-, E11.9) and (O24.-)",
                vec![
                    range("E10", "E10"),
                    range("E119", "E119"),
                    range("O24", "O24"),
                ],
            ),
            ("gestational (in pregnancy) diabetes", vec![]),
            ("unclosed (E11", vec![]),
        ];
        for (note, expected) in cases {
            assert_eq!(&referenced_ranges(note), expected, "{note}");
        }
    }

    #[test]
    fn ranges_compare_codes_on_their_own_length() {
        assert!(range("S58", "S58").contains("S58011A"));
        assert!(!range("S58", "S58").contains("S59"));
        assert!(range("E08", "E13").contains("E1165"));
        assert!(range("E08", "E13").contains("E08"));
        assert!(!range("E08", "E13").contains("E14"));
        assert!(!range("E08", "E13").contains("E0"));
        assert!(range("M974", "M974").contains("M9741XA"));
        assert!(!range("M974", "M974").contains("M97"));
    }
}
