//! HTTP plumbing that knows no domain: shared state, the JSON extractor, extractor error answers,
//! pagination, versions (ETag / If-Match), request ids and the blocking database call.

mod blocking;
mod errors;
mod json;
mod pagination;
mod query;
mod request_id;
mod state;
mod version;
mod x12_body;

pub use blocking::{in_write_transaction, with_conn};
pub use errors::{configure_extractors, not_found_route};
pub use json::{ApiJson, read_limited};
pub use pagination::{Page, Paging};
pub use query::ApiQuery;
pub use request_id::{PrivacyRootSpan, client_ip, request_id};
pub use state::AppState;
pub use version::{ExpectedVersion, created_with_etag, with_etag};
pub use x12_body::{MAX_X12_FILE_BYTES, X12_MEDIA_TYPES, read_x12_file};
