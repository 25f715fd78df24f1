//! Problem+json answers for actix's own extractors and for routes that do not exist.

use actix_web::{HttpRequest, HttpResponse, ResponseError, web};

use crate::error::{AppError, FieldError};

/// Query-string and path-segment errors become 422 / 404 problems instead of actix's plain text.
pub fn configure_extractors(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::QueryConfig::default().error_handler(|err, _req| {
        let message = err.to_string();
        let message = message
            .strip_prefix("Query deserialize error: ")
            .unwrap_or(&message);
        AppError::Validation(vec![query_field_error(message)]).into()
    }))
    .app_data(
        web::PathConfig::default()
            .error_handler(|_err, _req| AppError::NotFound("resource").into()),
    );
}

/// serde_urlencoded says "unknown field `x`" or "invalid digit found in string"; name the field when it can.
fn query_field_error(message: &str) -> FieldError {
    for (prefix, reason) in [
        ("unknown field `", "is not a known parameter"),
        ("missing field `", "is required"),
    ] {
        if let Some(name) = message
            .strip_prefix(prefix)
            .and_then(|rest| rest.split('`').next())
        {
            return FieldError::new(name, reason);
        }
    }
    FieldError::new("query", message)
}

/// The default service: an unknown path is 404 `route_not_found`, told apart from a missing record.
pub async fn not_found_route(req: HttpRequest) -> HttpResponse {
    AppError::NoRoute(format!("{} {}", req.method(), req.path())).error_response()
}
