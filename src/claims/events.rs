//! The store of claim events: appending one (numbered per claim) and reading a claim's history. Nothing
//! else touches the `claim_events` table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::lifecycle::Status;
use super::model::ClaimEvent;
use crate::audit::AuditActor;
use crate::db::ids::ClaimId;
use crate::db::schema::claim_events as events;
use crate::db::{DbConnection, from_utc, now, to_utc};

/// An event about to be recorded.
pub struct NewEvent<'a> {
    pub kind: &'a str,
    pub from: Option<Status>,
    pub to: Option<Status>,
    pub version: i32,
    pub detail: Option<&'a str>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = events)]
struct EventRow {
    claim_id: String,
    seq: i32,
    kind: String,
    from_status: Option<String>,
    to_status: Option<String>,
    version: i32,
    actor_id: Option<String>,
    actor: String,
    detail: Option<String>,
    occurred_at: NaiveDateTime,
}

/// Appends an event. Call after the write to the claim's row in the same transaction: that row's lock
/// (PostgreSQL) or the write lock (SQLite) orders concurrent writers, so `seq` has no gaps or repeats.
pub fn record(
    conn: &mut DbConnection,
    claim: &ClaimId,
    actor: &AuditActor,
    event: &NewEvent,
) -> QueryResult<()> {
    let last: Option<i32> = events::table
        .filter(events::claim_id.eq(claim.as_str()))
        .select(diesel::dsl::max(events::seq))
        .first(conn)?;
    let row = EventRow {
        claim_id: claim.to_string(),
        seq: last.unwrap_or(0) + 1,
        kind: event.kind.to_owned(),
        from_status: event.from.map(|s| s.as_str().to_owned()),
        to_status: event.to.map(|s| s.as_str().to_owned()),
        version: event.version,
        actor_id: actor.user_id.clone(),
        actor: actor.name.clone(),
        detail: event.detail.map(str::to_owned),
        occurred_at: from_utc(now()),
    };
    diesel::insert_into(events::table)
        .values(&row)
        .execute(conn)?;
    Ok(())
}

/// Rows per INSERT, far below the backends' bound-parameter limits.
const INSERT_CHUNK: usize = 1000;

/// Appends one event to each claim (a batch taking thousands of claims), each numbered after that
/// claim's last and carrying that claim's version from `claims` (`event.version` is not used). Same
/// ordering rule as `record`: call after writing the claims' rows.
pub fn record_many(
    conn: &mut DbConnection,
    claims: &[(ClaimId, i32)],
    actor: &AuditActor,
    event: &NewEvent,
) -> QueryResult<()> {
    let occurred_at = from_utc(now());
    for chunk in claims.chunks(INSERT_CHUNK) {
        let ids: Vec<&str> = chunk.iter().map(|(id, _)| id.as_str()).collect();
        let last: std::collections::HashMap<String, Option<i32>> = events::table
            .filter(events::claim_id.eq_any(&ids))
            .group_by(events::claim_id)
            .select((events::claim_id, diesel::dsl::max(events::seq)))
            .load::<(String, Option<i32>)>(conn)?
            .into_iter()
            .collect();
        let rows: Vec<EventRow> = chunk
            .iter()
            .map(|(id, version)| EventRow {
                claim_id: id.to_string(),
                seq: last.get(id.as_str()).copied().flatten().unwrap_or(0) + 1,
                kind: event.kind.to_owned(),
                from_status: event.from.map(|s| s.as_str().to_owned()),
                to_status: event.to.map(|s| s.as_str().to_owned()),
                version: *version,
                actor_id: actor.user_id.clone(),
                actor: actor.name.clone(),
                detail: event.detail.map(str::to_owned),
                occurred_at,
            })
            .collect();
        crate::insert_batch!(&mut *conn, events::table, &rows)?;
    }
    Ok(())
}

/// The claim's events in order.
pub fn list(conn: &mut DbConnection, claim: &ClaimId) -> QueryResult<Vec<ClaimEvent>> {
    let rows: Vec<EventRow> = events::table
        .filter(events::claim_id.eq(claim.as_str()))
        .order(events::seq)
        .select(EventRow::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| ClaimEvent {
            seq: r.seq,
            kind: r.kind,
            from_status: r.from_status.and_then(|s| Status::parse(&s).ok()),
            to_status: r.to_status.and_then(|s| Status::parse(&s).ok()),
            version: r.version,
            actor: r.actor,
            detail: r.detail,
            occurred_at: to_utc(r.occurred_at),
        })
        .collect())
}
