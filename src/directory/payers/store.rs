//! Payer queries. Nothing else touches the `payers` table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{Payer, ValidPayer};
use crate::db::ids::PayerId;
use crate::db::schema::payers;
use crate::db::{DbConnection, from_utc, like_prefix, lower, now, to_utc};
use crate::directory::address::optional_json;
use crate::directory::values::ClaimFilingIndicator;
use crate::error::VersionedUpdate;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = payers)]
struct PayerRow {
    id: String,
    name: String,
    payer_id: String,
    address_line1: Option<String>,
    address_line2: Option<String>,
    city: Option<String>,
    state: Option<String>,
    zip: Option<String>,
    claim_filing_indicator: String,
    active: bool,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// The columns a create or replace writes.
#[derive(AsChangeset)]
#[diesel(table_name = payers, treat_none_as_null = true)]
struct PayerChanges<'a> {
    name: &'a str,
    payer_id: &'a str,
    address_line1: Option<&'a str>,
    address_line2: Option<&'a str>,
    city: Option<&'a str>,
    state: Option<&'a str>,
    zip: Option<&'a str>,
    claim_filing_indicator: &'a str,
    updated_at: NaiveDateTime,
}

impl<'a> PayerChanges<'a> {
    fn of(p: &'a ValidPayer) -> Self {
        let address = p.address.as_ref();
        PayerChanges {
            name: &p.name,
            payer_id: &p.payer_id,
            address_line1: address.map(|a| a.line1.as_str()),
            address_line2: address.and_then(|a| a.line2.as_deref()),
            city: address.map(|a| a.city.as_str()),
            state: address.map(|a| a.state.as_str()),
            zip: address.map(|a| a.zip.as_str()),
            claim_filing_indicator: p.claim_filing_indicator.as_str(),
            updated_at: from_utc(now()),
        }
    }
}

impl From<PayerRow> for Payer {
    fn from(row: PayerRow) -> Self {
        let cfi_name = ClaimFilingIndicator::parse(&row.claim_filing_indicator).map(|c| c.name());
        Payer {
            id: PayerId::from_stored(row.id),
            name: row.name,
            payer_id: row.payer_id,
            address: optional_json(
                row.address_line1,
                row.address_line2,
                row.city,
                row.state,
                row.zip,
            ),
            claim_filing_indicator_name: cfi_name.unwrap_or_default().to_owned(),
            claim_filing_indicator: row.claim_filing_indicator,
            active: row.active,
            version: row.version,
            created_at: to_utc(row.created_at),
            updated_at: to_utc(row.updated_at),
        }
    }
}

pub fn insert(conn: &mut DbConnection, p: &ValidPayer) -> QueryResult<Payer> {
    let changes = PayerChanges::of(p);
    let row = PayerRow {
        id: PayerId::generate().to_string(),
        name: changes.name.to_owned(),
        payer_id: changes.payer_id.to_owned(),
        address_line1: changes.address_line1.map(str::to_owned),
        address_line2: changes.address_line2.map(str::to_owned),
        city: changes.city.map(str::to_owned),
        state: changes.state.map(str::to_owned),
        zip: changes.zip.map(str::to_owned),
        claim_filing_indicator: changes.claim_filing_indicator.to_owned(),
        active: true,
        version: 1,
        created_at: changes.updated_at,
        updated_at: changes.updated_at,
    };
    diesel::insert_into(payers::table)
        .values(&row)
        .execute(conn)?;
    Ok(row.into())
}

pub fn find(conn: &mut DbConnection, id: &PayerId) -> QueryResult<Option<Payer>> {
    let row: Option<PayerRow> = payers::table
        .find(id.as_str())
        .select(PayerRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row.map(Payer::from))
}

#[derive(Debug, Default, Clone)]
pub struct PayerFilter {
    pub active: Option<bool>,
    /// Case-insensitive prefix of the name.
    pub name: Option<String>,
    /// Exact electronic payer id (compared uppercase, as stored).
    pub payer_id: Option<String>,
}

pub fn list(
    conn: &mut DbConnection,
    filter: &PayerFilter,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<Payer>, i64)> {
    let query = || {
        let mut q = payers::table.into_boxed();
        if let Some(active) = filter.active {
            q = q.filter(payers::active.eq(active));
        }
        if let Some(name) = &filter.name {
            q = q.filter(lower(payers::name).like(like_prefix(name)).escape('\\'));
        }
        if let Some(payer_id) = &filter.payer_id {
            q = q.filter(payers::payer_id.eq(payer_id.trim().to_ascii_uppercase()));
        }
        q
    };
    let total = query().count().get_result(conn)?;
    let rows: Vec<PayerRow> = query()
        .order((payers::name.asc(), payers::id.asc()))
        .limit(limit)
        .offset(offset)
        .select(PayerRow::as_select())
        .load(conn)?;
    Ok((rows.into_iter().map(Payer::from).collect(), total))
}

/// Replaces the payer's fields if it is still at `expected_version`.
pub fn update(
    conn: &mut DbConnection,
    id: &PayerId,
    expected_version: i32,
    p: &ValidPayer,
) -> QueryResult<VersionedUpdate> {
    let changed = diesel::update(payers::table.find(id.as_str()))
        .filter(payers::version.eq(expected_version))
        .set((PayerChanges::of(p), payers::version.eq(payers::version + 1)))
        .execute(conn)?;
    let exists = changed > 0 || find(conn, id)?.is_some();
    Ok(VersionedUpdate::from_rows(changed, exists))
}

/// Marks the payer inactive (never deleted: policies and claims refer to it).
pub fn deactivate(conn: &mut DbConnection, id: &PayerId) -> QueryResult<bool> {
    let changed = diesel::update(payers::table.find(id.as_str()))
        .set((
            payers::active.eq(false),
            payers::version.eq(payers::version + 1),
            payers::updated_at.eq(from_utc(now())),
        ))
        .execute(conn)?;
    Ok(changed > 0)
}

impl crate::directory::record::Record for Payer {
    const RESOURCE: &'static str = "payer";
    type Id = PayerId;
    type Valid = ValidPayer;

    fn id(&self) -> &str {
        self.id.as_str()
    }
    fn version(&self) -> i32 {
        self.version
    }
    fn find(conn: &mut DbConnection, id: &PayerId) -> QueryResult<Option<Self>> {
        find(conn, id)
    }
    fn update(
        conn: &mut DbConnection,
        id: &PayerId,
        expected: i32,
        valid: &ValidPayer,
    ) -> QueryResult<VersionedUpdate> {
        update(conn, id, expected, valid)
    }
    fn deactivate(conn: &mut DbConnection, id: &PayerId) -> QueryResult<bool> {
        deactivate(conn, id)
    }
}

impl crate::directory::record::Insert for Payer {
    fn insert(conn: &mut DbConnection, valid: &ValidPayer) -> QueryResult<Self> {
        insert(conn, valid)
    }
}
