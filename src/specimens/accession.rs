//! Accession numbers: `S26-000017K` — a prefix of 1 to 4 letters, the two-digit year, `-`, a sequence of at
//! least six digits, and one check character. Aliquots add `.{n}` (`S26-000017K.2`).
//!
//! The check character is ISO 7064 MOD 37-2 (the pure system ISBT 128 uses for donation numbers) over the
//! letters and digits. Its weights are powers of 2, a primitive root modulo the prime 37, so every single
//! substitution and every adjacent transposition changes the sum (proved below over the whole state
//! space, and tested on real numbers). The hybrid MOD 37,36 system would give only letters and digits, but
//! it misses some transpositions (`01` ↔ `10` after certain prefixes; see the test). MOD 37-2 can yield
//! `*` as the 37th value; the allocator skips those sequence numbers (1 in 37), so every accession handed
//! out ends in a letter or digit and reads cleanly on a label. Parsing still knows `*` as a check value,
//! so a mistyped number that happens to end in `*` is refused for its check, not its shape.

use std::fmt;

/// The 37 symbols of ISO 7064 MOD 37-2, by value.
const ALPHABET: &[u8; 37] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*";
const MODULUS: u32 = 37;

fn value_of(symbol: u8) -> Option<u32> {
    ALPHABET
        .iter()
        .position(|&s| s == symbol)
        .map(|index| index as u32)
}

/// The check value of `text` (letters and digits only): the value that makes the whole string valid.
fn check_value(text: &str) -> Option<u32> {
    let mut p = 0;
    for symbol in text.bytes() {
        let value = value_of(symbol).filter(|&v| v < 36)?;
        p = ((p + value) * 2) % MODULUS;
    }
    Some((MODULUS + 1 - p) % MODULUS)
}

/// The check character ISO 7064 MOD 37-2 appends to `text` (letters and digits).
pub fn check_character(text: &str) -> Option<char> {
    check_value(text).map(|v| ALPHABET[v as usize] as char)
}

/// The text a check character covers: prefix, year and sequence without the `-`.
fn checked_text(prefix: &str, year: u8, sequence: u64) -> String {
    format!("{prefix}{year:02}{sequence:06}")
}

/// A primary specimen's accession number, checked.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Accession {
    prefix: String,
    year: u8,
    sequence: u64,
}

/// What a scanned or typed text names: a primary specimen, or aliquot `n` of one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScannedAccession {
    pub accession: Accession,
    pub aliquot: Option<u32>,
}

impl ScannedAccession {
    /// The text as stored in `specimens.accession`.
    pub fn text(&self) -> String {
        match self.aliquot {
            None => self.accession.to_string(),
            Some(n) => self.accession.aliquot(n),
        }
    }
}

/// Why a text is not an accession: shape (not a number at all) or check (a damaged or mistyped one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessionError {
    Shape(String),
    CheckCharacter,
}

impl fmt::Display for AccessionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AccessionError::Shape(reason) => f.write_str(reason),
            AccessionError::CheckCharacter => f.write_str(
                "the check character does not match: the barcode is damaged or the number was mistyped",
            ),
        }
    }
}

impl Accession {
    /// A new number, or `None` when its check would be `*` (the allocator then takes the next sequence).
    pub fn new(prefix: &str, year: u8, sequence: u64) -> Option<Accession> {
        let valid_prefix =
            (1..=4).contains(&prefix.len()) && prefix.bytes().all(|b| b.is_ascii_uppercase());
        if !valid_prefix || year > 99 {
            return None;
        }
        let check = check_character(&checked_text(prefix, year, sequence))?;
        (check != '*').then(|| Accession {
            prefix: prefix.to_owned(),
            year,
            sequence,
        })
    }

    /// The counter this prefix and year draw from (a new year starts again at 1).
    pub fn counter_name(prefix: &str, year: u8) -> String {
        format!("accession:{prefix}:{year:02}")
    }

    pub fn check(&self) -> char {
        check_character(&checked_text(&self.prefix, self.year, self.sequence))
            .expect("built from letters and digits")
    }

    /// The accession of aliquot `n` of this specimen.
    pub fn aliquot(&self, n: u32) -> String {
        format!("{self}.{n}")
    }

