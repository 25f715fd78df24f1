//! Borrowed views of one read segment and its elements: ids, elements counted from 1 as in `NM1-03`,
//! components and repetitions, all slices of the input (no allocation until [`SegmentRef::to_segment`]).

use super::reader::Position;
use super::segment::{Element, Segment};
use super::separators::Separators;

/// One segment, borrowed from the input. Elements are counted from 1 as in `NM1-03`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SegmentRef<'a> {
    text: &'a str,
    id_length: usize,
    separators: Separators,
    position: Position,
}

impl<'a> SegmentRef<'a> {
    /// `text` is the segment without its terminator and `id_length` the length of its (checked) id.
    pub(super) fn new(
        text: &'a str,
        id_length: usize,
        separators: Separators,
        position: Position,
    ) -> Self {
        SegmentRef {
            text,
            id_length,
            separators,
            position,
        }
    }

    pub fn id(&self) -> &'a str {
        &self.text[..self.id_length]
    }

    /// The segment as written, without its terminator.
    pub fn as_str(&self) -> &'a str {
        self.text
    }

    pub fn position(&self) -> Position {
        self.position
    }

    pub fn separators(&self) -> Separators {
        self.separators
    }

    /// Elements 1, 2, ... (the id is not an element).
    pub fn elements(&self) -> impl Iterator<Item = ElementRef<'a>> + use<'a> {
        let separators = self.separators;
        self.text
            .split(char::from(separators.element()))
            .skip(1)
            .map(move |text| ElementRef { text, separators })
    }

    /// Element `position` (from 1); an empty element when the segment has fewer.
    pub fn element(&self, position: usize) -> ElementRef<'a> {
        let text = match position {
            0 => "",
            _ => self
                .text
                .split(char::from(self.separators.element()))
                .nth(position)
                .unwrap_or(""),
        };
        ElementRef {
            text,
            separators: self.separators,
        }
    }

    /// The text of element `position` (from 1), `""` when absent.
    pub fn get(&self, position: usize) -> &'a str {
        self.element(position).as_str()
    }

    /// How many elements the segment has (as written: trailing empty ones are usually trimmed).
    pub fn element_count(&self) -> usize {
        self.text
            .bytes()
            .filter(|&b| b == self.separators.element())
            .count()
    }

    /// An owned copy, e.g. to compare with what was written.
    pub fn to_segment(&self) -> Segment {
        Segment::of(
            self.id(),
            self.elements().map(|element| element.to_element()),
        )
    }
}

/// One element, borrowed from the input. A composite or repeated element keeps its inner delimiters
/// until asked for components or repetitions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ElementRef<'a> {
    text: &'a str,
    separators: Separators,
}

impl<'a> ElementRef<'a> {
    pub fn as_str(&self) -> &'a str {
        self.text
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Component `position` (from 1) of the first repetition, `""` when absent: `HC:99213` has
    /// component 2 `99213`.
    pub fn component(&self, position: usize) -> &'a str {
        match position {
            0 => "",
            _ => self.components().nth(position - 1).unwrap_or(""),
        }
    }

    /// Components of the first repetition.
    pub fn components(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        let first = self
            .text
            .split(char::from(self.separators.repetition()))
            .next()
            .unwrap_or("");
        first.split(char::from(self.separators.component()))
    }

    /// Each repetition as an element of its own (one, for an element that does not repeat).
    pub fn repetitions(&self) -> impl Iterator<Item = ElementRef<'a>> + use<'a> {
        let separators = self.separators;
        self.text
            .split(char::from(separators.repetition()))
            .map(move |text| ElementRef { text, separators })
    }

    pub fn to_element(&self) -> Element {
        let repetitions = self.repetitions().map(|repetition| {
            Element::composite(
                repetition
                    .text
                    .split(char::from(self.separators.component())),
            )
        });
        Element::repeated(repetitions)
    }
}

#[cfg(test)]
mod tests {
    use crate::x12::reader::{ISA_LENGTH, Reader};

    const ISA: &str = "ISA*00*          *00*          *ZZ*LABSUBMIT01    *ZZ*PAYERRCV01     *240115*1230*^*00501*000000001*0*T*:~";

    #[test]
    fn elements_and_components_are_borrowed_and_counted_from_one() {
        let input = format!("{ISA}HI*ABK:E119*ABF:I10~NM1*85*2*ACME*****XX*1234567893~");
        let segments = Reader::new(input.as_bytes())
            .expect("valid ISA")
            .collect::<Result<Vec<_>, _>>()
            .expect("readable");
        let hi = segments[1];
        assert_eq!(
            (hi.get(0), hi.get(1), hi.get(2), hi.get(3)),
            ("", "ABK:E119", "ABF:I10", "")
        );
        assert_eq!(hi.element(2).component(1), "ABF");
        assert_eq!(hi.element(2).component(0), "");
        assert_eq!(hi.element(2).component(3), "");
        assert_eq!(
            hi.element(1).components().collect::<Vec<_>>(),
            ["ABK", "E119"]
        );
        let nm1 = segments[2];
        assert_eq!(nm1.element_count(), 9);
        assert_eq!(nm1.elements().count(), 9);
        assert!(nm1.element(4).is_empty());
        assert_eq!(nm1.get(9), "1234567893");
        assert_eq!(segments[0].get(13), "000000001");
        assert_eq!(segments[0].as_str().len(), ISA_LENGTH - 1);
    }

    #[test]
    fn read_segments_convert_to_owned_segments() {
        let input = format!("{ISA}SV1*HC:99213:25*150**1^2~");
        let segments: Vec<_> = Reader::new(input.as_bytes()).expect("valid").collect();
        let sv1 = segments[1].as_ref().expect("readable").to_segment();
        assert_eq!(
            sv1,
            crate::x12::Segment::new("SV1")
                .with(crate::x12::Element::composite(["HC", "99213", "25"]))
                .with("150")
                .with("")
                .with(crate::x12::Element::repeated(["1".into(), "2".into()]))
        );
    }
}
