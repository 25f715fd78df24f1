//! `ApiJson<T>`: the JSON body extractor. It reads the body under the configured size limit and
//! deserialises with the path of the failing field, so every bad body is answered as problem+json:
//! 413 too large, 415 not JSON, 400 not parseable, 422 naming the field whose type or value is wrong.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use serde::de::DeserializeOwned;

use super::AppState;
use crate::error::{AppError, FieldError};

pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for ApiJson<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req
            .app_data::<web::Data<AppState>>()
            .map(|s| s.settings.max_body_bytes)
            .unwrap_or(256 * 1024);
        let content_type_ok = is_json(req);
        let mut payload = payload.take();
        Box::pin(async move {
            if !content_type_ok {
                return Err(AppError::UnsupportedMediaType);
            }
            let bytes = read_limited(&mut payload, limit).await?;
            parse(&bytes).map(ApiJson)
        })
    }
}

fn is_json(req: &HttpRequest) -> bool {
    let Some(value) = req.headers().get(header::CONTENT_TYPE) else {
        return false;
    };
    let Ok(value) = value.to_str() else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

/// The whole body, refused with 413 as soon as it grows past `limit` (JSON bodies, X12 files).
pub async fn read_limited(payload: &mut Payload, limit: usize) -> Result<web::BytesMut, AppError> {
    use futures_util::StreamExt;
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| AppError::BadRequest(format!("could not read body: {e}")))?;
        if body.len() + chunk.len() > limit {
            return Err(AppError::PayloadTooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Deserialises, naming the failing field (`address.zip`, `items[2].code`) on a type or value error.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                let path = if path == "." { "" } else { &path };
                AppError::Validation(vec![field_error(path, &inner.to_string())])
            }
            _ => AppError::BadRequest(format!("body is not valid JSON: {inner}")),
        }
    })?;
    deserializer
        .end()
        .map_err(|e| AppError::BadRequest(format!("body is not valid JSON: {e}")))?;
    Ok(value)
}

/// A field error from a serde path and message. serde reports a missing field at its parent's path, and
/// an unknown field at its own; either way the answer names the field itself.
pub(super) fn field_error(path: &str, message: &str) -> FieldError {
    let message = strip_position(message);
    for (prefix, reason) in [
        ("unknown field `", "is not a known field"),
        ("missing field `", "is required"),
    ] {
        if let Some(name) = message
            .strip_prefix(prefix)
            .and_then(|rest| rest.split('`').next())
        {
            return FieldError::new(join_path(path, name), reason);
        }
    }
    let field = if path.is_empty() { "body" } else { path };
    FieldError::new(field, message)
}

fn join_path(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else if path == name || path.ends_with(&format!(".{name}")) {
        path.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

/// serde_json appends " at line X column Y"; the field path already says where.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_owned(),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        count: u32,
        inner: Option<Inner>,
    }

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        zip: String,
    }

    fn field_of(err: AppError) -> (String, String) {
        match err {
            AppError::Validation(errors) => (errors[0].field.clone(), errors[0].message.clone()),
            other => panic!("expected validation error, got {other:?}"),
        }
    }

    #[test]
    fn wrong_type_names_the_field() {
        let err = parse::<Body>(br#"{"name":"a","count":"x"}"#).unwrap_err();
        assert_eq!(field_of(err).0, "count");
    }

    #[test]
    fn nested_wrong_type_names_the_path() {
        let err = parse::<Body>(br#"{"name":"a","count":1,"inner":{"zip":5}}"#).unwrap_err();
        assert_eq!(field_of(err).0, "inner.zip");
    }

    #[test]
    fn unknown_field_is_named() {
        let err = parse::<Body>(br#"{"name":"a","count":1,"colour":1}"#).unwrap_err();
        assert_eq!(
            field_of(err),
            ("colour".into(), "is not a known field".into())
        );
    }

    #[test]
    fn nested_unknown_field_is_named_with_its_path() {
        let err =
            parse::<Body>(br#"{"name":"a","count":1,"inner":{"zip":"1","x":2}}"#).unwrap_err();
        assert_eq!(
            field_of(err),
            ("inner.x".into(), "is not a known field".into())
        );
    }

    #[test]
    fn missing_field_is_named() {
        let err = parse::<Body>(br#"{"name":"a"}"#).unwrap_err();
        assert_eq!(field_of(err), ("count".into(), "is required".into()));
    }

    #[test]
    fn malformed_json_and_bad_utf8_are_bad_requests() {
        for body in [
            &b"{"[..],
            b"not json",
            b"{\"name\":\"\xff\xfe\",\"count\":1}",
            br#"{"name":"a","count":1} trailing"#,
        ] {
            assert!(
                matches!(parse::<Body>(body), Err(AppError::BadRequest(_))),
                "{body:?}"
            );
        }
    }
}
