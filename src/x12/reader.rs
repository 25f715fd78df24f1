//! Reads X12 without copying: the delimiters come from the ISA (byte 3, ISA11, ISA16 and the byte after
//! it), then segments are sliced out of the input one by one, each with its position for messages.
//! Line breaks around terminators (CR, LF, CRLF) are skipped, so a file with one segment per line reads
//! like a one-line file, and so does one whose terminator is the newline itself.

use std::fmt;

use super::error::{ReadError, ReadErrorKind};
use super::separators::Separators;
use super::view::SegmentRef;

/// Length of the fixed-width ISA segment, terminator included.
pub const ISA_LENGTH: usize = 106;

/// Byte offsets of the 16 element separators in a fixed-width ISA segment.
const ISA_SEPARATOR_OFFSETS: [usize; 16] = [
    3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103,
];
const ISA_REPETITION_OFFSET: usize = 82;
const ISA_COMPONENT_OFFSET: usize = 104;
const ISA_TERMINATOR_OFFSET: usize = 105;

/// Where a segment starts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// Ordinal of the segment in the input, counted from 1 (the ISA is segment 1).
    pub segment: usize,
    /// Byte offset of the segment's first byte, counted from 0.
    pub offset: usize,
    /// Line of the segment's first byte, counted from 1 (LF, CR and CRLF each end a line).
    pub line: usize,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "segment {} (line {}, byte {})",
            self.segment, self.line, self.offset
        )
    }
}

/// Iterates over the segments of an input, ISA first. A segment that cannot be read yields an error
/// and reading goes on with the next one; the iterator ends at the end of the input.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    input: &'a [u8],
    separators: Separators,
    /// Where the next segment (or the line breaks before it) starts.
    cursor: usize,
    /// Line number at `cursor`.
    line: usize,
    segments: usize,
}

impl<'a> Reader<'a> {
    /// Checks the ISA and learns the delimiters from it. Leading whitespace and a UTF-8 byte order mark
    /// are skipped (offsets still count from the start of `input`).
    pub fn new(input: &'a [u8]) -> Result<Self, ReadError> {
        let mut start = 0;
        let mut line = 1;
        if input.starts_with(b"\xEF\xBB\xBF") {
            start = 3;
        }
        while let Some(&byte) = input.get(start) {
            if !byte.is_ascii_whitespace() {
                break;
            }
            line += usize::from(is_line_break(input, start));
            start += 1;
        }
        let separators = isa_separators(&input[start..])?;
        Ok(Reader {
            input,
            separators,
            cursor: start,
            line,
            segments: 0,
        })
    }

    pub fn separators(&self) -> Separators {
        self.separators
    }

    /// Skips CR and LF from the cursor, counting lines.
    fn skip_line_breaks(&mut self) {
        while let Some(&byte) = self.input.get(self.cursor) {
            if byte != b'\r' && byte != b'\n' {
                break;
            }
            self.line += usize::from(is_line_break(self.input, self.cursor));
            self.cursor += 1;
        }
    }

    fn next_segment(&mut self) -> Option<Result<SegmentRef<'a>, ReadError>> {
        self.skip_line_breaks();
        let rest = &self.input[self.cursor..];
        if rest.is_empty() {
            return None;
        }
        let start = self.cursor;
        let position = Position {
            segment: self.segments + 1,
            offset: start,
            line: self.line,
        };
        let Some(length) = rest.iter().position(|&b| b == self.separators.segment()) else {
            self.cursor = self.input.len();
            if rest.iter().all(|b| b.is_ascii_whitespace() || *b == 0) {
                return None; // trailing padding, not a segment
            }
            self.segments += 1;
            return Some(Err(ReadError::at(position, ReadErrorKind::Unterminated)));
        };
        let end = start + length;
        self.line += count_line_breaks(self.input, start, end + 1);
        self.cursor = end + 1;
        self.segments += 1;
        Some(segment_at(&rest[..length], position, self.separators))
    }
}

impl<'a> Iterator for Reader<'a> {
    type Item = Result<SegmentRef<'a>, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_segment()
    }
}

