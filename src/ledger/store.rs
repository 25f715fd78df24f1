//! Ledger queries. Nothing else touches `journal_entries`, `journal_lines`, `ledger_accounts` or
//! `accounting_periods`. Rows are only ever inserted: an entry's lines first, then the entry row that
//! seals them (the order the SQLite balance trigger relies on, see the migration).

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::accounts::{Account, Side};
use super::entry::{EntryKind, Line, PaymentMethod, Source, ValidEntry};
use crate::audit::AuditActor;
use crate::db::ids::{ClaimId, EncounterId, EntryId, PatientId};
use crate::db::schema::{accounting_periods as periods, journal_entries as entries};
use crate::db::schema::{journal_lines as lines, ledger_accounts};
use crate::db::{DbConnection, from_utc, now, to_utc};
use crate::money;

// `treat_none_as_default_value = false`: a `None` binds NULL instead of DEFAULT, which lets diesel
// insert many rows in one statement on SQLite (with DEFAULT it inserts them one by one in a savepoint).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = entries, treat_none_as_default_value = false)]
struct EntryRow {
    id: String,
    entry_date: NaiveDate,
    kind: String,
    memo: String,
    claim_id: Option<String>,
    remittance_id: Option<String>,
    patient_id: Option<String>,
    encounter_id: Option<String>,
    payment_method: Option<String>,
    reverses: Option<String>,
    debit_total: i64,
    credit_total: i64,
    line_count: i32,
    actor_id: Option<String>,
    actor: String,
    posted_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = lines, treat_none_as_default_value = false)]
struct LineRow {
    entry_id: String,
    line_no: i32,
    account_code: String,
    debit_cents: i64,
    credit_cents: i64,
    patient_id: Option<String>,
    claim_id: Option<String>,
}

/// A posted entry as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: EntryId,
    pub body: ValidEntry,
    pub actor: String,
    pub posted_at: chrono::DateTime<chrono::Utc>,
}

/// Which entries to list (all conditions hold); ordered by date, then posting order.
#[derive(Debug, Clone, Default)]
pub struct EntryFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub kind: Option<EntryKind>,
    pub claim_id: Option<ClaimId>,
    pub patient_id: Option<PatientId>,
}

fn bad_value(what: impl std::fmt::Display) -> diesel::result::Error {
    diesel::result::Error::DeserializationError(what.to_string().into())
}

/// Rows per INSERT: 16 columns an entry, 7 a line, stay far below both backends' parameter limits.
const INSERT_CHUNK: usize = 500;

/// Inserts the entries: every line, then the entry rows that seal them; two statements for a few
/// entries (the entries of one business event), returning their ids in order.
pub fn insert_many(
    conn: &mut DbConnection,
    entries: &[ValidEntry],
    actor: &AuditActor,
) -> QueryResult<Vec<EntryId>> {
    let ids: Vec<EntryId> = entries.iter().map(|_| EntryId::generate()).collect();
    let line_rows: Vec<LineRow> = entries
        .iter()
        .zip(&ids)
        .flat_map(|(entry, id)| line_rows(entry, id))
        .collect();
    for chunk in line_rows.chunks(INSERT_CHUNK) {
        crate::insert_batch!(&mut *conn, lines::table, chunk)?;
    }
    let posted_at = from_utc(now());
    let entry_rows: Vec<EntryRow> = entries
        .iter()
        .zip(&ids)
        .map(|(entry, id)| entry_row(entry, id, actor, posted_at))
        .collect();
    for chunk in entry_rows.chunks(INSERT_CHUNK) {
        crate::insert_batch!(&mut *conn, entries::table, chunk)?;
    }
    Ok(ids)
}

