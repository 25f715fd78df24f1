//! Insurance policy queries. Nothing else touches the `insurance_policies` table.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::model::{Policy, Priority, Relationship, ValidPolicy};
use super::subscriber::Subscriber;
use crate::db::ids::{PatientId, PayerId, PolicyId};
use crate::db::schema::{insurance_policies as policies, payers};
use crate::db::{DbConnection, from_utc, now, to_utc};
use crate::directory::address::Address;
use crate::error::VersionedUpdate;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = policies)]
struct PolicyRow {
    id: String,
    patient_id: String,
    #[diesel(embed)]
    fields: PolicyFields,
    active: bool,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// The columns a create or replace writes.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = policies, treat_none_as_null = true)]
struct PolicyFields {
    payer_id: String,
    member_id: String,
    group_number: Option<String>,
    group_name: Option<String>,
    priority: String,
    relationship: String,
    subscriber_last_name: Option<String>,
    subscriber_first_name: Option<String>,
    subscriber_date_of_birth: Option<NaiveDate>,
    subscriber_sex: Option<String>,
    subscriber_address_line1: Option<String>,
    subscriber_address_line2: Option<String>,
    subscriber_city: Option<String>,
    subscriber_state: Option<String>,
    subscriber_zip: Option<String>,
    effective_date: NaiveDate,
    end_date: Option<NaiveDate>,
}

impl PolicyFields {
    fn of(p: &ValidPolicy) -> Self {
        let s = p.subscriber.as_ref();
        let text = |f: fn(&super::ValidSubscriber) -> &str| s.map(|s| f(s).to_owned());
        PolicyFields {
            payer_id: p.payer_id.to_string(),
            member_id: p.member_id.clone(),
            group_number: p.group_number.clone(),
            group_name: p.group_name.clone(),
            priority: p.priority.as_str().to_owned(),
            relationship: p.relationship.as_str().to_owned(),
            subscriber_last_name: text(|s| s.last_name.as_str()),
            subscriber_first_name: text(|s| s.first_name.as_str()),
            subscriber_date_of_birth: s.map(|s| s.date_of_birth),
            subscriber_sex: text(|s| s.sex.as_str()),
            subscriber_address_line1: text(|s| &s.address.line1),
            subscriber_address_line2: s.and_then(|s| s.address.line2.clone()),
            subscriber_city: text(|s| &s.address.city),
            subscriber_state: text(|s| s.address.state.as_str()),
            subscriber_zip: text(|s| s.address.zip.as_str()),
            effective_date: p.effective_date,
            end_date: p.end_date,
        }
    }

