//! Free text (names, addresses, notes) folded to ASCII where only ASCII goes: 837P files (the policy
//! below) and the statement PDF's built-in fonts (`patient_accounts::metrics::printable`).
//!
//! X12 data is printable ASCII, and payers match names as they hold them: upper-case ASCII (`NUNEZ`,
//! `JOSE`). So Latin letters with accents, typographic apostrophes and dashes are folded to their ASCII
//! letter or sign (`Núñez` → `NUNEZ`, `O’Brien` → `O'BRIEN`); this is what every clearinghouse does and
//! changes no identity. Anything else is *refused*, never dropped or replaced: a character without an
//! ASCII form (`王`), and above all an X12 separator (`*` `:` `^` `~`). Upstream validation already
//! refuses separators in names and addresses, so reaching one here means a record bypassed it; silently
//! changing a patient's name would send a claim the payer cannot match, so the batch writer stops with
//! an error naming the claim and loop, and the claim must be corrected (or left out) before it is sent.
//! Separators themselves pass through this fold untouched: the X12 writer refuses them with the segment
//! and element.

use std::borrow::Cow;

/// `text` with accented Latin letters and typographic signs folded to ASCII, or the first character that
/// has no ASCII form.
pub fn fold_to_ascii(text: &str) -> Result<Cow<'_, str>, char> {
    if text.is_ascii() {
        return Ok(Cow::Borrowed(text));
    }
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        if character.is_ascii() {
            out.push(character);
        } else {
            let form = ascii_form(character).ok_or(character)?;
            if character.is_lowercase() {
                out.extend(form.chars().map(|c| c.to_ascii_lowercase()));
            } else {
                out.push_str(form);
            }
        }
    }
    Ok(Cow::Owned(out))
}

/// The ASCII spelling of a non-ASCII character common in names and addresses (Latin-1 Supplement and
/// Latin Extended-A letters, typographic quotes, dashes and spaces), upper-case for letters.
fn ascii_form(character: char) -> Option<&'static str> {
    let upper = character.to_uppercase().next().unwrap_or(character);
    let form = match upper {
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' | 'Ă' | 'Ą' => "A",
        'Æ' => "AE",
        'Ç' | 'Ć' | 'Ĉ' | 'Ċ' | 'Č' => "C",
        'Ď' | 'Đ' | 'Ð' => "D",
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ĕ' | 'Ė' | 'Ę' | 'Ě' => "E",
        'Ĝ' | 'Ğ' | 'Ġ' | 'Ģ' => "G",
        'Ĥ' | 'Ħ' => "H",
        'Ì' | 'Í' | 'Î' | 'Ï' | 'Ĩ' | 'Ī' | 'Ĭ' | 'Į' | 'İ' => "I",
        'Ĵ' => "J",
        'Ķ' => "K",
        'Ĺ' | 'Ļ' | 'Ľ' | 'Ŀ' | 'Ł' => "L",
        'Ñ' | 'Ń' | 'Ņ' | 'Ň' => "N",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō' | 'Ŏ' | 'Ő' => "O",
        'Œ' => "OE",
        'Ŕ' | 'Ŗ' | 'Ř' => "R",
        'Ś' | 'Ŝ' | 'Ş' | 'Š' => "S",
        'Ţ' | 'Ť' | 'Ŧ' => "T",
        'Þ' => "TH",
        'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ũ' | 'Ū' | 'Ŭ' | 'Ů' | 'Ű' | 'Ų' => "U",
        'Ŵ' => "W",
        'Ý' | 'Ÿ' | 'Ŷ' => "Y",
        'Ź' | 'Ż' | 'Ž' => "Z",
        _ => match character {
            'ß' => "SS",
            '\u{2018}' | '\u{2019}' | '\u{02BC}' | '\u{00B4}' => "'",
            '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' => "-",
            '\u{00A0}' | '\u{2007}' | '\u{202F}' => " ",
            _ => return None,
        },
    };
    Some(form)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accented_names_fold_to_their_ascii_letters() {
        for (given, folded) in [
            ("Núñez", "Nunez"),
            ("José", "Jose"),
            ("Zoë Müller", "Zoe Muller"),
            ("O\u{2019}Brien", "O'Brien"),
            ("Straße", "Strasse"),
            ("Łódź", "Lodz"),
            ("ÉLODIE", "ELODIE"),
            ("Smith\u{2013}Jones", "Smith-Jones"),
        ] {
            assert_eq!(fold_to_ascii(given).as_deref(), Ok(folded), "{given}");
        }
    }

    #[test]
    fn ascii_text_is_borrowed_unchanged_separators_included() {
        assert!(matches!(fold_to_ascii("A*B"), Ok(Cow::Borrowed("A*B"))));
    }

    #[test]
    fn characters_without_an_ascii_form_are_refused() {
        assert_eq!(fold_to_ascii("王小明"), Err('王'));
        assert_eq!(fold_to_ascii("Ann 😀"), Err('😀'));
    }
}
