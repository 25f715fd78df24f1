//! SVG labels: sized in inches, drawn in printer dots (the viewBox), so a browser shows the label at
//! its real size and a printer driver at the label's dpi lands every bar on whole dots.

use std::fmt::Write;

use super::layout::Layout;

const FONT_FAMILY: &str = "'DejaVu Sans Mono','Liberation Mono',monospace";

/// The label as a standalone SVG document.
pub fn render_svg(layout: &Layout) -> String {
    let mut out = String::with_capacity(4096);
    write_svg(&mut out, layout);
    out
}

/// Appends the SVG of `layout` to `out` (batches reuse one buffer).
pub fn write_svg(out: &mut String, layout: &Layout) {
    let (w, h) = (layout.width, layout.height);
    // `write!` into a String cannot fail.
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{}in\" height=\"{}in\" \
         viewBox=\"0 0 {w} {h}\"><title>",
        layout.width_in, layout.height_in
    );
    escape_into(out, &layout.accession);
    // crispEdges: a rasteriser snaps bar edges to its pixels instead of blurring them into grey.
    let _ = write!(
        out,
        "</title><rect width=\"{w}\" height=\"{h}\" fill=\"#fff\"/>\
         <g fill=\"#000\" shape-rendering=\"crispEdges\">"
    );
    let bar = &layout.barcode;
    for (x, width) in bar.bars() {
        let _ = write!(
            out,
            "<rect x=\"{x}\" y=\"{}\" width=\"{width}\" height=\"{}\"/>",
            bar.y, bar.height
        );
    }
    let _ = write!(out, "</g><g font-family=\"{FONT_FAMILY}\" fill=\"#000\">");
    for line in &layout.lines {
        // A monospace advance is 0.6 em: font-size 10 s gives the layout's 6 s cell, and textLength
        // holds the line to its width whatever font the viewer substitutes.
        let chars = line.text.chars().count() as u32;
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" font-size=\"{}\" textLength=\"{}\" lengthAdjust=\"spacingAndGlyphs\">",
            line.x,
            line.y + line.cap_height(),
            10 * line.scale,
            chars * line.advance(),
        );
        escape_into(out, &line.text);
        out.push_str("</text>");
    }
    out.push_str("</g></svg>");
}

/// XML text escaping; characters XML 1.0 cannot hold at all become '?'.
pub fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('?'),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::specimens::label::data::tests::fields;
    use crate::specimens::label::{Dpi, LabelData, LabelSpec};
    use quick_xml::Reader;
    use quick_xml::events::Event;

    fn svg_for(last_name: &str, dpi: Dpi) -> (Layout, String) {
        let mut f = fields("S26-00000179");
        f.last_name = last_name.into();
        let data = LabelData::new(f).unwrap();
        let layout = Layout::new(&data, &LabelSpec::two_by_one(dpi)).unwrap();
        let svg = render_svg(&layout);
        (layout, svg)
    }

    /// Every element name and every text node (entities resolved), read back by a real XML parser.
    fn parse(svg: &str) -> (Vec<String>, Vec<String>) {
        let mut reader = Reader::from_str(svg);
        let (mut names, mut texts, mut text) = (vec![], vec![], String::new());
        loop {
            let event = reader.read_event().expect("well-formed XML");
            match &event {
                Event::Text(t) => text.push_str(&t.xml10_content()),
                Event::GeneralRef(r) => {
                    let name = r.clone().into_inner();
                    text.push_str(quick_xml::escape::resolve_predefined_entity(&name).unwrap());
                }
                _ if !text.is_empty() => texts.push(std::mem::take(&mut text)),
                _ => {}
            }
            match event {
                Event::Start(e) | Event::Empty(e) => names.push(e.name().as_ref().to_string()),
                Event::Eof => break,
                _ => {}
            }
        }
        (names, texts)
    }

    #[test]
    fn svg_is_a_complete_document_in_inches_with_a_viewbox_in_dots() {
        let (layout, svg) = svg_for("Doe", Dpi::D203);
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.contains("width=\"2in\" height=\"1in\" viewBox=\"0 0 406 203\""));
        let (names, _) = parse(&svg);
        let rects = names.iter().filter(|n| *n == "rect").count();
        assert_eq!(rects, 1 + layout.barcode.symbol.bars().len());
        assert_eq!(
            names.iter().filter(|n| *n == "text").count(),
            layout.lines.len()
        );
    }

    #[test]
    fn markup_in_patient_data_is_escaped_not_interpreted() {
        let (_, svg) = svg_for("<script>&\"O'Neil\"</script>", Dpi::D300);
        let (names, texts) = parse(&svg);
        assert!(!names.iter().any(|n| n == "script"));
        assert!(
            texts
                .iter()
                .any(|t| t.starts_with("<SCRIPT>&\"O'NEIL\"</SCRIPT>")),
            "{texts:?}"
        );
    }

    #[test]
    fn escaping_replaces_what_xml_cannot_hold() {
        let mut out = String::new();
        escape_into(&mut out, "a<b>&'\"\u{1}\u{FFFF}é");
        assert_eq!(out, "a&lt;b&gt;&amp;&apos;&quot;??é");
    }
}
