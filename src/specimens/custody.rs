//! The write path of the bench: applying an action to a specimen as the state machine allows, race-safe on
//! both backends. Each change is a conditional UPDATE on the status and version read; when another writer
//! got there first (no row changed), the specimen is read again and the decision made anew. Every change
//! is a custody event and an audit event in the caller's transaction.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::actions::{Command, Details};
use super::billing::bill_completed;
use super::lifecycle::{Effect, Status, allowed, apply};
use super::model::{Specimen, SpecimenEvent};
use super::setup;
use super::store::{self, NewEvent, SpecimenRow};
use crate::audit::{self, Audit, AuditActor};
use crate::db::DbConnection;
use crate::db::ids::{SpecimenId, StationId};
use crate::db::schema::specimens;
use crate::db::{from_utc, now};
use crate::error::{AppError, AppResult};

/// How often a lost race is retried before giving up (each retry means someone else made progress).
pub(super) const RETRIES: usize = 5;

/// The 409 for an action the state does not allow.
pub fn not_allowed(action: &str, status: Status) -> AppError {
    AppError::NotAllowedInState {
        action: action.to_owned(),
        state: status.as_str().to_owned(),
        allowed: allowed(status)
            .into_iter()
            .map(|a| a.as_str().to_owned())
            .collect(),
    }
}

pub fn find_or_404(conn: &mut DbConnection, id: &str) -> AppResult<SpecimenRow> {
    store::find_row(conn, id)?.ok_or(AppError::NotFound("specimen"))
}

/// An event and an audit record for `kind` on the specimen.
pub fn record(
    conn: &mut DbConnection,
    actor: &AuditActor,
    row: &SpecimenRow,
    event: NewEvent<'_>,
) -> AppResult<SpecimenEvent> {
    let kind = event.kind;
    let recorded = store::record_event(conn, &row.id, actor, event)?;
    let audit = Audit::new(kind, "specimen", &row.id).patient(&row.patient_id);
    audit::record(conn, actor, audit)?;
    Ok(recorded)
}

/// The columns an action sets besides the status.
#[derive(AsChangeset, Default)]
#[diesel(table_name = specimens)]
struct Change<'a> {
    status: Option<&'a str>,
    collected_at: Option<NaiveDateTime>,
    collected_volume_ul: Option<i64>,
    remaining_volume_ul: Option<i64>,
    rejection_reason: Option<&'a str>,
    rejection_note: Option<&'a str>,
    location: Option<&'a str>,
    updated_at: Option<NaiveDateTime>,
    collection_method: Option<&'a str>,
}

fn change_for<'a>(command: &'a Command, effect: Effect) -> Change<'a> {
    let mut change = Change {
        location: command.location.as_deref(),
        updated_at: Some(from_utc(now())),
        ..Change::default()
    };
    if let Effect::Transition(to) = effect {
        change.status = Some(to.as_str());
    }
    match &command.details {
        Details::Collect {
            at,
            volume_ul,
            method,
        } => {
            change.collected_at = Some(from_utc(*at));
            change.collected_volume_ul = Some(*volume_ul);
            change.remaining_volume_ul = Some(*volume_ul);
            change.collection_method = method.map(|m| m.as_str());
        }
        Details::Reject { reason, .. } => {
            change.rejection_reason = Some(reason.as_str());
            change.rejection_note = command.note.as_deref();
        }
        _ => {}
    }
    change
}

/// Sets `change` if the specimen is still at `row`'s status and version; whether it was.
fn update_if_unchanged(
    conn: &mut DbConnection,
    row: &SpecimenRow,
    change: Change<'_>,
) -> QueryResult<bool> {
    let changed = diesel::update(specimens::table.find(&row.id))
        .filter(specimens::status.eq(&row.status))
        .filter(specimens::version.eq(row.version))
        .set((change, specimens::version.eq(specimens::version + 1)))
        .execute(conn)?;
    Ok(changed == 1)
}

