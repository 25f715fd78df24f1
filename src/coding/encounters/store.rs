//! Encounter queries. Nothing else touches the `encounters`, `encounter_diagnoses` and `encounter_lines`
//! tables. An encounter's diagnoses and lines are written as a whole with it, in the caller's transaction.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::model::{ChargeSource, Diagnosis, Encounter, Line, Status, ValidEncounter, ValidLine};
use crate::coding::values::{DiagnosisCode, Modifier, ProcedureCode};
use crate::db::ids::{EncounterId, LineId, LocationId, PatientId, PolicyId, ProviderId};
use crate::db::schema::{encounter_diagnoses as diagnoses, encounter_lines as lines, encounters};
use crate::db::{DbConnection, from_utc, now, to_utc};
use crate::error::VersionedUpdate;
use crate::money;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = encounters)]
struct EncounterRow {
    id: String,
    #[diesel(embed)]
    fields: EncounterFields,
    status: String,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = encounters, treat_none_as_null = true)]
struct EncounterFields {
    patient_id: String,
    rendering_provider_id: String,
    billing_provider_id: String,
    location_id: String,
    policy_id: Option<String>,
    date_of_service: NaiveDate,
}

impl EncounterFields {
    fn of(e: &ValidEncounter) -> Self {
        EncounterFields {
            patient_id: e.patient_id.to_string(),
            rendering_provider_id: e.rendering_provider_id.to_string(),
            billing_provider_id: e.billing_provider_id.to_string(),
            location_id: e.location_id.to_string(),
            policy_id: e.policy_id.as_ref().map(ToString::to_string),
            date_of_service: e.date_of_service,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = diagnoses)]
struct DiagnosisRow {
    encounter_id: String,
    position: i32,
    code: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = lines)]
struct LineRow {
    id: String,
    encounter_id: String,
    position: i32,
    code: String,
    modifiers: String,
    units: i32,
    charge_cents: i64,
    charge_source: String,
    diagnosis_pointers: String,
    note: Option<String>,
    specimen_id: Option<String>,
    order_id: Option<String>,
}

/// A line with its charge settled (given, or priced from the schedule), ready to store.
#[derive(Debug, Clone)]
pub struct PricedLine {
    pub line: ValidLine,
    pub charge_cents: i64,
    pub source: ChargeSource,
}

fn join<T: ToString>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

fn split(text: &str) -> impl Iterator<Item = &str> {
    text.split(',').filter(|s| !s.is_empty())
}

impl From<LineRow> for Line {
    fn from(row: LineRow) -> Self {
        Line {
            id: LineId::from_stored(row.id),
            position: row.position,
            code: ProcedureCode::from_stored(row.code),
            modifiers: split(&row.modifiers)
                .map(|m| Modifier::from_stored(m.to_owned()))
                .collect(),
            units: row.units,
            charge: money::from_cents(row.charge_cents),
            charge_source: if row.charge_source == "manual" {
                ChargeSource::Manual
            } else {
                ChargeSource::Schedule
            },
            diagnosis_pointers: split(&row.diagnosis_pointers)
                .filter_map(|p| p.parse().ok())
                .collect(),
            note: row.note,
            specimen_id: row.specimen_id,
            order_id: row.order_id,
        }
    }
}

fn assemble(row: EncounterRow, diagnoses: Vec<Diagnosis>, lines: Vec<Line>) -> Encounter {
    let total_charge: rust_decimal::Decimal = lines.iter().map(|l| l.charge).sum();
    let f = row.fields;
    Encounter {
        id: EncounterId::from_stored(row.id),
        patient_id: PatientId::from_stored(f.patient_id),
        rendering_provider_id: ProviderId::from_stored(f.rendering_provider_id),
        billing_provider_id: ProviderId::from_stored(f.billing_provider_id),
        location_id: LocationId::from_stored(f.location_id),
        policy_id: f.policy_id.map(PolicyId::from_stored),
        date_of_service: f.date_of_service,
        status: Status::parse(&row.status).unwrap_or(Status::Open),
        diagnoses,
        lines,
        total_charge,
        version: row.version,
        created_at: to_utc(row.created_at),
        updated_at: to_utc(row.updated_at),
    }
}