    pub fn sequence(&self) -> u64 {
        self.sequence
    }

    /// Reads a primary accession (`S26-000017K`); letters are taken in any case.
    pub fn parse(text: &str) -> Result<Accession, AccessionError> {
        let text = text.trim().to_ascii_uppercase();
        let shape = |reason: &str| AccessionError::Shape(reason.to_owned());
        let letters = text.bytes().take_while(u8::is_ascii_uppercase).count();
        if !(1..=4).contains(&letters) {
            return Err(shape("must start with a prefix of 1 to 4 letters"));
        }
        let (prefix, rest) = text.split_at(letters);
        let (year, rest) = rest
            .split_once('-')
            .ok_or_else(|| shape("must have a `-` after the two-digit year"))?;
        if year.len() != 2 || !year.bytes().all(|b| b.is_ascii_digit()) {
            return Err(shape("must have a two-digit year after the prefix"));
        }
        let Some(check) = rest.chars().last() else {
            return Err(shape(
                "must end with a sequence number and a check character",
            ));
        };
        let digits = &rest[..rest.len() - check.len_utf8()];
        if digits.len() < 6 || digits.len() > 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(shape(
                "must have a sequence of 6 to 12 digits after the `-`",
            ));
        }
        if value_of(check as u8).is_none() || !check.is_ascii() {
            return Err(shape("must end with a check character (a letter or digit)"));
        }
        let expected = check_character(&format!("{prefix}{year}{digits}"));
        if expected != Some(check) {
            return Err(AccessionError::CheckCharacter);
        }
        let sequence: u64 = digits.parse().map_err(|_| shape("sequence too long"))?;
        if digits.len() > 6 && digits.starts_with('0') {
            return Err(shape("must not pad the sequence beyond six digits"));
        }
        Ok(Accession {
            prefix: prefix.to_owned(),
            year: year.parse().expect("two digits"),
            sequence,
        })
    }
}

impl ScannedAccession {
    /// Reads a primary (`S26-000017K`) or aliquot (`S26-000017K.2`) accession.
    pub fn parse(text: &str) -> Result<ScannedAccession, AccessionError> {
        let text = text.trim();
        let (base, aliquot) = match text.split_once('.') {
            None => (text, None),
            Some((base, n)) => {
                let valid = !n.is_empty()
                    && n.len() <= 3
                    && !n.starts_with('0')
                    && n.bytes().all(|b| b.is_ascii_digit());
                if !valid {
                    return Err(AccessionError::Shape(
                        "an aliquot number after `.` must be 1 to 999".into(),
                    ));
                }
                (base, Some(n.parse().expect("digits")))
            }
        };
        Ok(ScannedAccession {
            accession: Accession::parse(base)?,
            aliquot,
        })
    }
}

