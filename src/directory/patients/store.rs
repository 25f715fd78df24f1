//! Patient queries. Nothing else touches the `patients` table.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::model::{Patient, ValidPatient};
use crate::db::ids::PatientId;
use crate::db::schema::patients;
use crate::db::{DbConnection, from_utc, like_prefix, lower, next_counter, now, to_utc};
use crate::directory::address::Address;
use crate::error::VersionedUpdate;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = patients)]
struct PatientRow {
    id: String,
    mrn: String,
    last_name: String,
    first_name: String,
    middle_name: Option<String>,
    date_of_birth: NaiveDate,
    sex: String,
    address_line1: String,
    address_line2: Option<String>,
    city: String,
    state: String,
    zip: String,
    phone: Option<String>,
    email: Option<String>,
    last_name_key: String,
    first_name_key: String,
    active: bool,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// The columns a create or replace writes (the MRN is set once, on create).
#[derive(AsChangeset)]
#[diesel(table_name = patients, treat_none_as_null = true)]
struct PatientChanges<'a> {
    last_name: &'a str,
    first_name: &'a str,
    middle_name: Option<&'a str>,
    date_of_birth: NaiveDate,
    sex: &'a str,
    address_line1: &'a str,
    address_line2: Option<&'a str>,
    city: &'a str,
    state: &'a str,
    zip: &'a str,
    phone: Option<&'a str>,
    email: Option<&'a str>,
    last_name_key: String,
    first_name_key: String,
    updated_at: NaiveDateTime,
}

impl<'a> PatientChanges<'a> {
    fn of(p: &'a ValidPatient) -> Self {
        PatientChanges {
            last_name: p.last_name.as_str(),
            first_name: p.first_name.as_str(),
            middle_name: p.middle_name.as_ref().map(|n| n.as_str()),
            date_of_birth: p.date_of_birth,
            sex: p.sex.as_str(),
            address_line1: &p.address.line1,
            address_line2: p.address.line2.as_deref(),
            city: &p.address.city,
            state: p.address.state.as_str(),
            zip: p.address.zip.as_str(),
            phone: p.phone.as_ref().map(|n| n.as_str()),
            email: p.email.as_ref().map(|e| e.as_str()),
            last_name_key: p.last_name_key(),
            first_name_key: p.first_name_key(),
            updated_at: from_utc(now()),
        }
    }

    fn into_row(self, id: String, mrn: String) -> PatientRow {
        PatientRow {
            id,
            mrn,
            last_name: self.last_name.to_owned(),
            first_name: self.first_name.to_owned(),
            middle_name: self.middle_name.map(str::to_owned),
            date_of_birth: self.date_of_birth,
            sex: self.sex.to_owned(),
            address_line1: self.address_line1.to_owned(),
            address_line2: self.address_line2.map(str::to_owned),
            city: self.city.to_owned(),
            state: self.state.to_owned(),
            zip: self.zip.to_owned(),
            phone: self.phone.map(str::to_owned),
            email: self.email.map(str::to_owned),
            last_name_key: self.last_name_key,
            first_name_key: self.first_name_key,
            active: true,
            version: 1,
            created_at: self.updated_at,
            updated_at: self.updated_at,
        }
    }
}

impl From<PatientRow> for Patient {
    fn from(row: PatientRow) -> Self {
        Patient {
            id: PatientId::from_stored(row.id),
            mrn: row.mrn,
            last_name: row.last_name,
            first_name: row.first_name,
            middle_name: row.middle_name,
            date_of_birth: row.date_of_birth,
            sex: row.sex,
            address: Address::json(
                row.address_line1,
                row.address_line2,
                row.city,
                row.state,
                row.zip,
            ),
            phone: row.phone,
            email: row.email,
            active: row.active,
            version: row.version,
            created_at: to_utc(row.created_at),
            updated_at: to_utc(row.updated_at),
        }
    }
}

/// Registers a patient under the next MRN (`{mrn_prefix}{n:07}`). Call inside a write transaction, so the
/// counter increment and the row commit together and no MRN is handed out twice.
pub fn insert(conn: &mut DbConnection, mrn_prefix: &str, p: &ValidPatient) -> QueryResult<Patient> {
    let n = next_counter(conn, "mrn")?;
    let row = PatientChanges::of(p).into_row(
        PatientId::generate().to_string(),
        format!("{mrn_prefix}{n:07}"),
    );
    diesel::insert_into(patients::table)
        .values(&row)
        .execute(conn)?;
    Ok(row.into())
}

pub fn find(conn: &mut DbConnection, id: &PatientId) -> QueryResult<Option<Patient>> {
    let row: Option<PatientRow> = patients::table
        .find(id.as_str())
        .select(PatientRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row.map(Patient::from))
}

/// Whether a patient with this id exists (active or not), without reading its data.
pub fn exists(conn: &mut DbConnection, id: &PatientId) -> QueryResult<bool> {
    let count: i64 = patients::table.find(id.as_str()).count().get_result(conn)?;
    Ok(count > 0)
}

