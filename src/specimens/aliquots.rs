//! Aliquots: child specimens split off a parent, each with its own accession (`{parent}.{n}`), label data
//! and custody. Their volume comes out of the parent's remaining volume in the same conditional UPDATE
//! that numbers them, so two benches splitting one tube at once can never take more than it holds.

use diesel::prelude::*;

use super::custody::{RETRIES, check_station, find_or_404, not_allowed, record};
use super::input::ValidAliquots;
use super::lifecycle::{Action, Effect, apply};
use super::model::Specimen;
use super::store::{self, NewEvent, SpecimenRow};
use crate::audit::AuditActor;
use crate::db::DbConnection;
use crate::db::ids::SpecimenId;
use crate::db::schema::specimens;
use crate::db::{from_utc, now};
use crate::error::{AppError, AppResult};

/// The most aliquots one specimen can have (the accession's `.n` has at most three digits).
pub const MAX_PER_SPECIMEN: i32 = 999;

/// Takes `count × volume` from the parent if it is still as read and holds enough; whether it did.
fn take_volume(
    conn: &mut DbConnection,
    parent: &SpecimenRow,
    total: i64,
    count: i32,
) -> QueryResult<bool> {
    let changed = diesel::update(specimens::table.find(&parent.id))
        .filter(specimens::status.eq(&parent.status))
        .filter(specimens::version.eq(parent.version))
        .filter(specimens::remaining_volume_ul.ge(total))
        .set((
            specimens::remaining_volume_ul.eq(specimens::remaining_volume_ul - total),
            specimens::aliquot_count.eq(specimens::aliquot_count + count),
            specimens::version.eq(specimens::version + 1),
            specimens::updated_at.eq(from_utc(now())),
        ))
        .execute(conn)?;
    Ok(changed == 1)
}

/// Why the parent cannot give these aliquots, if it cannot (checked before and after a lost race).
fn refusal(parent: &SpecimenRow, request: &ValidAliquots) -> AppResult<Option<AppError>> {
    let status = parent.status()?;
    if !matches!(apply(status, Action::Aliquot), Some(Effect::Step)) {
        return Ok(Some(not_allowed("aliquot", status)));
    }
    if parent.parent_id.is_some() {
        return Ok(Some(AppError::conflict(
            "aliquot_of_aliquot",
            "an aliquot is not split again; aliquot its parent specimen",
        )));
    }
    let count = request.count as i32;
    if parent.aliquot_count + count > MAX_PER_SPECIMEN {
        return Ok(Some(AppError::conflict(
            "too_many_aliquots",
            format!("a specimen has at most {MAX_PER_SPECIMEN} aliquots"),
        )));
    }
    let remaining = parent.remaining_volume_ul.unwrap_or(0);
    let requested = request.volume_ul * i64::from(request.count);
    if requested > remaining {
        return Ok(Some(AppError::InsufficientQuantity {
            what: "microlitres",
            requested,
            remaining,
        }));
    }
    Ok(None)
}

/// Splits `request.count` aliquots off the specimen; returns the parent after and the new aliquots.
pub fn split(
    conn: &mut DbConnection,
    actor: &AuditActor,
    parent_id: &SpecimenId,
    request: &ValidAliquots,
) -> AppResult<(Specimen, Vec<Specimen>)> {
    check_station(conn, request.station_id.as_ref())?;
    if let Some(code) = &request.container_type
        && !store::container_usable(conn, code)?
    {
        return Err(AppError::invalid(
            "container_type",
            "no active container type has this code",
        ));
    }
    let total = request.volume_ul * i64::from(request.count);
    for _ in 0..RETRIES {
        let parent = find_or_404(conn, parent_id.as_str())?;
        if let Some(refused) = refusal(&parent, request)? {
            return Err(refused);
        }
        if !take_volume(conn, &parent, total, request.count as i32)? {
            continue;
        }
        let first = parent.aliquot_count + 1;
        let mut children = Vec::new();
        for n in first..first + request.count as i32 {
            children.push(create_child(conn, actor, &parent, n, request)?);
        }
        let accessions: Vec<&str> = children.iter().map(|c| c.accession.as_str()).collect();
        let event = NewEvent {
            station_id: request.station_id.as_ref(),
            note: request.note.as_deref(),
            detail: Some(serde_json::json!({
                "count": request.count, "volume_ul": request.volume_ul, "aliquots": accessions,
            })),
            ..NewEvent::kind("aliquot")
        };
        record(conn, actor, &parent, event)?;
        let parent = find_or_404(conn, parent_id.as_str())?.into_specimen()?;
        return Ok((parent, children));
    }
    Err(AppError::conflict(
        "concurrent_update",
        "the specimen kept changing; retry the request",
    ))
}

fn create_child(
    conn: &mut DbConnection,
    actor: &AuditActor,
    parent: &SpecimenRow,
    n: i32,
    request: &ValidAliquots,
) -> AppResult<Specimen> {
    let at = from_utc(now());
    let row = SpecimenRow {
        id: SpecimenId::generate().to_string(),
        accession: format!("{}.{n}", parent.accession),
        parent_id: Some(parent.id.clone()),
        replaces_id: None,
        container_type: request
            .container_type
            .clone()
            .unwrap_or_else(|| parent.container_type.clone()),
        required_volume_ul: request.volume_ul,
        collected_volume_ul: Some(request.volume_ul),
        remaining_volume_ul: Some(request.volume_ul),
        rejection_reason: None,
        rejection_note: None,
        aliquot_count: 0,
        event_count: 0,
        station_id: None,
        location: None,
        version: 1,
        created_at: at,
        updated_at: at,
        ..parent.clone()
    };
    store::insert_specimen(conn, &row)?;
    let status = row.status()?;
    let event = NewEvent {
        to: Some(status),
        station_id: request.station_id.as_ref(),
        detail: Some(
            serde_json::json!({"parent": parent.accession, "volume_ul": request.volume_ul}),
        ),
        ..NewEvent::kind("aliquoted_from")
    };
    record(conn, actor, &row, event)?;
    Ok(find_or_404(conn, &row.id)?.into_specimen()?)
}
