//! Period close: a month, once closed by an accountant, takes no entry dated in it. A correction of an
//! entry in a closed month is a reversal dated in an open one. Checked here with a clear 409, and again
//! by a trigger on the entries table for code that bypasses this module.

use chrono::{Datelike, NaiveDate};

use super::store::{self, PeriodRow};
use crate::audit::{self, Audit, AuditActor};
use crate::db::{DbConnection, from_utc, now, to_utc};
use crate::error::{AppError, AppResult};

/// An accounting period: one calendar month, written `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i32,
    month: u32,
}

impl Month {
    pub fn of(date: NaiveDate) -> Month {
        Month {
            year: date.year(),
            month: date.month(),
        }
    }

    /// `2026-11`.
    pub fn parse(text: &str) -> Result<Month, String> {
        let wrong = || "must be a month written YYYY-MM".to_owned();
        let (year, month) = text.trim().split_once('-').ok_or_else(wrong)?;
        if year.len() != 4 || month.len() != 2 {
            return Err(wrong());
        }
        let year: i32 = year.parse().map_err(|_| wrong())?;
        let month: u32 = month.parse().map_err(|_| wrong())?;
        NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(wrong)?;
        Ok(Month { year, month })
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("validated month")
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// A closed period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosedPeriod {
    pub month: Month,
    pub closed_at: chrono::DateTime<chrono::Utc>,
    pub closed_by: String,
}

fn from_row(row: PeriodRow) -> AppResult<ClosedPeriod> {
    Ok(ClosedPeriod {
        month: Month::parse(&row.month).map_err(AppError::internal)?,
        closed_at: to_utc(row.closed_at),
        closed_by: row.closed_by,
    })
}

/// The 409 of a posting dated in a closed period, naming it.
pub fn period_closed(month: Month) -> AppError {
    let mut members = serde_json::Map::new();
    members.insert("period".into(), month.to_string().into());
    AppError::ConflictWith {
        code: "period_closed",
        detail: format!(
            "the accounting period {month} is closed: date the entry (or its reversal) in an open period"
        ),
        members,
    }
}

/// Refuses a date in a closed period.
pub fn ensure_open(conn: &mut DbConnection, date: NaiveDate) -> AppResult<()> {
    let month = Month::of(date);
    match store::closed_period(conn, &month.to_string())? {
        Some(_) => Err(period_closed(month)),
        None => Ok(()),
    }
}

/// Closes `month` in the caller's transaction; closing it twice is a 409 `period_already_closed`.
pub fn close_period(
    conn: &mut DbConnection,
    actor: &AuditActor,
    month: Month,
) -> AppResult<ClosedPeriod> {
    let key = month.to_string();
    if store::closed_period(conn, &key)?.is_some() {
        return Err(AppError::conflict(
            "period_already_closed",
            format!("the accounting period {key} is already closed"),
        ));
    }
    let row = PeriodRow {
        month: key.clone(),
        closed_at: from_utc(now()),
        closed_by_id: actor.user_id.clone(),
        closed_by: actor.name.clone(),
    };
    store::insert_closed_period(conn, &row)?;
    audit::record(conn, actor, Audit::new("close", "accounting_period", &key))?;
    from_row(row)
}

pub fn closed_periods(conn: &mut DbConnection) -> AppResult<Vec<ClosedPeriod>> {
    store::closed_periods(conn)?
        .into_iter()
        .map(from_row)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_only_as_year_dash_month() {
        let m = Month::parse("2026-11").unwrap();
        assert_eq!(m.to_string(), "2026-11");
        assert_eq!(m.first_day(), NaiveDate::from_ymd_opt(2026, 11, 1).unwrap());
        assert_eq!(
            Month::of(NaiveDate::from_ymd_opt(2026, 2, 28).unwrap()).to_string(),
            "2026-02"
        );
        for bad in ["2026-13", "2026-1", "26-11", "2026/11", "", "2026-00"] {
            assert!(Month::parse(bad).is_err(), "{bad}");
        }
    }
}
