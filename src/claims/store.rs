//! Claim queries. Nothing else touches the `claims` and `claim_versions` tables. A version once batched
//! is never written again: the only updates of `claim_versions` are `freeze_current` and
//! `replace_unbatched_snapshot`, which refuses a frozen version (and triggers refuse it in the database).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::lifecycle::Status;
use super::model::{Claim, ClaimSummary, ClaimVersion, VersionSummary};
use super::snapshot::{ClaimSnapshot, Frequency};
use crate::db::ids::{ClaimId, EncounterId, PatientId, PayerId, PolicyId};
use crate::db::schema::{claim_versions as versions, claims};
use crate::db::{DbConnection, from_utc, now, to_utc};
use crate::money;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = claims)]
struct ClaimRow {
    id: String,
    claim_number: String,
    patient_id: String,
    encounter_id: String,
    policy_id: String,
    payer_id: String,
    status: String,
    current_version: i32,
    status_reasons: String,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    payer_claim_number: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = versions)]
struct VersionRow {
    claim_id: String,
    version: i32,
    clm01: String,
    frequency: String,
    payer_claim_number: Option<String>,
    reason: Option<String>,
    snapshot: String,
    total_charge_cents: i64,
    batched: bool,
    created_at: NaiveDateTime,
}

/// A stored value that no longer reads (a hand-edited row): a database error, never a panic.
fn bad_value(what: impl std::fmt::Display) -> diesel::result::Error {
    diesel::result::Error::DeserializationError(what.to_string().into())
}

fn frequency_name(f: Frequency) -> &'static str {
    match f {
        Frequency::Original => "original",
        Frequency::Replacement => "replacement",
        Frequency::Void => "void",
    }
}

fn parse_frequency(text: &str) -> QueryResult<Frequency> {
    match text {
        "original" => Ok(Frequency::Original),
        "replacement" => Ok(Frequency::Replacement),
        "void" => Ok(Frequency::Void),
        other => Err(bad_value(format!("claim version frequency {other}"))),
    }
}

impl ClaimRow {
    fn summary(self) -> QueryResult<ClaimSummary> {
        Ok(ClaimSummary {
            id: ClaimId::from_stored(self.id),
            claim_number: self.claim_number,
            patient_id: PatientId::from_stored(self.patient_id),
            encounter_id: EncounterId::from_stored(self.encounter_id),
            policy_id: PolicyId::from_stored(self.policy_id),
            payer_id: PayerId::from_stored(self.payer_id),
            status: Status::parse(&self.status).map_err(bad_value)?,
            status_reasons: serde_json::from_str(&self.status_reasons).map_err(bad_value)?,
            current_version: self.current_version,
            payer_claim_number: self.payer_claim_number,
            version: self.version,
            created_at: to_utc(self.created_at),
            updated_at: to_utc(self.updated_at),
        })
    }
}

impl VersionRow {
    fn summary(&self) -> QueryResult<VersionSummary> {
        Ok(VersionSummary {
            version: self.version,
            clm01: self.clm01.clone(),
            frequency: parse_frequency(&self.frequency)?,
            payer_claim_number: self.payer_claim_number.clone(),
            reason: self.reason.clone(),
            total_charge: money::from_cents(self.total_charge_cents),
            batched: self.batched,
            created_at: to_utc(self.created_at),
        })
    }

    fn snapshot(&self) -> QueryResult<ClaimSnapshot> {
        serde_json::from_str(&self.snapshot).map_err(bad_value)
    }
}

fn cents(snapshot: &ClaimSnapshot) -> QueryResult<i64> {
    money::to_cents(snapshot.claim.total_charge).map_err(bad_value)
}

/// A claim about to be stored with its first version.
pub struct NewClaim<'a> {
    pub claim_number: &'a str,
    pub patient_id: &'a PatientId,
    pub encounter_id: &'a EncounterId,
    pub policy_id: &'a PolicyId,
    pub payer_id: &'a PayerId,
    pub snapshot: &'a ClaimSnapshot,
}

/// A version about to be added (a correction).
pub struct NewVersion<'a> {
    pub version: i32,
    pub payer_claim_number: Option<&'a str>,
    pub reason: Option<&'a str>,
    pub snapshot: &'a ClaimSnapshot,
}