/// What an applied action produced: the answer of `POST /specimens/{id}/actions`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActionResult {
    pub specimen: Specimen,
    pub event: SpecimenEvent,
    /// The new specimen ordered when a rejection asked for a recollection.
    pub recollection: Option<Specimen>,
}

/// A 422 unless the station exists and is active.
pub fn check_station(conn: &mut DbConnection, station: Option<&StationId>) -> AppResult<()> {
    match station {
        Some(id) if !setup::station_active(conn, id)? => Err(AppError::invalid(
            "station_id",
            "no active station has this id",
        )),
        _ => Ok(()),
    }
}

/// Applies `command` to the specimen. Call inside a write transaction.
pub fn apply_command(
    conn: &mut DbConnection,
    actor: &AuditActor,
    id: &SpecimenId,
    command: &Command,
    accession_prefix: &str,
) -> AppResult<ActionResult> {
    check_station(conn, command.station_id.as_ref())?;
    for _ in 0..RETRIES {
        let row = find_or_404(conn, id.as_str())?;
        let from = row.status()?;
        let effect = apply(from, command.action)
            .ok_or_else(|| not_allowed(command.action.as_str(), from))?;
        if let (
            Details::Reject {
                recollect: true, ..
            },
            Some(_),
        ) = (&command.details, &row.parent_id)
        {
            return Err(AppError::invalid(
                "recollect",
                "an aliquot is not recollected; reject its parent specimen instead",
            ));
        }
        if !update_if_unchanged(conn, &row, change_for(command, effect))? {
            continue; // someone else changed it first: decide again on what it is now
        }
        let to = match effect {
            Effect::Transition(to) => Some(to),
            Effect::Step => None,
        };
        let recollection = match command.details {
            Details::Reject {
                recollect: true, ..
            } => Some(recollect(conn, actor, &row, accession_prefix)?),
            _ => None,
        };
        let mut detail = command.detail_json();
        if let (Some(new), Some(serde_json::Value::Object(map))) = (&recollection, &mut detail) {
            map.insert("recollection".into(), new.accession.clone().into());
        }
        if to == Some(Status::Completed) {
            detail = Some(serde_json::json!({"billing": bill_completed(conn, actor, &row)?}));
        }
        let event = NewEvent {
            kind: command.action.as_str(),
            from: Some(from),
            to,
            station_id: command.station_id.as_ref(),
            location: command.location.as_deref(),
            note: command.note.as_deref(),
            detail,
        };
        let event = record(conn, actor, &row, event)?;
        let specimen = find_or_404(conn, id.as_str())?.into_specimen()?;
        return Ok(ActionResult {
            specimen,
            event,
            recollection,
        });
    }
    Err(AppError::conflict(
        "concurrent_update",
        "the specimen kept changing; retry the request",
    ))
}

/// Orders a new specimen like the rejected one, on the same order.
fn recollect(
    conn: &mut DbConnection,
    actor: &AuditActor,
    rejected: &SpecimenRow,
    accession_prefix: &str,
) -> AppResult<Specimen> {
    let accession = store::allocate_accession(conn, accession_prefix)?.to_string();
    let mut row = SpecimenRow::ordered(
        accession,
        (
            &crate::db::ids::LabOrderId::from_stored(rejected.order_id.clone()),
            &crate::db::ids::PatientId::from_stored(rejected.patient_id.clone()),
        ),
        &rejected.container_type,
        &rejected
            .test_codes
            .split_whitespace()
            .map(str::to_owned)
            .collect::<Vec<_>>(),
        rejected.required_volume_ul,
    );
    row.replaces_id = Some(rejected.id.clone());
    store::insert_specimen(conn, &row)?;
    let mut event = NewEvent::kind("created");
    event.to = Some(Status::Ordered);
    event.detail = Some(serde_json::json!({"recollects": rejected.accession}));
    record(conn, actor, &row, event)?;
    Ok(find_or_404(conn, &row.id)?.into_specimen()?)
}
