//! Diesel queries for code set versions, their codes and the NCCI/MUE edits. Nothing else touches these
//! tables.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::model::{ModifierIndicator, MueLimit, NcciEdit, NewCode, System, VersionInfo};
use crate::db::DbConnection;
use crate::db::schema::{code_entries, code_set_versions, mue_limits, ncci_edits};

/// Rows per INSERT: 500 rows × 7 columns stays far below SQLite's 32,766 and PostgreSQL's 65,535 bind
/// parameters.
pub const BATCH_ROWS: usize = 500;

#[derive(Queryable, Selectable)]
#[diesel(table_name = code_set_versions)]
struct VersionRow {
    id: String,
    system: String,
    label: String,
    effective_from: NaiveDate,
    effective_to: Option<NaiveDate>,
    checksum: String,
    source: String,
    entry_count: i64,
    seq: i64,
}

impl VersionRow {
    fn into_info(self) -> Option<VersionInfo> {
        Some(VersionInfo {
            system: System::parse(&self.system).ok()?,
            id: self.id,
            label: self.label,
            effective_from: self.effective_from,
            effective_to: self.effective_to,
            checksum: self.checksum,
            source: self.source,
            entry_count: self.entry_count,
            seq: self.seq,
        })
    }
}

/// Every stored version (of systems this build knows), oldest import first.
pub fn versions(conn: &mut DbConnection) -> QueryResult<Vec<VersionInfo>> {
    let rows: Vec<VersionRow> = code_set_versions::table
        .select(VersionRow::as_select())
        .order(code_set_versions::seq.asc())
        .load(conn)?;
    Ok(rows.into_iter().filter_map(VersionRow::into_info).collect())
}

/// The version of `system` already imported from a file with this checksum.
pub fn version_by_checksum(
    conn: &mut DbConnection,
    system: System,
    checksum: &str,
) -> QueryResult<Option<VersionInfo>> {
    let row: Option<VersionRow> = code_set_versions::table
        .filter(code_set_versions::system.eq(system.as_str()))
        .filter(code_set_versions::checksum.eq(checksum))
        .select(VersionRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row.and_then(VersionRow::into_info))
}

/// Changes whenever a version is imported: the number of versions and the last import's sequence.
/// Instances compare it to notice imports made through another instance or the CLI.
pub fn stamp(conn: &mut DbConnection) -> QueryResult<(i64, i64)> {
    use diesel::dsl::{count_star, max};
    let (count, last) = code_set_versions::table
        .select((count_star(), max(code_set_versions::seq)))
        .first::<(i64, Option<i64>)>(conn)?;
    Ok((count, last.unwrap_or(0)))
}

/// The earliest start of a version of `system` beginning after `date`.
pub fn next_start_after(
    conn: &mut DbConnection,
    system: System,
    date: NaiveDate,
) -> QueryResult<Option<NaiveDate>> {
    use diesel::dsl::min;
    code_set_versions::table
        .filter(code_set_versions::system.eq(system.as_str()))
        .filter(code_set_versions::effective_from.gt(date))
        .select(min(code_set_versions::effective_from))
        .first(conn)
}

/// Ends the versions of `system` that began before `date` and were still in effect on it the day before.
pub fn close_versions_before(
    conn: &mut DbConnection,
    system: System,
    date: NaiveDate,
) -> QueryResult<usize> {
    let day_before = date.pred_opt().unwrap_or(date);
    diesel::update(
        code_set_versions::table
            .filter(code_set_versions::system.eq(system.as_str()))
            .filter(code_set_versions::effective_from.lt(date))
            .filter(
                code_set_versions::effective_to
                    .is_null()
                    .or(code_set_versions::effective_to.ge(date)),
            ),
    )
    .set(code_set_versions::effective_to.eq(Some(day_before)))
    .execute(conn)
}

pub fn insert_version(
    conn: &mut DbConnection,
    version: &VersionInfo,
    imported_at: chrono::NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(code_set_versions::table)
        .values((
            code_set_versions::id.eq(&version.id),
            code_set_versions::system.eq(version.system.as_str()),
            code_set_versions::label.eq(&version.label),
            code_set_versions::effective_from.eq(version.effective_from),
            code_set_versions::effective_to.eq(version.effective_to),
            code_set_versions::checksum.eq(&version.checksum),
            code_set_versions::source.eq(&version.source),
            code_set_versions::entry_count.eq(version.entry_count),
            code_set_versions::seq.eq(version.seq),
            code_set_versions::imported_at.eq(imported_at),
        ))
        .execute(conn)
        .map(drop)
}

#[derive(Insertable)]
#[diesel(table_name = code_entries)]
struct EntryInsert<'a> {
    version_id: &'a str,
    code: &'a str,
    description: &'a str,
    short_description: Option<&'a str>,
    billable: bool,
    notes: Option<&'a str>,
}

/// Inserts one batch (at most `BATCH_ROWS`) of codes in a single statement.
pub fn insert_codes(
    conn: &mut DbConnection,
    version_id: &str,
    rows: &[NewCode],
) -> QueryResult<usize> {
    let values: Vec<EntryInsert> = rows
        .iter()
        .map(|r| EntryInsert {
            version_id,
            code: &r.code,
            description: &r.description,
            short_description: r.short_description.as_deref(),
            billable: r.billable,
            notes: r.notes.as_deref(),
        })
        .collect();
    crate::insert_batch!(conn, code_entries::table, values)
}

