//! Tests across the modules: write-then-read round trips, the invented sample files of every kind we
//! will read (837P, 835, 999, 277CA) in every line-ending variant, and no panic on any input.

use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;

const SAMPLES: [(&str, &str); 5] = [
    ("837p_minimal", include_str!("testdata/837p_minimal.x12")),
    ("835_minimal", include_str!("testdata/835_minimal.x12")),
    ("999_accepted", include_str!("testdata/999_accepted.x12")),
    ("999_rejected", include_str!("testdata/999_rejected.x12")),
    ("277ca_mixed", include_str!("testdata/277ca_mixed.x12")),
];

fn read_segments(input: &[u8]) -> Vec<SegmentRef<'_>> {
    Reader::new(input)
        .expect("valid ISA")
        .collect::<Result<Vec<_>, _>>()
        .expect("readable segments")
}

fn interchange(options: WriterOptions, body: &[Segment]) -> Result<String, WriteError> {
    let created = NaiveDate::from_ymd_opt(2024, 1, 15)
        .and_then(|d| d.and_hms_opt(12, 30, 0))
        .expect("valid date");
    let isa = InterchangeHeader::new(
        ("ZZ", "LABSUBMIT01"),
        ("ZZ", "PAYERRCV01"),
        created,
        InterchangeControlNumber::new(123_456_789)?,
        Usage::Production,
    );
    let mut writer = InterchangeWriter::begin(options, &isa)?;
    writer.begin_group(&GroupHeader {
        functional_id: "HC".into(),
        sender_code: "LABSUBMIT01".into(),
        receiver_code: "PAYERRCV01".into(),
        created,
        control_number: GroupControlNumber::new(77)?,
        version: "005010X222A1".into(),
    })?;
    writer.begin_transaction(&TransactionHeader {
        id: "837".into(),
        control_number: TransactionControlNumber::new("A0001")?,
        implementation_reference: Some("005010X222A1".into()),
    })?;
    for segment in body {
        writer.segment(segment)?;
    }
    writer.end_transaction()?;
    writer.end_group()?;
    writer.finish()
}

fn claim_like_body() -> Vec<Segment> {
    vec![
        Segment::of("BHT", ["0019", "00", "BATCH0001", "20240115", "1230", "CH"]),
        Segment::of(
            "NM1",
            [
                "85",
                "2",
                "ACME CLINICAL LABORATORY",
                "",
                "",
                "",
                "",
                "XX",
                "1234567893",
            ],
        ),
        Segment::new("HI")
            .with(Element::composite(["ABK", "E119"]))
            .with(Element::composite(["ABF", "I10"])),
        Segment::new("SV1")
            .with(Element::composite(["HC", "99213", "25"]))
            .with("150")
            .with("UN")
            .with("1")
            .with("")
            .with("")
            .with(Element::composite(["1", "2"])),
        Segment::new("EQ").with(Element::repeated([
            Element::simple("30"),
            Element::composite(["AL", "X"]),
        ])),
        Segment::of("REF", ["6R", "L0001.1"]),
    ]
}

#[test]
fn written_interchanges_read_back_the_same_data_with_any_separators_and_line_breaks() {
    let separator_sets = [
        Separators::default(),
        Separators::new('|', '>', '!', '\'').expect("valid"),
        Separators::new('*', ':', '^', '\n').expect("valid"),
        Separators::new('\u{1d}', '\u{1f}', '\u{1e}', '\u{1c}').expect("valid"),
    ];
    let body = claim_like_body();
    for separators in separator_sets {
        for line_break in [LineBreak::None, LineBreak::Lf, LineBreak::CrLf] {
            let options = WriterOptions {
                separators,
                line_break,
            };
            let text = interchange(options, &body).expect("writable");
            let segments = read_segments(text.as_bytes());
            let read_body: Vec<Segment> = segments[3..segments.len() - 3]
                .iter()
                .map(SegmentRef::to_segment)
                .collect();
            assert_eq!(read_body, body, "{separators:?} {line_break:?}");
            assert_eq!(segments[0].as_str().len() + 1, ISA_LENGTH);
            assert_eq!(segments[0].get(13), "123456789");
            assert_eq!(segments[0].get(15), "P");
            assert_eq!(
                check_envelopes(text.as_bytes()),
                Ok(vec![]),
                "{separators:?} {line_break:?}"
            );
        }
    }
}

#[test]
fn every_sample_reads_without_errors_or_envelope_findings() {
    for (name, text) in SAMPLES {
        let segments = read_segments(text.as_bytes());
        assert_eq!(segments[0].id(), "ISA", "{name}");
        assert_eq!(segments.last().map(|s| s.id()), Some("IEA"), "{name}");
        assert_eq!(
            segments.len(),
            text.lines().count(),
            "{name}: one segment per line"
        );
        for (index, segment) in segments.iter().enumerate() {
            assert_eq!(segment.position().line, index + 1, "{name}");
            assert_eq!(segment.position().segment, index + 1, "{name}");
        }
        assert_eq!(check_envelopes(text.as_bytes()), Ok(vec![]), "{name}");
    }
}

