//! Specimen labels: a Code128 barcode of the accession plus the lines a bench needs to match tube and
//! patient, rendered as SVG, PNG, ZPL and multi-page documents.
//!
//! The rendering is pure (no database, no HTTP): every format draws from one [`Layout`] computed in
//! printer dots, so a label looks the same whichever way it is printed, and bars always fall on whole
//! dots. `print.rs`, `store.rs` and `routes.rs` serve labels over HTTP and count every print.

mod code128;
mod data;
mod document;
mod font;
mod layout;
mod png;
pub mod print;
pub mod routes;
mod store;
mod svg;
mod zpl;

pub use code128::Symbol;
pub use data::{Dpi, LabelData, LabelFields, LabelSpec};
pub use document::{DocumentFormat, LabelJob, render_document};
pub use layout::{Barcode, Layout, TextLine};
pub use png::{Bitmap, rasterize, render_png};
pub use svg::render_svg;
pub use zpl::{render_zpl, render_zpl_batch};

use crate::error::{AppError, FieldError};

/// Why a label cannot be made. Each names the input at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LabelError {
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    /// The barcode of this accession does not fit the label at one dot per module.
    #[error(
        "the barcode of {accession} needs {needed} dots but the label is {available} dots wide"
    )]
    TooWide {
        accession: String,
        needed: u32,
        available: u32,
    },
    /// Writing the image failed (out of memory, encoder bug): not the caller's fault.
    #[error("encoding the label failed: {0}")]
    Encoding(String),
}

impl LabelError {
    pub(crate) fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        LabelError::Invalid {
            field,
            message: message.into(),
        }
    }
}

impl From<LabelError> for AppError {
    fn from(err: LabelError) -> Self {
        match err {
            LabelError::Invalid { field, message } => {
                AppError::Validation(vec![FieldError::new(field, message)])
            }
            LabelError::TooWide { .. } => AppError::invalid("accession", err.to_string()),
            LabelError::Encoding(detail) => AppError::Internal(detail),
        }
    }
}

/// The output formats of one label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelFormat {
    Svg,
    Png,
    Zpl,
}

impl LabelFormat {
    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_lowercase().as_str() {
            "svg" => Some(LabelFormat::Svg),
            "png" => Some(LabelFormat::Png),
            "zpl" => Some(LabelFormat::Zpl),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            LabelFormat::Svg => "image/svg+xml",
            LabelFormat::Png => "image/png",
            // Zebra's own tools and most print spoolers take ZPL as this type.
            LabelFormat::Zpl => "application/zpl",
        }
    }
}

/// Renders one label (one copy) in `format`.
pub fn render(
    data: &LabelData,
    spec: &LabelSpec,
    format: LabelFormat,
) -> Result<Vec<u8>, LabelError> {
    let layout = Layout::new(data, spec)?;
    Ok(match format {
        LabelFormat::Svg => render_svg(&layout).into_bytes(),
        LabelFormat::Png => render_png(&layout)?,
        LabelFormat::Zpl => render_zpl(&layout, 1).into_bytes(),
    })
}