fn insert_version(conn: &mut DbConnection, id: &ClaimId, v: &NewVersion) -> QueryResult<()> {
    let row = VersionRow {
        claim_id: id.to_string(),
        version: v.version,
        clm01: v.snapshot.claim.claim_number.clone(),
        frequency: frequency_name(v.snapshot.claim.frequency).to_owned(),
        payer_claim_number: v.payer_claim_number.map(str::to_owned),
        reason: v.reason.map(str::to_owned),
        snapshot: serde_json::to_string(v.snapshot).map_err(bad_value)?,
        total_charge_cents: cents(v.snapshot)?,
        batched: false,
        created_at: from_utc(now()),
    };
    diesel::insert_into(versions::table)
        .values(&row)
        .execute(conn)?;
    Ok(())
}

/// Stores the claim, status ready, with version 1.
pub fn insert(conn: &mut DbConnection, c: &NewClaim) -> QueryResult<ClaimId> {
    let at = from_utc(now());
    let id = ClaimId::generate();
    let row = ClaimRow {
        id: id.to_string(),
        claim_number: c.claim_number.to_owned(),
        patient_id: c.patient_id.to_string(),
        encounter_id: c.encounter_id.to_string(),
        policy_id: c.policy_id.to_string(),
        payer_id: c.payer_id.to_string(),
        status: Status::Ready.as_str().to_owned(),
        current_version: 1,
        status_reasons: "[]".into(),
        version: 1,
        created_at: at,
        updated_at: at,
        payer_claim_number: None,
    };
    diesel::insert_into(claims::table)
        .values(&row)
        .execute(conn)?;
    let first = NewVersion {
        version: 1,
        payer_claim_number: None,
        reason: None,
        snapshot: c.snapshot,
    };
    insert_version(conn, &id, &first)?;
    Ok(id)
}

/// Adds the next version and makes it current, the claim ready again with no status reasons, if the
/// claim is still in `from` at the version before (false when another writer moved it first).
pub fn add_version(
    conn: &mut DbConnection,
    id: &ClaimId,
    from: Status,
    v: &NewVersion,
) -> QueryResult<bool> {
    let changed = diesel::update(claims::table.find(id.as_str()))
        .filter(claims::status.eq(from.as_str()))
        .filter(claims::current_version.eq(v.version - 1))
        .set((
            claims::status.eq(Status::Ready.as_str()),
            claims::current_version.eq(v.version),
            claims::status_reasons.eq("[]"),
            claims::version.eq(claims::version + 1),
            claims::updated_at.eq(from_utc(now())),
        ))
        .execute(conn)?;
    if changed == 0 {
        return Ok(false);
    }
    insert_version(conn, id, v)?;
    Ok(true)
}

/// Moves the claim to `to` if it is still in `from` (false otherwise). The row lock this takes on
/// PostgreSQL orders concurrent writers of one claim until commit.
pub fn set_status(
    conn: &mut DbConnection,
    id: &ClaimId,
    from: Status,
    to: Status,
) -> QueryResult<bool> {
    let changed = diesel::update(claims::table.find(id.as_str()))
        .filter(claims::status.eq(from.as_str()))
        .set((
            claims::status.eq(to.as_str()),
            claims::version.eq(claims::version + 1),
            claims::updated_at.eq(from_utc(now())),
        ))
        .execute(conn)?;
    Ok(changed > 0)
}

/// Replaces the reasons an acknowledgement or remittance gave for the claim's status.
pub fn set_status_reasons(
    conn: &mut DbConnection,
    id: &ClaimId,
    reasons: &[serde_json::Value],
) -> QueryResult<bool> {
    let text = serde_json::to_string(reasons).map_err(bad_value)?;
    let changed = diesel::update(claims::table.find(id.as_str()))
        .set((
            claims::status_reasons.eq(text),
            claims::version.eq(claims::version + 1),
            claims::updated_at.eq(from_utc(now())),
        ))
        .execute(conn)?;
    Ok(changed > 0)
}

