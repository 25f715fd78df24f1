use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::chain::{GENESIS_HASH, HashInput, event_hash};
use super::{Audit, AuditActor};
use crate::db::schema::{audit_events, audit_head};
use crate::db::{DbConnection, from_utc, new_id, now, to_utc};

// `treat_none_as_default_value = false`: a `None` binds NULL instead of DEFAULT, so that on SQLite
// diesel inserts many events in one statement (with DEFAULT it inserts them one by one in a savepoint).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_events, treat_none_as_default_value = false)]
struct EventRow {
    seq: i64,
    id: String,
    occurred_at: NaiveDateTime,
    actor_id: Option<String>,
    actor: String,
    action: String,
    resource_type: String,
    resource_id: Option<String>,
    patient_id: Option<String>,
    request_id: Option<String>,
    detail: Option<String>,
    prev_hash: String,
    hash: String,
}

impl EventRow {
    fn computed_hash(&self) -> String {
        let occurred_at = stamp(self.occurred_at);
        event_hash(&HashInput {
            seq: self.seq,
            id: &self.id,
            occurred_at: &occurred_at,
            actor_id: self.actor_id.as_deref(),
            actor: &self.actor,
            action: &self.action,
            resource_type: &self.resource_type,
            resource_id: self.resource_id.as_deref(),
            patient_id: self.patient_id.as_deref(),
            request_id: self.request_id.as_deref(),
            detail: self.detail.as_deref(),
            prev_hash: &self.prev_hash,
        })
    }
}

fn stamp(at: NaiveDateTime) -> String {
    to_utc(at).to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Appends one event. Must run inside the transaction of the change (or read) it records. The UPDATE of
/// the head row comes first: its row lock (PostgreSQL) or the write lock (SQLite) orders concurrent
/// appenders, so each sees the hash its predecessor committed.
pub fn record(conn: &mut DbConnection, actor: &AuditActor, audit: Audit<'_>) -> QueryResult<()> {
    record_many(conn, actor, vec![audit])
}

/// Rows per INSERT: 13 columns each stays far below both backends' bound-parameter limits.
const INSERT_CHUNK: usize = 500;

/// Appends the events in order, chained as `record` would chain them one by one, with one head update
/// and a few multi-row inserts (a batch of 10,000 claims records 10,000 events).
pub fn record_many(
    conn: &mut DbConnection,
    actor: &AuditActor,
    audits: Vec<Audit<'_>>,
) -> QueryResult<()> {
    let count = audits.len() as i64;
    if count == 0 {
        return Ok(());
    }
    let (last_seq, mut prev_hash) = advance_head(conn, count)?;
    let occurred_at = from_utc(now());
    let mut rows = Vec::with_capacity(audits.len());
    for (seq, audit) in (last_seq - count + 1..).zip(audits) {
        let mut row = EventRow {
            seq,
            id: new_id().to_string(),
            occurred_at,
            actor_id: actor.user_id.clone(),
            actor: actor.name.clone(),
            action: audit.action.to_owned(),
            resource_type: audit.resource_type.to_owned(),
            resource_id: audit.resource_id,
            patient_id: audit.patient_id,
            request_id: actor.request_id.clone(),
            detail: audit.detail,
            prev_hash,
            hash: String::new(),
        };
        row.hash = row.computed_hash();
        prev_hash = row.hash.clone();
        rows.push(row);
    }
    for chunk in rows.chunks(INSERT_CHUNK) {
        crate::insert_batch!(&mut *conn, audit_events::table, chunk)?;
    }
    diesel::update(audit_head::table.find(1))
        .set(audit_head::hash.eq(&prev_hash))
        .execute(conn)?;
    Ok(())
}

/// Moves the head's sequence on by `count` and returns it with the last hash, in one statement
/// (`UPDATE … RETURNING`, which both backends have but the multi-backend connection cannot express).
fn advance_head(conn: &mut DbConnection, count: i64) -> QueryResult<(i64, String)> {
    let query = diesel::update(audit_head::table.find(1))
        .set(audit_head::seq.eq(audit_head::seq + count))
        .returning((audit_head::seq, audit_head::hash));
    match conn {
        DbConnection::Pg(c) => query.get_result(c),
        DbConnection::Sqlite(c) => query.get_result(c),
    }
}

/// An audit event as `GET /audit` shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEvent {
    pub seq: i64,
    pub id: String,
    pub occurred_at: DateTime<Utc>,
    pub actor_id: Option<String>,
    pub actor: String,
    pub action: String,
    pub resource_type: String,
    pub resource_id: Option<String>,
    pub patient_id: Option<String>,
    pub request_id: Option<String>,
    pub detail: Option<String>,
    pub hash: String,
}

