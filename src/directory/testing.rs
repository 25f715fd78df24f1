//! Helpers shared by the directory's unit tests.

use crate::error::{AppError, AppResult};

/// The field names a validation error names, in order; panics on success or on any other error.
pub fn invalid_fields<T: std::fmt::Debug>(result: AppResult<T>) -> Vec<String> {
    match result {
        Err(AppError::Validation(errors)) => errors.into_iter().map(|e| e.field).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}
