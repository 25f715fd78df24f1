//! ZPL II labels for Zebra printers: the printer draws the barcode itself (`^BC` Code128) and the text
//! with its scalable font `^A0`. The barcode field holds the accession as it reads (`^FDS26-000017K^FS`)
//! in `^BC`'s automatic mode: the printer picks code sets B and C the same minimal way our layout did
//! (ISO 15417 annex E), so the symbol has the width the layout gave it, and anyone reading the stream
//! sees the accession. Text fields go through `^FH`, so a `^` or `~` in a patient's data is printed,
//! never executed.

use std::fmt::Write;

use super::layout::Layout;

/// The hexadecimal escape character announced by `^FH_`.
const HEX_ESCAPE: u8 = b'_';

/// One label, printed `copies` times (`^PQ`).
pub fn render_zpl(layout: &Layout, copies: u32) -> String {
    let mut out = String::with_capacity(512);
    write_zpl(&mut out, layout, copies);
    out
}

/// Several labels as one stream for one print job: each its own `^XA … ^XZ`.
pub fn render_zpl_batch<'a>(labels: impl IntoIterator<Item = (&'a Layout, u32)>) -> String {
    let mut out = String::new();
    for (layout, copies) in labels {
        write_zpl(&mut out, layout, copies);
    }
    out
}

/// Appends one `^XA … ^XZ` label to `out`.
pub fn write_zpl(out: &mut String, layout: &Layout, copies: u32) {
    let bar = &layout.barcode;
    // ^CI28: field data is UTF-8. ^PW/^LL: the label in dots. ^LH0,0: positions from its corner.
    let _ = write!(
        out,
        "^XA\n^CI28\n^PW{}\n^LL{}\n^LH0,0\n",
        layout.width, layout.height
    );
    // ^BY sets the module in dots; ^BC: normal orientation, bar height, no printed interpretation
    // line (we print our own), no check digit beyond Code128's own, automatic subset mode. Accessions
    // are letters, digits, `-`, `.` and `/` (LabelData checks), so the field needs no escaping.
    let _ = writeln!(
        out,
        "^FO{},{}^BY{}^BCN,{},N,N,N,A^FD{}^FS",
        bar.x, bar.y, bar.module, bar.height, layout.accession
    );
    for line in &layout.lines {
        let size = 10 * line.scale;
        // ^A0's cell starts above the capitals; lift it so capitals sit where the layout put them.
        let top = line.y.saturating_sub(line.scale);
        let _ = write!(out, "^FO{},{top}^A0N,{size},{size}^FH_^FD", line.x);
        escape_into(out, &line.text);
        out.push_str("^FS\n");
    }
    let _ = write!(out, "^PQ{}\n^XZ\n", copies.max(1));
}

/// Field data for `^FH_`: printable ASCII stays, everything else (the command prefixes `^` and `~`,
/// the escape `_` itself, and each UTF-8 byte of non-ASCII text) becomes `_XX`.
pub fn escape_into(out: &mut String, text: &str) {
    for &b in text.as_bytes() {
        if (0x20..0x7F).contains(&b) && !matches!(b, b'^' | b'~' | HEX_ESCAPE) {
            out.push(b as char);
        } else {
            let _ = write!(out, "_{b:02X}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::specimens::label::data::tests::fields;
    use crate::specimens::label::{Dpi, LabelData, LabelSpec};

    fn layout_for(last_name: &str, accession: &str) -> Layout {
        let mut f = fields(accession);
        f.last_name = last_name.into();
        Layout::new(
            &LabelData::new(f).unwrap(),
            &LabelSpec::two_by_one(Dpi::D203),
        )
        .unwrap()
    }

    #[test]
    fn a_label_is_one_complete_format_sized_in_dots() {
        let zpl = render_zpl(&layout_for("Doe", "S26-00000179"), 3);
        assert!(zpl.starts_with("^XA\n") && zpl.ends_with("^XZ\n"));
        assert_eq!(zpl.matches("^XA").count(), 1);
        assert_eq!(zpl.matches("^XZ").count(), 1);
        assert!(zpl.contains("^PW406\n^LL203\n"));
        assert!(zpl.contains("^BY2^BCN,"));
        assert!(zpl.contains(",N,N,N,A^FDS26-00000179^FS"));
        assert!(zpl.contains("^PQ3\n^XZ"));
        // Every field is closed.
        assert_eq!(zpl.matches("^FO").count(), zpl.matches("^FS").count());
    }

    #[test]
    fn carets_and_tildes_in_patient_data_cannot_inject_commands() {
        let zpl = render_zpl(&layout_for("^XZ~JA^XA_Müller", "S26-00000179"), 1);
        assert_eq!(zpl.matches("^XA").count(), 1);
        assert_eq!(zpl.matches("^XZ").count(), 1);
        assert!(!zpl.contains("~JA"));
        assert!(
            zpl.contains("^FH_^FD_5EXZ_7EJA_5EXA_5FM_C3_9CLLER, JANE^FS"),
            "{zpl}"
        );
    }

    #[test]
    fn escaping_round_trips_through_fh_hex() {
        let text = "a^b~c_d é\u{1}";
        let mut escaped = String::new();
        escape_into(&mut escaped, text);
        // Decode as a printer does: `_XX` is one byte.
        let mut bytes = vec![];
        let raw = escaped.as_bytes();
        let mut i = 0;
        while i < raw.len() {
            if raw[i] == b'_' {
                let hex = std::str::from_utf8(&raw[i + 1..i + 3]).unwrap();
                bytes.push(u8::from_str_radix(hex, 16).unwrap());
                i += 3;
            } else {
                bytes.push(raw[i]);
                i += 1;
            }
        }
        assert_eq!(String::from_utf8(bytes).unwrap(), text);
        assert!(!escaped.contains('^') && !escaped.contains('~'));
    }

    #[test]
    fn a_batch_holds_one_format_per_label_in_order() {
        let a = layout_for("Doe", "S26-00000179");
        let b = layout_for("Roe", "S26-00000180");
        let zpl = render_zpl_batch([(&a, 2), (&b, 1)]);
        assert_eq!(zpl.matches("^XA").count(), 2);
        assert_eq!(zpl.matches("^XZ").count(), 2);
        let first = zpl.find("^FDS26-00000179^FS").unwrap();
        let second = zpl.find("^FDS26-00000180^FS").unwrap();
        assert!(first < zpl.find("^XZ").unwrap() && second > zpl.find("^XZ").unwrap());
        assert!(zpl.contains("^PQ2\n^XZ\n^XA"));
    }
}
