//! Provider queries. Nothing else touches the `providers` table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{EntityType, Provider, ValidProvider};
use crate::db::ids::ProviderId;
use crate::db::schema::providers;
use crate::db::{DbConnection, from_utc, like_prefix, lower, now, to_utc};
use crate::error::{AppError, AppResult, VersionedUpdate};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = providers)]
struct ProviderRow {
    id: String,
    npi: String,
    entity_type: String,
    last_name: String,
    first_name: Option<String>,
    middle_name: Option<String>,
    credential: Option<String>,
    taxonomy_code: String,
    is_billing: bool,
    is_rendering: bool,
    active: bool,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// The columns a create or replace writes.
#[derive(AsChangeset)]
#[diesel(table_name = providers, treat_none_as_null = true)]
struct ProviderChanges<'a> {
    npi: &'a str,
    entity_type: &'a str,
    last_name: &'a str,
    first_name: Option<&'a str>,
    middle_name: Option<&'a str>,
    credential: Option<&'a str>,
    taxonomy_code: &'a str,
    is_billing: bool,
    is_rendering: bool,
    updated_at: NaiveDateTime,
}

impl<'a> ProviderChanges<'a> {
    fn of(p: &'a ValidProvider) -> Self {
        ProviderChanges {
            npi: p.npi.as_str(),
            entity_type: p.entity_type.as_str(),
            last_name: &p.last_name,
            first_name: p.first_name.as_deref(),
            middle_name: p.middle_name.as_deref(),
            credential: p.credential.as_deref(),
            taxonomy_code: p.taxonomy_code.as_str(),
            is_billing: p.is_billing,
            is_rendering: p.is_rendering,
            updated_at: from_utc(now()),
        }
    }
}

impl From<ProviderRow> for Provider {
    fn from(row: ProviderRow) -> Self {
        Provider {
            id: ProviderId::from_stored(row.id),
            npi: row.npi,
            entity_type: EntityType::parse(&row.entity_type).unwrap_or(EntityType::Individual),
            last_name: row.last_name,
            first_name: row.first_name,
            middle_name: row.middle_name,
            credential: row.credential,
            taxonomy_code: row.taxonomy_code,
            is_billing: row.is_billing,
            is_rendering: row.is_rendering,
            active: row.active,
            version: row.version,
            created_at: to_utc(row.created_at),
            updated_at: to_utc(row.updated_at),
        }
    }
}

pub fn insert(conn: &mut DbConnection, p: &ValidProvider) -> QueryResult<Provider> {
    let changes = ProviderChanges::of(p);
    let row = ProviderRow {
        id: ProviderId::generate().to_string(),
        npi: changes.npi.to_owned(),
        entity_type: changes.entity_type.to_owned(),
        last_name: changes.last_name.to_owned(),
        first_name: p.first_name.clone(),
        middle_name: p.middle_name.clone(),
        credential: p.credential.clone(),
        taxonomy_code: changes.taxonomy_code.to_owned(),
        is_billing: p.is_billing,
        is_rendering: p.is_rendering,
        active: true,
        version: 1,
        created_at: changes.updated_at,
        updated_at: changes.updated_at,
    };
    diesel::insert_into(providers::table)
        .values(&row)
        .execute(conn)?;
    Ok(row.into())
}

pub fn find(conn: &mut DbConnection, id: &ProviderId) -> QueryResult<Option<Provider>> {
    let row: Option<ProviderRow> = providers::table
        .find(id.as_str())
        .select(ProviderRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row.map(Provider::from))
}

/// Another provider already holding this NPI.
pub fn npi_taken(
    conn: &mut DbConnection,
    npi: &str,
    except_id: Option<&ProviderId>,
) -> QueryResult<bool> {
    let mut query = providers::table.filter(providers::npi.eq(npi)).into_boxed();
    if let Some(id) = except_id {
        query = query.filter(providers::id.ne(id.as_str().to_owned()));
    }
    Ok(query.count().get_result::<i64>(conn)? > 0)
}

