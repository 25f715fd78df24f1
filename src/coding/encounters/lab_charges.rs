//! From bench to bill: a completed specimen's tests become procedure lines on its order's encounter, with
//! the diagnoses the order gave, plus one collection charge per encounter for a venous or capillary draw.
//!
//! "Never twice" is the `lab_charges` table's partial unique indexes: a test is charged once per top-level
//! specimen (its aliquots carry the same tests and must not bill them again) and a collection once per
//! encounter. Every decision is a row there, including charges that could not be added (a billed
//! encounter, a full one): those wait for the claims work and are never silently dropped.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::lifecycle::after_edit;
use super::model::{ChargeSource, Encounter, MAX_LINES, MAX_POINTERS, MAX_STORED_DIAGNOSES};
use super::model::{Status, ValidLine};
use super::store::{self, PricedLine};
use crate::audit::{self, Audit, AuditActor};
use crate::coding::fees::store::unit_price;
use crate::coding::values::{DiagnosisCode, ProcedureCode};
use crate::db::ids::{EncounterId, LineId};
use crate::db::schema::lab_charges;
use crate::db::{DbConnection, from_utc, new_id, now};
use crate::directory::policies;
use crate::error::{AppError, AppResult};
use crate::insert_or_ignore;

/// How often a lost race for the encounter is retried (each loss means another append went through).
const RETRIES: usize = 5;

/// What a charge is for: a test of a specimen, or the encounter's collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChargeKind {
    Test,
    Collection,
}

impl ChargeKind {
    fn as_str(self) -> &'static str {
        match self {
            ChargeKind::Test => "test",
            ChargeKind::Collection => "collection",
        }
    }
}

/// One charge a completed specimen asks for, with the diagnoses that justify it (most relevant first).
#[derive(Debug, Clone)]
pub struct Charge {
    pub kind: ChargeKind,
    pub code: ProcedureCode,
    pub diagnoses: Vec<DiagnosisCode>,
}

/// A completed specimen's charges on its order's encounter.
#[derive(Debug, Clone)]
pub struct LabCharges<'a> {
    pub encounter_id: EncounterId,
    /// The top-level specimen (the parent of an aliquot): the key a test is charged once under.
    pub specimen_id: &'a str,
    /// The completed specimen's accession, for the line note.
    pub accession: &'a str,
    pub order_id: &'a str,
    pub charges: Vec<Charge>,
}

/// A charge that became a line.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AddedCharge {
    pub code: String,
    pub line_id: LineId,
}

/// A charge that did not become a line, and why: `already_charged` (an earlier completion or aliquot
/// billed it), `encounter_billed` (kept for a corrected claim), `encounter_full` (50 lines).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SkippedCharge {
    pub code: String,
    pub reason: &'static str,
}

/// What completing a specimen did to the bill: shown in the `complete` custody event's detail.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct BillingOutcome {
    pub encounter_id: Option<EncounterId>,
    pub added: Vec<AddedCharge>,
    pub not_added: Vec<SkippedCharge>,
    /// Why nothing was billed at all (`the order names no encounter`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl BillingOutcome {
    pub fn without_encounter() -> Self {
        BillingOutcome {
            note: Some("the order names no encounter: nothing was billed".into()),
            ..BillingOutcome::default()
        }
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = lab_charges)]
struct ChargeRow<'a> {
    id: String,
    kind: &'a str,
    encounter_id: &'a str,
    specimen_id: &'a str,
    code: &'a str,
    line_id: Option<String>,
    outcome: &'a str,
    created_at: NaiveDateTime,
}

/// Records the decision for `charge`; false when it was decided before (the unique index held).
fn record_decision(
    conn: &mut DbConnection,
    request: &LabCharges<'_>,
    charge: &Charge,
    line_id: Option<&LineId>,
    outcome: &str,
) -> QueryResult<bool> {
    let row = ChargeRow {
        id: new_id().to_string(),
        kind: charge.kind.as_str(),
        encounter_id: request.encounter_id.as_str(),
        specimen_id: request.specimen_id,
        code: charge.code.as_str(),
        line_id: line_id.map(ToString::to_string),
        outcome,
        created_at: from_utc(now()),
    };
    Ok(insert_or_ignore!(conn, lab_charges::table, &row)? == 1)
}