/// Writes the encounter's diagnoses and lines, replacing whatever it had.
fn write_children(
    conn: &mut DbConnection,
    id: &EncounterId,
    codes: &[DiagnosisCode],
    priced: &[PricedLine],
) -> QueryResult<()> {
    diesel::delete(diagnoses::table.filter(diagnoses::encounter_id.eq(id.as_str())))
        .execute(conn)?;
    diesel::delete(lines::table.filter(lines::encounter_id.eq(id.as_str()))).execute(conn)?;
    let dx_rows: Vec<DiagnosisRow> = codes
        .iter()
        .zip(1..)
        .map(|(code, position)| DiagnosisRow {
            encounter_id: id.to_string(),
            position,
            code: code.as_str().to_owned(),
        })
        .collect();
    // One statement per row: the multi-backend connection has no batch insert.
    for row in &dx_rows {
        diesel::insert_into(diagnoses::table)
            .values(row)
            .execute(conn)?;
    }
    let line_rows: Vec<LineRow> = priced
        .iter()
        .zip(1..)
        .map(|(p, position)| line_row(id, position, p))
        .collect();
    for row in &line_rows {
        diesel::insert_into(lines::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

fn line_row(encounter_id: &EncounterId, position: i32, p: &PricedLine) -> LineRow {
    let line = &p.line;
    LineRow {
        id: line.id.clone().unwrap_or_else(LineId::generate).to_string(),
        encounter_id: encounter_id.to_string(),
        position,
        code: line.code.as_str().to_owned(),
        modifiers: join(
            &line
                .modifiers
                .iter()
                .map(Modifier::as_str)
                .collect::<Vec<_>>(),
        ),
        units: line.units,
        charge_cents: p.charge_cents,
        charge_source: p.source.as_str().to_owned(),
        diagnosis_pointers: join(&line.diagnosis_pointers),
        note: line.note.clone(),
        specimen_id: line.specimen_id.clone(),
        order_id: line.order_id.clone(),
    }
}

pub fn insert(
    conn: &mut DbConnection,
    e: &ValidEncounter,
    priced: &[PricedLine],
) -> QueryResult<EncounterId> {
    let at = from_utc(now());
    let row = EncounterRow {
        id: EncounterId::generate().to_string(),
        fields: EncounterFields::of(e),
        status: Status::Open.as_str().to_owned(),
        version: 1,
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(encounters::table)
        .values(&row)
        .execute(conn)?;
    let id = EncounterId::from_stored(row.id);
    write_children(conn, &id, &e.diagnoses, priced)?;
    Ok(id)
}

/// Replaces the encounter if still at `expected_version`, setting `status` (an edit of a ready encounter
/// makes it coded again: it must be scrubbed anew).
pub fn update(
    conn: &mut DbConnection,
    id: &EncounterId,
    expected_version: i32,
    e: &ValidEncounter,
    priced: &[PricedLine],
    status: Status,
) -> QueryResult<VersionedUpdate> {
    let changed = diesel::update(encounters::table.find(id.as_str()))
        .filter(encounters::version.eq(expected_version))
        .set((
            EncounterFields::of(e),
            encounters::status.eq(status.as_str()),
            encounters::version.eq(encounters::version + 1),
            encounters::updated_at.eq(from_utc(now())),
        ))
        .execute(conn)?;
    if changed > 0 {
        write_children(conn, id, &e.diagnoses, priced)?;
    }
    let exists = changed > 0 || exists(conn, id)?;
    Ok(VersionedUpdate::from_rows(changed, exists))
}

/// Sets `status` if the encounter is still at `version` (bumping it); false when another writer changed it
/// first. A status move checked against one version (a clean scrub) must not land on another. On
/// PostgreSQL the row stays locked until commit, so lab appends to one encounter queue up and each sees the
/// lines the one before added.
pub fn set_status(
    conn: &mut DbConnection,
    id: &EncounterId,
    version: i32,
    status: Status,
) -> QueryResult<bool> {
    let changed = diesel::update(encounters::table.find(id.as_str()))
        .filter(encounters::version.eq(version))
        .set((
            encounters::status.eq(status.as_str()),
            encounters::version.eq(encounters::version + 1),
            encounters::updated_at.eq(from_utc(now())),
        ))
        .execute(conn)?;
    Ok(changed > 0)
}

/// Marks the encounter billed if it is still the version read (a claim was built from exactly that
/// version, in the caller's transaction); false when it changed meanwhile.
pub fn bill(conn: &mut DbConnection, encounter: &Encounter) -> QueryResult<bool> {
    set_status(conn, &encounter.id, encounter.version, Status::Billed)
}

/// Adds diagnoses and lines after the ones the encounter has (`encounter` as read before its
/// `set_status`).
pub fn append_children(
    conn: &mut DbConnection,
    encounter: &Encounter,
    codes: &[DiagnosisCode],
    priced: &[PricedLine],
) -> QueryResult<()> {
    let next_dx = encounter
        .diagnoses
        .iter()
        .map(|d| d.position)
        .max()
        .unwrap_or(0)
        + 1;
    for (code, position) in codes.iter().zip(next_dx..) {
        let row = DiagnosisRow {
            encounter_id: encounter.id.to_string(),
            position,
            code: code.as_str().to_owned(),
        };
        diesel::insert_into(diagnoses::table)
            .values(&row)
            .execute(conn)?;
    }
    let next_line = encounter
        .lines
        .iter()
        .map(|l| l.position)
        .max()
        .unwrap_or(0)
        + 1;
    for (p, position) in priced.iter().zip(next_line..) {
        diesel::insert_into(lines::table)
            .values(&line_row(&encounter.id, position, p))
            .execute(conn)?;
    }
    Ok(())
}

pub fn exists(conn: &mut DbConnection, id: &EncounterId) -> QueryResult<bool> {
    let count: i64 = encounters::table
        .find(id.as_str())
        .count()
        .get_result(conn)?;
    Ok(count > 0)
}

pub fn find(conn: &mut DbConnection, id: &EncounterId) -> QueryResult<Option<Encounter>> {
    let row: Option<EncounterRow> = encounters::table
        .find(id.as_str())
        .select(EncounterRow::as_select())
        .first(conn)
        .optional()?;
    match row {
        None => Ok(None),
        Some(row) => Ok(with_children(conn, vec![row])?.pop()),
    }
}

/// Loads the diagnoses and lines of all `rows` in two queries.
fn with_children(conn: &mut DbConnection, rows: Vec<EncounterRow>) -> QueryResult<Vec<Encounter>> {
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let dx_rows: Vec<DiagnosisRow> = diagnoses::table
        .filter(diagnoses::encounter_id.eq_any(&ids))
        .order((diagnoses::encounter_id, diagnoses::position))
        .select(DiagnosisRow::as_select())
        .load(conn)?;
    let line_rows: Vec<LineRow> = lines::table
        .filter(lines::encounter_id.eq_any(&ids))
        .order((lines::encounter_id, lines::position))
        .select(LineRow::as_select())
        .load(conn)?;
    let mut dx_by: HashMap<String, Vec<Diagnosis>> = HashMap::new();
    for d in dx_rows {
        dx_by.entry(d.encounter_id).or_default().push(Diagnosis {
            position: d.position,
            code: DiagnosisCode::from_stored(d.code),
        });
    }
    let mut lines_by: HashMap<String, Vec<Line>> = HashMap::new();
    for l in line_rows {
        lines_by
            .entry(l.encounter_id.clone())
            .or_default()
            .push(l.into());
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let dx = dx_by.remove(&row.id).unwrap_or_default();
            let ls = lines_by.remove(&row.id).unwrap_or_default();
            assemble(row, dx, ls)
        })
        .collect())
}

#[derive(Debug, Default, Clone)]
pub struct EncounterFilter {
    pub patient_id: Option<PatientId>,
    pub status: Option<Status>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// One page of encounters, newest date of service first.
pub fn list(
    conn: &mut DbConnection,
    filter: &EncounterFilter,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<Encounter>, i64)> {
    let query = || {
        let mut q = encounters::table.into_boxed();
        if let Some(patient_id) = &filter.patient_id {
            q = q.filter(encounters::patient_id.eq(patient_id.as_str().to_owned()));
        }
        if let Some(status) = filter.status {
            q = q.filter(encounters::status.eq(status.as_str()));
        }
        if let Some(from) = filter.from {
            q = q.filter(encounters::date_of_service.ge(from));
        }
        if let Some(to) = filter.to {
            q = q.filter(encounters::date_of_service.le(to));
        }
        q
    };
    let total = query().count().get_result(conn)?;
    let rows: Vec<EncounterRow> = query()
        .order((encounters::date_of_service.desc(), encounters::id.desc()))
        .limit(limit)
        .offset(offset)
        .select(EncounterRow::as_select())
        .load(conn)?;
    Ok((with_children(conn, rows)?, total))
}