impl fmt::Display for Accession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{:02}-{:06}{}",
            self.prefix,
            self.year,
            self.sequence,
            self.check()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sample of numbers: several prefixes, years and sequences (small, large, wide).
    fn sample() -> Vec<Accession> {
        let mut out = Vec::new();
        for prefix in ["S", "LAB", "QZ", "ABCD"] {
            for year in [0, 9, 26, 99] {
                for sequence in (1..400).chain([999_999, 1_000_000, 123_456_789]) {
                    out.extend(Accession::new(prefix, year, sequence));
                }
            }
        }
        out
    }

    const SYMBOLS: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*-.";

    #[test]
    fn numbers_print_in_the_documented_shape_and_parse_back() {
        let a = Accession::new("S", 26, 17).unwrap();
        let text = a.to_string();
        assert_eq!(&text[..8], "S26-0000");
        assert_eq!(text.len(), 11);
        assert_eq!(Accession::parse(&text).unwrap(), a);
        assert_eq!(Accession::parse(&text.to_lowercase()).unwrap(), a);
        let aliquot = ScannedAccession::parse(&a.aliquot(2)).unwrap();
        assert_eq!((aliquot.accession, aliquot.aliquot), (a.clone(), Some(2)));
        assert_eq!(aliquot_text(&a, 2), format!("{text}.2"));
        for accession in sample() {
            assert_eq!(Accession::parse(&accession.to_string()).unwrap(), accession);
        }
    }

    fn aliquot_text(a: &Accession, n: u32) -> String {
        ScannedAccession {
            accession: a.clone(),
            aliquot: Some(n),
        }
        .text()
    }

    #[test]
    fn every_single_character_substitution_is_detected() {
        let mut tried = 0;
        for accession in sample() {
            let text = accession.to_string();
            for (i, original) in text.char_indices() {
                for replacement in SYMBOLS.chars().filter(|&c| c != original) {
                    let mut typo = text.clone();
                    typo.replace_range(i..i + 1, &replacement.to_string());
                    assert!(Accession::parse(&typo).is_err(), "{text} -> {typo}");
                    tried += 1;
                }
            }
        }
        assert!(tried > 500_000, "{tried}");
    }

    #[test]
    fn every_adjacent_transposition_is_detected() {
        let mut tried = 0;
        for accession in sample() {
            let text = accession.to_string();
            let bytes = text.as_bytes();
            for i in 0..bytes.len() - 1 {
                if bytes[i] == bytes[i + 1] {
                    continue; // swapping equal characters is no error
                }
                let mut swapped = bytes.to_vec();
                swapped.swap(i, i + 1);
                let typo = String::from_utf8(swapped).unwrap();
                assert!(Accession::parse(&typo).is_err(), "{text} -> {typo}");
                tried += 1;
            }
        }
        assert!(tried > 30_000, "{tried}");
    }

    /// The proof behind the sampled tests: whatever the characters before, changing one character, or
    /// swapping two neighbours (the check character included), changes the final check.
    #[test]
    fn the_check_catches_every_substitution_and_transposition_from_every_state() {
        let step = |p: u32, v: u32| ((p + v) * 2) % MODULUS;
        for p in 0..MODULUS {
            for a in 0..MODULUS {
                for b in 0..MODULUS {
                    if a == b {
                        continue;
                    }
                    assert_ne!(step(p, a), step(p, b), "substitution {a}->{b}");
                    assert_ne!(
                        step(step(p, a), b),
                        step(step(p, b), a),
                        "transposition {a}{b} after {p}"
                    );
                }
            }
        }
    }

    /// Why not the hybrid MOD 37,36: it lets some adjacent transpositions through.
    #[test]
    fn the_hybrid_mod_37_36_system_would_miss_transpositions() {
        let step = |p: u32, v: u32| {
            let s = match (p + v) % 36 {
                0 => 36,
                s => s,
            };
            (2 * s) % 37
        };
        let missed = (1..=36)
            .flat_map(|p| (0..36).flat_map(move |a| (0..36).map(move |b| (p, a, b))))
            .filter(|&(p, a, b)| a != b && step(step(p, a), b) == step(step(p, b), a))
            .count();
        assert!(missed > 0);
    }

    #[test]
    fn star_checks_are_never_handed_out() {
        let skipped: Vec<u64> = (1..2000)
            .filter(|&n| Accession::new("S", 26, n).is_none())
            .collect();
        assert!(
            !skipped.is_empty() && skipped.len() < 2000 / 30,
            "{skipped:?}"
        );
        for n in skipped {
            let text = checked_text("S", 26, n);
            assert_eq!(check_character(&text), Some('*'));
        }
    }

    #[test]
    fn malformed_texts_say_what_is_wrong() {
        for text in [
            "",
            "26-000017K",
            "ABCDE26-000017K",
            "S2-000017K",
            "S26000017K",
            "S26-00017K",
            "S26-000017",
            "S26-0000170000000K",
            "S26-000017Kx",
            "S26-000017K.0",
            "S26-000017K.1000",
            "S26-000017K.",
            "S26-000017K.a",
            "S26-00001éK",
        ] {
            assert!(
                matches!(
                    ScannedAccession::parse(text),
                    Err(AccessionError::Shape(_) | AccessionError::CheckCharacter)
                ),
                "{text}"
            );
        }
        let good = Accession::new("S", 26, 17).unwrap().to_string();
        let wrong_check = format!(
            "{}{}",
            &good[..10],
            if good.ends_with('0') { '1' } else { '0' }
        );
        assert_eq!(
            Accession::parse(&wrong_check),
            Err(AccessionError::CheckCharacter)
        );
    }
}
