//! Where everything goes on a label, in printer dots. Computed once, drawn by every renderer.
//!
//! The barcode's module (narrowest bar) is a whole number of dots, so a thermal printer reproduces
//! every bar width exactly; the symbol keeps a quiet zone of at least [`QUIET_MODULES`] modules on both
//! sides. Text is laid out on a grid of 6 × 9 font pixels per character (the built-in 5 × 7 font plus
//! spacing), scaled by a whole number of dots.

use super::code128::Symbol;
use super::data::{LabelData, LabelSpec};
use super::{Dpi, LabelError};

/// Quiet zone on each side of the symbol, in modules (Code128 asks for 10).
pub const QUIET_MODULES: u32 = 10;
/// Font cell in font pixels: 5 × 7 glyphs with one column and two rows of spacing.
pub const CELL_W: u32 = 6;
pub const CELL_H: u32 = 9;
pub const GLYPH_W: u32 = 5;
pub const GLYPH_H: u32 = 7;

/// A laid-out label. All coordinates are dots from the top-left corner.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub width: u32,
    pub height: u32,
    pub dpi: Dpi,
    pub width_in: f64,
    pub height_in: f64,
    pub accession: String,
    pub barcode: Barcode,
    pub lines: Vec<TextLine>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Barcode {
    /// Left edge of the first bar; the quiet zone lies to its left.
    pub x: u32,
    pub y: u32,
    pub height: u32,
    /// Dots per module.
    pub module: u32,
    pub symbol: Symbol,
}

impl Barcode {
    /// `(x, width)` in dots of every bar.
    pub fn bars(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        let m = self.module;
        self.symbol
            .bars()
            .iter()
            .map(move |&(start, width)| (self.x + start * m, width * m))
    }

    pub fn width(&self) -> u32 {
        self.symbol.modules() * self.module
    }
}

/// One line of text: its top-left corner, the font scale (dots per font pixel) and the text, already
/// cut to what fits the label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextLine {
    pub x: u32,
    pub y: u32,
    pub scale: u32,
    pub text: String,
}

impl TextLine {
    /// Horizontal advance per character, in dots.
    pub fn advance(&self) -> u32 {
        CELL_W * self.scale
    }
    /// Height of a capital letter (the glyph), in dots.
    pub fn cap_height(&self) -> u32 {
        GLYPH_H * self.scale
    }
    /// Width of the inked text, in dots.
    pub fn width(&self) -> u32 {
        let n = self.text.chars().count() as u32;
        (n * CELL_W).saturating_sub(CELL_W - GLYPH_W) * self.scale
    }
}

impl Layout {
    pub fn new(data: &LabelData, spec: &LabelSpec) -> Result<Self, LabelError> {
        let (width, height) = (spec.width_dots(), spec.height_dots());
        let dpi = spec.dpi().dots_per_inch();
        let symbol = Symbol::encode(data.accession())?;
        let module = module_width(data.accession(), &symbol, width, dpi)?;
        let grid = Grid::new(width, dpi);
        let mut texts = grid.texts(data);

        // Drop detail lines from the bottom until the barcode keeps a scannable height.
        let min_bar = dpi / 4;
        let chrome = 2 * grid.margin + grid.gap;
        while texts.len() > 1 && height < chrome + text_height(&texts) + min_bar {
            texts.pop();
        }
        let bar_height = height
            .checked_sub(chrome + text_height(&texts))
            .filter(|&h| h >= min_bar)
            .ok_or_else(|| {
                LabelError::invalid("height_in", "the label is too short for a barcode")
            })?;
        let lines = grid.place(texts, grid.margin + bar_height + grid.gap);
        let barcode = Barcode {
            // Centred: the quiet zones are at least QUIET_MODULES each.
            x: (width - symbol.modules() * module) / 2,
            y: grid.margin,
            height: bar_height,
            module,
            symbol,
        };
        Ok(Layout {
            width,
            height,
            dpi: spec.dpi(),
            width_in: spec.width_in(),
            height_in: spec.height_in(),
            accession: data.accession().to_string(),
            barcode,
            lines,
        })
    }
}

