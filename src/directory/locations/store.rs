//! Location queries. Nothing else touches the `locations` table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{Location, ValidLocation};
use crate::db::ids::LocationId;
use crate::db::schema::locations;
use crate::db::{DbConnection, from_utc, like_prefix, lower, now, to_utc};
use crate::directory::address::Address;
use crate::directory::values::PlaceOfService;
use crate::error::VersionedUpdate;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = locations)]
struct LocationRow {
    id: String,
    name: String,
    address_line1: String,
    address_line2: Option<String>,
    city: String,
    state: String,
    zip: String,
    phone: Option<String>,
    place_of_service: String,
    npi: Option<String>,
    active: bool,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// The columns a create or replace writes.
#[derive(AsChangeset)]
#[diesel(table_name = locations, treat_none_as_null = true)]
struct LocationChanges<'a> {
    name: &'a str,
    address_line1: &'a str,
    address_line2: Option<&'a str>,
    city: &'a str,
    state: &'a str,
    zip: &'a str,
    phone: Option<&'a str>,
    place_of_service: &'a str,
    npi: Option<&'a str>,
    updated_at: NaiveDateTime,
}

impl<'a> LocationChanges<'a> {
    fn of(l: &'a ValidLocation) -> Self {
        LocationChanges {
            name: &l.name,
            address_line1: &l.address.line1,
            address_line2: l.address.line2.as_deref(),
            city: &l.address.city,
            state: l.address.state.as_str(),
            zip: l.address.zip.as_str(),
            phone: l.phone.as_ref().map(|p| p.as_str()),
            place_of_service: l.place_of_service.as_str(),
            npi: l.npi.as_ref().map(|n| n.as_str()),
            updated_at: from_utc(now()),
        }
    }
}

impl From<LocationRow> for Location {
    fn from(row: LocationRow) -> Self {
        let pos_name = PlaceOfService::parse(&row.place_of_service).map(|p| p.name());
        Location {
            id: LocationId::from_stored(row.id),
            name: row.name,
            address: Address::json(
                row.address_line1,
                row.address_line2,
                row.city,
                row.state,
                row.zip,
            ),
            phone: row.phone,
            place_of_service_name: pos_name.unwrap_or_default().to_owned(),
            place_of_service: row.place_of_service,
            npi: row.npi,
            active: row.active,
            version: row.version,
            created_at: to_utc(row.created_at),
            updated_at: to_utc(row.updated_at),
        }
    }
}

pub fn insert(conn: &mut DbConnection, l: &ValidLocation) -> QueryResult<Location> {
    let changes = LocationChanges::of(l);
    let row = LocationRow {
        id: LocationId::generate().to_string(),
        name: changes.name.to_owned(),
        address_line1: changes.address_line1.to_owned(),
        address_line2: changes.address_line2.map(str::to_owned),
        city: changes.city.to_owned(),
        state: changes.state.to_owned(),
        zip: changes.zip.to_owned(),
        phone: changes.phone.map(str::to_owned),
        place_of_service: changes.place_of_service.to_owned(),
        npi: changes.npi.map(str::to_owned),
        active: true,
        version: 1,
        created_at: changes.updated_at,
        updated_at: changes.updated_at,
    };
    diesel::insert_into(locations::table)
        .values(&row)
        .execute(conn)?;
    Ok(row.into())
}

pub fn find(conn: &mut DbConnection, id: &LocationId) -> QueryResult<Option<Location>> {
    let row: Option<LocationRow> = locations::table
        .find(id.as_str())
        .select(LocationRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row.map(Location::from))
}

#[derive(Debug, Default, Clone)]
pub struct LocationFilter {
    pub active: Option<bool>,
    /// Case-insensitive prefix of the name.
    pub name: Option<String>,
    pub place_of_service: Option<String>,
}

pub fn list(
    conn: &mut DbConnection,
    filter: &LocationFilter,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<Location>, i64)> {
    let query = || {
        let mut q = locations::table.into_boxed();
        if let Some(active) = filter.active {
            q = q.filter(locations::active.eq(active));
        }
        if let Some(name) = &filter.name {
            q = q.filter(lower(locations::name).like(like_prefix(name)).escape('\\'));
        }
        if let Some(pos) = &filter.place_of_service {
            q = q.filter(locations::place_of_service.eq(pos.trim().to_owned()));
        }
        q
    };
    let total = query().count().get_result(conn)?;
    let rows: Vec<LocationRow> = query()
        .order((locations::name.asc(), locations::id.asc()))
        .limit(limit)
        .offset(offset)
        .select(LocationRow::as_select())
        .load(conn)?;
    Ok((rows.into_iter().map(Location::from).collect(), total))
}

/// Replaces the location's fields if it is still at `expected_version`.
pub fn update(
    conn: &mut DbConnection,
    id: &LocationId,
    expected_version: i32,
    l: &ValidLocation,
) -> QueryResult<VersionedUpdate> {
    let changed = diesel::update(locations::table.find(id.as_str()))
        .filter(locations::version.eq(expected_version))
        .set((
            LocationChanges::of(l),
            locations::version.eq(locations::version + 1),
        ))
        .execute(conn)?;
    let exists = changed > 0 || find(conn, id)?.is_some();
    Ok(VersionedUpdate::from_rows(changed, exists))
}

/// Marks the location inactive (never deleted: encounters and claims refer to it).
pub fn deactivate(conn: &mut DbConnection, id: &LocationId) -> QueryResult<bool> {
    let changed = diesel::update(locations::table.find(id.as_str()))
        .set((
            locations::active.eq(false),
            locations::version.eq(locations::version + 1),
            locations::updated_at.eq(from_utc(now())),
        ))
        .execute(conn)?;
    Ok(changed > 0)
}

impl crate::directory::record::Record for Location {
    const RESOURCE: &'static str = "location";
    type Id = LocationId;
    type Valid = ValidLocation;

    fn id(&self) -> &str {
        self.id.as_str()
    }
    fn version(&self) -> i32 {
        self.version
    }
    fn find(conn: &mut DbConnection, id: &LocationId) -> QueryResult<Option<Self>> {
        find(conn, id)
    }
    fn update(
        conn: &mut DbConnection,
        id: &LocationId,
        expected: i32,
        valid: &ValidLocation,
    ) -> QueryResult<VersionedUpdate> {
        update(conn, id, expected, valid)
    }
    fn deactivate(conn: &mut DbConnection, id: &LocationId) -> QueryResult<bool> {
        deactivate(conn, id)
    }
}

impl crate::directory::record::Insert for Location {
    fn insert(conn: &mut DbConnection, valid: &ValidLocation) -> QueryResult<Self> {
        insert(conn, valid)
    }
}