#[test]
fn samples_read_the_same_in_every_line_ending_variant() {
    for (name, text) in SAMPLES {
        let expected: Vec<String> = read_segments(text.as_bytes())
            .iter()
            .map(|s| s.as_str().to_string())
            .collect();
        let one_line = text.replace("~\n", "~");
        let variants = [
            ("one line", one_line.clone()),
            ("LF", one_line.replace('~', "~\n")),
            ("CRLF", one_line.replace('~', "~\r\n")),
            ("CR", one_line.replace('~', "~\r")),
            ("newline terminator", one_line.replace('~', "\n")),
            (
                "newline terminator with CRLF",
                one_line.replace('~', "\r\n"),
            ),
        ];
        for (variant, input) in variants {
            let read: Vec<String> = read_segments(input.as_bytes())
                .iter()
                .map(|s| s.as_str().to_string())
                .collect();
            assert_eq!(read, expected, "{name}, {variant}");
            assert_eq!(
                check_envelopes(input.as_bytes()),
                Ok(vec![]),
                "{name}, {variant}"
            );
        }
    }
}

#[test]
fn samples_rewritten_segment_by_segment_come_out_as_they_went_in() {
    let options = WriterOptions {
        separators: Separators::default(),
        line_break: LineBreak::Lf,
    };
    for (name, text) in SAMPLES {
        let segments = read_segments(text.as_bytes());
        let mut writer = SegmentWriter::new(options);
        for segment in &segments[1..] {
            writer.write_any(&segment.to_segment()).expect("writable");
        }
        let isa_line = &text[..ISA_LENGTH + 1];
        // The writer upper-cases (the 837P sample has a lower-case e-mail address).
        let expected = text[isa_line.len()..].to_ascii_uppercase();
        assert_eq!(writer.as_str(), expected, "{name}");
    }
}

/// The body of each sample's transaction sets rebuilt through the envelope writer, headers as in the
/// sample: what comes out is the sample itself (upper-cased), which the X12 referees accept.
#[test]
fn the_envelope_writer_rebuilds_the_samples() {
    let options = WriterOptions {
        separators: Separators::default(),
        line_break: LineBreak::Lf,
    };
    for (name, text) in SAMPLES {
        let segments = read_segments(text.as_bytes());
        let isa = segments[0];
        let created = chrono::NaiveDateTime::parse_from_str(
            &format!("{}{}", isa.get(9), isa.get(10)),
            "%y%m%d%H%M",
        )
        .expect("ISA date");
        let mut header = InterchangeHeader::new(
            (isa.get(5), isa.get(6).trim_end()),
            (isa.get(7), isa.get(8).trim_end()),
            created,
            InterchangeControlNumber::new(isa.get(13).parse().expect("ISA13")).expect("ISA13"),
            Usage::Test,
        );
        header.acknowledgment_requested = isa.get(14) == "1";
        let mut writer = InterchangeWriter::begin(options, &header).expect("ISA");
        for segment in &segments[1..segments.len() - 1] {
            match segment.id() {
                "GS" => writer
                    .begin_group(&GroupHeader {
                        functional_id: segment.get(1).into(),
                        sender_code: segment.get(2).into(),
                        receiver_code: segment.get(3).into(),
                        created: chrono::NaiveDateTime::parse_from_str(
                            &format!("{}{}", segment.get(4), segment.get(5)),
                            "%Y%m%d%H%M",
                        )
                        .expect("GS date"),
                        control_number: GroupControlNumber::new(
                            segment.get(6).parse().expect("GS06"),
                        )
                        .expect("GS06"),
                        version: segment.get(8).into(),
                    })
                    .expect("GS"),
                "ST" => writer
                    .begin_transaction(&TransactionHeader {
                        id: segment.get(1).into(),
                        control_number: TransactionControlNumber::new(segment.get(2))
                            .expect("ST02"),
                        implementation_reference: Some(segment.get(3).to_string())
                            .filter(|reference| !reference.is_empty()),
                    })
                    .expect("ST"),
                "SE" => {
                    writer.end_transaction().expect("SE");
                }
                "GE" => writer.end_group().expect("GE"),
                _ => writer.segment(&segment.to_segment()).expect("body segment"),
            }
        }
        let rebuilt = writer.finish().expect("IEA");
        assert_eq!(rebuilt, text.to_ascii_uppercase(), "{name}");
    }
}

#[test]
fn a_sample_with_a_changed_count_is_reported_at_its_line() {
    let (_, text) = SAMPLES[2];
    let broken = text.replace("SE*6*0001", "SE*7*0001");
    let findings = check_envelopes(broken.as_bytes()).expect("valid ISA");
    assert_eq!(findings.len(), 1);
    assert_eq!(
        findings[0].to_string(),
        r#"segment 8 (line 8, byte 266): SE01 says "7" but 6 were counted"#
    );
}

