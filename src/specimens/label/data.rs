//! What a label shows ([`LabelData`]) and what it is printed on ([`LabelSpec`]), both checked on
//! construction so the renderers never see an unprintable accession or an impossible label size.

use chrono::{NaiveDate, NaiveDateTime};

use super::LabelError;

/// Longest accession a label accepts; real ones (`S26-00000179.12`) are far shorter.
const MAX_ACCESSION: usize = 40;
/// Longest free text kept per field; the layout truncates to what fits anyway.
const MAX_TEXT: usize = 200;
const MAX_TEST_CODES: usize = 50;

/// The unchecked fields of a label, as the caller has them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelFields {
    pub accession: String,
    pub last_name: String,
    pub first_name: String,
    pub date_of_birth: NaiveDate,
    pub mrn: String,
    /// Wall-clock time as it should read on the label (the caller picks the zone).
    pub collected_at: Option<NaiveDateTime>,
    pub container: String,
    pub test_codes: Vec<String>,
}

/// A label's content, checked: the accession is barcode-safe and every text is free of control
/// characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelData {
    accession: String,
    patient: String,
    date_of_birth: NaiveDate,
    mrn: String,
    collected_at: Option<NaiveDateTime>,
    container: String,
    test_codes: Vec<String>,
}

impl LabelData {
    pub fn new(fields: LabelFields) -> Result<Self, LabelError> {
        let accession = check_accession(&fields.accession)?;
        let last = required_text("last_name", &fields.last_name)?;
        let first = clean_text(&fields.first_name);
        // Lab labels show the family name first and in capitals, so "DOE, JANE" cannot be misread.
        let patient = if first.is_empty() {
            last.to_uppercase()
        } else {
            format!("{}, {}", last.to_uppercase(), first.to_uppercase())
        };
        if fields.test_codes.len() > MAX_TEST_CODES {
            return Err(LabelError::invalid(
                "test_codes",
                format!("at most {MAX_TEST_CODES} test codes fit on a label"),
            ));
        }
        let test_codes = fields
            .test_codes
            .iter()
            .map(|code| clean_text(code))
            .filter(|code| !code.is_empty())
            .collect();
        Ok(LabelData {
            accession,
            patient,
            date_of_birth: fields.date_of_birth,
            mrn: required_text("mrn", &fields.mrn)?,
            collected_at: fields.collected_at,
            container: clean_text(&fields.container),
            test_codes,
        })
    }

    pub fn accession(&self) -> &str {
        &self.accession
    }
    /// `LAST, FIRST`.
    pub fn patient(&self) -> &str {
        &self.patient
    }
    pub fn date_of_birth(&self) -> NaiveDate {
        self.date_of_birth
    }
    pub fn mrn(&self) -> &str {
        &self.mrn
    }
    pub fn collected_at(&self) -> Option<NaiveDateTime> {
        self.collected_at
    }
    pub fn container(&self) -> &str {
        &self.container
    }
    pub fn test_codes(&self) -> &[String] {
        &self.test_codes
    }
}

/// Accessions go into a barcode and into ZPL, SVG and PDF unescaped, so they are held to a small
/// alphabet every scanner and printer agrees on.
fn check_accession(raw: &str) -> Result<String, LabelError> {
    let text = raw.trim();
    if text.is_empty() || text.len() > MAX_ACCESSION {
        return Err(LabelError::invalid(
            "accession",
            format!("must be 1 to {MAX_ACCESSION} characters"),
        ));
    }
    if let Some(bad) = text
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '/')))
    {
        return Err(LabelError::invalid(
            "accession",
            format!("may hold only letters, digits, '-', '.' and '/', not {bad:?}"),
        ));
    }
    Ok(text.to_string())
}

fn required_text(field: &'static str, raw: &str) -> Result<String, LabelError> {
    let text = clean_text(raw);
    if text.is_empty() {
        return Err(LabelError::invalid(field, "must not be empty"));
    }
    Ok(text)
}

/// Control characters become spaces (they are invalid in XML and meaningful in ZPL), runs of
/// whitespace collapse, and the text is capped in length.
fn clean_text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len().min(MAX_TEXT));
    for word in raw
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.chars().count() > MAX_TEXT {
        out = out.chars().take(MAX_TEXT).collect();
    }
    out
}

/// The two resolutions of the thermal printers labs use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dpi {
    D203,
    D300,
}

impl Dpi {
    pub fn from_number(dpi: u32) -> Option<Self> {
        match dpi {
            203 => Some(Dpi::D203),
            300 => Some(Dpi::D300),
            _ => None,
        }
    }

    pub fn dots_per_inch(self) -> u32 {
        match self {
            Dpi::D203 => 203,
            Dpi::D300 => 300,
        }
    }
}

/// The label stock: size in inches and the printer's resolution.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LabelSpec {
    width_in: f64,
    height_in: f64,
    dpi: Dpi,
}

