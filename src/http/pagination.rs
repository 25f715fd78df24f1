use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::AppError;

pub const MAX_PER_PAGE: i64 = 200;

/// `?page=1&per_page=50`; pages count from 1.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl PageParams {
    /// Checked (page, per_page, offset).
    pub fn resolve(&self) -> Result<(i64, i64, i64), AppError> {
        let page = self.page.unwrap_or(1);
        let per_page = self.per_page.unwrap_or(50);
        if page < 1 {
            return Err(AppError::invalid("page", "must be 1 or more"));
        }
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            return Err(AppError::invalid(
                "per_page",
                format!("must be between 1 and {MAX_PER_PAGE}"),
            ));
        }
        let offset = (page - 1)
            .checked_mul(per_page)
            .ok_or_else(|| AppError::invalid("page", "is too large"))?;
        Ok((page, per_page, offset))
    }
}

/// One page of a list with the total number of matching items.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
}

impl<T> Page<T> {
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            page: self.page,
            per_page: self.per_page,
            total: self.total,
        }
    }
}
