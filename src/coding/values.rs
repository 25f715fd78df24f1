//! The shapes of codes as entered on an encounter. Whether a code exists and is billable on a date is the
//! scrubber's question (it depends on the code-set versions); these only refuse what cannot be a code.

use serde::{Serialize, Serializer};

fn alphanumeric_upper(input: &str) -> String {
    input
        .trim()
        .chars()
        .filter(|c| *c != '.')
        .flat_map(char::to_uppercase)
        .collect()
}

/// An ICD-10-CM code, stored without its dot (`E119`) and shown with it (`E11.9`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DiagnosisCode(String);

impl DiagnosisCode {
    /// A letter, a digit, an alphanumeric, then up to four more alphanumerics; the dot is optional.
    pub fn parse(input: &str) -> Result<Self, String> {
        let code = alphanumeric_upper(input);
        let bytes = code.as_bytes();
        let shaped = (3..=7).contains(&bytes.len())
            && bytes[0].is_ascii_uppercase()
            && bytes[1].is_ascii_digit()
            && bytes.iter().all(u8::is_ascii_alphanumeric);
        let dot_placed = match input.trim().find('.') {
            None => true,
            Some(at) => at == 3 && input.trim().matches('.').count() == 1,
        };
        if !shaped || !dot_placed {
            return Err("must be an ICD-10-CM code such as E11.9".into());
        }
        Ok(DiagnosisCode(code))
    }

    pub fn from_stored(code: String) -> Self {
        DiagnosisCode(code)
    }

    /// Without the dot, as code sets and claims carry it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// With the dot after the category, as people read it.
    pub fn display(&self) -> String {
        if self.0.len() > 3 {
            format!("{}.{}", &self.0[..3], &self.0[3..])
        } else {
            self.0.clone()
        }
    }

    /// The three-character category (`E11`).
    pub fn category(&self) -> &str {
        &self.0[..3]
    }
}

impl Serialize for DiagnosisCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.display())
    }
}

/// A CPT or HCPCS Level II code: five letters or digits (`99213`, `0001U`, `G0103`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct ProcedureCode(String);

impl ProcedureCode {
    pub fn parse(input: &str) -> Result<Self, String> {
        let code: String = input.trim().to_ascii_uppercase();
        if code.len() != 5 || !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err("must be a CPT or HCPCS code of five letters or digits".into());
        }
        Ok(ProcedureCode(code))
    }

    pub fn from_stored(code: String) -> Self {
        ProcedureCode(code)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A procedure modifier: two letters or digits (`25`, `59`, `XS`, `LT`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Modifier(String);

impl Modifier {
    pub fn parse(input: &str) -> Result<Self, String> {
        let code: String = input.trim().to_ascii_uppercase();
        if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err("must be a modifier of two letters or digits".into());
        }
        Ok(Modifier(code))
    }

    pub fn from_stored(code: String) -> Self {
        Modifier(code)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnosis_codes_read_with_or_without_the_dot() {
        for input in ["E11.9", "e119", " E119 ", "S52.501A", "I10", "Z38.00"] {
            let code = DiagnosisCode::parse(input).unwrap();
            assert!(!code.as_str().contains('.'), "{input}");
        }
        assert_eq!(DiagnosisCode::parse("e11.9").unwrap().display(), "E11.9");
        assert_eq!(DiagnosisCode::parse("I10").unwrap().display(), "I10");
    }

    #[test]
    fn shapes_that_cannot_be_codes_are_refused() {
        for input in [
            "",
            "E1",
            "11.9",
            "EE1.9",
            "E11.90123",
            "E1.19",
            "E11..9",
            "E11-9",
        ] {
            assert!(DiagnosisCode::parse(input).is_err(), "{input}");
        }
        for input in ["9921", "992134", "99 13", ""] {
            assert!(ProcedureCode::parse(input).is_err(), "{input}");
        }
        assert_eq!(ProcedureCode::parse("g0103").unwrap().as_str(), "G0103");
        assert!(Modifier::parse("5").is_err() && Modifier::parse("25").is_ok());
    }
}
