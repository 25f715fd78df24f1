//! `ApiQuery<T>`: the query-string extractor. Like `ApiJson`, a bad parameter is a 422 naming it.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use serde::de::DeserializeOwned;

use super::json::field_error;
use crate::error::AppError;

pub struct ApiQuery<T>(pub T);

impl<T> ApiQuery<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: DeserializeOwned> FromRequest for ApiQuery<T> {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        ready(parse_query(req.query_string()).map(ApiQuery))
    }
}

pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, AppError> {
    let deserializer =
        serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        let path = if path == "." { String::new() } else { path };
        let mut field = field_error(&path, &error.into_inner().to_string());
        if field.message == "is not a known field" {
            field.message = "is not a known parameter".into();
        }
        if field.field == "body" {
            field.field = "query".into();
        }
        AppError::Validation(vec![field])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Params {
        page: Option<i64>,
        active: Option<bool>,
    }

    fn field_of(query: &str) -> String {
        match parse_query::<Params>(query) {
            Err(AppError::Validation(errors)) => errors[0].field.clone(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn bad_parameters_are_named() {
        assert_eq!(field_of("page=abc"), "page");
        assert_eq!(field_of("active=maybe"), "active");
        assert_eq!(field_of("colour=red"), "colour");
    }

    #[test]
    fn good_parameters_parse() {
        let p: Params = parse_query("page=2&active=true").unwrap();
        assert_eq!((p.page, p.active), (Some(2), Some(true)));
    }
}
