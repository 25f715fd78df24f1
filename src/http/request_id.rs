//! Request ids and the per-request log line. The root span records the route pattern, never the raw
//! path or query string, so patient names searched for or MRNs never reach the logs.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::{Error, HttpMessage, HttpRequest};
use tracing::Span;
use tracing_actix_web::{DefaultRootSpanBuilder, RequestId, RootSpanBuilder};

pub struct PrivacyRootSpan;

impl RootSpanBuilder for PrivacyRootSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let route = request
            .match_pattern()
            .unwrap_or_else(|| "<unmatched>".into());
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(|id| id.to_string());
        tracing::info_span!(
            "request",
            method = %request.method(),
            route = %route,
            request_id = request_id.as_deref().unwrap_or(""),
            status = tracing::field::Empty,
            exception.message = tracing::field::Empty,
            exception.details = tracing::field::Empty,
            otel.status_code = tracing::field::Empty,
            http.status_code = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        if let Ok(response) = outcome {
            span.record("status", response.status().as_u16());
            tracing::info!(parent: &span, status = response.status().as_u16(), "request done");
        }
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}

/// The id tracing-actix-web gave this request (also sent back as `x-request-id`).
pub fn request_id(req: &HttpRequest) -> Option<String> {
    req.extensions().get::<RequestId>().map(|id| id.to_string())
}

/// The caller's address, as seen by this process (no proxy headers are trusted).
pub fn client_ip(req: &HttpRequest) -> String {
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}