/// Keeps the payer's number for the claim (a 277CA's REF*1K), which corrections name in REF*F8.
pub fn set_payer_claim_number(
    conn: &mut DbConnection,
    id: &ClaimId,
    number: &str,
) -> QueryResult<bool> {
    let changed = diesel::update(claims::table.find(id.as_str()))
        .filter(
            claims::payer_claim_number
                .ne(number)
                .or(claims::payer_claim_number.is_null()),
        )
        .set((
            claims::payer_claim_number.eq(number),
            claims::version.eq(claims::version + 1),
            claims::updated_at.eq(from_utc(now())),
        ))
        .execute(conn)?;
    Ok(changed > 0)
}

/// Freezes the claim's current version: from now on it is exactly what was sent.
pub fn freeze_current(conn: &mut DbConnection, id: &ClaimId) -> QueryResult<bool> {
    let current: i32 = claims::table
        .find(id.as_str())
        .select(claims::current_version)
        .first(conn)?;
    let changed = diesel::update(versions::table.find((id.as_str(), current)))
        .set(versions::batched.eq(true))
        .execute(conn)?;
    Ok(changed > 0)
}

/// Replaces the snapshot of a version not yet batched (the remittance work adds a primary's
/// adjudication to a waiting secondary claim this way). False, changing nothing, when the version is
/// batched or missing: a batched version is immutable.
pub fn replace_unbatched_snapshot(
    conn: &mut DbConnection,
    id: &ClaimId,
    version: i32,
    snapshot: &ClaimSnapshot,
) -> QueryResult<bool> {
    let changed = diesel::update(versions::table.find((id.as_str(), version)))
        .filter(versions::batched.eq(false))
        .set((
            versions::snapshot.eq(serde_json::to_string(snapshot).map_err(bad_value)?),
            versions::total_charge_cents.eq(cents(snapshot)?),
        ))
        .execute(conn)?;
    Ok(changed > 0)
}

pub fn find_summary(conn: &mut DbConnection, id: &ClaimId) -> QueryResult<Option<ClaimSummary>> {
    let row: Option<ClaimRow> = claims::table
        .find(id.as_str())
        .select(ClaimRow::as_select())
        .first(conn)
        .optional()?;
    row.map(ClaimRow::summary).transpose()
}

fn version_rows(conn: &mut DbConnection, id: &ClaimId) -> QueryResult<Vec<VersionRow>> {
    versions::table
        .filter(versions::claim_id.eq(id.as_str()))
        .order(versions::version)
        .select(VersionRow::as_select())
        .load(conn)
}

/// The claim with its current snapshot and every version.
pub fn find(conn: &mut DbConnection, id: &ClaimId) -> QueryResult<Option<Claim>> {
    let Some(summary) = find_summary(conn, id)? else {
        return Ok(None);
    };
    let rows = version_rows(conn, id)?;
    let current = rows
        .iter()
        .find(|r| r.version == summary.current_version)
        .ok_or_else(|| bad_value("the claim's current version is missing"))?;
    let snapshot = current.snapshot()?;
    let versions = rows
        .iter()
        .map(VersionRow::summary)
        .collect::<QueryResult<_>>()?;
    Ok(Some(Claim {
        summary,
        snapshot,
        versions,
    }))
}

pub fn find_version(
    conn: &mut DbConnection,
    id: &ClaimId,
    version: i32,
) -> QueryResult<Option<ClaimVersion>> {
    let row: Option<VersionRow> = versions::table
        .find((id.as_str(), version))
        .select(VersionRow::as_select())
        .first(conn)
        .optional()?;
    row.map(|r| {
        Ok(ClaimVersion {
            claim_id: id.clone(),
            summary: r.summary()?,
            snapshot: r.snapshot()?,
        })
    })
    .transpose()
}

/// The open claim (any status but closed) of this encounter for this payer, if there is one.
pub fn open_claim_for(
    conn: &mut DbConnection,
    encounter: &EncounterId,
    payer: &PayerId,
) -> QueryResult<Option<(ClaimId, String)>> {
    let row: Option<(String, String)> = claims::table
        .filter(claims::encounter_id.eq(encounter.as_str()))
        .filter(claims::payer_id.eq(payer.as_str()))
        .filter(claims::status.ne(Status::Closed.as_str()))
        .select((claims::id, claims::claim_number))
        .first(conn)
        .optional()?;
    Ok(row.map(|(id, number)| (ClaimId::from_stored(id), number)))
}

