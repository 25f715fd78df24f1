//! Which rendering the caller asked for (`?format=`, else the `Accept` header, else JSON) and the
//! answer in it: CSV and XLSX as attachments with a file name.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use super::table::Table;
use super::{csv, json, xlsx};
use crate::error::{AppError, AppResult};

pub const CSV_TYPE: &str = "text/csv";
pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Json,
    Csv,
    Xlsx,
}

impl Format {
    /// The explicit `format` wins; else the first media type of `Accept` we can answer (order, not
    /// q-values, decides); no `Accept`, or one that takes anything, is JSON. An `Accept` naming only
    /// types we cannot answer is 406.
    pub fn choose(explicit: Option<Format>, req: &HttpRequest) -> AppResult<Format> {
        if let Some(format) = explicit {
            return Ok(format);
        }
        let Some(accept) = req.headers().get(header::ACCEPT) else {
            return Ok(Format::Json);
        };
        let accept = accept.to_str().unwrap_or_default();
        from_accept(accept).ok_or_else(|| AppError::NotAcceptable(accept.to_owned()))
    }
}

fn from_accept(accept: &str) -> Option<Format> {
    if accept.trim().is_empty() {
        return Some(Format::Json);
    }
    accept.split(',').find_map(|part| {
        let media = part.split(';').next().unwrap_or_default().trim();
        match media.to_ascii_lowercase().as_str() {
            CSV_TYPE => Some(Format::Csv),
            XLSX_TYPE => Some(Format::Xlsx),
            "application/json" | "application/*" | "*/*" | "application/problem+json" => {
                Some(Format::Json)
            }
            _ => None,
        }
    })
}

/// The table in the chosen format.
pub fn respond(table: &Table, format: Format) -> AppResult<HttpResponse> {
    let attachment = |ext: &str| {
        (
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", table.file_name(ext)),
        )
    };
    Ok(match format {
        Format::Json => HttpResponse::Ok().json(json::render(table)),
        Format::Csv => HttpResponse::Ok()
            .content_type(format!("{CSV_TYPE}; charset=utf-8; header=present"))
            .insert_header(attachment("csv"))
            .body(csv::render(table)),
        Format::Xlsx => HttpResponse::Ok()
            .content_type(XLSX_TYPE)
            .insert_header(attachment("xlsx"))
            .body(xlsx::render(table)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_picks_the_first_type_we_answer() {
        assert_eq!(from_accept(""), Some(Format::Json));
        assert_eq!(from_accept("text/csv"), Some(Format::Csv));
        assert_eq!(from_accept("image/png, TEXT/CSV;q=0.5"), Some(Format::Csv));
        assert_eq!(from_accept(XLSX_TYPE), Some(Format::Xlsx));
        assert_eq!(
            from_accept("application/json, text/csv"),
            Some(Format::Json)
        );
        assert_eq!(from_accept("*/*"), Some(Format::Json));
        assert_eq!(from_accept("image/png"), None);
    }
}