fn line_rows(entry: &ValidEntry, id: &EntryId) -> Vec<LineRow> {
    entry
        .lines()
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let cents = line.signed_cents();
            LineRow {
                entry_id: id.to_string(),
                line_no: i as i32 + 1,
                account_code: line.account.code().to_owned(),
                debit_cents: cents.max(0),
                credit_cents: (-cents).max(0),
                patient_id: line.patient_id.as_ref().map(ToString::to_string),
                claim_id: line.claim_id.as_ref().map(ToString::to_string),
            }
        })
        .collect()
}

fn entry_row(
    entry: &ValidEntry,
    id: &EntryId,
    actor: &AuditActor,
    posted_at: NaiveDateTime,
) -> EntryRow {
    let source = entry.source();
    EntryRow {
        id: id.to_string(),
        entry_date: entry.date(),
        kind: entry.kind().as_str().to_owned(),
        memo: entry.memo().to_owned(),
        claim_id: source.claim_id.as_ref().map(ToString::to_string),
        remittance_id: source.remittance_id.clone(),
        patient_id: source.patient_id.as_ref().map(ToString::to_string),
        encounter_id: source.encounter_id.as_ref().map(ToString::to_string),
        payment_method: source.payment_method.map(|m| m.as_str().to_owned()),
        reverses: entry.reverses().map(ToString::to_string),
        debit_total: entry.total_cents(),
        credit_total: entry.total_cents(),
        line_count: entry.lines().len() as i32,
        actor_id: actor.user_id.clone(),
        actor: actor.name.clone(),
        posted_at,
    }
}

pub fn find(conn: &mut DbConnection, id: &EntryId) -> QueryResult<Option<Entry>> {
    let row: Option<EntryRow> = entries::table
        .find(id.as_str())
        .select(EntryRow::as_select())
        .first(conn)
        .optional()?;
    match row {
        None => Ok(None),
        Some(row) => Ok(assemble(conn, vec![row])?.pop()),
    }
}

/// The reversal of `id`, if it has one.
pub fn reversal_of(conn: &mut DbConnection, id: &EntryId) -> QueryResult<Option<EntryId>> {
    let found: Option<String> = entries::table
        .filter(entries::reverses.eq(id.as_str()))
        .select(entries::id)
        .first(conn)
        .optional()?;
    Ok(found.map(EntryId::from_stored))
}