    /// The stored subscriber columns (all set together when written) back into the API shape.
    fn subscriber(&mut self) -> Option<Subscriber> {
        Some(Subscriber {
            last_name: self.subscriber_last_name.take()?,
            first_name: self.subscriber_first_name.take()?,
            date_of_birth: self.subscriber_date_of_birth?,
            sex: self.subscriber_sex.take()?,
            address: Address::json(
                self.subscriber_address_line1.take()?,
                self.subscriber_address_line2.take(),
                self.subscriber_city.take()?,
                self.subscriber_state.take()?,
                self.subscriber_zip.take()?,
            ),
        })
    }
}

impl From<PolicyRow> for Policy {
    fn from(mut row: PolicyRow) -> Self {
        let subscriber = row.fields.subscriber();
        let f = row.fields;
        Policy {
            id: PolicyId::from_stored(row.id),
            patient_id: PatientId::from_stored(row.patient_id),
            payer_id: PayerId::from_stored(f.payer_id),
            member_id: f.member_id,
            group_number: f.group_number,
            group_name: f.group_name,
            priority: Priority::parse(&f.priority).unwrap_or(Priority::Primary),
            relationship: Relationship::parse(&f.relationship).unwrap_or(Relationship::Other),
            subscriber,
            effective_date: f.effective_date,
            end_date: f.end_date,
            active: row.active,
            version: row.version,
            created_at: to_utc(row.created_at),
            updated_at: to_utc(row.updated_at),
        }
    }
}

/// Whether an active payer has this id (the payers table belongs to the payers module; this is the one
/// read policies need of it).
pub fn active_payer_exists(conn: &mut DbConnection, payer_id: &PayerId) -> QueryResult<bool> {
    let count: i64 = payers::table
        .filter(payers::id.eq(payer_id.as_str()))
        .filter(payers::active.eq(true))
        .count()
        .get_result(conn)?;
    Ok(count > 0)
}

/// Whether another active policy of the patient already has this priority.
pub fn priority_taken(
    conn: &mut DbConnection,
    patient_id: &PatientId,
    priority: Priority,
    except_id: Option<&PolicyId>,
) -> QueryResult<bool> {
    let mut query = policies::table
        .filter(policies::patient_id.eq(patient_id.as_str()))
        .filter(policies::priority.eq(priority.as_str()))
        .filter(policies::active.eq(true))
        .into_boxed();
    if let Some(id) = except_id {
        query = query.filter(policies::id.ne(id.as_str().to_owned()));
    }
    Ok(query.count().get_result::<i64>(conn)? > 0)
}

pub fn insert(
    conn: &mut DbConnection,
    patient_id: &PatientId,
    p: &ValidPolicy,
) -> QueryResult<Policy> {
    let at = from_utc(now());
    let row = PolicyRow {
        id: PolicyId::generate().to_string(),
        patient_id: patient_id.to_string(),
        fields: PolicyFields::of(p),
        active: true,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(policies::table)
        .values(&row)
        .execute(conn)?;
    Ok(row.into())
}

/// The policy, if it belongs to this patient.
pub fn find(
    conn: &mut DbConnection,
    patient_id: &PatientId,
    id: &PolicyId,
) -> QueryResult<Option<Policy>> {
    let row: Option<PolicyRow> = policies::table
        .find(id.as_str())
        .filter(policies::patient_id.eq(patient_id.as_str()))
        .select(PolicyRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row.map(Policy::from))
}

#[derive(Debug, Default, Clone)]
pub struct PolicyFilter {
    pub active: Option<bool>,
}

/// One page of the patient's policies, by priority order, then effective date and id.
pub fn list(
    conn: &mut DbConnection,
    patient_id: &PatientId,
    filter: &PolicyFilter,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<Policy>, i64)> {
    let query = || {
        let mut q = policies::table
            .filter(policies::patient_id.eq(patient_id.as_str().to_owned()))
            .into_boxed();
        if let Some(active) = filter.active {
            q = q.filter(policies::active.eq(active));
        }
        q
    };
    let total = query().count().get_result(conn)?;
    // "primary" < "secondary" < "tertiary" alphabetically too.
    let rows: Vec<PolicyRow> = query()
        .order((
            policies::active.desc(),
            policies::priority.asc(),
            policies::effective_date.desc(),
            policies::id.asc(),
        ))
        .limit(limit)
        .offset(offset)
        .select(PolicyRow::as_select())
        .load(conn)?;
    Ok((rows.into_iter().map(Policy::from).collect(), total))
}

/// The active policies of these patients at this priority (many patients' in a few queries).
pub fn active_for_patients(
    conn: &mut DbConnection,
    patients: &[PatientId],
    priority: Priority,
) -> QueryResult<Vec<Policy>> {
    let mut found = Vec::new();
    for chunk in patients.chunks(1000) {
        let ids: Vec<&str> = chunk.iter().map(PatientId::as_str).collect();
        let rows: Vec<PolicyRow> = policies::table
            .filter(policies::patient_id.eq_any(ids))
            .filter(policies::active.eq(true))
            .filter(policies::priority.eq(priority.as_str()))
            .order((policies::effective_date.desc(), policies::id.asc()))
            .select(PolicyRow::as_select())
            .load(conn)?;
        found.extend(rows.into_iter().map(Policy::from));
    }
    Ok(found)
}

/// Replaces the policy's fields if it belongs to the patient and is still at `expected_version`.
pub fn update(
    conn: &mut DbConnection,
    patient_id: &PatientId,
    id: &PolicyId,
    expected_version: i32,
    p: &ValidPolicy,
) -> QueryResult<VersionedUpdate> {
    let changed = diesel::update(policies::table.find(id.as_str()))
        .filter(policies::patient_id.eq(patient_id.as_str()))
        .filter(policies::version.eq(expected_version))
        .set((
            PolicyFields::of(p),
            policies::version.eq(policies::version + 1),
            policies::updated_at.eq(from_utc(now())),
        ))
        .execute(conn)?;
    let exists = changed > 0 || find(conn, patient_id, id)?.is_some();
    Ok(VersionedUpdate::from_rows(changed, exists))
}

/// Marks the policy inactive (kept: claims and the audit trail refer to it), freeing its priority.
pub fn deactivate(
    conn: &mut DbConnection,
    patient_id: &PatientId,
    id: &PolicyId,
) -> QueryResult<bool> {
    let changed = diesel::update(policies::table.find(id.as_str()))
        .filter(policies::patient_id.eq(patient_id.as_str()))
        .set((
            policies::active.eq(false),
            policies::version.eq(policies::version + 1),
            policies::updated_at.eq(from_utc(now())),
        ))
        .execute(conn)?;
    Ok(changed > 0)
}
