//! Optimistic concurrency: reads carry `ETag: "<version>"`; updates must send that version back, as
//! `If-Match` or as a `version` field. A stale version is 412 and changes nothing.

use actix_web::HttpRequest;
use actix_web::HttpResponse;
use actix_web::http::header;
use serde::Serialize;

use crate::error::AppError;

/// The version an update expects to replace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpectedVersion(pub i32);

impl ExpectedVersion {
    /// From `If-Match: "3"` (or `W/"3"`), else from the body's `version`; neither is 428.
    pub fn from_request(req: &HttpRequest, body_version: Option<i32>) -> Result<Self, AppError> {
        if let Some(value) = req.headers().get(header::IF_MATCH) {
            let raw = value
                .to_str()
                .map_err(|_| AppError::invalid("If-Match", "must be an ETag such as \"3\""))?;
            let tag = raw.trim().trim_start_matches("W/").trim_matches('"');
            let version = tag
                .parse()
                .map_err(|_| AppError::invalid("If-Match", "must be an ETag such as \"3\""))?;
            return Ok(ExpectedVersion(version));
        }
        body_version
            .map(ExpectedVersion)
            .ok_or(AppError::PreconditionRequired)
    }
}

/// A 200 JSON answer with the resource's version as its ETag.
pub fn with_etag<T: Serialize>(version: i32, body: &T) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::ETAG, format!("\"{version}\"")))
        .json(body)
}

/// A 201 JSON answer for a new resource, with its version as its ETag.
pub fn created_with_etag<T: Serialize>(version: i32, body: &T) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((header::ETAG, format!("\"{version}\"")))
        .json(body)
}
