//! Owned X12 data to write: a [`Segment`] is an id and its [`Element`]s; an element is one or more
//! repetitions, each one or more components. Simple, composite (`HC:99213:25`) and repeated elements are
//! all the same shape, so a writer and a reader agree on what they hold.

/// One data element. A simple element is one repetition of one component.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    /// Never empty: an empty element is one repetition of one empty component.
    repetitions: Vec<Vec<String>>,
}

impl Default for Element {
    fn default() -> Self {
        Element::empty()
    }
}

impl Element {
    /// An element with no value (written as nothing between two element separators).
    pub fn empty() -> Self {
        Element::simple(String::new())
    }

    pub fn simple(value: impl Into<String>) -> Self {
        Element {
            repetitions: vec![vec![value.into()]],
        }
    }

    /// A composite element, e.g. `Element::composite(["HC", "99213", "25"])` for SV1-01.
    pub fn composite<I, S>(components: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let components: Vec<String> = components.into_iter().map(Into::into).collect();
        if components.is_empty() {
            return Element::empty();
        }
        Element {
            repetitions: vec![components],
        }
    }

    /// A repeated element: each repetition is itself a simple or composite element.
    pub fn repeated<I>(repetitions: I) -> Self
    where
        I: IntoIterator<Item = Element>,
    {
        let repetitions: Vec<Vec<String>> = repetitions
            .into_iter()
            .flat_map(|element| element.repetitions)
            .collect();
        if repetitions.is_empty() {
            return Element::empty();
        }
        Element { repetitions }
    }

    /// Repetitions, each a list of components (at least one repetition of at least one component).
    pub fn repetitions(&self) -> &[Vec<String>] {
        &self.repetitions
    }

    /// The value of a simple element; `None` for a composite or repeated one.
    pub fn as_simple(&self) -> Option<&str> {
        match self.repetitions.as_slice() {
            [only] => match only.as_slice() {
                [value] => Some(value),
                _ => None,
            },
            _ => None,
        }
    }

    /// True when every component of every repetition is empty: the element would write as nothing.
    pub fn is_empty(&self) -> bool {
        self.repetitions
            .iter()
            .all(|components| components.iter().all(String::is_empty))
    }
}

impl From<&str> for Element {
    fn from(value: &str) -> Self {
        Element::simple(value)
    }
}

impl From<String> for Element {
    fn from(value: String) -> Self {
        Element::simple(value)
    }
}

impl From<&String> for Element {
    fn from(value: &String) -> Self {
        Element::simple(value.as_str())
    }
}

/// One segment: its id (`NM1`) and elements, element 1 first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    id: String,
    elements: Vec<Element>,
}

impl Segment {
    pub fn new(id: impl Into<String>) -> Self {
        Segment {
            id: id.into(),
            elements: Vec::new(),
        }
    }

    /// A segment from its id and elements: `Segment::of("N4", ["SPRINGFIELD", "IL", "627011234"])`.
    pub fn of<I, E>(id: impl Into<String>, elements: I) -> Self
    where
        I: IntoIterator<Item = E>,
        E: Into<Element>,
    {
        Segment {
            id: id.into(),
            elements: elements.into_iter().map(Into::into).collect(),
        }
    }

    /// Appends the next element (builder style): `Segment::new("REF").with("6R").with(line_id)`.
    pub fn with(mut self, element: impl Into<Element>) -> Self {
        self.push(element);
        self
    }

    pub fn push(&mut self, element: impl Into<Element>) {
        self.elements.push(element.into());
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn elements(&self) -> &[Element] {
        &self.elements
    }

    /// Element `position` counted from 1 as in `NM1-03`; `None` past the end.
    pub fn element(&self, position: usize) -> Option<&Element> {
        position.checked_sub(1).and_then(|i| self.elements.get(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_composite_and_repeated_elements_share_one_shape() {
        assert_eq!(Element::simple("A").repetitions(), &[vec!["A".to_string()]]);
        assert_eq!(
            Element::composite(["HC", "99213"]).repetitions(),
            &[vec!["HC".to_string(), "99213".to_string()]]
        );
        let repeated = Element::repeated([Element::simple("A"), Element::composite(["B", "C"])]);
        assert_eq!(repeated.repetitions().len(), 2);
        assert_eq!(repeated.as_simple(), None);
    }

    #[test]
    fn empty_constructors_give_the_empty_element() {
        assert_eq!(Element::composite(Vec::<String>::new()), Element::empty());
        assert_eq!(Element::repeated([]), Element::empty());
        assert_eq!(Element::default(), Element::simple(""));
        assert!(Element::composite(["", ""]).is_empty());
        assert!(!Element::composite(["", "X"]).is_empty());
    }

    #[test]
    fn elements_are_numbered_from_one() {
        let segment = Segment::of("N4", ["SPRINGFIELD", "IL"]).with("627011234");
        assert_eq!(segment.element(0), None);
        assert_eq!(
            segment.element(1).and_then(Element::as_simple),
            Some("SPRINGFIELD")
        );
        assert_eq!(
            segment.element(3).and_then(Element::as_simple),
            Some("627011234")
        );
        assert_eq!(segment.element(4), None);
    }
}
