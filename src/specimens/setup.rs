//! Store of what administrators configure for the bench: stations and container types.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{ContainerType, Station};
use super::setup_input::{ValidContainerType, ValidStation};
use crate::db::ids::StationId;
use crate::db::schema::{container_types, stations};
use crate::db::{DbConnection, from_utc, now, to_utc};
use crate::error::VersionedUpdate;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = stations)]
struct StationRow {
    id: String,
    name: String,
    location: String,
    action: String,
    active: bool,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl From<StationRow> for Station {
    fn from(row: StationRow) -> Station {
        Station {
            id: StationId::from_stored(row.id),
            name: row.name,
            location: row.location,
            action: row.action,
            active: row.active,
            version: row.version,
            created_at: to_utc(row.created_at),
            updated_at: to_utc(row.updated_at),
        }
    }
}

pub fn insert_station(conn: &mut DbConnection, s: &ValidStation) -> QueryResult<Station> {
    let at = from_utc(now());
    let row = StationRow {
        id: StationId::generate().to_string(),
        name: s.name.clone(),
        location: s.location.clone(),
        action: s.action.as_str().to_owned(),
        active: true,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(stations::table)
        .values(&row)
        .execute(conn)?;
    Ok(row.into())
}

pub fn find_station(conn: &mut DbConnection, id: &StationId) -> QueryResult<Option<Station>> {
    let row: Option<StationRow> = stations::table
        .find(id.as_str())
        .select(StationRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row.map(Station::from))
}

pub fn station_active(conn: &mut DbConnection, id: &StationId) -> QueryResult<bool> {
    Ok(find_station(conn, id)?.is_some_and(|s| s.active))
}

/// One page of stations by name, with the total.
pub fn list_stations(
    conn: &mut DbConnection,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<Station>, i64)> {
    let total = stations::table.count().get_result(conn)?;
    let rows: Vec<StationRow> = stations::table
        .order((stations::name, stations::id))
        .limit(limit)
        .offset(offset)
        .select(StationRow::as_select())
        .load(conn)?;
    Ok((rows.into_iter().map(Station::from).collect(), total))
}

pub fn update_station(
    conn: &mut DbConnection,
    id: &StationId,
    expected_version: i32,
    s: &ValidStation,
) -> QueryResult<VersionedUpdate> {
    let changed = diesel::update(stations::table.find(id.as_str()))
        .filter(stations::version.eq(expected_version))
        .set((
            stations::name.eq(&s.name),
            stations::location.eq(&s.location),
            stations::action.eq(s.action.as_str()),
            stations::active.eq(s.active),
            stations::version.eq(stations::version + 1),
            stations::updated_at.eq(from_utc(now())),
        ))
        .execute(conn)?;
    let exists = changed > 0 || find_station(conn, id)?.is_some();
    Ok(VersionedUpdate::from_rows(changed, exists))
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = container_types)]
struct ContainerRow {
    code: String,
    name: String,
    stability_hours: i32,
    active: bool,
    version: i32,
    updated_at: NaiveDateTime,
}

impl From<ContainerRow> for ContainerType {
    fn from(row: ContainerRow) -> ContainerType {
        ContainerType {
            code: row.code,
            name: row.name,
            stability_hours: row.stability_hours,
            active: row.active,
            version: row.version,
            updated_at: to_utc(row.updated_at),
        }
    }
}

pub fn list_container_types(conn: &mut DbConnection) -> QueryResult<Vec<ContainerType>> {
    let rows: Vec<ContainerRow> = container_types::table
        .order(container_types::code)
        .select(ContainerRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(ContainerType::from).collect())
}

pub fn find_container_type(
    conn: &mut DbConnection,
    code: &str,
) -> QueryResult<Option<ContainerType>> {
    let row: Option<ContainerRow> = container_types::table
        .find(code)
        .select(ContainerRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row.map(ContainerType::from))
}

pub fn insert_container_type(
    conn: &mut DbConnection,
    code: &str,
    c: &ValidContainerType,
) -> QueryResult<ContainerType> {
    let row = ContainerRow {
        code: code.to_owned(),
        name: c.name.clone(),
        stability_hours: c.stability_hours,
        active: c.active,
        version: 1,
        updated_at: from_utc(now()),
    };
    diesel::insert_into(container_types::table)
        .values(&row)
        .execute(conn)?;
    Ok(row.into())
}

pub fn update_container_type(
    conn: &mut DbConnection,
    code: &str,
    expected_version: i32,
    c: &ValidContainerType,
) -> QueryResult<VersionedUpdate> {
    let changed = diesel::update(container_types::table.find(code))
        .filter(container_types::version.eq(expected_version))
        .set((
            container_types::name.eq(&c.name),
            container_types::stability_hours.eq(c.stability_hours),
            container_types::active.eq(c.active),
            container_types::version.eq(container_types::version + 1),
            container_types::updated_at.eq(from_utc(now())),
        ))
        .execute(conn)?;
    let exists = changed > 0 || find_container_type(conn, code)?.is_some();
    Ok(VersionedUpdate::from_rows(changed, exists))
}