/// Takes the patient's row lock until the transaction ends (an update that changes nothing; SQLite's
/// write transaction already serialises), so two postings to one patient's account, each reading its
/// balances first, run one after the other. False when there is no such patient.
pub fn lock(conn: &mut DbConnection, id: &PatientId) -> QueryResult<bool> {
    let changed = diesel::update(patients::table.find(id.as_str()))
        .set(patients::version.eq(patients::version))
        .execute(conn)?;
    Ok(changed > 0)
}

#[derive(Debug, Default, Clone)]
pub struct PatientFilter {
    /// Words (split on whitespace and commas), each a prefix of the last or first name, any case.
    pub name: Option<String>,
    /// Prefix of the last name, any case.
    pub last_name: Option<String>,
    /// Prefix of the first name, any case.
    pub first_name: Option<String>,
    /// Exact MRN, any case.
    pub mrn: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub active: Option<bool>,
}

type BoxedQuery<'a> = patients::BoxedQuery<'a, <DbConnection as Connection>::Backend>;

fn filtered(filter: &PatientFilter) -> BoxedQuery<'_> {
    let mut q = patients::table.into_boxed();
    let words = filter.name.as_deref().unwrap_or("");
    for word in words.split(|c: char| c.is_whitespace() || c == ',') {
        if word.is_empty() {
            continue;
        }
        let pattern = like_prefix(word);
        q = q.filter(
            patients::last_name_key
                .like(pattern.clone())
                .escape('\\')
                .or(patients::first_name_key.like(pattern).escape('\\')),
        );
    }
    if let Some(last) = filter.last_name.as_deref().filter(|s| !s.trim().is_empty()) {
        q = q.filter(patients::last_name_key.like(like_prefix(last)).escape('\\'));
    }
    if let Some(first) = filter
        .first_name
        .as_deref()
        .filter(|s| !s.trim().is_empty())
    {
        q = q.filter(
            patients::first_name_key
                .like(like_prefix(first))
                .escape('\\'),
        );
    }
    if let Some(mrn) = filter.mrn.as_deref().filter(|s| !s.trim().is_empty()) {
        q = q.filter(lower(patients::mrn).eq(mrn.trim().to_lowercase()));
    }
    if let Some(date) = filter.date_of_birth {
        q = q.filter(patients::date_of_birth.eq(date));
    }
    if let Some(active) = filter.active {
        q = q.filter(patients::active.eq(active));
    }
    q
}

/// One page of matching patients, by last name, first name and id, with the total match count.
pub fn list(
    conn: &mut DbConnection,
    filter: &PatientFilter,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<Patient>, i64)> {
    let total = filtered(filter).count().get_result(conn)?;
    let rows: Vec<PatientRow> = filtered(filter)
        .order((
            patients::last_name_key.asc(),
            patients::first_name_key.asc(),
            patients::id.asc(),
        ))
        .limit(limit)
        .offset(offset)
        .select(PatientRow::as_select())
        .load(conn)?;
    Ok((rows.into_iter().map(Patient::from).collect(), total))
}

/// Replaces the patient's fields (not the MRN) if it is still at `expected_version`.
pub fn update(
    conn: &mut DbConnection,
    id: &PatientId,
    expected_version: i32,
    p: &ValidPatient,
) -> QueryResult<VersionedUpdate> {
    let changed = diesel::update(patients::table.find(id.as_str()))
        .filter(patients::version.eq(expected_version))
        .set((
            PatientChanges::of(p),
            patients::version.eq(patients::version + 1),
        ))
        .execute(conn)?;
    let exists = changed > 0 || exists(conn, id)?;
    Ok(VersionedUpdate::from_rows(changed, exists))
}

/// Marks the patient inactive (never deleted: encounters, claims and the audit trail refer to it).
pub fn deactivate(conn: &mut DbConnection, id: &PatientId) -> QueryResult<bool> {
    let changed = diesel::update(patients::table.find(id.as_str()))
        .set((
            patients::active.eq(false),
            patients::version.eq(patients::version + 1),
            patients::updated_at.eq(from_utc(now())),
        ))
        .execute(conn)?;
    Ok(changed > 0)
}

impl crate::directory::record::Record for Patient {
    const RESOURCE: &'static str = "patient";
    const AUDIT_READS: bool = true;
    type Id = PatientId;
    type Valid = ValidPatient;

    fn id(&self) -> &str {
        self.id.as_str()
    }
    fn version(&self) -> i32 {
        self.version
    }
    fn patient_id(&self) -> Option<&str> {
        Some(self.id.as_str())
    }
    fn find(conn: &mut DbConnection, id: &PatientId) -> QueryResult<Option<Self>> {
        find(conn, id)
    }
    fn update(
        conn: &mut DbConnection,
        id: &PatientId,
        expected: i32,
        valid: &ValidPatient,
    ) -> QueryResult<VersionedUpdate> {
        update(conn, id, expected, valid)
    }
    fn deactivate(conn: &mut DbConnection, id: &PatientId) -> QueryResult<bool> {
        deactivate(conn, id)
    }
}