/// Checks the fixed-width ISA at the start of `input` and returns the delimiters it declares.
fn isa_separators(input: &[u8]) -> Result<Separators, ReadError> {
    if !input.starts_with(b"ISA") {
        let kind = if input.len() < 3 && b"ISA".starts_with(input) {
            ReadErrorKind::TooShort {
                length: input.len(),
            }
        } else {
            ReadErrorKind::NotIsa
        };
        return Err(ReadError::start(kind));
    }
    let Some(isa) = input.get(..ISA_LENGTH) else {
        return Err(ReadError::start(ReadErrorKind::TooShort {
            length: input.len(),
        }));
    };
    let element = isa[3];
    for offset in ISA_SEPARATOR_OFFSETS {
        if isa[offset] != element {
            return Err(ReadError::start(ReadErrorKind::IsaLayout {
                offset,
                expected: char::from(element),
            }));
        }
    }
    let separators = Separators::from_bytes(
        element,
        isa[ISA_COMPONENT_OFFSET],
        isa[ISA_REPETITION_OFFSET],
        isa[ISA_TERMINATOR_OFFSET],
    )
    .map_err(|error| ReadError::start(ReadErrorKind::Separators(error)))?;
    // Fields holding a delimiter would make the ISA split differently from how it was sized.
    let in_fields = |offset: usize| {
        !ISA_SEPARATOR_OFFSETS.contains(&offset)
            && offset != ISA_REPETITION_OFFSET
            && offset != ISA_COMPONENT_OFFSET
    };
    let misplaced = (3..ISA_TERMINATOR_OFFSET)
        .filter(|&offset| in_fields(offset))
        .find_map(|offset| {
            separators
                .role_of(isa[offset])
                .map(|role| (isa[offset], role))
        });
    if let Some((byte, role)) = misplaced {
        return Err(ReadError::start(ReadErrorKind::IsaDataContainsSeparator {
            character: char::from(byte),
            role,
        }));
    }
    Ok(separators)
}

/// Builds the view of one segment's bytes (terminator excluded).
fn segment_at(
    bytes: &[u8],
    position: Position,
    separators: Separators,
) -> Result<SegmentRef<'_>, ReadError> {
    // CR or LF right before the terminator belongs to a line ending (a newline terminator after CR).
    let trimmed_length = bytes.len()
        - bytes
            .iter()
            .rev()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
    let bytes = &bytes[..trimmed_length];
    if bytes.is_empty() {
        return Err(ReadError::at(position, ReadErrorKind::EmptySegment));
    }
    let text =
        std::str::from_utf8(bytes).map_err(|_| ReadError::at(position, ReadErrorKind::NotUtf8))?;
    let id_length = bytes
        .iter()
        .position(|&b| b == separators.element())
        .unwrap_or(bytes.len());
    let id = &text[..id_length];
    if !(2..=3).contains(&id.len()) || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(ReadError::at(
            position,
            ReadErrorKind::InvalidSegmentId {
                id: id.chars().take(16).collect(),
            },
        ));
    }
    if id == "ISA" && !declares_same_separators(bytes, separators) {
        return Err(ReadError::at(position, ReadErrorKind::SeparatorsChanged));
    }
    Ok(SegmentRef::new(text, id_length, separators, position))
}

/// Whether a later ISA (terminator excluded) declares the delimiters this reader uses.
fn declares_same_separators(isa: &[u8], separators: Separators) -> bool {
    isa.len() == ISA_TERMINATOR_OFFSET
        && isa[3] == separators.element()
        && isa[ISA_REPETITION_OFFSET] == separators.repetition()
        && isa[ISA_COMPONENT_OFFSET] == separators.component()
}

/// Whether the byte at `index` ends a line: LF, or CR not followed by LF (CRLF counts once, at its LF).
fn is_line_break(input: &[u8], index: usize) -> bool {
    match input.get(index) {
        Some(b'\n') => true,
        Some(b'\r') => input.get(index + 1) != Some(&b'\n'),
        _ => false,
    }
}

