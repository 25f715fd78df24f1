//! The store's list query: specimens filtered by status, station, order, patient, collection time, and
//! "overdue" (awaiting analysis longer than the container type keeps).

use chrono::{DateTime, Duration, Utc};
use diesel::dsl::not;
use diesel::prelude::*;
use diesel::sql_types::Bool;

use super::lifecycle::Status;
use super::model::Specimen;
use super::store::{SpecimenFilter, SpecimenRow};
use crate::db::schema::{container_types, specimens};
use crate::db::{DbConnection, from_utc};

type Backend = <DbConnection as Connection>::Backend;
type BoxedQuery<'a> = specimens::BoxedQuery<'a, Backend>;
type Condition = Box<dyn BoxableExpression<specimens::table, Backend, SqlType = Bool>>;

/// Overdue: awaiting analysis and collected before its container type's cutoff. The container types are
/// few, so each one's cutoff is computed here and the test is a plain comparison on both backends.
fn overdue_condition(cutoffs: &[(String, DateTime<Utc>)]) -> Condition {
    let waiting: Vec<&str> = Status::ALL
        .iter()
        .filter(|s| s.awaits_analysis())
        .map(|s| s.as_str())
        .collect();
    let mut any: Condition = Box::new(false.into_sql::<Bool>());
    for (code, cutoff) in cutoffs {
        let stale = specimens::container_type
            .eq(code.clone())
            .and(specimens::collected_at.is_not_null())
            .and(
                specimens::collected_at
                    .assume_not_null()
                    .lt(from_utc(*cutoff)),
            );
        any = Box::new(any.or(stale));
    }
    Box::new(specimens::status.eq_any(waiting).and(any))
}

fn filtered<'a>(filter: &'a SpecimenFilter, cutoffs: &[(String, DateTime<Utc>)]) -> BoxedQuery<'a> {
    let mut q = specimens::table.into_boxed();
    if let Some(status) = filter.status {
        q = q.filter(specimens::status.eq(status.as_str()));
    }
    if let Some(station) = &filter.station_id {
        q = q.filter(specimens::station_id.eq(station.as_str()));
    }
    if let Some(order) = &filter.order_id {
        q = q.filter(specimens::order_id.eq(order.as_str()));
    }
    if let Some(patient) = &filter.patient_id {
        q = q.filter(specimens::patient_id.eq(patient.as_str()));
    }
    if let Some(from) = filter.collected_from {
        q = q.filter(specimens::collected_at.ge(from_utc(from)));
    }
    if let Some(before) = filter.collected_before {
        q = q.filter(specimens::collected_at.lt(from_utc(before)));
    }
    match filter.overdue {
        Some(true) => q = q.filter(overdue_condition(cutoffs)),
        Some(false) => q = q.filter(not(overdue_condition(cutoffs))),
        None => {}
    }
    q
}

/// Each container type's cutoff at `now`: collected before it means overdue.
fn cutoffs(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
) -> QueryResult<Vec<(String, DateTime<Utc>)>> {
    let hours: Vec<(String, i32)> = container_types::table
        .select((container_types::code, container_types::stability_hours))
        .load(conn)?;
    Ok(hours
        .into_iter()
        .map(|(code, h)| (code, now - Duration::hours(h.into())))
        .collect())
}

/// One page of matching specimens, oldest first, with the total match count.
pub fn list(
    conn: &mut DbConnection,
    filter: &SpecimenFilter,
    now: DateTime<Utc>,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<Specimen>, i64)> {
    let cutoffs = match filter.overdue {
        Some(_) => cutoffs(conn, now)?,
        None => Vec::new(),
    };
    let total = filtered(filter, &cutoffs).count().get_result(conn)?;
    let rows: Vec<SpecimenRow> = filtered(filter, &cutoffs)
        .order((specimens::created_at.asc(), specimens::accession.asc()))
        .limit(limit)
        .offset(offset)
        .select(SpecimenRow::as_select())
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(SpecimenRow::into_specimen)
        .collect::<QueryResult<_>>()?;
    Ok((items, total))
}