#[derive(Debug, Default, Clone)]
pub struct ClaimFilter {
    pub status: Option<Status>,
    pub patient_id: Option<PatientId>,
    pub payer_id: Option<PayerId>,
    pub encounter_id: Option<EncounterId>,
}

/// One page of claims, oldest first (a work queue is worked from its oldest claim).
pub fn list(
    conn: &mut DbConnection,
    filter: &ClaimFilter,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<ClaimSummary>, i64)> {
    let query = || {
        let mut q = claims::table.into_boxed();
        if let Some(status) = filter.status {
            q = q.filter(claims::status.eq(status.as_str()));
        }
        if let Some(id) = &filter.patient_id {
            q = q.filter(claims::patient_id.eq(id.as_str().to_owned()));
        }
        if let Some(id) = &filter.payer_id {
            q = q.filter(claims::payer_id.eq(id.as_str().to_owned()));
        }
        if let Some(id) = &filter.encounter_id {
            q = q.filter(claims::encounter_id.eq(id.as_str().to_owned()));
        }
        q
    };
    let total = query().count().get_result(conn)?;
    let rows: Vec<ClaimRow> = query()
        .order((claims::created_at.asc(), claims::id.asc()))
        .limit(limit)
        .offset(offset)
        .select(ClaimRow::as_select())
        .load(conn)?;
    let items = rows
        .into_iter()
        .map(ClaimRow::summary)
        .collect::<QueryResult<_>>()?;
    Ok((items, total))
}

/// A ready claim waiting for a batch, with what its current version sends.
#[derive(Debug, Clone)]
pub struct ReadyClaim {
    pub id: ClaimId,
    pub patient_id: PatientId,
    pub claim_number: String,
    pub payer_id: PayerId,
    pub version: i32,
    pub clm01: String,
    pub snapshot: ClaimSnapshot,
}

/// A claim moved along with many others: what its event and audit record need.
#[derive(Debug, Clone)]
pub struct MovedClaim {
    pub id: ClaimId,
    pub patient_id: PatientId,
    pub version: i32,
}

impl ReadyClaim {
    pub fn moved(&self) -> MovedClaim {
        MovedClaim {
            id: self.id.clone(),
            patient_id: self.patient_id.clone(),
            version: self.version,
        }
    }

    fn of(claim: ClaimRow, version: VersionRow) -> QueryResult<Self> {
        Ok(ReadyClaim {
            id: ClaimId::from_stored(claim.id),
            patient_id: PatientId::from_stored(claim.patient_id),
            claim_number: claim.claim_number,
            payer_id: PayerId::from_stored(claim.payer_id),
            version: version.version,
            snapshot: version.snapshot()?,
            clm01: version.clm01,
        })
    }
}

/// Ids per `IN (...)` list, far below the backends' bound-parameter limits.
const ID_CHUNK: usize = 1000;

/// The claims among `ids` that exist, each with its status and current version (any status: the caller
/// says why one cannot be batched).
pub fn with_current_versions(
    conn: &mut DbConnection,
    ids: &[ClaimId],
) -> QueryResult<Vec<(Status, ReadyClaim)>> {
    let mut found = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(ID_CHUNK) {
        let chunk: Vec<&str> = chunk.iter().map(ClaimId::as_str).collect();
        let rows: Vec<(ClaimRow, VersionRow)> = claims::table
            .inner_join(
                versions::table.on(versions::claim_id
                    .eq(claims::id)
                    .and(versions::version.eq(claims::current_version))),
            )
            .filter(claims::id.eq_any(chunk))
            .select((ClaimRow::as_select(), VersionRow::as_select()))
            .load(conn)?;
        for (claim, version) in rows {
            let status = Status::parse(&claim.status).map_err(bad_value)?;
            found.push((status, ReadyClaim::of(claim, version)?));
        }
    }
    Ok(found)
}

