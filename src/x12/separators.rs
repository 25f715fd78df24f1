//! The four X12 delimiters (element, component, repetition, segment) and the rules that keep them usable:
//! each a single ASCII byte, all four distinct, none a letter, digit or space (those occur in data).

use std::fmt;

use super::error::SeparatorError;

/// Delimiters of one interchange. Construct with [`Separators::new`] (checked) or use the default
/// `*` `:` `^` `~`; the fields are private so an unchecked set cannot exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Separators {
    element: u8,
    component: u8,
    repetition: u8,
    segment: u8,
}

impl Default for Separators {
    fn default() -> Self {
        Separators {
            element: b'*',
            component: b':',
            repetition: b'^',
            segment: b'~',
        }
    }
}

/// Which delimiter a character is, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeparatorRole {
    Element,
    Component,
    Repetition,
    Segment,
}

impl fmt::Display for SeparatorRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SeparatorRole::Element => "element separator",
            SeparatorRole::Component => "component separator",
            SeparatorRole::Repetition => "repetition separator",
            SeparatorRole::Segment => "segment terminator",
        })
    }
}

impl Separators {
    /// Checks and builds a set of delimiters. Characters, not bytes, so configuration can pass what a
    /// person typed; anything outside ASCII is refused because X12 delimiters are single bytes.
    pub fn new(
        element: char,
        component: char,
        repetition: char,
        segment: char,
    ) -> Result<Self, SeparatorError> {
        let byte = |role, c: char| {
            u8::try_from(c)
                .ok()
                .filter(u8::is_ascii)
                .ok_or(SeparatorError::NotAscii { role, character: c })
        };
        Self::from_bytes(
            byte(SeparatorRole::Element, element)?,
            byte(SeparatorRole::Component, component)?,
            byte(SeparatorRole::Repetition, repetition)?,
            byte(SeparatorRole::Segment, segment)?,
        )
    }

    /// Checks and builds a set of delimiters from bytes (as found in an ISA segment).
    pub fn from_bytes(
        element: u8,
        component: u8,
        repetition: u8,
        segment: u8,
    ) -> Result<Self, SeparatorError> {
        let candidate = Separators {
            element,
            component,
            repetition,
            segment,
        };
        let roles = candidate.roles();
        for (index, &(role, byte)) in roles.iter().enumerate() {
            if !byte.is_ascii() {
                return Err(SeparatorError::NotAscii {
                    role,
                    character: char::from(byte),
                });
            }
            if byte.is_ascii_alphanumeric() || byte == b' ' {
                return Err(SeparatorError::Reserved {
                    role,
                    character: char::from(byte),
                });
            }
            if let Some(&(other, _)) = roles[..index].iter().find(|(_, b)| *b == byte) {
                return Err(SeparatorError::Duplicate {
                    first: other,
                    second: role,
                    character: char::from(byte),
                });
            }
        }
        Ok(candidate)
    }

    pub fn element(&self) -> u8 {
        self.element
    }

    pub fn component(&self) -> u8 {
        self.component
    }

    pub fn repetition(&self) -> u8 {
        self.repetition
    }

    pub fn segment(&self) -> u8 {
        self.segment
    }

    /// The role `byte` plays, if it is one of the four delimiters.
    pub fn role_of(&self, byte: u8) -> Option<SeparatorRole> {
        self.roles()
            .into_iter()
            .find(|&(_, b)| b == byte)
            .map(|(role, _)| role)
    }

    fn roles(&self) -> [(SeparatorRole, u8); 4] {
        [
            (SeparatorRole::Element, self.element),
            (SeparatorRole::Component, self.component),
            (SeparatorRole::Repetition, self.repetition),
            (SeparatorRole::Segment, self.segment),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_separators_are_star_colon_caret_tilde() {
        let s = Separators::default();
        assert_eq!(
            (s.element(), s.component(), s.repetition(), s.segment()),
            (b'*', b':', b'^', b'~')
        );
        assert_eq!(Separators::new('*', ':', '^', '~'), Ok(s));
    }

    #[test]
    fn separators_must_be_distinct() {
        assert_eq!(
            Separators::new('*', ':', '*', '~'),
            Err(SeparatorError::Duplicate {
                first: SeparatorRole::Element,
                second: SeparatorRole::Repetition,
                character: '*',
            })
        );
    }

    #[test]
    fn letters_digits_and_space_cannot_be_separators() {
        for (c, role) in [
            ('A', SeparatorRole::Element),
            ('7', SeparatorRole::Component),
            (' ', SeparatorRole::Repetition),
            ('z', SeparatorRole::Segment),
        ] {
            let mut chars = ['*', ':', '^', '~'];
            let slot = match role {
                SeparatorRole::Element => 0,
                SeparatorRole::Component => 1,
                SeparatorRole::Repetition => 2,
                SeparatorRole::Segment => 3,
            };
            chars[slot] = c;
            assert_eq!(
                Separators::new(chars[0], chars[1], chars[2], chars[3]),
                Err(SeparatorError::Reserved { role, character: c }),
                "{c:?} as {role}"
            );
        }
    }

    #[test]
    fn non_ascii_separators_are_refused() {
        assert!(matches!(
            Separators::new('*', ':', '^', '§'),
            Err(SeparatorError::NotAscii { .. })
        ));
        assert!(matches!(
            Separators::from_bytes(b'*', b':', b'^', 0x85),
            Err(SeparatorError::NotAscii { .. })
        ));
    }

    #[test]
    fn control_characters_such_as_newline_may_terminate_segments() {
        let s = Separators::new('|', '>', '^', '\n').expect("valid");
        assert_eq!(s.role_of(b'\n'), Some(SeparatorRole::Segment));
        assert_eq!(s.role_of(b'A'), None);
    }
}
