//! Code128 symbols of accessions, encoded by `barcoders`. We only choose the character sets: set B
//! for text, set C (two digits per symbol character) for digit runs long enough to pay for the switch,
//! following the minimal-length rules of ISO/IEC 15417 annex E.

use barcoders::sym::code128::Code128;

use super::LabelError;

/// barcoders' markers: start in / switch to character set B or C.
const SET_B: char = '\u{0181}';
const SET_C: char = '\u{0106}';

/// An encoded barcode: its modules and the dark runs (bars) among them, ready for any renderer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    /// The text with barcoders' set markers: the plan every renderer (and the printer) follows.
    plan: String,
    modules: u32,
    /// `(first module, width in modules)` of every bar, left to right.
    bars: Vec<(u32, u32)>,
}

impl Symbol {
    /// Encodes printable ASCII text (accessions are checked to a smaller alphabet before this).
    pub fn encode(text: &str) -> Result<Self, LabelError> {
        if text.is_empty() || !text.bytes().all(|b| (b' '..=b'~').contains(&b)) {
            return Err(LabelError::invalid(
                "accession",
                "a barcode holds 1 or more printable ASCII characters",
            ));
        }
        let plan = with_code_sets(text);
        let code = Code128::new(&plan)
            .map_err(|e| LabelError::Encoding(format!("Code128 of {text:?}: {e}")))?;
        let modules = code.encode();
        Ok(Symbol {
            plan,
            modules: modules.len() as u32,
            bars: dark_runs(&modules),
        })
    }

    /// Width of the symbol in modules, quiet zones excluded.
    pub fn modules(&self) -> u32 {
        self.modules
    }

    pub fn bars(&self) -> &[(u32, u32)] {
        &self.bars
    }
}

/// The barcoders input for `text`: a start marker, then set switches where digit runs pay for them.
fn with_code_sets(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 4);
    let mut in_c = false;
    let mut i = 0;
    while i < bytes.len() {
        let run = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        let at_start = i == 0;
        let at_end = i + run == bytes.len();
        let worth_c = if at_start && at_end {
            run >= 2 && run % 2 == 0 || run >= 4
        } else if at_start || at_end {
            run >= 4
        } else {
            run >= 6
        };
        if run > 0 && worth_c {
            // An odd run keeps its first digit in set B (or, at the very start, its last digit) so
            // that set C always gets pairs.
            let odd = run % 2 == 1;
            if odd && !at_start {
                set(&mut out, &mut in_c, false, i == 0);
                out.push(bytes[i] as char);
                i += 1;
            }
            let pairs_end = i + (run - usize::from(odd && !at_start)) / 2 * 2;
            set(&mut out, &mut in_c, true, i == 0);
            out.push_str(&text[i..pairs_end]);
            i = pairs_end;
        } else {
            let stop = if run > 0 { i + run } else { i + 1 };
            set(&mut out, &mut in_c, false, i == 0);
            out.push_str(&text[i..stop]);
            i = stop;
        }
    }
    out
}

/// Emits the start marker, or a switch when the set changes.
fn set(out: &mut String, in_c: &mut bool, want_c: bool, first: bool) {
    if first || *in_c != want_c {
        out.push(if want_c { SET_C } else { SET_B });
        *in_c = want_c;
    }
}

fn dark_runs(modules: &[u8]) -> Vec<(u32, u32)> {
    let mut bars = Vec::with_capacity(modules.len() / 3);
    let mut start = None;
    for (i, &m) in modules.iter().enumerate() {
        match (m != 0, start) {
            (true, None) => start = Some(i as u32),
            (false, Some(s)) => {
                bars.push((s, i as u32 - s));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        bars.push((s, modules.len() as u32 - s));
    }
    bars
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Modules of one symbol character, and of the stop pattern (with its final two-module bar).
    const CHAR_MODULES: u32 = 11;
    const STOP_MODULES: u32 = 13;

    #[test]
    fn code_sets_switch_to_c_only_where_digit_runs_pay() {
        let cases = [
            ("S26-0000017X", "ƁS26-0Ć000017ƁX"),
            ("S26-00000179", "ƁS26-Ć00000179"),
            ("S26-00000179.2", "ƁS26-Ć00000179Ɓ.2"),
            ("S26-0017", "ƁS26-Ć0017"),
            ("S26-017", "ƁS26-017"),
            ("AB1234CD", "ƁAB1234CD"),
            ("AB123456CD", "ƁABĆ123456ƁCD"),
            ("AB1234567CD", "ƁAB1Ć234567ƁCD"),
            ("12", "Ć12"),
            ("123", "Ɓ123"),
            ("12345", "Ć1234Ɓ5"),
            ("1234X", "Ć1234ƁX"),
            ("X", "ƁX"),
        ];
        for (text, want) in cases {
            assert_eq!(with_code_sets(text), want, "{text}");
        }
    }

    #[test]
    fn set_c_makes_digit_heavy_accessions_shorter_than_set_b() {
        let optimal = Symbol::encode("S26-00000179").unwrap();
        let all_b = Code128::new("ƁS26-00000179").unwrap().encode();
        assert!(optimal.modules() < all_b.len() as u32);
        // start + 12 characters + check character, then stop
        assert_eq!(all_b.len() as u32, CHAR_MODULES * 14 + STOP_MODULES);
        // start, 4 in B, code C, 4 pairs, check character, stop
        assert_eq!(optimal.modules(), 11 * (1 + 4 + 1 + 4 + 1) + 13);
    }

    #[test]
    fn symbol_starts_and_ends_with_a_bar_and_counts_its_modules() {
        let symbol = Symbol::encode("S26-0000017X").unwrap();
        let bars = symbol.bars();
        assert_eq!(bars[0].0, 0);
        let (last_start, last_width) = *bars.last().unwrap();
        assert_eq!(last_start + last_width, symbol.modules());
        // Code128: every character has 3 bars, the stop pattern 4; bars are 1 to 4 modules wide.
        let characters = (symbol.modules() - STOP_MODULES) / CHAR_MODULES;
        assert_eq!(bars.len() as u32, characters * 3 + 4);
        assert!(bars.iter().all(|&(_, w)| (1..=4).contains(&w)));
    }

    #[test]
    fn non_ascii_and_empty_text_are_refused() {
        assert!(Symbol::encode("").is_err());
        assert!(Symbol::encode("S26\u{7f}").is_err());
        assert!(Symbol::encode("Ž").is_err());
    }
}