impl From<EventRow> for AuditEvent {
    fn from(row: EventRow) -> Self {
        AuditEvent {
            seq: row.seq,
            id: row.id,
            occurred_at: to_utc(row.occurred_at),
            actor_id: row.actor_id,
            actor: row.actor,
            action: row.action,
            resource_type: row.resource_type,
            resource_id: row.resource_id,
            patient_id: row.patient_id,
            request_id: row.request_id,
            detail: row.detail,
            hash: row.hash,
        }
    }
}

#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub resource_type: Option<String>,
    pub resource_id: Option<String>,
    pub actor_id: Option<String>,
    pub patient_id: Option<String>,
    pub action: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// Events matching the filter, oldest first, with the total count.
pub fn list_events(
    conn: &mut DbConnection,
    filter: &AuditFilter,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<AuditEvent>, i64)> {
    let query = || {
        let mut q = audit_events::table.into_boxed();
        if let Some(v) = &filter.resource_type {
            q = q.filter(audit_events::resource_type.eq(v.clone()));
        }
        if let Some(v) = &filter.resource_id {
            q = q.filter(audit_events::resource_id.eq(v.clone()));
        }
        if let Some(v) = &filter.actor_id {
            q = q.filter(audit_events::actor_id.eq(v.clone()));
        }
        if let Some(v) = &filter.patient_id {
            q = q.filter(audit_events::patient_id.eq(v.clone()));
        }
        if let Some(v) = &filter.action {
            q = q.filter(audit_events::action.eq(v.clone()));
        }
        if let Some(v) = filter.from {
            q = q.filter(audit_events::occurred_at.ge(from_utc(v)));
        }
        if let Some(v) = filter.to {
            q = q.filter(audit_events::occurred_at.lt(from_utc(v)));
        }
        q
    };
    let total = query().count().get_result(conn)?;
    let rows: Vec<EventRow> = query()
        .order(audit_events::seq.asc())
        .limit(limit)
        .offset(offset)
        .select(EventRow::as_select())
        .load(conn)?;
    Ok((rows.into_iter().map(AuditEvent::from).collect(), total))
}

/// Where the chain first breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    pub seq: i64,
    pub reason: String,
}

const VERIFY_BATCH: i64 = 5_000;

/// Walks the chain in order up to the head as it stands when the walk starts (events appended by a
/// running service meanwhile are left for the next walk); `Ok(count)` when every link holds and the last
/// event is the head's, else the first broken link.
pub fn verify_chain(conn: &mut DbConnection) -> QueryResult<Result<i64, BrokenLink>> {
    let (head_seq, head_hash): (i64, String) = audit_head::table
        .find(1)
        .select((audit_head::seq, audit_head::hash))
        .first(conn)?;
    let mut expected_prev = GENESIS_HASH.to_owned();
    let mut expected_seq = 1_i64;
    while expected_seq <= head_seq {
        let rows: Vec<EventRow> = audit_events::table
            .filter(audit_events::seq.between(expected_seq, head_seq))
            .order(audit_events::seq.asc())
            .limit(VERIFY_BATCH)
            .select(EventRow::as_select())
            .load(conn)?;
        if rows.is_empty() {
            break;
        }
        for row in rows {
            if let Some(reason) = link_problem(&row, expected_seq, &expected_prev) {
                return Ok(Err(BrokenLink {
                    seq: expected_seq,
                    reason,
                }));
            }
            expected_prev = row.hash;
            expected_seq += 1;
        }
    }
    let verified = expected_seq - 1;
    if verified != head_seq || head_hash != expected_prev {
        let reason = format!(
            "the chain ends at event {verified} but the head says {head_seq}: events were removed"
        );
        return Ok(Err(BrokenLink {
            seq: expected_seq,
            reason,
        }));
    }
    Ok(Ok(verified))
}

fn link_problem(row: &EventRow, expected_seq: i64, expected_prev: &str) -> Option<String> {
    if row.seq != expected_seq {
        return Some(format!("event {expected_seq} is missing"));
    }
    if row.prev_hash != expected_prev {
        return Some("its previous-hash does not match the event before it".into());
    }
    if row.computed_hash() != row.hash {
        return Some("its contents do not match its hash (the row was altered)".into());
    }
    None
}
