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

// `treat_none_as_default_value = false`: a `None` binds NULL instead of DEFAULT, so that on SQLite
// diesel inserts many events in one statement (with DEFAULT it inserts them one by one).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = events, treat_none_as_default_value = false)]
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
    let events: Vec<(ClaimId, NewEvent)> = claims
        .iter()
        .map(|(id, version)| {
            let each = NewEvent {
                version: *version,
                ..*event
            };
            (id.clone(), each)
        })
        .collect();
    record_each(conn, actor, &events)
}

/// Appends the events in order, several claims' at once (an 835 moves thousands): each numbered after
/// its claim's last, and after the events before it in `events` for the same claim. Same ordering rule
/// as `record`: call after writing the claims' rows.
pub fn record_each(
    conn: &mut DbConnection,
    actor: &AuditActor,
    events: &[(ClaimId, NewEvent)],
) -> QueryResult<()> {
    let occurred_at = from_utc(now());
    let ids: Vec<&str> = events.iter().map(|(id, _)| id.as_str()).collect();
    let mut last: std::collections::HashMap<String, i32> = std::collections::HashMap::new();
    for chunk in ids.chunks(INSERT_CHUNK) {
        let found = events::table
            .filter(events::claim_id.eq_any(chunk))
            .group_by(events::claim_id)
            .select((events::claim_id, diesel::dsl::max(events::seq)))
            .load::<(String, Option<i32>)>(conn)?;
        last.extend(found.into_iter().map(|(id, seq)| (id, seq.unwrap_or(0))));
    }
    let rows: Vec<EventRow> = events
        .iter()
        .map(|(id, event)| {
            let seq = last.entry(id.to_string()).or_insert(0);
            *seq += 1;
            EventRow {
                claim_id: id.to_string(),
                seq: *seq,
                kind: event.kind.to_owned(),
                from_status: event.from.map(|s| s.as_str().to_owned()),
                to_status: event.to.map(|s| s.as_str().to_owned()),
                version: event.version,
                actor_id: actor.user_id.clone(),
                actor: actor.name.clone(),
                detail: event.detail.map(str::to_owned),
                occurred_at,
            }
        })
        .collect();
    for chunk in rows.chunks(INSERT_CHUNK) {
        crate::insert_batch!(&mut *conn, events::table, chunk)?;
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
