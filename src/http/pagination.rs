//! Page pagination: `?page=1&per_page=50` in, `{items, page, per_page, total}` out.

use actix_web::HttpResponse;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::AppError;

pub const DEFAULT_PER_PAGE: i64 = 50;
pub const MAX_PER_PAGE: i64 = 200;

/// One page of a list with the total number of matching items.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
}

/// A checked page request: where it starts and how much it holds. Pages count from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub page: i64,
    pub per_page: i64,
    pub offset: i64,
}

impl Paging {
    /// From the `page` and `per_page` parameters of a list's query (422 naming the bad one).
    pub fn from_query(page: Option<i64>, per_page: Option<i64>) -> Result<Paging, AppError> {
        let page = page.unwrap_or(1);
        let per_page = per_page.unwrap_or(DEFAULT_PER_PAGE);
        if page < 1 {
            return Err(AppError::invalid("page", "must be 1 or more"));
        }
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            let message = format!("must be between 1 and {MAX_PER_PAGE}");
            return Err(AppError::invalid("per_page", message));
        }
        let offset = (page - 1)
            .checked_mul(per_page)
            .ok_or_else(|| AppError::invalid("page", "is too large"))?;
        Ok(Paging {
            page,
            per_page,
            offset,
        })
    }

    /// The 200 answer: this page's items and the total number matching.
    pub fn respond<T: Serialize>(self, items: Vec<T>, total: i64) -> HttpResponse {
        HttpResponse::Ok().json(Page {
            items,
            page: self.page,
            per_page: self.per_page,
            total,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_defaults_and_offsets() {
        assert_eq!(
            Paging::from_query(None, None).unwrap(),
            Paging {
                page: 1,
                per_page: 50,
                offset: 0
            }
        );
        assert_eq!(Paging::from_query(Some(3), Some(20)).unwrap().offset, 40);
    }

    #[test]
    fn out_of_range_paging_names_the_parameter() {
        for (page, per_page, field) in [
            (0, 10, "page"),
            (1, 0, "per_page"),
            (1, 201, "per_page"),
            (i64::MAX, 200, "page"),
        ] {
            match Paging::from_query(Some(page), Some(per_page)) {
                Err(AppError::Validation(errors)) => assert_eq!(errors[0].field, field),
                other => panic!("{page}/{per_page}: {other:?}"),
            }
        }
    }
}
