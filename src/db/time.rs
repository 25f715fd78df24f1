//! Instants are stored as TIMESTAMP holding UTC, truncated to microseconds (PostgreSQL's precision) so a
//! value reads back exactly as written (the audit hash chain depends on it).

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};

/// Now, at the precision the database keeps.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

pub fn to_utc(stored: NaiveDateTime) -> DateTime<Utc> {
    stored.and_utc()
}

pub fn from_utc(instant: DateTime<Utc>) -> NaiveDateTime {
    instant.trunc_subsecs(6).naive_utc()
}
