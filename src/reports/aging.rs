//! AR aging as of a date: what is still owed on each claim, aged by the claim's date of service, in
//! buckets 0–30, 31–60, 61–90, 91–120 and over 120 days, summed per payer or per patient.
//!
//! Who owes: an insurance receivable is owed by the claim's payer, a patient receivable by the patient.
//! `by=payer` puts every patient receivable on one `Patient responsibility` row (so the two views
//! total the same, which is the receivables of the trial balance); `by=patient` sums both receivables of
//! each patient's claims. Receivable lines that name no claim (a payment taken without one) age from
//! their earliest entry date. Only lines dated on or before `as_of` count.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;
use utoipa::ToSchema;

use super::store::{self, ClaimFacts, PatientName, Receivable};
use super::table::{Cell, Column, ColumnType, Table, column};
use crate::db::DbConnection;
use crate::error::AppResult;
use crate::ledger::Account;
use crate::money::from_cents;

pub const BUCKETS: [(&str, &str); 5] = [
    ("days_0_30", "0-30 days"),
    ("days_31_60", "31-60 days"),
    ("days_61_90", "61-90 days"),
    ("days_91_120", "91-120 days"),
    ("over_120", "Over 120 days"),
];

/// The bucket of an amount `age` days after its date of service (a future date counts as current).
pub fn bucket(age: i64) -> usize {
    match age {
        ..=30 => 0,
        31..=60 => 1,
        61..=90 => 2,
        91..=120 => 3,
        _ => 4,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum By {
    #[default]
    Payer,
    Patient,
}

impl By {
    pub fn as_str(self) -> &'static str {
        match self {
            By::Payer => "payer",
            By::Patient => "patient",
        }
    }
}

pub const PATIENT_RESPONSIBILITY: &str = "Patient responsibility";

/// One row being summed: its label(s), its claims and its buckets in cents.
#[derive(Default)]
struct Group {
    labels: Vec<String>,
    claims: BTreeSet<String>,
    buckets: [i64; 5],
}

/// The report, and the patients it lists (for the audit trail) when `by=patient`.
pub fn report(
    conn: &mut DbConnection,
    as_of: NaiveDate,
    by: By,
) -> AppResult<(Table, Vec<String>)> {
    let accounts = [
        Account::InsuranceReceivable.code(),
        Account::PatientReceivable.code(),
    ];
    let open: Vec<Receivable> = store::receivables(conn, &accounts, as_of)?
        .into_iter()
        .filter(|r| r.cents != 0)
        .collect();
    let claim_ids: Vec<String> = open.iter().filter_map(|r| r.claim_id.clone()).collect();
    let claims: HashMap<String, ClaimFacts> = store::claim_facts(conn, &claim_ids)?
        .into_iter()
        .map(|c| (c.claim_id.clone(), c))
        .collect();
    let mut patient_ids: Vec<String> = open.iter().filter_map(|r| r.patient_id.clone()).collect();
    patient_ids.sort();
    patient_ids.dedup();
    let patients: HashMap<String, PatientName> = match by {
        By::Patient => store::patient_names(conn, &patient_ids)?
            .into_iter()
            .map(|p| (p.id.clone(), p))
            .collect(),
        By::Payer => HashMap::new(),
    };
    let mut groups: BTreeMap<(u8, String), Group> = BTreeMap::new();
    for r in &open {
        let facts = r.claim_id.as_ref().and_then(|id| claims.get(id));
        let (key, labels) = match by {
            By::Payer => payer_key(r, facts),
            By::Patient => patient_key(r, facts, &patients),
        };
        let dated = facts.map(|c| c.date_of_service).or(r.first_date);
        let age = dated.map_or(0, |d| (as_of - d).num_days());
        let group = groups.entry(key).or_default();
        group.labels = labels;
        group.claims.extend(r.claim_id.clone());
        group.buckets[bucket(age)] += r.cents;
    }
    let distinct: BTreeSet<&String> = claim_ids.iter().collect();
    let table = table(as_of, by, groups.into_values().collect(), distinct.len());
    let listed = match by {
        By::Patient => patient_ids,
        By::Payer => Vec::new(),
    };
    Ok((table, listed))
}

/// Payers in name order, then the patients' row.
fn payer_key(r: &Receivable, facts: Option<&ClaimFacts>) -> ((u8, String), Vec<String>) {
    if r.account_code == Account::PatientReceivable.code() {
        return ((1, String::new()), vec![PATIENT_RESPONSIBILITY.into()]);
    }
    match facts {
        Some(c) => (
            (0, format!("{}|{}", c.payer_name, c.payer_id)),
            vec![c.payer_name.clone()],
        ),
        None => ((0, "~".into()), vec!["No claim".into()]),
    }
}

fn patient_key(
    r: &Receivable,
    facts: Option<&ClaimFacts>,
    patients: &HashMap<String, PatientName>,
) -> ((u8, String), Vec<String>) {
    let id = r
        .patient_id
        .clone()
        .or_else(|| facts.map(|c| c.patient_id.clone()))
        .unwrap_or_default();
    match patients.get(&id) {
        Some(p) => (
            (0, format!("{}|{}|{}", p.last_name, p.first_name, p.id)),
            vec![format!("{}, {}", p.last_name, p.first_name), p.mrn.clone()],
        ),
        None => ((1, id), vec!["Unknown patient".into(), String::new()]),
    }
}

fn columns(by: By) -> Vec<Column> {
    let mut columns = match by {
        By::Payer => vec![column("payer", "Payer", ColumnType::Text)],
        By::Patient => vec![
            column("patient", "Patient", ColumnType::Text),
            column("mrn", "MRN", ColumnType::Text),
        ],
    };
    columns.push(column("claims", "Claims", ColumnType::Integer));
    columns.extend(
        BUCKETS
            .iter()
            .map(|(key, title)| column(key, title, ColumnType::Money)),
    );
    columns.push(column("total", "Total", ColumnType::Money));
    columns
}

/// `claims` is the number of distinct claims: a claim owed by its payer and its patient is on two rows
/// but counts once in the totals.
fn table(as_of: NaiveDate, by: By, groups: Vec<Group>, claims: usize) -> Table {
    let title = format!("AR aging by {} as of {as_of}", by.as_str());
    let mut table = Table::new("ar_aging", title, columns(by))
        .parameter("as_of", as_of)
        .parameter("by", by.as_str());
    for group in groups {
        let mut row: Vec<Cell> = group.labels.into_iter().map(Cell::Text).collect();
        row.push(Cell::Integer(group.claims.len() as i64));
        row.extend(group.buckets.iter().map(|c| Cell::Money(from_cents(*c))));
        let total: i64 = group.buckets.iter().sum();
        row.push(Cell::Money(from_cents(total)));
        table.push(row);
    }
    let mut summed: Vec<&str> = BUCKETS.iter().map(|(key, _)| *key).collect();
    summed.extend(["claims", "total"]);
    table.total("Total", &summed);
    if let (Some(totals), Some(i)) = (
        table.totals.as_mut(),
        table.columns.iter().position(|c| c.key == "claims"),
    ) {
        totals[i] = Cell::Integer(claims as i64);
    }
    table
}

/// Sum of a money column of the table (for tests and callers comparing with the trial balance).
pub fn column_total(table: &Table, key: &str) -> Decimal {
    let Some(i) = table.columns.iter().position(|c| c.key == key) else {
        return Decimal::ZERO;
    };
    table
        .rows
        .iter()
        .map(|r| match r[i] {
            Cell::Money(m) => m,
            _ => Decimal::ZERO,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_edges_fall_on_the_lower_side() {
        let cases = [
            (0, 0),
            (30, 0),
            (31, 1),
            (60, 1),
            (61, 2),
            (90, 2),
            (91, 3),
            (120, 3),
            (121, 4),
            (1000, 4),
            (-3, 0),
        ];
        for (age, expected) in cases {
            assert_eq!(bucket(age), expected, "{age} days");
        }
    }

    #[test]
    fn rows_carry_buckets_and_a_total_and_the_totals_row_sums_them() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let group = Group {
            labels: vec!["Example Health Plan".into()],
            claims: ["a".to_owned(), "b".to_owned()].into(),
            buckets: [100, 0, 250, 0, 5],
        };
        let table = table(day, By::Payer, vec![group], 1);
        assert_eq!(table.rows[0][1], Cell::Integer(2));
        assert_eq!(table.totals.as_ref().unwrap()[1], Cell::Integer(1));
        assert_eq!(table.rows[0][7], Cell::Money(from_cents(355)));
        assert_eq!(
            table.totals.as_ref().unwrap()[4],
            Cell::Money(from_cents(250))
        );
        assert_eq!(column_total(&table, "total"), from_cents(355));
        assert_eq!(table.file_name("xlsx"), "ar_aging_2026-11-30.xlsx");
    }
}