fn count_line_breaks(input: &[u8], from: usize, to: usize) -> usize {
    let window = &input[from..to];
    // Most segments hold no line break at all: one vectorizable pass decides.
    if !window.iter().any(|&b| b == b'\r' || b == b'\n') {
        return 0;
    }
    (from..to)
        .filter(|&index| is_line_break(input, index))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::x12::error::SeparatorError;
    use crate::x12::separators::SeparatorRole;

    const ISA: &str = "ISA*00*          *00*          *ZZ*LABSUBMIT01    *ZZ*PAYERRCV01     *240115*1230*^*00501*000000001*0*T*:~";

    fn ids(input: &str) -> Vec<String> {
        Reader::new(input.as_bytes())
            .expect("valid ISA")
            .map(|segment| {
                segment
                    .map(|s| s.id().to_string())
                    .unwrap_or_else(|e| format!("error: {e}"))
            })
            .collect()
    }

    fn read_all(input: &[u8]) -> Vec<SegmentRef<'_>> {
        Reader::new(input)
            .expect("valid ISA")
            .collect::<Result<Vec<_>, _>>()
            .expect("readable segments")
    }

    fn kind_of(input: &[u8]) -> ReadErrorKind {
        Reader::new(input).expect_err("must be refused").kind
    }

    #[test]
    fn separators_come_from_the_isa() {
        let isa = ISA
            .replace('*', "|")
            .replace('^', "!")
            .replace(':', ">")
            .replace('~', "'");
        let input = format!("{isa}GS|HC|A'ST|837|0001'SV1|HC>99213>25!X|1'");
        let reader = Reader::new(input.as_bytes()).expect("valid ISA");
        let separators = reader.separators();
        assert_eq!(
            (
                separators.element(),
                separators.component(),
                separators.repetition(),
                separators.segment()
            ),
            (b'|', b'>', b'!', b'\'')
        );
        let segments: Vec<_> = reader.collect::<Result<_, _>>().expect("readable");
        let sv1 = segments[3];
        assert_eq!(sv1.id(), "SV1");
        assert_eq!(sv1.element(1).component(2), "99213");
        assert_eq!(sv1.element(1).component(3), "25");
        let repetitions: Vec<_> = sv1.element(1).repetitions().map(|r| r.as_str()).collect();
        assert_eq!(repetitions, ["HC>99213>25", "X"]);
    }

    #[test]
    fn every_line_ending_reads_the_same_segments() {
        let body = [
            "GS*HC*A",
            "ST*837*0001",
            "BHT*0019",
            "SE*3*0001",
            "GE*1*1",
            "IEA*1*000000001",
        ];
        let expected: Vec<String> = std::iter::once("ISA")
            .chain(body.iter().map(|s| s.split('*').next().unwrap_or("")))
            .map(String::from)
            .collect();
        let isa_body = &ISA[..ISA.len() - 1];
        let variants = [
            ("no line break", "~", "~"),
            ("LF after terminator", "~", "~\n"),
            ("CRLF after terminator", "~", "~\r\n"),
            ("CR after terminator", "~", "~\r"),
            ("LF as terminator", "\n", "\n"),
            ("LF as terminator, CRLF files", "\n", "\r\n"),
            ("CR as terminator", "\r", "\r"),
            ("CR as terminator, CRLF files", "\r", "\r\n"),
            ("blank lines between", "~", "~\n\n\r\n"),
        ];
        for (name, terminator, ending) in variants {
            let mut input = format!("{isa_body}{terminator}");
            input.push_str(&ending[terminator.len()..]);
            for segment in body {
                input.push_str(segment);
                input.push_str(ending);
            }
            assert_eq!(ids(&input), expected, "{name}");
            let segments = read_all(input.as_bytes());
            assert_eq!(segments[2].get(2), "0001", "{name}: no CR/LF left in data");
            assert_eq!(
                segments[6].get(2),
                "000000001",
                "{name}: no CR/LF left in data"
            );
        }
    }

    #[test]
    fn positions_give_segment_number_byte_offset_and_line() {
        let input = format!("{ISA}\nGS*HC*A~\r\nST*837*0001~\rSE*2*0001~");
        let positions: Vec<Position> = read_all(input.as_bytes())
            .iter()
            .map(|s| s.position())
            .collect();
        assert_eq!(
            positions,
            [
                Position {
                    segment: 1,
                    offset: 0,
                    line: 1
                },
                Position {
                    segment: 2,
                    offset: 107,
                    line: 2
                },
                Position {
                    segment: 3,
                    offset: 117,
                    line: 3
                },
                Position {
                    segment: 4,
                    offset: 130,
                    line: 4
                },
            ]
        );
        assert_eq!(positions[1].to_string(), "segment 2 (line 2, byte 107)");
        let one_line = format!("{ISA}GS*HC*A~ST*837*0001~");
        let lines: Vec<usize> = read_all(one_line.as_bytes())
            .iter()
            .map(|s| s.position().line)
            .collect();
        assert_eq!(lines, [1, 1, 1]);
    }

    #[test]
    fn leading_whitespace_and_byte_order_mark_are_skipped() {
        let input = format!("\u{feff}\r\n  {ISA}GS*HC~");
        let segments = read_all(input.as_bytes());
        assert_eq!(
            segments[0].position(),
            Position {
                segment: 1,
                offset: 7,
                line: 2
            }
        );
        assert_eq!(segments[1].id(), "GS");
    }

    #[test]
    fn input_that_cannot_start_an_interchange_is_refused_clearly() {
        assert_eq!(kind_of(b""), ReadErrorKind::TooShort { length: 0 });
        assert_eq!(kind_of(b"IS"), ReadErrorKind::TooShort { length: 2 });
        assert_eq!(
            kind_of(&ISA.as_bytes()[..80]),
            ReadErrorKind::TooShort { length: 80 }
        );
        assert_eq!(kind_of(b"GS*HC*A~"), ReadErrorKind::NotIsa);
        assert_eq!(kind_of(format!("X{ISA}").as_bytes()), ReadErrorKind::NotIsa);
    }

    #[test]
    fn bad_separators_in_the_isa_are_refused() {
        // Version 4010 put a "U" in ISA11.
        let old = ISA.replace("*^*", "*U*");
        assert_eq!(
            kind_of(old.as_bytes()),
            ReadErrorKind::Separators(SeparatorError::Reserved {
                role: SeparatorRole::Repetition,
                character: 'U'
            })
        );
        let same = ISA.replace("*:~", "*^~");
        assert!(matches!(
            kind_of(same.as_bytes()),
            ReadErrorKind::Separators(SeparatorError::Duplicate { .. })
        ));
        let spaced = ISA.replace("*:~", "*: ");
        assert!(matches!(
            kind_of(spaced.as_bytes()),
            ReadErrorKind::Separators(_)
        ));
    }

    #[test]
    fn an_isa_that_is_not_fixed_width_is_refused() {
        let shifted = ISA.replace("LABSUBMIT01    ", "LABSUBMIT01   ") + "X";
        assert_eq!(
            kind_of(shifted.as_bytes()),
            ReadErrorKind::IsaLayout {
                offset: 50,
                expected: '*'
            }
        );
        let tilde_inside = ISA.replace("LABSUBMIT01    ", "LABSUBMIT01~   ");
        assert_eq!(
            kind_of(tilde_inside.as_bytes()),
            ReadErrorKind::IsaDataContainsSeparator {
                character: '~',
                role: SeparatorRole::Segment
            }
        );
    }

    #[test]
    fn bad_segments_are_errors_with_positions_and_reading_goes_on() {
        let mut input = format!("{ISA}\nGS*HC~\n~\nN@1*X~\n").into_bytes();
        input.extend_from_slice(b"NM1*\xFF~\nTOOLONG*1~\nLX*1~\nSE*2");
        let items: Vec<_> = Reader::new(&input).expect("valid ISA").collect();
        let kinds: Vec<Result<&str, ReadErrorKind>> = items
            .iter()
            .map(|item| item.as_ref().map(|s| s.id()).map_err(|e| e.kind.clone()))
            .collect();
        assert_eq!(
            kinds,
            [
                Ok("ISA"),
                Ok("GS"),
                Err(ReadErrorKind::EmptySegment),
                Err(ReadErrorKind::InvalidSegmentId { id: "N@1".into() }),
                Err(ReadErrorKind::NotUtf8),
                Err(ReadErrorKind::InvalidSegmentId {
                    id: "TOOLONG".into()
                }),
                Ok("LX"),
                Err(ReadErrorKind::Unterminated),
            ]
        );
        let last = items
            .last()
            .and_then(|item| item.as_ref().err())
            .expect("error");
        assert_eq!(
            last.position,
            Some(Position {
                segment: 8,
                offset: 147,
                line: 8
            })
        );
        assert_eq!(
            last.to_string(),
            "segment 8 (line 8, byte 147): the last segment has no segment terminator"
        );
    }

    #[test]
    fn trailing_whitespace_after_the_last_terminator_is_not_a_segment() {
        let input = format!("{ISA}IEA*1*000000001~\r\n  \n");
        assert_eq!(ids(&input), ["ISA", "IEA"]);
    }

    #[test]
    fn a_second_isa_with_other_separators_is_an_error() {
        let other = ISA.replace(":~", ">~");
        let input = format!("{ISA}IEA*0*000000001~{other}IEA*0*000000001~");
        let items: Vec<_> = Reader::new(input.as_bytes()).expect("valid").collect();
        assert_eq!(
            items[2]
                .as_ref()
                .map_err(|e| e.kind.clone())
                .map(|s| s.id()),
            Err(ReadErrorKind::SeparatorsChanged)
        );
        let same = format!("{ISA}IEA*0*000000001~{ISA}IEA*0*000000001~");
        assert_eq!(ids(&same), ["ISA", "IEA", "ISA", "IEA"]);
    }
}