#[derive(Debug, Default, Clone)]
pub struct ProviderFilter {
    pub active: Option<bool>,
    pub npi: Option<String>,
    /// Case-insensitive prefix of the last (or organization) name.
    pub name: Option<String>,
    pub is_billing: Option<bool>,
    pub is_rendering: Option<bool>,
}

pub fn list(
    conn: &mut DbConnection,
    filter: &ProviderFilter,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<Provider>, i64)> {
    let query = || {
        let mut q = providers::table.into_boxed();
        if let Some(active) = filter.active {
            q = q.filter(providers::active.eq(active));
        }
        if let Some(npi) = &filter.npi {
            q = q.filter(providers::npi.eq(npi.clone()));
        }
        if let Some(name) = &filter.name {
            q = q.filter(
                lower(providers::last_name)
                    .like(like_prefix(name))
                    .escape('\\'),
            );
        }
        if let Some(billing) = filter.is_billing {
            q = q.filter(providers::is_billing.eq(billing));
        }
        if let Some(rendering) = filter.is_rendering {
            q = q.filter(providers::is_rendering.eq(rendering));
        }
        q
    };
    let total = query().count().get_result(conn)?;
    let rows: Vec<ProviderRow> = query()
        .order((providers::last_name.asc(), providers::id.asc()))
        .limit(limit)
        .offset(offset)
        .select(ProviderRow::as_select())
        .load(conn)?;
    Ok((rows.into_iter().map(Provider::from).collect(), total))
}

/// Replaces the provider's fields if it is still at `expected_version`.
pub fn update(
    conn: &mut DbConnection,
    id: &ProviderId,
    expected_version: i32,
    p: &ValidProvider,
) -> QueryResult<VersionedUpdate> {
    let changed = diesel::update(providers::table.find(id.as_str()))
        .filter(providers::version.eq(expected_version))
        .set((
            ProviderChanges::of(p),
            providers::version.eq(providers::version + 1),
        ))
        .execute(conn)?;
    let exists = changed > 0 || find(conn, id)?.is_some();
    Ok(VersionedUpdate::from_rows(changed, exists))
}

/// Marks the provider inactive (never deleted: claims and the audit trail refer to it).
pub fn deactivate(conn: &mut DbConnection, id: &ProviderId) -> QueryResult<bool> {
    let changed = diesel::update(providers::table.find(id.as_str()))
        .set((
            providers::active.eq(false),
            providers::version.eq(providers::version + 1),
            providers::updated_at.eq(from_utc(now())),
        ))
        .execute(conn)?;
    Ok(changed > 0)
}

impl crate::directory::record::Record for Provider {
    const RESOURCE: &'static str = "provider";
    type Id = ProviderId;
    type Valid = ValidProvider;

    fn id(&self) -> &str {
        self.id.as_str()
    }
    fn version(&self) -> i32 {
        self.version
    }
    fn find(conn: &mut DbConnection, id: &ProviderId) -> QueryResult<Option<Self>> {
        find(conn, id)
    }
    fn update(
        conn: &mut DbConnection,
        id: &ProviderId,
        expected: i32,
        valid: &ValidProvider,
    ) -> QueryResult<VersionedUpdate> {
        update(conn, id, expected, valid)
    }
    fn deactivate(conn: &mut DbConnection, id: &ProviderId) -> QueryResult<bool> {
        deactivate(conn, id)
    }

    /// An NPI belongs to one provider.
    fn check_unique(
        conn: &mut DbConnection,
        valid: &ValidProvider,
        id: Option<&ProviderId>,
    ) -> AppResult<()> {
        if npi_taken(conn, valid.npi.as_str(), id)? {
            return Err(AppError::conflict(
                "npi_taken",
                "another provider already has this NPI",
            ));
        }
        Ok(())
    }
}

impl crate::directory::record::Insert for Provider {
    fn insert(conn: &mut DbConnection, valid: &ValidProvider) -> QueryResult<Self> {
        insert(conn, valid)
    }
}
