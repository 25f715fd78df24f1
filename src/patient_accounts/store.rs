//! Idempotency of payments and refunds: the only queries of `patient_account_requests`. The shape is
//! the bench scans' (`specimens::scans::once`), keyed by patient rather than user, so a payment retried
//! from another desk with the same key is still the same payment.

use diesel::prelude::*;

use crate::db::ids::PatientId;
use crate::db::schema::patient_account_requests as requests;
use crate::db::{DbConnection, from_utc, now};
use crate::error::{AppError, AppResult};

/// A stored answer: status and JSON body.
pub type Answer = (u16, String);

/// Runs `work` once per (patient, key): the first request reserves the key in the same transaction
/// as its posting and stores the answer; a repeat gets that answer back (`true`). On PostgreSQL a
/// concurrent repeat waits on the reservation until the first commits (or rolls back, freeing the
/// key); SQLite's write lock serialises them. A failed request stores nothing, so a retry runs again.
pub fn once(
    conn: &mut DbConnection,
    patient: &PatientId,
    key: &str,
    fingerprint: &str,
    work: impl FnOnce(&mut DbConnection) -> AppResult<Answer>,
) -> AppResult<(Answer, bool)> {
    let reservation = (
        requests::patient_id.eq(patient.as_str()),
        requests::idempotency_key.eq(key),
        requests::request_hash.eq(fingerprint),
        requests::status.eq(0),
        requests::body.eq(""),
        requests::created_at.eq(from_utc(now())),
    );
    if crate::insert_or_ignore!(conn, requests::table, reservation)? == 0 {
        let (hash, status, body): (String, i32, String) = requests::table
            .find((patient.as_str(), key))
            .select((requests::request_hash, requests::status, requests::body))
            .first(conn)?;
        if hash != fingerprint {
            return Err(AppError::invalid(
                "Idempotency-Key",
                "was already used for a different payment or refund of this patient; use a new key",
            ));
        }
        return Ok(((status as u16, body), true));
    }
    let (status, body) = work(conn)?;
    diesel::update(requests::table.find((patient.as_str(), key)))
        .set((
            requests::status.eq(i32::from(status)),
            requests::body.eq(&body),
        ))
        .execute(conn)?;
    Ok(((status, body), false))
}