#[derive(Insertable)]
#[diesel(table_name = ncci_edits)]
struct NcciInsert<'a> {
    version_id: &'a str,
    column1: &'a str,
    column2: &'a str,
    effective_date: NaiveDate,
    deletion_date: Option<NaiveDate>,
    modifier_indicator: &'static str,
    rationale: &'a str,
}

pub fn insert_ncci(
    conn: &mut DbConnection,
    version_id: &str,
    rows: &[NcciEdit],
) -> QueryResult<usize> {
    let values: Vec<NcciInsert> = rows
        .iter()
        .map(|r| NcciInsert {
            version_id,
            column1: &r.column1,
            column2: &r.column2,
            effective_date: r.effective_date,
            deletion_date: r.deletion_date,
            modifier_indicator: r.modifier_indicator.as_str(),
            rationale: &r.rationale,
        })
        .collect();
    crate::insert_batch!(conn, ncci_edits::table, values)
}

#[derive(Insertable)]
#[diesel(table_name = mue_limits)]
struct MueInsert<'a> {
    version_id: &'a str,
    code: &'a str,
    max_units: i32,
    adjudication_indicator: &'a str,
    rationale: &'a str,
}

pub fn insert_mue(
    conn: &mut DbConnection,
    version_id: &str,
    rows: &[MueLimit],
) -> QueryResult<usize> {
    let values: Vec<MueInsert> = rows
        .iter()
        .map(|r| MueInsert {
            version_id,
            code: &r.code,
            max_units: r.max_units,
            adjudication_indicator: &r.adjudication_indicator,
            rationale: &r.rationale,
        })
        .collect();
    crate::insert_batch!(conn, mue_limits::table, values)
}

/// One stored code as the catalog loads it.
#[derive(Queryable)]
pub struct StoredCode {
    pub code: String,
    pub description: String,
    pub short_description: Option<String>,
    pub billable: bool,
    pub notes: Option<String>,
}

/// The codes of one version, ordered by code.
pub fn codes_of(conn: &mut DbConnection, version_id: &str) -> QueryResult<Vec<StoredCode>> {
    code_entries::table
        .filter(code_entries::version_id.eq(version_id))
        .order(code_entries::code.asc())
        .select((
            code_entries::code,
            code_entries::description,
            code_entries::short_description,
            code_entries::billable,
            code_entries::notes,
        ))
        .load(conn)
}

/// The id of the version of `system` governing `date`: among those covering it, the latest to start,
/// then the latest imported.
pub fn governing_version(
    conn: &mut DbConnection,
    system: System,
    date: NaiveDate,
) -> QueryResult<Option<String>> {
    code_set_versions::table
        .filter(code_set_versions::system.eq(system.as_str()))
        .filter(code_set_versions::effective_from.le(date))
        .filter(
            code_set_versions::effective_to
                .is_null()
                .or(code_set_versions::effective_to.ge(date)),
        )
        .order((
            code_set_versions::effective_from.desc(),
            code_set_versions::seq.desc(),
        ))
        .select(code_set_versions::id)
        .first(conn)
        .optional()
}

/// The NCCI PTP edit in effect on `date` for two codes billed together, whichever column each is in.
pub fn ncci_edit(
    conn: &mut DbConnection,
    first: &str,
    second: &str,
    date: NaiveDate,
) -> QueryResult<Option<NcciEdit>> {
    let Some(version) = governing_version(conn, System::NcciPtp, date)? else {
        return Ok(None);
    };
    let pair = (ncci_edits::column1
        .eq(first)
        .and(ncci_edits::column2.eq(second)))
    .or(ncci_edits::column1
        .eq(second)
        .and(ncci_edits::column2.eq(first)));
    let row: Option<(String, String, NaiveDate, Option<NaiveDate>, String, String)> =
        ncci_edits::table
            .filter(ncci_edits::version_id.eq(version))
            .filter(pair)
            .filter(ncci_edits::effective_date.le(date))
            .filter(
                ncci_edits::deletion_date
                    .is_null()
                    .or(ncci_edits::deletion_date.ge(date)),
            )
            .order(ncci_edits::effective_date.desc())
            .select((
                ncci_edits::column1,
                ncci_edits::column2,
                ncci_edits::effective_date,
                ncci_edits::deletion_date,
                ncci_edits::modifier_indicator,
                ncci_edits::rationale,
            ))
            .first(conn)
            .optional()?;
    Ok(row.and_then(
        |(column1, column2, effective_date, deletion_date, indicator, rationale)| {
            Some(NcciEdit {
                column1,
                column2,
                effective_date,
                deletion_date,
                modifier_indicator: ModifierIndicator::parse(&indicator).ok()?,
                rationale,
            })
        },
    ))
}

/// The MUE limit of `code` on `date`.
pub fn mue_limit(
    conn: &mut DbConnection,
    code: &str,
    date: NaiveDate,
) -> QueryResult<Option<MueLimit>> {
    let Some(version) = governing_version(conn, System::Mue, date)? else {
        return Ok(None);
    };
    let row: Option<(String, i32, String, String)> = mue_limits::table
        .filter(mue_limits::version_id.eq(version))
        .filter(mue_limits::code.eq(code))
        .select((
            mue_limits::code,
            mue_limits::max_units,
            mue_limits::adjudication_indicator,
            mue_limits::rationale,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(
        |(code, max_units, adjudication_indicator, rationale)| MueLimit {
            code,
            max_units,
            adjudication_indicator,
            rationale,
        },
    ))
}
