//! An X12 file sent as the raw request body (`POST /x12/inbound`, `POST /remittances`): which media types
//! are taken, how large a file may be, and the 415 that names them.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};

use super::json::read_limited;
use crate::error::AppError;

/// The largest X12 file taken in. A 277CA answering a 5,000-claim transaction set is about 1.5 MB.
pub const MAX_X12_FILE_BYTES: usize = 10 * 1024 * 1024;

/// Media types an X12 file may be sent as.
pub const X12_MEDIA_TYPES: [&str; 3] = [
    "application/edi-x12",
    "text/plain",
    "application/octet-stream",
];

fn media_type_ok(req: &HttpRequest) -> bool {
    let Some(value) = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    X12_MEDIA_TYPES.contains(&essence.as_str())
}

/// The body as bytes, or the answer to send instead: 415 naming the media types taken (the shared 415
/// speaks of JSON) or 413 past the size limit. `what` names the file in the 415 (`the 835 file`).
pub async fn read_x12_file(
    req: &HttpRequest,
    payload: web::Payload,
    what: &str,
) -> Result<Vec<u8>, HttpResponse> {
    if !media_type_ok(req) {
        let mut problem = AppError::UnsupportedMediaType.problem();
        problem.detail = format!("send {what} as the body, as {}", X12_MEDIA_TYPES.join(", "));
        return Err(HttpResponse::UnsupportedMediaType()
            .content_type("application/problem+json")
            .body(serde_json::to_string(&problem).unwrap_or_default()));
    }
    match read_limited(&mut payload.into_inner(), MAX_X12_FILE_BYTES).await {
        Ok(bytes) => Ok(bytes.into()),
        Err(error) => Err(error.error_response()),
    }
}
