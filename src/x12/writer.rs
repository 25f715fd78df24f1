//! Serializes segments: upper-cases data, refuses delimiters and non-printable characters inside data
//! (an error naming the segment, element and character, never a silently shifted element), drops trailing
//! empty elements, components and repetitions, and pads the fixed-width ISA to exactly 106 characters.

use super::error::{DataLocation, WriteError};
use super::headers::InterchangeHeader;
use super::segment::{Element, Segment};
use super::separators::Separators;

/// The version ISA12 declares.
const INTERCHANGE_VERSION: &str = "00501";

/// Segments with counts or control numbers, written only by the envelope writer.
const ENVELOPE_IDS: [&str; 6] = ["ISA", "IEA", "GS", "GE", "ST", "SE"];

/// What follows each segment terminator. Readers accept all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LineBreak {
    /// One long line, as most payers expect.
    #[default]
    None,
    Lf,
    CrLf,
}

impl LineBreak {
    fn as_str(self) -> &'static str {
        match self {
            LineBreak::None => "",
            LineBreak::Lf => "\n",
            LineBreak::CrLf => "\r\n",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WriterOptions {
    pub separators: Separators,
    pub line_break: LineBreak,
}

/// Appends segments to a string. A refused segment leaves the output as it was.
#[derive(Debug, Clone)]
pub struct SegmentWriter {
    options: WriterOptions,
    out: String,
    segments: usize,
}

impl SegmentWriter {
    pub fn new(options: WriterOptions) -> Self {
        SegmentWriter {
            options,
            out: String::new(),
            segments: 0,
        }
    }

    pub fn options(&self) -> WriterOptions {
        self.options
    }

    /// Writes one segment (not an envelope segment: see [`super::InterchangeWriter`]).
    pub fn write(&mut self, segment: &Segment) -> Result<(), WriteError> {
        let id = checked_id(segment.id())?;
        if ENVELOPE_IDS.contains(&id.as_str()) {
            return Err(WriteError::EnvelopeSegment { id });
        }
        self.write_any(segment)
    }

    /// Writes a segment whatever its id, ISA excepted (the envelope writer's way in).
    pub(super) fn write_any(&mut self, segment: &Segment) -> Result<(), WriteError> {
        let id = checked_id(segment.id())?;
        if id == "ISA" {
            return Err(WriteError::EnvelopeSegment { id });
        }
        self.atomically(|writer| writer.append_segment(&id, segment.elements()))
    }

    /// Writes the ISA segment, every field padded to its fixed width: always 106 characters with the
    /// terminator (plus the configured line break).
    pub fn write_isa(&mut self, header: &InterchangeHeader) -> Result<(), WriteError> {
        self.atomically(|writer| writer.append_isa(header))
    }

    /// Segments written so far.
    pub fn segment_count(&self) -> usize {
        self.segments
    }

    pub fn as_str(&self) -> &str {
        &self.out
    }

    pub fn into_string(self) -> String {
        self.out
    }

    fn atomically(
        &mut self,
        append: impl FnOnce(&mut Self) -> Result<(), WriteError>,
    ) -> Result<(), WriteError> {
        let start = self.out.len();
        match append(self) {
            Ok(()) => {
                self.segments += 1;
                Ok(())
            }
            Err(error) => {
                self.out.truncate(start);
                Err(error)
            }
        }
    }

    fn append_segment(&mut self, id: &str, elements: &[Element]) -> Result<(), WriteError> {
        self.out.push_str(id);
        let written = elements
            .iter()
            .rposition(|element| !element.is_empty())
            .map_or(0, |last| last + 1);
        for (index, element) in elements[..written].iter().enumerate() {
            self.out.push(char::from(self.options.separators.element()));
            self.append_element(id, index + 1, element)?;
        }
        self.end_segment();
        Ok(())
    }

    fn append_element(
        &mut self,
        id: &str,
        position: usize,
        element: &Element,
    ) -> Result<(), WriteError> {
        let separators = self.options.separators;
        let repetitions = element.repetitions();
        let written = last_non_empty(repetitions, |components| {
            components.iter().any(|value| !value.is_empty())
        });
        for (r, components) in repetitions[..written].iter().enumerate() {
            if r > 0 {
                self.out.push(char::from(separators.repetition()));
            }
            let written = last_non_empty(components, |value| !value.is_empty());
            for (c, value) in components[..written].iter().enumerate() {
                if c > 0 {
                    self.out.push(char::from(separators.component()));
                }
                let location = || DataLocation {
                    segment: id.to_string(),
                    element: position,
                    repetition: (repetitions.len() > 1).then_some(r + 1),
                    component: (components.len() > 1).then_some(c + 1),
                };
                push_data(&mut self.out, value, separators, location)?;
            }
        }
        Ok(())
    }

    fn append_isa(&mut self, header: &InterchangeHeader) -> Result<(), WriteError> {
        let separators = self.options.separators;
        let date = header.created.format("%y%m%d").to_string();
        let time = header.created.format("%H%M").to_string();
        let control_number = header.control_number.to_string();
        let acknowledgment = if header.acknowledgment_requested {
            "1"
        } else {
            "0"
        };
        let repetition = char::from(separators.repetition()).to_string();
        let component = char::from(separators.component()).to_string();
        // (field, value, width); ISA11 and ISA16 are the delimiters themselves, written unchecked.
        let fields: [(&str, &str, usize); 16] = [
            ("ISA01", &header.authorization_qualifier, 2),
            ("ISA02", &header.authorization_information, 10),
            ("ISA03", &header.security_qualifier, 2),
            ("ISA04", &header.security_information, 10),
            ("ISA05", &header.sender_qualifier, 2),
            ("ISA06", &header.sender_id, 15),
            ("ISA07", &header.receiver_qualifier, 2),
            ("ISA08", &header.receiver_id, 15),
            ("ISA09", &date, 6),
            ("ISA10", &time, 4),
            ("ISA11", &repetition, 1),
            ("ISA12", INTERCHANGE_VERSION, 5),
            ("ISA13", &control_number, 9),
            ("ISA14", acknowledgment, 1),
            ("ISA15", header.usage.code(), 1),
            ("ISA16", &component, 1),
        ];
        self.out.push_str("ISA");
        for (index, (field, value, width)) in fields.into_iter().enumerate() {
            self.out.push(char::from(separators.element()));
            if value.len() > width {
                return Err(WriteError::FieldTooLong {
                    field,
                    value: value.to_string(),
                    max: width,
                });
            }
            if field == "ISA11" || field == "ISA16" {
                self.out.push_str(value);
            } else {
                let location = || DataLocation {
                    segment: "ISA".into(),
                    element: index + 1,
                    repetition: None,
                    component: None,
                };
                push_data(&mut self.out, value, separators, location)?;
            }
            self.out
                .extend(std::iter::repeat_n(' ', width - value.len()));
        }
        self.end_segment();
        Ok(())
    }

    fn end_segment(&mut self) {
        self.out.push(char::from(self.options.separators.segment()));
        self.out.push_str(self.options.line_break.as_str());
    }
}

/// How many leading items to keep so that the last kept one is non-empty.
fn last_non_empty<T>(items: &[T], non_empty: impl Fn(&T) -> bool) -> usize {
    items.iter().rposition(non_empty).map_or(0, |last| last + 1)
}

/// A segment id upper-cased, or refused unless it is two or three letters or digits.
fn checked_id(id: &str) -> Result<String, WriteError> {
    if (2..=3).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(id.to_ascii_uppercase())
    } else {
        Err(WriteError::InvalidSegmentId { id: id.to_string() })
    }
}

/// Appends `value` upper-cased, refusing delimiters and anything but printable ASCII.
fn push_data(
    out: &mut String,
    value: &str,
    separators: Separators,
    location: impl Fn() -> DataLocation,
) -> Result<(), WriteError> {
    for character in value.chars() {
        let byte = u8::try_from(character).ok().filter(u8::is_ascii);
        if let Some(role) = byte.and_then(|b| separators.role_of(b)) {
            return Err(WriteError::SeparatorInData {
                location: location(),
                character,
                role,
            });
        }
        if !byte.is_some_and(|b| b.is_ascii_graphic() || b == b' ') {
            return Err(WriteError::InvalidCharacter {
                location: location(),
                character,
            });
        }
        out.push(character.to_ascii_uppercase());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::x12::headers::{InterchangeControlNumber, Usage};
    use crate::x12::separators::SeparatorRole;

    fn written(segment: &Segment) -> Result<String, WriteError> {
        let mut writer = SegmentWriter::new(WriterOptions::default());
        writer.write(segment)?;
        Ok(writer.into_string())
    }

    pub(crate) fn sample_isa() -> InterchangeHeader {
        let created = NaiveDate::from_ymd_opt(2024, 1, 15)
            .and_then(|d| d.and_hms_opt(12, 30, 0))
            .expect("valid date");
        let control = InterchangeControlNumber::new(1).expect("valid control number");
        InterchangeHeader::new(
            ("ZZ", "LABSUBMIT01"),
            ("ZZ", "PAYERRCV01"),
            created,
            control,
            Usage::Test,
        )
    }

    #[test]
    fn data_is_upper_cased() {
        let segment = Segment::of("nm1", ["41", "2", "Acme Lab Billing"]);
        assert_eq!(
            written(&segment).as_deref(),
            Ok("NM1*41*2*ACME LAB BILLING~")
        );
    }

    #[test]
    fn trailing_empty_elements_and_components_are_trimmed() {
        let segment = Segment::of(
            "NM1",
            [
                "85",
                "2",
                "ACME",
                "",
                "",
                "",
                "",
                "XX",
                "1234567893",
                "",
                "",
            ],
        );
        assert_eq!(
            written(&segment).as_deref(),
            Ok("NM1*85*2*ACME*****XX*1234567893~")
        );
        let sv1 = Segment::new("SV1")
            .with(Element::composite(["HC", "85025", "", "", ""]))
            .with("25")
            .with("UN")
            .with("1")
            .with("")
            .with("")
            .with(Element::composite(["1", "", ""]))
            .with(Element::composite(["", ""]));
        assert_eq!(written(&sv1).as_deref(), Ok("SV1*HC:85025*25*UN*1***1~"));
    }

    #[test]
    fn composite_and_repeated_elements_use_their_separators() {
        let hi = Segment::new("HI")
            .with(Element::composite(["ABK", "E119"]))
            .with(Element::composite(["ABF", "I10"]));
        assert_eq!(written(&hi).as_deref(), Ok("HI*ABK:E119*ABF:I10~"));
        let repeated = Segment::new("EQ").with(Element::repeated([
            Element::simple("30"),
            Element::simple(""),
            Element::composite(["AL", "X"]),
            Element::simple(""),
        ]));
        assert_eq!(written(&repeated).as_deref(), Ok("EQ*30^^AL:X~"));
    }

    #[test]
    fn data_containing_a_separator_is_refused_with_its_location() {
        let cases = [
            (
                Segment::of("NM1", ["41", "2", "A*B"]),
                "NM1-03",
                '*',
                SeparatorRole::Element,
            ),
            (
                Segment::of("N3", ["12 MAIN ST~APT 3"]),
                "N3-01",
                '~',
                SeparatorRole::Segment,
            ),
            (
                Segment::of("REF", ["6R", "LINE^1"]),
                "REF-02",
                '^',
                SeparatorRole::Repetition,
            ),
            (
                Segment::new("SV1").with(Element::composite(["HC", "99:213"])),
                "SV1-01-2",
                ':',
                SeparatorRole::Component,
            ),
        ];
        for (segment, place, character, role) in cases {
            let error = written(&segment).expect_err("must be refused");
            match &error {
                WriteError::SeparatorInData {
                    location,
                    character: c,
                    role: r,
                } => {
                    assert_eq!(
                        (location.to_string().as_str(), *c, *r),
                        (place, character, role)
                    );
                }
                other => panic!("unexpected error {other:?}"),
            }
            assert!(error.to_string().starts_with(place), "{error}");
        }
    }

    #[test]
    fn control_and_non_ascii_characters_are_refused() {
        for value in ["LINE\nBREAK", "TAB\tX", "JOSÉ"] {
            let error = written(&Segment::of("NM1", ["IL", "1", value])).expect_err(value);
            assert!(
                matches!(error, WriteError::InvalidCharacter { .. }),
                "{error:?}"
            );
        }
    }

    #[test]
    fn a_refused_segment_leaves_the_output_unchanged() {
        let mut writer = SegmentWriter::new(WriterOptions::default());
        writer.write(&Segment::of("LX", ["1"])).expect("valid");
        assert!(writer.write(&Segment::of("NM1", ["A", "B*C"])).is_err());
        assert_eq!((writer.as_str(), writer.segment_count()), ("LX*1~", 1));
    }

    #[test]
    fn segment_ids_are_checked_and_envelopes_refused() {
        for id in ["", "N", "NM12", "N-1"] {
            assert!(matches!(
                written(&Segment::new(id)),
                Err(WriteError::InvalidSegmentId { .. })
            ));
        }
        for id in ["ISA", "GS", "st", "SE", "GE", "IEA"] {
            assert!(matches!(
                written(&Segment::new(id)),
                Err(WriteError::EnvelopeSegment { .. })
            ));
        }
    }

    #[test]
    fn line_breaks_follow_each_terminator_when_configured() {
        for (line_break, expected) in [
            (LineBreak::None, "LX*1~LX*2~"),
            (LineBreak::Lf, "LX*1~\nLX*2~\n"),
            (LineBreak::CrLf, "LX*1~\r\nLX*2~\r\n"),
        ] {
            let mut writer = SegmentWriter::new(WriterOptions {
                line_break,
                ..WriterOptions::default()
            });
            writer.write(&Segment::of("LX", ["1"])).expect("valid");
            writer.write(&Segment::of("LX", ["2"])).expect("valid");
            assert_eq!(writer.as_str(), expected);
        }
    }

    #[test]
    fn isa_is_always_106_characters() {
        let mut short = sample_isa();
        short.sender_id = "A".into();
        short.receiver_id = String::new();
        let mut long = sample_isa();
        long.sender_id = "X".repeat(15);
        long.authorization_information = "abcdefghij".into();
        long.control_number = InterchangeControlNumber::new(999_999_999).expect("valid");
        for header in [sample_isa(), short, long] {
            let mut writer = SegmentWriter::new(WriterOptions::default());
            writer.write_isa(&header).expect("valid ISA");
            assert_eq!(writer.as_str().len(), 106, "{}", writer.as_str());
        }
    }

    #[test]
    fn isa_fields_are_padded_to_their_widths() {
        let mut writer = SegmentWriter::new(WriterOptions::default());
        writer.write_isa(&sample_isa()).expect("valid ISA");
        assert_eq!(
            writer.as_str(),
            "ISA*00*          *00*          *ZZ*LABSUBMIT01    *ZZ*PAYERRCV01     *240115*1230*^*00501*000000001*0*T*:~"
        );
    }

    #[test]
    fn isa_takes_its_delimiters_from_the_options() {
        let separators = Separators::new('|', '>', '!', '\n').expect("valid");
        let mut writer = SegmentWriter::new(WriterOptions {
            separators,
            line_break: LineBreak::None,
        });
        writer.write_isa(&sample_isa()).expect("valid ISA");
        let isa = writer.as_str();
        assert_eq!(isa.len(), 106);
        assert_eq!(&isa[3..4], "|");
        assert_eq!(&isa[82..83], "!");
        assert_eq!(&isa[104..], ">\n");
    }

    #[test]
    fn isa_fields_too_long_or_holding_separators_are_refused() {
        let mut long = sample_isa();
        long.sender_id = "X".repeat(16);
        let mut writer = SegmentWriter::new(WriterOptions::default());
        assert!(matches!(
            writer.write_isa(&long),
            Err(WriteError::FieldTooLong {
                field: "ISA06",
                max: 15,
                ..
            })
        ));
        let mut starred = sample_isa();
        starred.receiver_id = "PAY*ER".into();
        let error = writer.write_isa(&starred).expect_err("separator in ISA08");
        assert!(error.to_string().starts_with("ISA-08"), "{error}");
        assert_eq!(writer.as_str(), "");
    }
}