/// Reads everything there is to read, touching every element, component and repetition.
fn exercise_reader(input: &[u8]) {
    let Ok(reader) = Reader::new(input) else {
        return;
    };
    let mut previous: Option<Position> = None;
    for item in reader {
        let position = match item {
            Ok(segment) => {
                for element in segment.elements() {
                    let _ = element.components().count();
                    for repetition in element.repetitions() {
                        let _ = repetition.component(2);
                    }
                }
                let _ = segment.get(segment.element_count() + 1);
                let _ = segment.to_segment();
                segment.position()
            }
            Err(error) => {
                let _ = error.to_string();
                error.position.expect("segment errors have positions")
            }
        };
        assert!(position.offset < input.len());
        if let Some(previous) = previous {
            assert!(position.segment == previous.segment + 1);
            assert!(position.offset > previous.offset && position.line >= previous.line);
        }
        previous = Some(position);
    }
    if let Ok(findings) = check_envelopes(input) {
        for finding in findings {
            let _ = finding.to_string();
        }
    }
}

/// Bytes that matter to the reader, so mutations hit its edges rather than plain data.
const INTERESTING: &[u8] = b"*:^~\r\n \x00\xFFISAGSESTIE0123456789|>";

fn mutate(sample: &str, edits: &[(u8, usize, u8)]) -> Vec<u8> {
    let mut bytes = sample.as_bytes().to_vec();
    for &(kind, at, value) in edits {
        let at = if bytes.is_empty() {
            0
        } else {
            at % (bytes.len() + 1)
        };
        let byte = INTERESTING[usize::from(value) % INTERESTING.len()];
        match kind % 5 {
            0 if at < bytes.len() => bytes[at] = byte,
            1 => bytes.insert(at, byte),
            2 if at < bytes.len() => {
                bytes.remove(at);
            }
            3 => bytes.truncate(at),
            _ if at < bytes.len() => bytes[at] = value,
            _ => {}
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn the_reader_never_panics_on_arbitrary_bytes(input in proptest::collection::vec(any::<u8>(), 0..400)) {
        exercise_reader(&input);
    }

    #[test]
    fn the_reader_never_panics_on_an_isa_followed_by_arbitrary_bytes(
        tail in proptest::collection::vec(any::<u8>(), 0..300),
    ) {
        let (_, text) = SAMPLES[0];
        let mut input = text.as_bytes()[..ISA_LENGTH].to_vec();
        input.extend_from_slice(&tail);
        exercise_reader(&input);
    }

    #[test]
    fn the_reader_never_panics_on_mutated_samples(
        sample in 0..SAMPLES.len(),
        edits in proptest::collection::vec((any::<u8>(), any::<usize>(), any::<u8>()), 1..8),
    ) {
        exercise_reader(&mutate(SAMPLES[sample].1, &edits));
    }

    #[test]
    fn any_writable_segment_reads_back_as_written(
        id in "[A-Z][A-Z0-9]{1,2}",
        elements in proptest::collection::vec(
            proptest::collection::vec(proptest::collection::vec("[A-Z0-9 .,&()/-]{0,6}", 1..4), 1..3),
            0..8,
        ),
    ) {
        prop_assume!(!["ISA", "IEA", "GS", "GE", "ST", "SE"].contains(&id.as_str()));
        let segment = Segment::of(&id, elements.iter().map(|repetitions| {
            Element::repeated(repetitions.iter().map(|components| Element::composite(components.clone())))
        }));
        let mut writer = SegmentWriter::new(WriterOptions::default());
        writer.write(&segment).expect("writable");
        let text = interchange_around(writer.as_str());
        let segments = read_segments(text.as_bytes());
        prop_assert_eq!(segments[1].to_segment(), normalized(&segment));
    }
}

/// An ISA in front of written segments, so that the reader accepts them.
fn interchange_around(segments: &str) -> String {
    let (_, text) = SAMPLES[0];
    format!("{}{segments}", &text[..ISA_LENGTH])
}

/// What a written segment reads back as: trailing empty elements, repetitions and components gone.
fn normalized(segment: &Segment) -> Segment {
    let elements: Vec<Element> = segment
        .elements()
        .iter()
        .map(|element| {
            let mut repetitions: Vec<Vec<String>> = element
                .repetitions()
                .iter()
                .map(|components| {
                    let mut components = components.clone();
                    while components.len() > 1 && components.last().is_some_and(String::is_empty) {
                        components.pop();
                    }
                    components
                })
                .collect();
            while repetitions.len() > 1
                && repetitions
                    .last()
                    .is_some_and(|c| c.iter().all(String::is_empty))
            {
                repetitions.pop();
            }
            Element::repeated(repetitions.into_iter().map(Element::composite))
        })
        .collect();
    let kept = elements
        .iter()
        .rposition(|e| !e.is_empty())
        .map_or(0, |last| last + 1);
    Segment::of(segment.id(), elements.into_iter().take(kept))
}