/// The text grid of a label: margins, font scales and how many characters fit a line.
struct Grid {
    width: u32,
    margin: u32,
    /// Dots per font pixel of the detail lines; the accession's is half as big again.
    scale: u32,
    /// Between the bars and the first line of text.
    gap: u32,
}

impl Grid {
    fn new(width: u32, dpi: u32) -> Self {
        let scale = (dpi + 50) / 100; // 2 dots per font pixel at 203 dpi, 3 at 300
        Grid {
            width,
            margin: dpi / 25, // about 1 mm: printers do not register labels to the dot
            scale,
            gap: 3 * scale,
        }
    }

    fn chars_fit(&self, scale: u32) -> usize {
        ((self.width - 2 * self.margin + (CELL_W - GLYPH_W) * scale) / (CELL_W * scale)) as usize
    }

    /// `(scale, text)` of every line: the accession in large type when it fits, then the details.
    fn texts(&self, data: &LabelData) -> Vec<(u32, String)> {
        let big = self.scale + self.scale / 2;
        let accession_scale = if data.accession().len() <= self.chars_fit(big) {
            big
        } else {
            self.scale
        };
        let mut texts = vec![(accession_scale, data.accession().to_string())];
        texts.extend(detail_lines(data).into_iter().map(|t| (self.scale, t)));
        texts
    }

    /// The lines stacked from `top`, each cut to what fits the width.
    fn place(&self, texts: Vec<(u32, String)>, top: u32) -> Vec<TextLine> {
        let mut y = top;
        texts
            .into_iter()
            .map(|(scale, text)| {
                let line = TextLine {
                    x: self.margin,
                    y,
                    scale,
                    text: text.chars().take(self.chars_fit(scale)).collect(),
                };
                y += CELL_H * scale;
                line
            })
            .collect()
    }
}

fn text_height(lines: &[(u32, String)]) -> u32 {
    lines.iter().map(|(scale, _)| CELL_H * scale).sum()
}

/// The widest whole-dot module with which the symbol and its quiet zones fit the label; capped at
/// 0.5 mm so short accessions do not turn into fences.
fn module_width(accession: &str, symbol: &Symbol, width: u32, dpi: u32) -> Result<u32, LabelError> {
    let needed = symbol.modules() + 2 * QUIET_MODULES;
    let module = (width / needed).min(dpi / 50);
    if module == 0 {
        return Err(LabelError::TooWide {
            accession: accession.to_string(),
            needed,
            available: width,
        });
    }
    Ok(module)
}

