//! Fee schedule queries. Nothing else touches `fee_schedules` and `fee_schedule_prices`.

use chrono::{Days, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::model::{FeeSchedule, Price, ValidFeeSchedule, ValidPrice};
use crate::coding::values::{Modifier, ProcedureCode};
use crate::db::ids::{FeeScheduleId, PayerId, PriceId};
use crate::db::schema::{fee_schedule_prices as prices, fee_schedules as schedules};
use crate::db::{DbConnection, from_utc, now, to_utc};
use crate::error::VersionedUpdate;
use crate::money;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = schedules)]
struct ScheduleRow {
    id: String,
    name: String,
    payer_id: Option<String>,
    scope: String,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl From<ScheduleRow> for FeeSchedule {
    fn from(row: ScheduleRow) -> Self {
        FeeSchedule {
            id: FeeScheduleId::from_stored(row.id),
            name: row.name,
            payer_id: row.payer_id.map(PayerId::from_stored),
            version: row.version,
            created_at: to_utc(row.created_at),
            updated_at: to_utc(row.updated_at),
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = prices)]
struct PriceRow {
    id: String,
    schedule_id: String,
    code: String,
    modifier: String,
    price_cents: i64,
    effective_from: NaiveDate,
    effective_to: Option<NaiveDate>,
    created_at: NaiveDateTime,
}

impl From<PriceRow> for Price {
    fn from(row: PriceRow) -> Self {
        Price {
            id: PriceId::from_stored(row.id),
            schedule_id: FeeScheduleId::from_stored(row.schedule_id),
            code: ProcedureCode::from_stored(row.code),
            modifier: Some(row.modifier)
                .filter(|m| !m.is_empty())
                .map(Modifier::from_stored),
            price: money::from_cents(row.price_cents),
            effective_from: row.effective_from,
            effective_to: row.effective_to,
        }
    }
}

pub fn insert(conn: &mut DbConnection, s: &ValidFeeSchedule) -> QueryResult<FeeSchedule> {
    let at = from_utc(now());
    let row = ScheduleRow {
        id: FeeScheduleId::generate().to_string(),
        name: s.name.clone(),
        payer_id: s.payer_id.as_ref().map(ToString::to_string),
        scope: s.scope(),
        version: 1,
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(schedules::table)
        .values(&row)
        .execute(conn)?;
    Ok(row.into())
}

pub fn find(conn: &mut DbConnection, id: &FeeScheduleId) -> QueryResult<Option<FeeSchedule>> {
    let row: Option<ScheduleRow> = schedules::table
        .find(id.as_str())
        .select(ScheduleRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row.map(FeeSchedule::from))
}

/// Whether another schedule already prices this scope (the default, or this payer).
pub fn scope_taken(
    conn: &mut DbConnection,
    s: &ValidFeeSchedule,
    except: Option<&FeeScheduleId>,
) -> QueryResult<bool> {
    let mut q = schedules::table
        .filter(schedules::scope.eq(s.scope()))
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(schedules::id.ne(id.as_str().to_owned()));
    }
    Ok(q.count().get_result::<i64>(conn)? > 0)
}

/// Every schedule, the default first, then by name (a practice has a handful).
pub fn list(
    conn: &mut DbConnection,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<FeeSchedule>, i64)> {
    let total = schedules::table.count().get_result(conn)?;
    let rows: Vec<ScheduleRow> = schedules::table
        .order((
            schedules::payer_id.is_not_null(),
            schedules::name,
            schedules::id,
        ))
        .limit(limit)
        .offset(offset)
        .select(ScheduleRow::as_select())
        .load(conn)?;
    Ok((rows.into_iter().map(FeeSchedule::from).collect(), total))
}

pub fn update(
    conn: &mut DbConnection,
    id: &FeeScheduleId,
    expected_version: i32,
    s: &ValidFeeSchedule,
) -> QueryResult<VersionedUpdate> {
    let changed = diesel::update(schedules::table.find(id.as_str()))
        .filter(schedules::version.eq(expected_version))
        .set((
            schedules::name.eq(&s.name),
            schedules::payer_id.eq(s.payer_id.as_ref().map(ToString::to_string)),
            schedules::scope.eq(s.scope()),
            schedules::version.eq(schedules::version + 1),
            schedules::updated_at.eq(from_utc(now())),
        ))
        .execute(conn)?;
    let exists = changed > 0 || find(conn, id)?.is_some();
    Ok(VersionedUpdate::from_rows(changed, exists))
}

fn prices_of(
    conn: &mut DbConnection,
    schedule: &FeeScheduleId,
    code: &str,
    modifier: &str,
) -> QueryResult<Vec<Price>> {
    let rows: Vec<PriceRow> = prices::table
        .filter(prices::schedule_id.eq(schedule.as_str()))
        .filter(prices::code.eq(code))
        .filter(prices::modifier.eq(modifier))
        .order(prices::effective_from)
        .select(PriceRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(Price::from).collect())
}

/// What adding a price did: added (closing the open-ended price it follows), or refused for overlapping
/// an existing period.
pub enum PriceAdded {
    Added(Price),
    Overlaps(Price),
}

/// Adds a price. An open-ended price that starts earlier is ended the day before the new one starts (a
/// price change); any other overlap is refused.
pub fn add_price(
    conn: &mut DbConnection,
    schedule: &FeeScheduleId,
    p: &ValidPrice,
) -> QueryResult<PriceAdded> {
    let modifier = p.modifier.as_ref().map(Modifier::as_str).unwrap_or("");
    let existing = prices_of(conn, schedule, p.code.as_str(), modifier)?;
    let end = p.effective_to.unwrap_or(NaiveDate::MAX);
    for old in &existing {
        let superseded = old.effective_to.is_none() && old.effective_from < p.effective_from;
        if superseded {
            let day_before = p.effective_from - Days::new(1);
            diesel::update(prices::table.find(old.id.as_str()))
                .set(prices::effective_to.eq(Some(day_before)))
                .execute(conn)?;
            continue;
        }
        let old_end = old.effective_to.unwrap_or(NaiveDate::MAX);
        if old.effective_from <= end && p.effective_from <= old_end {
            return Ok(PriceAdded::Overlaps(old.clone()));
        }
    }
    let row = PriceRow {
        id: PriceId::generate().to_string(),
        schedule_id: schedule.to_string(),
        code: p.code.as_str().to_owned(),
        modifier: modifier.to_owned(),
        price_cents: p.price_cents,
        effective_from: p.effective_from,
        effective_to: p.effective_to,
        created_at: from_utc(now()),
    };
    diesel::insert_into(prices::table)
        .values(&row)
        .execute(conn)?;
    Ok(PriceAdded::Added(row.into()))
}

#[derive(Debug, Default, Clone)]
pub struct PriceFilter {
    pub code: Option<ProcedureCode>,
    /// Only prices in effect on this date.
    pub date: Option<NaiveDate>,
}

pub fn list_prices(
    conn: &mut DbConnection,
    schedule: &FeeScheduleId,
    filter: &PriceFilter,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<Price>, i64)> {
    let query = || {
        let mut q = prices::table
            .filter(prices::schedule_id.eq(schedule.as_str().to_owned()))
            .into_boxed();
        if let Some(code) = &filter.code {
            q = q.filter(prices::code.eq(code.as_str().to_owned()));
        }
        if let Some(date) = filter.date {
            q = q.filter(prices::effective_from.le(date)).filter(
                prices::effective_to
                    .is_null()
                    .or(prices::effective_to.ge(date)),
            );
        }
        q
    };
    let total = query().count().get_result(conn)?;
    let rows: Vec<PriceRow> = query()
        .order((prices::code, prices::modifier, prices::effective_from))
        .limit(limit)
        .offset(offset)
        .select(PriceRow::as_select())
        .load(conn)?;
    Ok((rows.into_iter().map(Price::from).collect(), total))
}

fn schedule_for_scope(conn: &mut DbConnection, scope: &str) -> QueryResult<Option<String>> {
    schedules::table
        .filter(schedules::scope.eq(scope))
        .select(schedules::id)
        .first(conn)
        .optional()
}

/// The per-unit price in cents of `code` on `date`: from the payer's schedule when it has one that prices
/// the code, else from the default schedule. Within a schedule a price for one of the line's modifiers (in
/// the line's order) wins over the code's plain price.
pub fn unit_price(
    conn: &mut DbConnection,
    payer: Option<&PayerId>,
    code: &ProcedureCode,
    modifiers: &[Modifier],
    date: NaiveDate,
) -> QueryResult<Option<i64>> {
    let mut scopes = Vec::new();
    if let Some(payer) = payer {
        scopes.push(format!("payer:{payer}"));
    }
    scopes.push("default".to_owned());
    let mut wanted: Vec<&str> = modifiers.iter().map(Modifier::as_str).collect();
    wanted.push("");
    for scope in scopes {
        let Some(schedule) = schedule_for_scope(conn, &scope)? else {
            continue;
        };
        let schedule = FeeScheduleId::from_stored(schedule);
        for modifier in &wanted {
            let found = prices_of(conn, &schedule, code.as_str(), modifier)?
                .into_iter()
                .find(|p| p.covers(date));
            if let Some(price) = found {
                return Ok(Some(money::to_cents(price.price).unwrap_or(0)));
            }
        }
    }
    Ok(None)
}
