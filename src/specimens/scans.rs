//! Bench scans: a scanned accession at a station applies the station's action. A scan never transitions
//! twice: the transition is a conditional UPDATE on the status and version read, and whoever loses the
//! race (another station, a double scan) reads again and records a plain `seen` with `already: true`.
//! With an `Idempotency-Key`, a repeated request gets the stored answer and records nothing.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::accession::{AccessionError, ScannedAccession};
use super::custody::{RETRIES, not_allowed, record};
use super::lifecycle::{ScanOutcome, scan};
use super::model::{Specimen, SpecimenEvent, Station};
use super::setup;
use super::setup_input::StationAction;
use super::store::{self, NewEvent, SpecimenRow};
use crate::audit::AuditActor;
use crate::db::ids::StationId;
use crate::db::schema::{scan_requests, specimens};
use crate::db::{DbConnection, from_utc, now};
use crate::error::{AppError, AppResult, Validator};

/// A scan as a bench scanner sends it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScanInput {
    /// The text the scanner read: an accession (`S26-000017K`) or an aliquot's (`S26-000017K.2`).
    pub scanned: String,
    /// The station scanning; its configured action is applied.
    pub station_id: String,
}

#[derive(Debug, Clone)]
pub struct ValidScan {
    pub scanned: ScannedAccession,
    pub station_id: StationId,
}

impl TryFrom<&ScanInput> for ValidScan {
    type Error = AppError;

    fn try_from(input: &ScanInput) -> AppResult<ValidScan> {
        let mut v = Validator::new();
        let scanned = v.check(
            "scanned",
            ScannedAccession::parse(&input.scanned).map_err(|e| match e {
                AccessionError::CheckCharacter => e.to_string(),
                AccessionError::Shape(why) => format!("is not an accession number: it {why}"),
            }),
        );
        let station_id = v.check("station_id", StationId::parse(&input.station_id));
        v.finish(|| {
            Some(ValidScan {
                scanned: scanned?,
                station_id: station_id?,
            })
        })
    }
}

impl ValidScan {
    /// What makes two requests "the same" for an idempotency key.
    pub fn fingerprint(&self) -> String {
        let text = format!("{}\n{}", self.station_id, self.scanned.text());
        hex::encode(Sha256::digest(text.as_bytes()))
    }
}

/// What a scan did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ScanResult {
    /// `transitioned` (the station's action was applied), `already` (the specimen was at or past that
    /// step: only seen), or `seen` (a checkpoint station).
    pub outcome: String,
    /// True when the specimen had already reached the station's step.
    pub already: bool,
    pub station: Station,
    pub specimen: Specimen,
    pub event: SpecimenEvent,
}

fn station_or_422(conn: &mut DbConnection, id: &StationId) -> AppResult<Station> {
    match setup::find_station(conn, id)? {
        Some(station) if station.active => Ok(station),
        Some(_) => Err(AppError::invalid("station_id", "the station is inactive")),
        None => Err(AppError::invalid("station_id", "no station has this id")),
    }
}

/// Applies the scan. Call inside a write transaction.
pub fn apply_scan(
    conn: &mut DbConnection,
    actor: &AuditActor,
    scan_req: &ValidScan,
) -> AppResult<ScanResult> {
    let station = station_or_422(conn, &scan_req.station_id)?;
    let action = StationAction::parse(&station.action).map_err(AppError::internal)?;
    let accession = scan_req.scanned.text();
    for _ in 0..RETRIES {
        let row =
            store::find_by_accession(conn, &accession)?.ok_or(AppError::NotFound("specimen"))?;
        let from = row.status()?;
        let outcome = match action {
            StationAction::Seen => None,
            StationAction::Apply(action) => Some((action, scan(from, action))),
        };
        let mut event = NewEvent {
            station_id: Some(&station.id),
            location: Some(&station.location),
            ..NewEvent::kind("seen")
        };
        let (label, already) = match outcome {
            None => ("seen", false),
            Some((action, ScanOutcome::Refused)) => return Err(not_allowed(action.as_str(), from)),
            Some((action, ScanOutcome::Already)) => {
                event.detail = Some(serde_json::json!({"already": action.as_str()}));
                ("already", true)
            }
            Some((action, ScanOutcome::Transition(to))) => {
                if !transition(conn, &row, to, &station)? {
                    continue; // another scan won: read again, and this one is only "seen"
                }
                (event.kind, event.from, event.to) = (action.as_str(), Some(from), Some(to));
                if to == super::lifecycle::Status::Completed {
                    let billing = super::billing::bill_completed(conn, actor, &row)?;
                    event.detail = Some(serde_json::json!({ "billing": billing }));
                }
                ("transitioned", false)
            }
        };
        let event = record(conn, actor, &row, event)?;
        let specimen = store::find_row(conn, &row.id)?
            .ok_or(AppError::NotFound("specimen"))?
            .into_specimen()?;
        return Ok(ScanResult {
            outcome: label.to_owned(),
            already,
            station,
            specimen,
            event,
        });
    }
    Err(AppError::conflict(
        "concurrent_update",
        "the specimen kept changing; scan again",
    ))
}

