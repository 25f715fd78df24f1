//! Problem+json answers for actix's own extractors and for routes that do not exist.

use actix_web::{HttpRequest, HttpResponse, ResponseError, web};

use crate::error::AppError;

/// A path segment that does not parse (a malformed id) is a 404 problem instead of actix's plain text.
/// Query strings and bodies have their own extractors (`ApiQuery`, `ApiJson`) that name the bad field.
pub fn configure_extractors(cfg: &mut web::ServiceConfig) {
    cfg.app_data(
        web::PathConfig::default()
            .error_handler(|_err, _req| AppError::NotFound("resource").into()),
    );
}

/// The default service: an unknown path is 404 `route_not_found`, told apart from a missing record.
pub async fn not_found_route(req: HttpRequest) -> HttpResponse {
    AppError::NoRoute(format!("{} {}", req.method(), req.path())).error_response()
}