/// The human-readable lines under the accession, most important first (the last ones are dropped
/// when the label is short).
fn detail_lines(data: &LabelData) -> Vec<String> {
    let mut lines = vec![
        data.patient().to_string(),
        format!(
            "DOB {}  MRN {}",
            data.date_of_birth().format("%Y-%m-%d"),
            data.mrn()
        ),
    ];
    let collected = match data.collected_at() {
        Some(at) => format!("COLL {}", at.format("%Y-%m-%d %H:%M")),
        // Left blank for the phlebotomist to write in.
        None => "COLL ________ __:__".to_string(),
    };
    lines.push(if data.container().is_empty() {
        collected
    } else {
        format!("{collected}  {}", data.container())
    });
    if !data.test_codes().is_empty() {
        lines.push(data.test_codes().join(" "));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::specimens::label::data::tests::fields;

    fn layout(accession: &str, spec: LabelSpec) -> Layout {
        Layout::new(&LabelData::new(fields(accession)).unwrap(), &spec).unwrap()
    }

    fn all_specs() -> Vec<LabelSpec> {
        let mut specs = vec![];
        for dpi in [Dpi::D203, Dpi::D300] {
            for (w, h) in [(2.0, 1.0), (1.5, 0.75), (3.0, 2.0), (4.0, 1.0), (1.5, 4.0)] {
                specs.push(LabelSpec::new(w, h, dpi).unwrap());
            }
        }
        specs
    }

    #[test]
    fn everything_stays_inside_the_label_and_text_stays_below_the_bars() {
        for spec in all_specs() {
            for accession in [
                "S26-00000179",
                "S26-00000179.12",
                "X",
                "LAB-2026/ABCDEFGH-1",
            ] {
                let l = layout(accession, spec);
                let b = &l.barcode;
                assert!(
                    b.x + b.width() <= l.width && b.y + b.height <= l.height,
                    "{spec:?}"
                );
                for line in &l.lines {
                    assert!(line.x + line.width() <= l.width, "{spec:?} {line:?}");
                    assert!(line.y + line.cap_height() <= l.height, "{spec:?} {line:?}");
                    assert!(line.y >= b.y + b.height, "{spec:?} {line:?}");
                }
                assert_eq!(
                    l.lines[0].text, accession,
                    "the accession is always printed"
                );
            }
        }
    }

    #[test]
    fn quiet_zones_hold_ten_modules_on_both_sides() {
        for spec in all_specs() {
            for accession in [
                "S26-000017K",
                "S26-000017K.123",
                "AB",
                "LAB-2026/ABCDEFGH-1",
            ] {
                let b = layout(accession, spec).barcode;
                assert!(b.x >= QUIET_MODULES * b.module, "{spec:?} {accession}");
                assert!(b.x + b.width() + QUIET_MODULES * b.module <= spec.width_dots());
            }
        }
    }

    #[test]
    fn accessions_and_their_aliquots_get_two_dot_modules_on_a_2x1_label_at_203_dpi() {
        for accession in [
            "S26-000017K",
            "S26-000017K.2",
            "S26-000017K.12",
            "CHEM26-123456K",
        ] {
            let b = layout(accession, LabelSpec::two_by_one(Dpi::D203)).barcode;
            assert_eq!(b.module, 2, "{accession}");
        }
    }

    #[test]
    fn bars_are_whole_dots_and_multiples_of_the_module() {
        let l = layout("S26-00000179", LabelSpec::two_by_one(Dpi::D203));
        assert_eq!(l.barcode.module, 2);
        assert_eq!(
            layout("S26-00000179", LabelSpec::two_by_one(Dpi::D300))
                .barcode
                .module,
            3
        );
        for (x, w) in l.barcode.bars() {
            assert_eq!(w % l.barcode.module, 0);
            assert_eq!((x - l.barcode.x) % l.barcode.module, 0);
        }
    }

    #[test]
    fn a_2x1_label_keeps_every_line_and_a_quarter_inch_of_bars() {
        for dpi in [Dpi::D203, Dpi::D300] {
            let l = layout("S26-00000179", LabelSpec::two_by_one(dpi));
            let texts: Vec<&str> = l.lines.iter().map(|t| t.text.as_str()).collect();
            assert_eq!(
                texts,
                [
                    "S26-00000179",
                    "DOE, JANE",
                    "DOB 1980-02-29  MRN M0000123",
                    "COLL 2026-11-29 14:05  SST",
                    "80053 85025"
                ]
            );
            assert!(l.barcode.height >= dpi.dots_per_inch() / 4);
        }
    }

    #[test]
    fn short_labels_drop_the_least_important_lines_first() {
        let l = layout(
            "S26-00000179",
            LabelSpec::new(2.0, 0.75, Dpi::D203).unwrap(),
        );
        assert!(l.lines.len() < 5);
        assert_eq!(l.lines[1].text, "DOE, JANE");
        assert!(l.barcode.height >= 203 / 4);
    }

    #[test]
    fn long_text_is_cut_to_the_label_width() {
        let mut f = fields("S26-00000179");
        f.test_codes = (0..40).map(|i| format!("T{i:04}")).collect();
        let l = Layout::new(
            &LabelData::new(f).unwrap(),
            &LabelSpec::two_by_one(Dpi::D203),
        )
        .unwrap();
        let tests = l.lines.last().unwrap();
        assert!(tests.text.starts_with("T0000 T0001"));
        assert!(tests.x + tests.width() <= l.width);
    }

    #[test]
    fn an_accession_too_long_for_the_stock_is_refused_not_squeezed() {
        let data = LabelData::new(fields(&"A".repeat(40))).unwrap();
        let err = Layout::new(&data, &LabelSpec::new(1.5, 1.0, Dpi::D203).unwrap()).unwrap_err();
        assert!(matches!(err, LabelError::TooWide { .. }), "{err:?}");
    }
}