/// Moves the specimen to `to` if it is still as read; a store scan also shelves it at the station.
fn transition(
    conn: &mut DbConnection,
    row: &SpecimenRow,
    to: super::lifecycle::Status,
    station: &Station,
) -> QueryResult<bool> {
    let location = (to == super::lifecycle::Status::Stored).then_some(station.location.as_str());
    let changed = diesel::update(specimens::table.find(&row.id))
        .filter(specimens::status.eq(&row.status))
        .filter(specimens::version.eq(row.version))
        .set((
            specimens::status.eq(to.as_str()),
            location.map(|l| specimens::location.eq(l)),
            specimens::version.eq(specimens::version + 1),
            specimens::updated_at.eq(from_utc(now())),
        ))
        .execute(conn)?;
    Ok(changed == 1)
}

/// An `Idempotency-Key` header: 1 to 200 visible ASCII characters.
pub fn idempotency_key(raw: Option<&str>) -> AppResult<Option<String>> {
    match raw.map(str::trim) {
        None => Ok(None),
        Some(key)
            if (1..=200).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            Ok(Some(key.to_owned()))
        }
        Some(_) => Err(AppError::invalid(
            "Idempotency-Key",
            "must be 1 to 200 visible ASCII characters",
        )),
    }
}

/// A stored answer: status and JSON body.
pub type Answer = (u16, String);

/// Runs `work` once per (user, key): the first request reserves the key in the same transaction as its
/// work and stores the answer; a repeat gets that answer back. On PostgreSQL a concurrent repeat waits
/// on the reservation until the first commits (or rolls back, freeing the key); SQLite's write lock
/// serialises them. A failed request stores nothing, so a retry runs again.
pub fn once(
    conn: &mut DbConnection,
    user_id: &str,
    key: &str,
    fingerprint: &str,
    work: impl FnOnce(&mut DbConnection) -> AppResult<Answer>,
) -> AppResult<(Answer, bool)> {
    let reservation = (
        scan_requests::user_id.eq(user_id),
        scan_requests::idempotency_key.eq(key),
        scan_requests::request_hash.eq(fingerprint),
        scan_requests::status.eq(0),
        scan_requests::body.eq(""),
        scan_requests::created_at.eq(from_utc(now())),
    );
    if crate::insert_or_ignore!(conn, scan_requests::table, reservation)? == 0 {
        let (hash, status, body): (String, i32, String) = scan_requests::table
            .find((user_id, key))
            .select((
                scan_requests::request_hash,
                scan_requests::status,
                scan_requests::body,
            ))
            .first(conn)?;
        if hash != fingerprint {
            return Err(AppError::invalid(
                "Idempotency-Key",
                "was already used for a different scan; use a new key",
            ));
        }
        return Ok(((status as u16, body), true));
    }
    let (status, body) = work(conn)?;
    diesel::update(scan_requests::table.find((user_id, key)))
        .set((
            scan_requests::status.eq(i32::from(status)),
            scan_requests::body.eq(&body),
        ))
        .execute(conn)?;
    Ok(((status, body), false))
}