/// Moves those of the claims that are in `from` to `to` and returns them. For moves only one writer
/// makes (the batch's own row, locked first, orders them), so nothing changes between the read and the
/// update.
pub fn move_all(
    conn: &mut DbConnection,
    ids: &[ClaimId],
    from: Status,
    to: Status,
) -> QueryResult<Vec<MovedClaim>> {
    let mut moved = Vec::with_capacity(ids.len());
    let at = from_utc(now());
    for chunk in ids.chunks(ID_CHUNK) {
        let chunk: Vec<&str> = chunk.iter().map(ClaimId::as_str).collect();
        let rows: Vec<(String, String, i32)> = claims::table
            .filter(claims::id.eq_any(&chunk))
            .filter(claims::status.eq(from.as_str()))
            .select((claims::id, claims::patient_id, claims::current_version))
            .load(conn)?;
        let ids: Vec<&str> = rows.iter().map(|(id, _, _)| id.as_str()).collect();
        diesel::update(claims::table)
            .filter(claims::id.eq_any(&ids))
            .filter(claims::status.eq(from.as_str()))
            .set((
                claims::status.eq(to.as_str()),
                claims::version.eq(claims::version + 1),
                claims::updated_at.eq(at),
            ))
            .execute(conn)?;
        moved.extend(rows.into_iter().map(|(id, patient, version)| MovedClaim {
            id: ClaimId::from_stored(id),
            patient_id: PatientId::from_stored(patient),
            version,
        }));
    }
    Ok(moved)
}

/// Moves the claims from ready to batched and freezes their current versions, in a few statements
/// (a batch may hold 10,000 claims). Returns how many moved: fewer than `ids.len()` means another
/// writer changed one meanwhile, and the caller must roll back. Only a claim's current version can be
/// unbatched while it is ready (earlier ones were sent), so freezing every unbatched version of these
/// claims freezes exactly the current ones.
pub fn take_for_batch(conn: &mut DbConnection, ids: &[ClaimId]) -> QueryResult<usize> {
    let mut moved = 0;
    let at = from_utc(now());
    for chunk in ids.chunks(ID_CHUNK) {
        let chunk: Vec<&str> = chunk.iter().map(ClaimId::as_str).collect();
        moved += diesel::update(claims::table)
            .filter(claims::id.eq_any(&chunk))
            .filter(claims::status.eq(Status::Ready.as_str()))
            .set((
                claims::status.eq(Status::Batched.as_str()),
                claims::version.eq(claims::version + 1),
                claims::updated_at.eq(at),
            ))
            .execute(conn)?;
        diesel::update(versions::table)
            .filter(versions::claim_id.eq_any(&chunk))
            .filter(versions::batched.eq(false))
            .set(versions::batched.eq(true))
            .execute(conn)?;
    }
    Ok(moved)
}

/// The ready claims for these payers, oldest first, with their current snapshots.
pub fn ready_for_payers(
    conn: &mut DbConnection,
    payers: &[PayerId],
) -> QueryResult<Vec<ReadyClaim>> {
    let payer_ids: Vec<&str> = payers.iter().map(PayerId::as_str).collect();
    let rows: Vec<(ClaimRow, VersionRow)> = claims::table
        .inner_join(
            versions::table.on(versions::claim_id
                .eq(claims::id)
                .and(versions::version.eq(claims::current_version))),
        )
        .filter(claims::status.eq(Status::Ready.as_str()))
        .filter(claims::payer_id.eq_any(payer_ids))
        .order((claims::created_at.asc(), claims::id.asc()))
        .select((ClaimRow::as_select(), VersionRow::as_select()))
        .load(conn)?;
    rows.into_iter()
        .map(|(claim, version)| ReadyClaim::of(claim, version))
        .collect()
}

/// The versions sent with these CLM01s (each CLM01 names one version of one claim).
pub fn versions_by_clm01(
    conn: &mut DbConnection,
    clm01s: &[&str],
) -> QueryResult<Vec<ClaimVersion>> {
    let mut found = Vec::with_capacity(clm01s.len());
    for chunk in clm01s.chunks(ID_CHUNK) {
        let rows: Vec<VersionRow> = versions::table
            .filter(versions::clm01.eq_any(chunk))
            .select(VersionRow::as_select())
            .load(conn)?;
        for row in rows {
            found.push(ClaimVersion {
                claim_id: ClaimId::from_stored(row.claim_id.clone()),
                summary: row.summary()?,
                snapshot: row.snapshot()?,
            });
        }
    }
    Ok(found)
}