/// Whether `charge` was decided before (read without locking: a race is settled by the unique index).
fn decided(
    conn: &mut DbConnection,
    request: &LabCharges<'_>,
    charge: &Charge,
) -> QueryResult<bool> {
    let mut query = lab_charges::table
        .filter(lab_charges::kind.eq(charge.kind.as_str()))
        .filter(lab_charges::code.eq(charge.code.as_str()))
        .into_boxed();
    query = match charge.kind {
        ChargeKind::Test => query.filter(lab_charges::specimen_id.eq(request.specimen_id)),
        ChargeKind::Collection => {
            query.filter(lab_charges::encounter_id.eq(request.encounter_id.as_str()))
        }
    };
    let count: i64 = query.count().get_result(conn)?;
    Ok(count > 0)
}

/// Adds the charges to the encounter. Call in the transaction that completes the specimen.
pub fn add(
    conn: &mut DbConnection,
    actor: &AuditActor,
    request: &LabCharges<'_>,
) -> AppResult<BillingOutcome> {
    let mut outcome = BillingOutcome {
        encounter_id: Some(request.encounter_id.clone()),
        ..BillingOutcome::default()
    };
    let mut pending = Vec::new();
    for charge in &request.charges {
        match decided(conn, request, charge)? {
            true => outcome.not_added.push(skipped(charge, "already_charged")),
            false => pending.push(charge),
        }
    }
    if pending.is_empty() {
        return Ok(outcome);
    }
    for _ in 0..RETRIES {
        let encounter =
            store::find(conn, &request.encounter_id)?.ok_or(AppError::NotFound("encounter"))?;
        if encounter.status == Status::Billed {
            for charge in pending {
                let reason = match record_decision(conn, request, charge, None, "encounter_billed")?
                {
                    true => "encounter_billed",
                    false => "already_charged",
                };
                outcome.not_added.push(skipped(charge, reason));
            }
            return Ok(outcome);
        }
        let status = after_edit(encounter.status)?;
        if !store::set_status(conn, &encounter.id, encounter.version, status)? {
            continue; // another writer changed the encounter: read it again
        }
        append(conn, request, &encounter, &pending, &mut outcome)?;
        let detail = format!(
            "specimen {}: {} line(s) added, {} not added",
            request.accession,
            outcome.added.len(),
            outcome.not_added.len()
        );
        let audit = Audit::new("lab_charges", "encounter", &encounter.id)
            .patient(&encounter.patient_id)
            .detail(detail);
        audit::record(conn, actor, audit)?;
        return Ok(outcome);
    }
    Err(AppError::conflict(
        "concurrent_update",
        "the encounter kept changing; retry the request",
    ))
}

fn skipped(charge: &Charge, reason: &'static str) -> SkippedCharge {
    SkippedCharge {
        code: charge.code.as_str().to_owned(),
        reason,
    }
}

/// Appends the pending charges to the taken encounter: new diagnoses after its own, one line per charge
/// (priced from the encounter's payer's schedule, else the default), as many as fit.
fn append(
    conn: &mut DbConnection,
    request: &LabCharges<'_>,
    encounter: &Encounter,
    pending: &[&Charge],
    outcome: &mut BillingOutcome,
) -> AppResult<()> {
    let payer = match &encounter.policy_id {
        Some(id) => policies::store::find(conn, &encounter.patient_id, id)?.map(|p| p.payer_id),
        None => None,
    };
    let mut diagnoses = DiagnosisList::of(encounter);
    let mut room = MAX_LINES.saturating_sub(encounter.lines.len());
    let mut priced = Vec::new();
    for charge in pending {
        if room == 0 {
            if record_decision(conn, request, charge, None, "encounter_full")? {
                outcome.not_added.push(skipped(charge, "encounter_full"));
            }
            continue;
        }
        let line_id = LineId::generate();
        if !record_decision(conn, request, charge, Some(&line_id), "added")? {
            outcome.not_added.push(skipped(charge, "already_charged"));
            continue;
        }
        room -= 1;
        let pointers = diagnoses.pointers_for(&charge.diagnoses);
        let unit = unit_price(
            conn,
            payer.as_ref(),
            &charge.code,
            &[],
            encounter.date_of_service,
        )?;
        let mut note = format!("Lab specimen {}", request.accession);
        if unit.is_none() {
            note.push_str(&format!(
                "; no fee schedule prices {} on {}: set the charge",
                charge.code.as_str(),
                encounter.date_of_service
            ));
        }
        priced.push(PricedLine {
            line: ValidLine {
                id: Some(line_id.clone()),
                code: charge.code.clone(),
                modifiers: Vec::new(),
                units: 1,
                charge: None,
                diagnosis_pointers: pointers,
                note: Some(note),
                specimen_id: Some(request.specimen_id.to_owned()),
                order_id: Some(request.order_id.to_owned()),
            },
            charge_cents: unit.unwrap_or(0),
            source: ChargeSource::Schedule,
        });
        outcome.added.push(AddedCharge {
            code: charge.code.as_str().to_owned(),
            line_id,
        });
    }
    store::append_children(conn, encounter, &diagnoses.added, &priced)?;
    Ok(())
}

