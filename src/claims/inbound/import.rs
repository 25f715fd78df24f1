//! Taking in one acknowledgement file: read it at the edge (a file that does not read is refused with
//! the reader's message and position, naming `file`), then in the caller's write transaction record it
//! and apply it. The file row is written *before* the claims move, so of two imports of the same bytes
//! at once, the second waits on the first's unique SHA-256 and answers as the duplicate it is.

use super::apply::Run;
use super::files::{self, NewFile};
use super::model::Outcome;
use super::{from_277ca, from_999};
use crate::audit::{self, Audit, AuditActor};
use crate::claims::acks::{self, Ack, SetEnvelope};
use crate::db::DbConnection;
use crate::db::ids::InboundFileId;
use crate::error::{AppError, AppResult};

pub const RESOURCE: &str = "x12_inbound_file";

/// An acknowledgement file that reads: its content and what it says.
#[derive(Debug, Clone)]
pub struct AckFile {
    pub ack: Ack,
    pub content: String,
    pub sha256: String,
}

fn refused(message: impl Into<String>) -> AppError {
    AppError::invalid("file", message)
}

impl AckFile {
    /// Reads a 999 or 277CA; 422 naming `file` when it is empty, is not text, or does not read.
    pub fn read(bytes: Vec<u8>) -> AppResult<AckFile> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(refused("is empty; send a 999 or 277CA file as the body"));
        }
        let ack = acks::read(&bytes).map_err(|e| refused(e.to_string()))?;
        let sha256 = acks::fingerprint(&bytes);
        let content = String::from_utf8(bytes).map_err(|e| {
            refused(format!(
                "is not text: byte {} is not ASCII or UTF-8",
                e.utf8_error().valid_up_to()
            ))
        })?;
        Ok(AckFile {
            ack,
            content,
            sha256,
        })
    }

    /// `999` or `277CA`.
    pub fn kind(&self) -> &'static str {
        self.ack.kind().name()
    }

    /// The envelope of the first transaction set (the reader guarantees there is one).
    fn envelope(&self) -> Option<&SetEnvelope> {
        match &self.ack {
            Ack::Implementation(sets) => sets.first().map(|s| &s.envelope),
            Ack::ClaimAcknowledgement(sets) => sets.first().map(|s| &s.envelope),
        }
    }
}

/// Records and applies the file, or answers the outcome stored for the same bytes (`duplicate`).
pub fn import(conn: &mut DbConnection, actor: &AuditActor, file: &AckFile) -> AppResult<Outcome> {
    if let Some(outcome) = files::outcome_by_sha256(conn, &file.sha256)? {
        return Ok(as_duplicate(outcome));
    }
    let envelope = file
        .envelope()
        .ok_or_else(|| refused("holds no transaction set"))?;
    let id = InboundFileId::generate();
    let new = NewFile {
        id: &id,
        sha256: &file.sha256,
        kind: file.kind(),
        interchange_control_number: &envelope.interchange_control_number,
        sender_id: &envelope.interchange_sender,
        content: &file.content,
        received_by: &actor.name,
    };
    if !files::reserve(conn, &new)? {
        // Imported meanwhile by another request, which has committed: its outcome is the answer.
        let outcome = files::outcome_by_sha256(conn, &file.sha256)?
            .ok_or_else(|| AppError::internal("acknowledgement file reserved but not found"))?;
        return Ok(as_duplicate(outcome));
    }
    let outcome = Outcome {
        id: id.clone(),
        kind: file.kind().to_owned(),
        sha256: file.sha256.clone(),
        interchange_control_number: envelope.interchange_control_number.clone(),
        duplicate: false,
        batches_marked_sent: Vec::new(),
        changed: Vec::new(),
        unchanged: Vec::new(),
        unmatched: Vec::new(),
    };
    let mut run = Run::new(actor, file.kind(), outcome);
    match &file.ack {
        Ack::Implementation(sets) => from_999::apply(conn, &mut run, sets)?,
        Ack::ClaimAcknowledgement(sets) => from_277ca::apply(conn, &mut run, sets)?,
    }
    let outcome = run.finish();
    files::set_outcome(conn, &id, &outcome)?;
    let counts = outcome.counts();
    let detail = format!(
        "{} ISA13 {}: {} claims changed, {} unchanged, {} unmatched",
        outcome.kind,
        outcome.interchange_control_number,
        counts.changed,
        counts.unchanged,
        counts.unmatched
    );
    audit::record(
        conn,
        actor,
        Audit::new("import", RESOURCE, &id).detail(detail),
    )?;
    Ok(outcome)
}

fn as_duplicate(mut outcome: Outcome) -> Outcome {
    outcome.duplicate = true;
    outcome
}
