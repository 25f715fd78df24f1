//! Many labels as one print job: a ZPL stream (one `^XA … ^XZ` per label, copies through `^PQ`) or a
//! PDF with one page per printed label, each page the size of the label stock, for printers driven
//! through an ordinary print dialogue.

use printpdf::{
    BuiltinFont, Color, Greyscale, Mm, Op, PaintMode, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Pt, Rect, TextItem, WindingOrder,
};

use super::layout::Layout;
use super::zpl::write_zpl;
use super::{LabelError, layout::TextLine};

/// The most pages one document may hold: a day's batch is a few hundred; more is a mistake.
pub const MAX_PAGES: u32 = 2000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentFormat {
    Zpl,
    Pdf,
}

impl DocumentFormat {
    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_lowercase().as_str() {
            "zpl" => Some(DocumentFormat::Zpl),
            "pdf" => Some(DocumentFormat::Pdf),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            DocumentFormat::Zpl => "application/zpl",
            DocumentFormat::Pdf => "application/pdf",
        }
    }
}

/// One label of a job and how many copies to print.
#[derive(Debug, Clone)]
pub struct LabelJob {
    pub layout: Layout,
    pub copies: u32,
}

/// The whole job as one document, labels in the order given.
pub fn render_document(jobs: &[LabelJob], format: DocumentFormat) -> Result<Vec<u8>, LabelError> {
    let pages: u32 = jobs.iter().map(|j| j.copies).sum();
    if jobs.is_empty() || pages > MAX_PAGES {
        return Err(LabelError::invalid(
            "items",
            format!("a print job holds 1 to {MAX_PAGES} labels, copies included"),
        ));
    }
    match format {
        DocumentFormat::Zpl => {
            let mut out = String::with_capacity(jobs.len() * 512);
            for job in jobs {
                write_zpl(&mut out, &job.layout, job.copies);
            }
            Ok(out.into_bytes())
        }
        DocumentFormat::Pdf => Ok(render_pdf(jobs)),
    }
}

fn render_pdf(jobs: &[LabelJob]) -> Vec<u8> {
    let mut pages = Vec::new();
    for job in jobs {
        let page = pdf_page(&job.layout);
        for _ in 0..job.copies {
            pages.push(page.clone());
        }
    }
    let mut doc = PdfDocument::new("Specimen labels");
    doc.with_pages(pages);
    let mut warnings = Vec::new();
    doc.save(&PdfSaveOptions::default(), &mut warnings)
}

/// One label as a page: the bars as filled rectangles, the text in Courier, whose 0.6 em advance is
/// the layout's character cell.
fn pdf_page(layout: &Layout) -> PdfPage {
    // Dots to points, with PDF's origin at the bottom-left.
    let scale = 72.0 / layout.dpi.dots_per_inch() as f32;
    let height = layout.height as f32;
    let pt = move |dots: u32| Pt(dots as f32 * scale);
    let bar = &layout.barcode;
    let mut ops = vec![Op::SetFillColor {
        col: Color::Greyscale(Greyscale {
            percent: 0.0,
            icc_profile: None,
        }),
    }];
    for (x, w) in bar.bars() {
        ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: pt(x),
                y: Pt((height - (bar.y + bar.height) as f32) * scale),
                width: pt(w),
                height: pt(bar.height),
                mode: Some(PaintMode::Fill),
                winding_order: Some(WindingOrder::NonZero),
            },
        });
    }
    for line in &layout.lines {
        ops.extend(text_ops(line, height, scale));
    }
    PdfPage::new(
        Mm((layout.width_in * 25.4) as f32),
        Mm((layout.height_in * 25.4) as f32),
        ops,
    )
}

fn text_ops(line: &TextLine, height: f32, scale: f32) -> [Op; 5] {
    let baseline = (line.y + line.cap_height()) as f32;
    [
        Op::StartTextSection,
        Op::SetFont {
            font: PdfFontHandle::Builtin(BuiltinFont::Courier),
            size: Pt((10 * line.scale) as f32 * scale),
        },
        Op::SetTextCursor {
            pos: Point {
                x: Pt(line.x as f32 * scale),
                y: Pt((height - baseline) * scale),
            },
        },
        Op::ShowText {
            items: vec![TextItem::Text(line.text.clone())],
        },
        Op::EndTextSection,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::specimens::label::data::tests::fields;
    use crate::specimens::label::{Dpi, LabelData, LabelSpec};

    fn job(accession: &str, copies: u32) -> LabelJob {
        let data = LabelData::new(fields(accession)).unwrap();
        LabelJob {
            layout: Layout::new(&data, &LabelSpec::two_by_one(Dpi::D203)).unwrap(),
            copies,
        }
    }

    #[test]
    fn zpl_document_concatenates_labels_with_their_copies() {
        let jobs = [job("S26-00000179", 2), job("S26-00000180", 1)];
        let zpl = String::from_utf8(render_document(&jobs, DocumentFormat::Zpl).unwrap()).unwrap();
        assert_eq!(zpl.matches("^XA").count(), 2);
        assert!(zpl.contains("^FDS26-00000179^FS") && zpl.contains("^PQ2"));
    }

    #[test]
    fn pdf_document_has_one_label_sized_page_per_copy() {
        let jobs = [job("S26-00000179", 2), job("S26-00000180", 1)];
        let pdf = render_document(&jobs, DocumentFormat::Pdf).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let doc = PdfDocument::parse(&pdf, &Default::default(), &mut Vec::new()).unwrap();
        assert_eq!(doc.pages.len(), 3);
        for page in &doc.pages {
            // 2 × 1 inch = 144 × 72 pt
            assert!((page.media_box.width.0 - 144.0).abs() < 0.1);
            assert!((page.media_box.height.0 - 72.0).abs() < 0.1);
        }
    }

    #[test]
    fn empty_or_oversized_jobs_are_refused() {
        assert!(render_document(&[], DocumentFormat::Zpl).is_err());
        let err = render_document(&[job("S26-1", MAX_PAGES + 1)], DocumentFormat::Pdf).unwrap_err();
        assert!(matches!(err, LabelError::Invalid { field: "items", .. }));
    }
}