/// The encounter's diagnoses as charges extend them: a code already coded is pointed at where it is; a new
/// one is appended while there is room.
struct DiagnosisList {
    /// (position, code) of every diagnosis, coded or added.
    all: Vec<(i32, DiagnosisCode)>,
    added: Vec<DiagnosisCode>,
}

impl DiagnosisList {
    fn of(encounter: &Encounter) -> Self {
        DiagnosisList {
            all: (encounter.diagnoses.iter())
                .map(|d| (d.position, d.code.clone()))
                .collect(),
            added: Vec::new(),
        }
    }

    fn position_of(&mut self, code: &DiagnosisCode) -> Option<i32> {
        if let Some((position, _)) = self.all.iter().find(|(_, c)| c == code) {
            return Some(*position);
        }
        if self.all.len() >= MAX_STORED_DIAGNOSES {
            return None;
        }
        let position = self.all.iter().map(|(p, _)| *p).max().unwrap_or(0) + 1;
        self.all.push((position, code.clone()));
        self.added.push(code.clone());
        Some(position)
    }

    /// Pointers for a line justified by `codes`, at most four.
    fn pointers_for(&mut self, codes: &[DiagnosisCode]) -> Vec<i32> {
        let mut pointers = Vec::new();
        for code in codes {
            if pointers.len() == MAX_POINTERS {
                break;
            }
            if let Some(position) = self.position_of(code)
                && !pointers.contains(&position)
            {
                pointers.push(position);
            }
        }
        pointers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> DiagnosisCode {
        DiagnosisCode::parse(text).unwrap()
    }

    fn list(codes: &[&str]) -> DiagnosisList {
        DiagnosisList {
            all: codes.iter().zip(1..).map(|(c, p)| (p, code(c))).collect(),
            added: Vec::new(),
        }
    }

    #[test]
    fn a_coded_diagnosis_is_pointed_at_and_a_new_one_appended_once() {
        let mut dx = list(&["I10", "E11.9"]);
        assert_eq!(dx.pointers_for(&[code("E11.9"), code("E78.5")]), vec![2, 3]);
        assert_eq!(dx.pointers_for(&[code("E78.5"), code("I10")]), vec![3, 1]);
        assert_eq!(dx.added, vec![code("E78.5")]);
    }

    #[test]
    fn pointers_stop_at_four_and_diagnoses_at_the_stored_limit() {
        let mut dx = list(&[]);
        let six: Vec<_> = ["A00.0", "A00.1", "A01.00", "A01.1", "A01.2", "A01.3"]
            .iter()
            .map(|c| code(c))
            .collect();
        assert_eq!(dx.pointers_for(&six), vec![1, 2, 3, 4]);
        let many: Vec<String> = (0..MAX_STORED_DIAGNOSES)
            .map(|i| format!("Z{:02}", i))
            .collect();
        let refs: Vec<&str> = many.iter().map(String::as_str).collect();
        let mut full = list(&refs);
        assert_eq!(full.pointers_for(&[code("E11.9")]), Vec::<i32>::new());
        assert!(full.added.is_empty());
    }
}