/// The summaries of those of these claims that exist.
pub fn find_summaries(conn: &mut DbConnection, ids: &[ClaimId]) -> QueryResult<Vec<ClaimSummary>> {
    let mut found = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(ID_CHUNK) {
        let chunk: Vec<&str> = chunk.iter().map(ClaimId::as_str).collect();
        let rows: Vec<ClaimRow> = claims::table
            .filter(claims::id.eq_any(chunk))
            .select(ClaimRow::as_select())
            .load(conn)?;
        for row in rows {
            found.push(row.summary()?);
        }
    }
    Ok(found)
}

/// One claim's row as a remittance leaves it.
pub struct Adjudicated<'a> {
    pub id: &'a ClaimId,
    /// The status the claim must still be in (else another writer moved it).
    pub from: Status,
    pub to: Status,
    /// CLP07, kept when given.
    pub payer_claim_number: Option<&'a str>,
    /// Replaces the status reasons when given (a denial's).
    pub status_reasons: Option<String>,
}

/// Rows per adjudication UPDATE: 5 parameters each.
const ADJUDICATED_CHUNK: usize = 500;

/// Moves each claim from its `from` status to its `to`, with its CLP07 and reasons, one statement per
/// 500 claims (an 835 adjudicates thousands; row by row that is thousands of round trips). Returns how
/// many rows changed: fewer than `rows.len()` means another writer moved one meanwhile, and the
/// caller must roll back.
pub fn adjudicate_all(conn: &mut DbConnection, rows: &[Adjudicated]) -> QueryResult<usize> {
    let at = from_utc(now());
    let mut changed = 0;
    for chunk in rows.chunks(ADJUDICATED_CHUNK) {
        let sql = adjudicate_sql(chunk.len(), matches!(conn, DbConnection::Pg(_)));
        changed += match conn {
            DbConnection::Pg(c) => {
                adjudicate_binds(diesel::sql_query(sql).into_boxed(), chunk, at).execute(c)?
            }
            DbConnection::Sqlite(c) => {
                adjudicate_binds(diesel::sql_query(sql).into_boxed(), chunk, at).execute(c)?
            }
        };
    }
    Ok(changed)
}

/// `WITH v AS (VALUES …) UPDATE claims … FROM v`, which both backends read (SQLite since 3.33); the
/// parameters are `$n` on PostgreSQL and `?` on SQLite.
fn adjudicate_sql(rows: usize, numbered: bool) -> String {
    let mut n = 0;
    let mut param = || {
        n += 1;
        if numbered {
            format!("${n}")
        } else {
            "?".to_owned()
        }
    };
    let values: Vec<String> = (0..rows)
        .map(|_| {
            let p: Vec<String> = (0..5).map(|_| param()).collect();
            format!("({})", p.join(", "))
        })
        .collect();
    let at = param();
    format!(
        "WITH v (id, expected, status, pcn, reasons) AS (VALUES {}) \
         UPDATE claims SET status = v.status, \
         payer_claim_number = COALESCE(v.pcn, claims.payer_claim_number), \
         status_reasons = COALESCE(v.reasons, claims.status_reasons), \
         version = claims.version + 1, updated_at = {at} \
         FROM v WHERE claims.id = v.id AND claims.status = v.expected",
        values.join(", ")
    )
}

fn adjudicate_binds<'a, DB>(
    mut query: diesel::query_builder::BoxedSqlQuery<'a, DB, diesel::query_builder::SqlQuery>,
    rows: &'a [Adjudicated],
    at: NaiveDateTime,
) -> diesel::query_builder::BoxedSqlQuery<'a, DB, diesel::query_builder::SqlQuery>
where
    DB: diesel::backend::Backend
        + diesel::sql_types::HasSqlType<diesel::sql_types::Text>
        + diesel::sql_types::HasSqlType<diesel::sql_types::Timestamp>,
    String: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
    &'a str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
    NaiveDateTime: diesel::serialize::ToSql<diesel::sql_types::Timestamp, DB>,
{
    use diesel::sql_types::{Nullable, Text, Timestamp};
    for row in rows {
        query = query
            .bind::<Text, _>(row.id.as_str())
            .bind::<Text, _>(row.from.as_str())
            .bind::<Text, _>(row.to.as_str())
            .bind::<Nullable<Text>, _>(row.payer_claim_number)
            .bind::<Nullable<Text>, _>(row.status_reasons.clone());
    }
    query.bind::<Timestamp, _>(at)
}
