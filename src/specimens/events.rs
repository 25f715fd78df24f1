//! The store of custody events: appending one (ordered per specimen) and reading a specimen's timeline.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::lifecycle::Status;
use super::model::SpecimenEvent;
use super::store::bad_value;
use crate::audit::AuditActor;
use crate::db::ids::{SpecimenEventId, SpecimenId, StationId};
use crate::db::schema::{specimen_events, specimens};
use crate::db::{DbConnection, from_utc, now, to_utc};

/// A custody event about to be recorded.
pub struct NewEvent<'a> {
    pub kind: &'a str,
    pub from: Option<Status>,
    pub to: Option<Status>,
    pub station_id: Option<&'a StationId>,
    pub location: Option<&'a str>,
    pub note: Option<&'a str>,
    pub detail: Option<serde_json::Value>,
}

impl<'a> NewEvent<'a> {
    pub fn kind(kind: &'a str) -> Self {
        NewEvent {
            kind,
            from: None,
            to: None,
            station_id: None,
            location: None,
            note: None,
            detail: None,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = specimen_events)]
struct EventRow {
    id: String,
    specimen_id: String,
    seq: i32,
    kind: String,
    from_status: Option<String>,
    to_status: Option<String>,
    actor_id: Option<String>,
    actor: String,
    station_id: Option<String>,
    location: Option<String>,
    note: Option<String>,
    detail: Option<String>,
    occurred_at: NaiveDateTime,
}

impl EventRow {
    fn into_event(self) -> QueryResult<SpecimenEvent> {
        let status =
            |s: Option<String>| s.map(|s| Status::parse(&s).map_err(bad_value)).transpose();
        Ok(SpecimenEvent {
            id: SpecimenEventId::from_stored(self.id),
            specimen_id: SpecimenId::from_stored(self.specimen_id),
            seq: self.seq,
            kind: self.kind,
            from_status: status(self.from_status)?,
            to_status: status(self.to_status)?,
            actor_id: self.actor_id,
            actor: self.actor,
            station_id: self.station_id.map(StationId::from_stored),
            location: self.location,
            note: self.note,
            detail: self.detail.and_then(|d| serde_json::from_str(&d).ok()),
            occurred_at: to_utc(self.occurred_at),
        })
    }
}

/// Appends a custody event. The specimen's event counter is bumped first: its row lock orders concurrent
/// writers, so the sequence has no gaps or duplicates. A scan also marks where the specimen was seen.
pub fn record_event(
    conn: &mut DbConnection,
    specimen_id: &str,
    actor: &AuditActor,
    event: NewEvent<'_>,
) -> QueryResult<SpecimenEvent> {
    let at = from_utc(now());
    let bump = diesel::update(specimens::table.find(specimen_id));
    match event.station_id {
        Some(station) => bump
            .set((
                specimens::event_count.eq(specimens::event_count + 1),
                specimens::station_id.eq(station.as_str()),
            ))
            .execute(conn)?,
        None => bump
            .set(specimens::event_count.eq(specimens::event_count + 1))
            .execute(conn)?,
    };
    let seq = specimens::table
        .find(specimen_id)
        .select(specimens::event_count)
        .first(conn)?;
    let row = EventRow {
        id: SpecimenEventId::generate().to_string(),
        specimen_id: specimen_id.to_owned(),
        seq,
        kind: event.kind.to_owned(),
        from_status: event.from.map(|s| s.as_str().to_owned()),
        to_status: event.to.map(|s| s.as_str().to_owned()),
        actor_id: actor.user_id.clone(),
        actor: actor.name.clone(),
        station_id: event.station_id.map(|s| s.to_string()),
        location: event.location.map(str::to_owned),
        note: event.note.map(str::to_owned),
        detail: event.detail.map(|d| d.to_string()),
        occurred_at: at,
    };
    diesel::insert_into(specimen_events::table)
        .values(&row)
        .execute(conn)?;
    row.into_event()
}

/// The specimen's whole journey, in order.
pub fn events(
    conn: &mut DbConnection,
    specimen_id: &SpecimenId,
) -> QueryResult<Vec<SpecimenEvent>> {
    let rows: Vec<EventRow> = specimen_events::table
        .filter(specimen_events::specimen_id.eq(specimen_id.as_str()))
        .order(specimen_events::seq)
        .select(EventRow::as_select())
        .load(conn)?;
    rows.into_iter().map(EventRow::into_event).collect()
}