pub fn list(conn: &mut DbConnection, filter: &EntryFilter) -> QueryResult<Vec<Entry>> {
    let mut query = entries::table.select(EntryRow::as_select()).into_boxed();
    if let Some(from) = filter.from {
        query = query.filter(entries::entry_date.ge(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(entries::entry_date.le(to));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(entries::kind.eq(kind.as_str()));
    }
    // The ids first, each by its own index: `claim_id = ? OR id IN (subquery)` in one query makes both
    // backends scan every entry (PostgreSQL filters with a hashed subplan), once per claim posted.
    if let Some(claim) = &filter.claim_id {
        let claim = claim.to_string();
        let mut ids: Vec<String> = entries::table
            .filter(entries::claim_id.eq(&claim))
            .select(entries::id)
            .load(conn)?;
        ids.extend(
            lines::table
                .filter(lines::claim_id.eq(&claim))
                .select(lines::entry_id)
                .load::<String>(conn)?,
        );
        query = query.filter(entries::id.eq_any(ids));
    }
    if let Some(patient) = &filter.patient_id {
        let patient = patient.to_string();
        let mut ids: Vec<String> = entries::table
            .filter(entries::patient_id.eq(&patient))
            .select(entries::id)
            .load(conn)?;
        ids.extend(
            lines::table
                .filter(lines::patient_id.eq(&patient))
                .select(lines::entry_id)
                .load::<String>(conn)?,
        );
        query = query.filter(entries::id.eq_any(ids));
    }
    let rows = query
        .order((entries::entry_date, entries::id))
        .load::<EntryRow>(conn)?;
    assemble(conn, rows)
}

/// Reads the lines of `rows` and rebuilds each entry through `ValidEntry::stored`, so a row that no
/// longer balances is an error, never a silent wrong figure.
fn assemble(conn: &mut DbConnection, rows: Vec<EntryRow>) -> QueryResult<Vec<Entry>> {
    let mut by_entry: HashMap<String, Vec<LineRow>> = HashMap::new();
    for chunk in rows.chunks(500) {
        let ids: Vec<&str> = chunk.iter().map(|r| r.id.as_str()).collect();
        let found: Vec<LineRow> = lines::table
            .filter(lines::entry_id.eq_any(&ids))
            .order((lines::entry_id, lines::line_no))
            .select(LineRow::as_select())
            .load(conn)?;
        for line in found {
            by_entry
                .entry(line.entry_id.clone())
                .or_default()
                .push(line);
        }
    }
    rows.into_iter()
        .map(|row| {
            let lines = by_entry.remove(&row.id).unwrap_or_default();
            entry_from_rows(row, lines)
        })
        .collect()
}

fn entry_from_rows(row: EntryRow, line_rows: Vec<LineRow>) -> QueryResult<Entry> {
    let kind = EntryKind::parse(&row.kind).ok_or_else(|| bad_value(&row.kind))?;
    let lines = line_rows
        .into_iter()
        .map(line_from_row)
        .collect::<QueryResult<Vec<Line>>>()?;
    let payment_method = match &row.payment_method {
        Some(m) => Some(PaymentMethod::parse(m).ok_or_else(|| bad_value(m))?),
        None => None,
    };
    let source = Source {
        claim_id: row.claim_id.map(ClaimId::from_stored),
        remittance_id: row.remittance_id,
        patient_id: row.patient_id.map(PatientId::from_stored),
        encounter_id: row.encounter_id.map(EncounterId::from_stored),
        payment_method,
    };
    let reverses = row.reverses.map(EntryId::from_stored);
    let body = ValidEntry::stored(row.entry_date, kind, row.memo, source, lines, reverses)
        .map_err(|e| bad_value(format!("journal entry {}: {e}", row.id)))?;
    Ok(Entry {
        id: EntryId::from_stored(row.id),
        body,
        actor: row.actor,
        posted_at: to_utc(row.posted_at),
    })
}

fn line_from_row(row: LineRow) -> QueryResult<Line> {
    let account =
        Account::from_code(&row.account_code).ok_or_else(|| bad_value(&row.account_code))?;
    let (side, cents) = if row.debit_cents > 0 {
        (Side::Debit, row.debit_cents)
    } else {
        (Side::Credit, row.credit_cents)
    };
    let line = match side {
        Side::Debit => Line::debit(account, money::from_cents(cents)),
        Side::Credit => Line::credit(account, money::from_cents(cents)),
    };
    Ok(line
        .patient(row.patient_id.map(PatientId::from_stored).as_ref())
        .claim(row.claim_id.map(ClaimId::from_stored).as_ref()))
}

/// Which lines a balance sums.
#[derive(Debug, Clone, Default)]
pub struct LineFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub patient_id: Option<PatientId>,
    pub claim_id: Option<ClaimId>,
}

/// (account code, debits, credits) in cents per account with lines matching `filter`.
pub fn sums_by_account(
    conn: &mut DbConnection,
    filter: &LineFilter,
) -> QueryResult<Vec<(String, i64, i64)>> {
    let mut query = lines::table
        .group_by(lines::account_code)
        .select((
            lines::account_code,
            sql_sum("journal_lines.debit_cents"),
            sql_sum("journal_lines.credit_cents"),
        ))
        .into_boxed();
    // Entries only when dates filter: joined always, PostgreSQL hashed every entry to sum one claim's
    // lines (a claim's balance is read for each claim an 835 posts).
    if let Some(from) = filter.from {
        let dated = entries::table
            .filter(entries::entry_date.ge(from))
            .select(entries::id);
        query = query.filter(lines::entry_id.eq_any(dated));
    }
    if let Some(to) = filter.to {
        let dated = entries::table
            .filter(entries::entry_date.le(to))
            .select(entries::id);
        query = query.filter(lines::entry_id.eq_any(dated));
    }
    if let Some(patient) = &filter.patient_id {
        query = query.filter(lines::patient_id.eq(patient.to_string()));
    }
    if let Some(claim) = &filter.claim_id {
        query = query.filter(lines::claim_id.eq(claim.to_string()));
    }
    query.load(conn)
}

/// Rows of ids per `IN (...)` list, far below both backends' parameter limits.
const ID_CHUNK: usize = 1000;

/// (claim, account code, debits, credits) in cents per claim and account over the lines of these
/// claims: many claims' balances in one query per thousand claims.
pub fn sums_by_claim(
    conn: &mut DbConnection,
    claims: &[&str],
) -> QueryResult<Vec<(String, String, i64, i64)>> {
    let mut found = Vec::new();
    for chunk in claims.chunks(ID_CHUNK) {
        let rows: Vec<(Option<String>, String, i64, i64)> = lines::table
            .filter(lines::claim_id.eq_any(chunk))
            .group_by((lines::claim_id, lines::account_code))
            .select((
                lines::claim_id,
                lines::account_code,
                sql_sum("journal_lines.debit_cents"),
                sql_sum("journal_lines.credit_cents"),
            ))
            .load(conn)?;
        found.extend(
            rows.into_iter()
                .filter_map(|(claim, code, d, c)| Some((claim?, code, d, c))),
        );
    }
    Ok(found)
}

/// Those of these claims that have a line in an entry of this kind.
pub fn claims_with_kind(
    conn: &mut DbConnection,
    kind: EntryKind,
    claims: &[&str],
) -> QueryResult<Vec<String>> {
    let mut found = Vec::new();
    for chunk in claims.chunks(ID_CHUNK) {
        let rows: Vec<Option<String>> = lines::table
            .inner_join(entries::table.on(entries::id.eq(lines::entry_id)))
            .filter(lines::claim_id.eq_any(chunk))
            .filter(entries::kind.eq(kind.as_str()))
            .select(lines::claim_id)
            .distinct()
            .load(conn)?;
        found.extend(rows.into_iter().flatten());
    }
    Ok(found)
}

/// `SUM(BIGINT)` is NUMERIC on PostgreSQL, which the multi-backend connection cannot read; cast back.
fn sql_sum(column: &str) -> diesel::expression::SqlLiteral<diesel::sql_types::BigInt> {
    diesel::dsl::sql(&format!("CAST(COALESCE(SUM({column}), 0) AS BIGINT)"))
}

/// The accounts as the database holds them: (code, name, type, normal balance).
pub fn accounts(conn: &mut DbConnection) -> QueryResult<Vec<(String, String, String, String)>> {
    ledger_accounts::table
        .order(ledger_accounts::code)
        .select((
            ledger_accounts::code,
            ledger_accounts::name,
            ledger_accounts::account_type,
            ledger_accounts::normal_balance,
        ))
        .load(conn)
}

/// A closed period as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = periods)]
pub struct PeriodRow {
    pub month: String,
    pub closed_at: NaiveDateTime,
    pub closed_by_id: Option<String>,
    pub closed_by: String,
}

pub fn closed_period(conn: &mut DbConnection, month: &str) -> QueryResult<Option<PeriodRow>> {
    periods::table
        .find(month)
        .select(PeriodRow::as_select())
        .first(conn)
        .optional()
}

pub fn closed_periods(conn: &mut DbConnection) -> QueryResult<Vec<PeriodRow>> {
    periods::table
        .order(periods::month)
        .select(PeriodRow::as_select())
        .load(conn)
}

pub fn insert_closed_period(conn: &mut DbConnection, row: &PeriodRow) -> QueryResult<()> {
    diesel::insert_into(periods::table)
        .values(row)
        .execute(conn)
        .map(drop)
}