impl LabelSpec {
    /// Smallest and largest stock we lay out for: below 1.5 × 0.75 in the text no longer fits beside a
    /// scannable barcode; above 4 in it is no longer a tube label.
    pub const MIN_WIDTH_IN: f64 = 1.5;
    pub const MIN_HEIGHT_IN: f64 = 0.75;
    pub const MAX_SIDE_IN: f64 = 4.0;

    pub fn new(width_in: f64, height_in: f64, dpi: Dpi) -> Result<Self, LabelError> {
        check_side("width_in", width_in, Self::MIN_WIDTH_IN)?;
        check_side("height_in", height_in, Self::MIN_HEIGHT_IN)?;
        Ok(LabelSpec {
            width_in,
            height_in,
            dpi,
        })
    }

    /// The common 2 × 1 inch tube label.
    pub fn two_by_one(dpi: Dpi) -> Self {
        LabelSpec {
            width_in: 2.0,
            height_in: 1.0,
            dpi,
        }
    }

    pub fn with_dpi(self, dpi: Dpi) -> Self {
        LabelSpec { dpi, ..self }
    }

    pub fn width_in(&self) -> f64 {
        self.width_in
    }
    pub fn height_in(&self) -> f64 {
        self.height_in
    }
    pub fn dpi(&self) -> Dpi {
        self.dpi
    }
    pub fn width_dots(&self) -> u32 {
        (self.width_in * f64::from(self.dpi.dots_per_inch())).round() as u32
    }
    pub fn height_dots(&self) -> u32 {
        (self.height_in * f64::from(self.dpi.dots_per_inch())).round() as u32
    }
}

fn check_side(field: &'static str, value: f64, min: f64) -> Result<(), LabelError> {
    if !value.is_finite() || value < min || value > LabelSpec::MAX_SIDE_IN {
        return Err(LabelError::invalid(
            field,
            format!(
                "must be between {min} and {} inches, got {value}",
                LabelSpec::MAX_SIDE_IN
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn fields(accession: &str) -> LabelFields {
        LabelFields {
            accession: accession.into(),
            last_name: "Doe".into(),
            first_name: "Jane".into(),
            date_of_birth: NaiveDate::from_ymd_opt(1980, 2, 29).unwrap(),
            mrn: "M0000123".into(),
            collected_at: NaiveDate::from_ymd_opt(2026, 11, 29)
                .unwrap()
                .and_hms_opt(14, 5, 0),
            container: "SST".into(),
            test_codes: vec!["80053".into(), "85025".into()],
        }
    }

    #[test]
    fn patient_reads_last_comma_first_in_capitals() {
        let data = LabelData::new(fields("S26-00000179")).unwrap();
        assert_eq!(data.patient(), "DOE, JANE");
    }

    #[test]
    fn accession_outside_the_barcode_alphabet_is_refused() {
        for bad in [
            "",
            "S26 0001",
            "S26^XZ",
            "S26~JA",
            "S26<0>",
            "É26-1",
            &"9".repeat(41),
        ] {
            let err = LabelData::new(fields(bad)).unwrap_err();
            assert!(
                matches!(
                    err,
                    LabelError::Invalid {
                        field: "accession",
                        ..
                    }
                ),
                "{bad:?}: {err:?}"
            );
        }
    }

    #[test]
    fn control_characters_in_text_become_spaces() {
        let mut f = fields("S26-00000179");
        f.last_name = "O'Brien\n^XZ\u{0}".into();
        f.container = "\tlavender\r\nEDTA ".into();
        let data = LabelData::new(f).unwrap();
        assert_eq!(data.patient(), "O'BRIEN ^XZ, JANE");
        assert_eq!(data.container(), "lavender EDTA");
    }

    #[test]
    fn missing_mrn_or_name_is_named() {
        let mut f = fields("S26-00000179");
        f.mrn = " \n".into();
        let err = LabelData::new(f).unwrap_err();
        assert!(matches!(err, LabelError::Invalid { field: "mrn", .. }));
        let mut f = fields("S26-00000179");
        f.last_name = String::new();
        let err = LabelData::new(f).unwrap_err();
        assert!(matches!(
            err,
            LabelError::Invalid {
                field: "last_name",
                ..
            }
        ));
    }

    #[test]
    fn label_sizes_outside_the_stock_range_are_refused() {
        assert_eq!(LabelSpec::two_by_one(Dpi::D203).width_dots(), 406);
        assert_eq!(LabelSpec::two_by_one(Dpi::D300).height_dots(), 300);
        for (w, h) in [
            (1.0, 1.0),
            (2.0, 0.5),
            (5.0, 1.0),
            (f64::NAN, 1.0),
            (2.0, f64::INFINITY),
        ] {
            assert!(LabelSpec::new(w, h, Dpi::D203).is_err(), "{w}x{h}");
        }
        let spec = LabelSpec::new(2.25, 1.25, Dpi::D300).unwrap();
        assert_eq!((spec.width_dots(), spec.height_dots()), (675, 375));
    }
}
