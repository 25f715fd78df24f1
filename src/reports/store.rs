//! Report queries. Read-only, portable SQL through diesel (SQLite and PostgreSQL): sums are cast back
//! to BIGINT (PostgreSQL's SUM of BIGINT is NUMERIC), joins are spelled with `on` where the schema
//! declares none. Rows come back as plain structs; the report modules shape them.

use chrono::NaiveDate;
use diesel::dsl::{min, sql};
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use crate::db::DbConnection;
use crate::db::schema::{
    claims, encounters, journal_entries as entries, journal_lines as lines, patients, payers,
    remittance_files,
};

/// `eq_any` lists stay well under SQLite's and PostgreSQL's parameter limits.
const CHUNK: usize = 500;

/// Open balance of one receivable account for one claim (or, for lines without a claim, one patient).
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Receivable {
    pub claim_id: Option<String>,
    pub patient_id: Option<String>,
    pub account_code: String,
    /// Debits minus credits.
    pub cents: i64,
    /// The earliest entry date of the lines (ages lines that name no claim).
    pub first_date: Option<NaiveDate>,
}

/// Net balance per (claim, patient, account) of the receivable `accounts`, lines dated on or before
/// `as_of`.
pub fn receivables(
    conn: &mut DbConnection,
    accounts: &[&str],
    as_of: NaiveDate,
) -> QueryResult<Vec<Receivable>> {
    lines::table
        .inner_join(entries::table)
        .filter(lines::account_code.eq_any(accounts))
        .filter(entries::entry_date.le(as_of))
        .group_by((lines::claim_id, lines::patient_id, lines::account_code))
        .select((
            lines::claim_id,
            lines::patient_id,
            lines::account_code,
            sql::<BigInt>(
                "CAST(COALESCE(SUM(journal_lines.debit_cents - journal_lines.credit_cents), 0) AS BIGINT)",
            ),
            min(entries::entry_date),
        ))
        .order((lines::claim_id, lines::patient_id, lines::account_code))
        .load(conn)
}

/// What reports show of a claim.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct ClaimFacts {
    pub claim_id: String,
    pub claim_number: String,
    pub patient_id: String,
    pub payer_id: String,
    pub payer_name: String,
    pub date_of_service: NaiveDate,
}

pub fn claim_facts(conn: &mut DbConnection, ids: &[String]) -> QueryResult<Vec<ClaimFacts>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        let found: Vec<ClaimFacts> = claims::table
            .inner_join(encounters::table.on(encounters::id.eq(claims::encounter_id)))
            .inner_join(payers::table.on(payers::id.eq(claims::payer_id)))
            .filter(claims::id.eq_any(chunk))
            .select((
                claims::id,
                claims::claim_number,
                claims::patient_id,
                claims::payer_id,
                payers::name,
                encounters::date_of_service,
            ))
            .load(conn)?;
        out.extend(found);
    }
    Ok(out)
}

/// A patient as reports name them.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct PatientName {
    pub id: String,
    pub mrn: String,
    pub last_name: String,
    pub first_name: String,
}

pub fn patient_names(conn: &mut DbConnection, ids: &[String]) -> QueryResult<Vec<PatientName>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        let found: Vec<PatientName> = patients::table
            .filter(patients::id.eq_any(chunk))
            .select((
                patients::id,
                patients::mrn,
                patients::last_name,
                patients::first_name,
            ))
            .load(conn)?;
        out.extend(found);
    }
    Ok(out)
}

/// One journal line with its entry.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct JournalLine {
    pub date: NaiveDate,
    pub entry_id: String,
    pub kind: String,
    pub memo: String,
    pub account_code: String,
    pub debit_cents: i64,
    pub credit_cents: i64,
    pub line_claim_id: Option<String>,
    pub line_patient_id: Option<String>,
    pub entry_claim_id: Option<String>,
    pub entry_patient_id: Option<String>,
    pub reverses: Option<String>,
}

/// Every line of entries dated `from` to `to` (both included), by date, posting order, line number.
pub fn journal_lines(
    conn: &mut DbConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<JournalLine>> {
    lines::table
        .inner_join(entries::table)
        .filter(entries::entry_date.between(from, to))
        .order((entries::entry_date, entries::id, lines::line_no))
        .select((
            entries::entry_date,
            entries::id,
            entries::kind,
            entries::memo,
            lines::account_code,
            lines::debit_cents,
            lines::credit_cents,
            lines::claim_id,
            lines::patient_id,
            entries::claim_id,
            entries::patient_id,
            entries::reverses,
        ))
        .load(conn)
}

/// Money in or out of the bank account by one entry.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct BankMove {
    pub date: NaiveDate,
    pub kind: String,
    pub payment_method: Option<String>,
    pub remittance_id: Option<String>,
    pub claim_id: Option<String>,
    pub debit_cents: i64,
    pub credit_cents: i64,
}

pub fn bank_moves(
    conn: &mut DbConnection,
    bank: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<BankMove>> {
    lines::table
        .inner_join(entries::table)
        .filter(lines::account_code.eq(bank))
        .filter(entries::entry_date.between(from, to))
        .order((entries::entry_date, entries::id, lines::line_no))
        .select((
            entries::entry_date,
            entries::kind,
            entries::payment_method,
            entries::remittance_id,
            entries::claim_id,
            lines::debit_cents,
            lines::credit_cents,
        ))
        .load(conn)
}

/// (id, payment date, stored outcome JSON) of remittance files.
pub fn remittances(
    conn: &mut DbConnection,
    ids: &[String],
) -> QueryResult<Vec<(String, NaiveDate, String)>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(CHUNK) {
        let found: Vec<(String, NaiveDate, String)> = remittance_files::table
            .filter(remittance_files::id.eq_any(chunk))
            .select((
                remittance_files::id,
                remittance_files::payment_date,
                remittance_files::outcome,
            ))
            .load(conn)?;
        out.extend(found);
    }
    Ok(out)
}

/// (claim id, status reasons JSON) of claims in `status`.
pub fn claims_in_status(
    conn: &mut DbConnection,
    status: &str,
) -> QueryResult<Vec<(String, String)>> {
    claims::table
        .filter(claims::status.eq(status))
        .order(claims::id)
        .select((claims::id, claims::status_reasons))
        .load(conn)
}
