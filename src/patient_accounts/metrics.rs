//! Text measuring for the statement PDF: the advance widths of Helvetica and Helvetica-Bold (from
//! Adobe's AFM files of the standard 14 fonts, which every PDF reader's substitute matches), so the
//! layout can right-align figures, wrap descriptions and shrink what would not fit instead of
//! letting text run past its column. The built-in fonts print WinAnsi only: text is folded to ASCII.

use crate::ascii::fold_to_ascii;

/// Widths of ' ' (0x20) to '~' (0x7E) in 1/1000 em.
const REGULAR: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278,
    278, // ' ' to /
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // 0 to 9
    278, 278, 584, 584, 584, 556, 1015, // : to @
    667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, // A to M
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, // N to Z
    278, 278, 278, 469, 556, 333, // [ to `
    556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, // a to m
    556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, // n to z
    334, 260, 334, 584, // { to ~
];

const BOLD: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278,
    278, // ' ' to /
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // 0 to 9
    333, 333, 584, 584, 584, 611, 975, // : to @
    722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, // A to M
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, // N to Z
    333, 278, 333, 584, 556, 333, // [ to `
    556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, // a to m
    611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, // n to z
    389, 280, 389, 584, // { to ~
];

/// Regular or bold Helvetica.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    Regular,
    Bold,
}

/// Printable ASCII: Latin letters with diacritics become their base letters as an 837P spells them
/// (Núñez → Nunez, `crate::ascii`), characters without an ASCII form `?`, control characters a space.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            ' '..='~' => out.push(c),
            c if c.is_control() || c.is_whitespace() => out.push(' '),
            c => match fold_to_ascii(c.encode_utf8(&mut [0; 4])) {
                Ok(folded) => out.push_str(&folded),
                Err(_) => out.push('?'),
            },
        }
    }
    out
}

/// The width of (printable) `text` at `size` points.
pub fn width(text: &str, weight: Weight, size: f32) -> f32 {
    let table = match weight {
        Weight::Regular => &REGULAR,
        Weight::Bold => &BOLD,
    };
    let units: u32 = text
        .bytes()
        .map(|b| match b {
            0x20..=0x7E => u32::from(table[usize::from(b - 0x20)]),
            _ => 556,
        })
        .sum();
    units as f32 * size / 1000.0
}

/// The largest size up to `size` at which `text` fits in `room` points.
pub fn fitting_size(text: &str, weight: Weight, size: f32, room: f32) -> f32 {
    let w = width(text, weight, size);
    if w <= room { size } else { size * room / w }
}

/// `text` broken into lines no wider than `room`: at spaces, and inside a word only when the word
/// alone is wider than the room. Never loses a character.
pub fn wrap(text: &str, weight: Weight, size: f32, room: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if width(&candidate, weight, size) <= room {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        for c in word.chars() {
            let mut longer = line.clone();
            longer.push(c);
            if !line.is_empty() && width(&longer, weight, size) > room {
                lines.push(std::mem::take(&mut line));
                line.push(c);
            } else {
                line = longer;
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// `1234.5` → `1,234.50`, negative amounts with a leading minus.
pub fn amount(value: rust_decimal::Decimal) -> String {
    let text = format!("{:.2}", value.abs().round_dp(2));
    let (whole, cents) = text.split_once('.').unwrap_or((&text, "00"));
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let sign = if value.is_sign_negative() && !value.is_zero() {
        "-"
    } else {
        ""
    };
    format!("{sign}{grouped}.{cents}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_follow_the_font_metrics() {
        // Helvetica digits are 556 units: "100.00" = 5 × 556 + 278.
        assert!((width("100.00", Weight::Regular, 10.0) - 30.58).abs() < 0.01);
        assert!(width("Wm", Weight::Bold, 10.0) > width("il", Weight::Bold, 10.0));
        assert_eq!(fitting_size("12345", Weight::Regular, 10.0, 100.0), 10.0);
        assert!(fitting_size("12345", Weight::Regular, 10.0, 10.0) < 4.0);
    }

    #[test]
    fn wrapping_keeps_every_character_within_the_room() {
        let text = "Comprehensive metabolic panel with a supercalifragilisticexpialidociousword";
        let lines = wrap(text, Weight::Regular, 8.5, 80.0);
        assert!(lines.len() > 2, "{lines:?}");
        for line in &lines {
            assert!(width(line, Weight::Regular, 8.5) <= 80.0, "{line}");
        }
        let rejoined: String = lines.concat().split_whitespace().collect();
        let original: String = text.split_whitespace().collect();
        assert_eq!(rejoined, original);
        assert_eq!(wrap("", Weight::Regular, 8.5, 80.0), vec![String::new()]);
    }

    #[test]
    fn amounts_are_grouped_and_names_printable() {
        let cases = [
            ("0", "0.00"),
            ("53", "53.00"),
            ("1234.5", "1,234.50"),
            ("-1000000", "-1,000,000.00"),
        ];
        for (value, text) in cases {
            assert_eq!(amount(value.parse().unwrap()), text);
        }
        assert_eq!(printable("Núñez\u{2013}Ødegård\tZoë"), "Nunez-Odegard Zoe");
    }
}
