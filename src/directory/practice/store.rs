//! Practice settings queries. Nothing else touches the `practice` table, which holds at most one row.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{Practice, ValidPractice};
use crate::db::schema::practice;
use crate::db::{DbConnection, from_utc, now, to_utc};
use crate::directory::address::optional_json;
use crate::error::VersionedUpdate;

/// The id of the one practice row (the table checks `id = 1`).
pub const PRACTICE_ID: i32 = 1;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = practice)]
struct PracticeRow {
    id: i32,
    name: String,
    tax_id: Option<String>,
    npi: Option<String>,
    address_line1: Option<String>,
    address_line2: Option<String>,
    city: Option<String>,
    state: Option<String>,
    zip: Option<String>,
    phone: Option<String>,
    version: i32,
    updated_at: NaiveDateTime,
    clia_number: Option<String>,
}

/// The columns a save writes.
#[derive(AsChangeset)]
#[diesel(table_name = practice, treat_none_as_null = true)]
struct PracticeChanges<'a> {
    name: &'a str,
    tax_id: Option<&'a str>,
    npi: Option<&'a str>,
    address_line1: Option<&'a str>,
    address_line2: Option<&'a str>,
    city: Option<&'a str>,
    state: Option<&'a str>,
    zip: Option<&'a str>,
    phone: Option<&'a str>,
    clia_number: Option<&'a str>,
    updated_at: NaiveDateTime,
}

impl<'a> PracticeChanges<'a> {
    fn of(p: &'a ValidPractice) -> Self {
        let address = p.address.as_ref();
        PracticeChanges {
            name: &p.name,
            tax_id: p.tax_id.as_ref().map(|t| t.as_str()),
            npi: p.npi.as_ref().map(|n| n.as_str()),
            address_line1: address.map(|a| a.line1.as_str()),
            address_line2: address.and_then(|a| a.line2.as_deref()),
            city: address.map(|a| a.city.as_str()),
            state: address.map(|a| a.state.as_str()),
            zip: address.map(|a| a.zip.as_str()),
            phone: p.phone.as_ref().map(|p| p.as_str()),
            clia_number: p.clia_number.as_ref().map(|c| c.as_str()),
            updated_at: from_utc(now()),
        }
    }

    fn into_row(self) -> PracticeRow {
        let owned = |s: Option<&str>| s.map(str::to_owned);
        PracticeRow {
            id: PRACTICE_ID,
            name: self.name.to_owned(),
            tax_id: owned(self.tax_id),
            npi: owned(self.npi),
            address_line1: owned(self.address_line1),
            address_line2: owned(self.address_line2),
            city: owned(self.city),
            state: owned(self.state),
            zip: owned(self.zip),
            phone: owned(self.phone),
            version: 1,
            updated_at: self.updated_at,
            clia_number: owned(self.clia_number),
        }
    }
}

impl From<PracticeRow> for Practice {
    fn from(row: PracticeRow) -> Self {
        Practice {
            name: row.name,
            tax_id: row.tax_id,
            npi: row.npi,
            address: optional_json(
                row.address_line1,
                row.address_line2,
                row.city,
                row.state,
                row.zip,
            ),
            phone: row.phone,
            clia_number: row.clia_number,
            version: row.version,
            updated_at: to_utc(row.updated_at),
        }
    }
}

/// The practice settings, if they have been saved.
pub fn find(conn: &mut DbConnection) -> QueryResult<Option<Practice>> {
    let row: Option<PracticeRow> = practice::table
        .find(PRACTICE_ID)
        .select(PracticeRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row.map(Practice::from))
}

/// Saves the settings. With `expected` `None` they must not exist yet: the row is created at version 1
/// (`Stale` if it already exists). With `Some(version)` the row must exist at that version (`Missing`,
/// `Stale`). To overwrite whatever is there, pass `find(conn)?.map(|p| p.version)`.
pub fn save(
    conn: &mut DbConnection,
    p: &ValidPractice,
    expected: Option<i32>,
) -> QueryResult<VersionedUpdate> {
    let Some(expected_version) = expected else {
        // A concurrent first save may insert between a check and our insert; ON CONFLICT DO NOTHING makes
        // the loser see the row as already there (Stale) instead of failing on the primary key.
        let row = PracticeChanges::of(p).into_row();
        let inserted = crate::insert_or_ignore!(conn, practice::table, &row)?;
        return Ok(if inserted > 0 {
            VersionedUpdate::Updated
        } else {
            VersionedUpdate::Stale
        });
    };
    let changed = diesel::update(practice::table.find(PRACTICE_ID))
        .filter(practice::version.eq(expected_version))
        .set((
            PracticeChanges::of(p),
            practice::version.eq(practice::version + 1),
        ))
        .execute(conn)?;
    let exists = changed > 0 || find(conn)?.is_some();
    Ok(VersionedUpdate::from_rows(changed, exists))
}
