//! Queries over orders, specimens and custody events. Nothing else touches these tables. Writes are meant
//! to run inside the caller's write transaction.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::accession::Accession;
use super::input::ValidOrder;
use super::lifecycle::{Status, allowed};
use super::model::{LabOrder, LabelData, OrderTest, Rejection, Specimen};
use crate::coding::values::DiagnosisCode;
use crate::db::ids::{LabOrderId, PatientId, ProviderId, SpecimenId, StationId};
use crate::db::schema::{container_types, lab_order_tests, lab_orders, patients, specimens};
use crate::db::{DbConnection, from_utc, next_counter, now, to_utc};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = specimens)]
/// A `specimens` row as stored (the write path reads it to decide, then updates it conditionally).
pub struct SpecimenRow {
    pub id: String,
    pub accession: String,
    pub order_id: String,
    pub patient_id: String,
    pub parent_id: Option<String>,
    pub replaces_id: Option<String>,
    pub container_type: String,
    pub test_codes: String,
    pub status: String,
    pub rejection_reason: Option<String>,
    pub rejection_note: Option<String>,
    pub required_volume_ul: i64,
    pub collected_at: Option<NaiveDateTime>,
    pub collected_volume_ul: Option<i64>,
    pub remaining_volume_ul: Option<i64>,
    pub aliquot_count: i32,
    pub event_count: i32,
    pub station_id: Option<String>,
    pub location: Option<String>,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub collection_method: Option<String>,
}

pub(super) fn bad_value(what: String) -> diesel::result::Error {
    diesel::result::Error::DeserializationError(what.into())
}

impl SpecimenRow {
    pub fn status(&self) -> QueryResult<Status> {
        Status::parse(&self.status).map_err(bad_value)
    }

    pub fn into_specimen(self) -> QueryResult<Specimen> {
        let status = self.status()?;
        Ok(Specimen {
            id: SpecimenId::from_stored(self.id),
            accession: self.accession,
            order_id: LabOrderId::from_stored(self.order_id),
            patient_id: PatientId::from_stored(self.patient_id),
            parent_id: self.parent_id.map(SpecimenId::from_stored),
            replaces_id: self.replaces_id.map(SpecimenId::from_stored),
            container_type: self.container_type,
            test_codes: split_codes(&self.test_codes),
            status,
            allowed_actions: allowed(status),
            rejection: self.rejection_reason.map(|reason| Rejection {
                reason,
                note: self.rejection_note,
            }),
            required_volume_ul: self.required_volume_ul,
            collected_at: self.collected_at.map(to_utc),
            collection_method: self.collection_method,
            collected_volume_ul: self.collected_volume_ul,
            remaining_volume_ul: self.remaining_volume_ul,
            aliquot_count: self.aliquot_count,
            station_id: self.station_id.map(StationId::from_stored),
            location: self.location,
            version: self.version,
            created_at: to_utc(self.created_at),
            updated_at: to_utc(self.updated_at),
        })
    }

    /// A new specimen in `ordered`, not yet collected.
    pub fn ordered(
        accession: String,
        order: (&LabOrderId, &PatientId),
        container_type: &str,
        test_codes: &[String],
        required_volume_ul: i64,
    ) -> SpecimenRow {
        let at = from_utc(now());
        SpecimenRow {
            id: SpecimenId::generate().to_string(),
            accession,
            order_id: order.0.to_string(),
            patient_id: order.1.to_string(),
            parent_id: None,
            replaces_id: None,
            container_type: container_type.to_owned(),
            test_codes: test_codes.join(" "),
            status: Status::Ordered.as_str().to_owned(),
            rejection_reason: None,
            rejection_note: None,
            required_volume_ul,
            collected_at: None,
            collected_volume_ul: None,
            remaining_volume_ul: None,
            aliquot_count: 0,
            event_count: 0,
            station_id: None,
            location: None,
            version: 1,
            created_at: at,
            updated_at: at,
            collection_method: None,
        }
    }
}

fn split_codes(codes: &str) -> Vec<String> {
    codes.split_whitespace().map(str::to_owned).collect()
}

/// The next accession number for `prefix` this year. Call inside the creating transaction: the counter row
/// is then held until commit, so no two transactions (or instances) get the same number.
pub fn allocate_accession(conn: &mut DbConnection, prefix: &str) -> QueryResult<Accession> {
    use chrono::Datelike;
    let year = (now().year() % 100) as u8;
    let counter = Accession::counter_name(prefix, year);
    loop {
        let n = next_counter(conn, &counter)?;
        // One number in 37 would carry the check `*`; it is skipped (see accession.rs).
        if let Some(accession) = Accession::new(prefix, year, n as u64) {
            return Ok(accession);
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = lab_orders)]
struct OrderRow {
    id: String,
    patient_id: String,
    provider_id: String,
    encounter_id: Option<String>,
    priority: String,
    clinical_note: Option<String>,
    status: String,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    /// Comma-separated ICD-10-CM codes, in the order given.
    diagnoses: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = lab_order_tests)]
struct TestRow {
    id: String,
    order_id: String,
    position: i32,
    code: String,
    container_type: String,
    min_volume_ul: i64,
    /// Comma-separated 1-based positions in the order's diagnoses.
    diagnosis_pointers: String,
}

fn join_list<T: ToString>(items: impl IntoIterator<Item = T>) -> String {
    items
        .into_iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

fn split_list(text: &str) -> impl Iterator<Item = &str> {
    text.split(',').filter(|s| !s.is_empty())
}

/// Inserts the order, its tests and one specimen per distinct container (each with the next accession).
/// Returns the order id and the new specimens' rows.
pub fn insert_order(
    conn: &mut DbConnection,
    accession_prefix: &str,
    order: &ValidOrder,
) -> QueryResult<(LabOrderId, Vec<SpecimenRow>)> {
    let id = LabOrderId::generate();
    let at = from_utc(now());
    let row = OrderRow {
        id: id.to_string(),
        patient_id: order.patient_id.to_string(),
        provider_id: order.provider_id.to_string(),
        encounter_id: order.encounter_id.clone(),
        priority: order.priority.clone(),
        clinical_note: order.clinical_note.clone(),
        status: "active".into(),
        version: 1,
        created_at: at,
        updated_at: at,
        diagnoses: join_list(order.diagnoses.iter().map(|d| d.as_str())),
    };
    diesel::insert_into(lab_orders::table)
        .values(&row)
        .execute(conn)?;
    let tests: Vec<TestRow> = (order.tests.iter().enumerate())
        .map(|(i, t)| TestRow {
            id: crate::db::new_id().to_string(),
            order_id: id.to_string(),
            position: i as i32,
            code: t.code.clone(),
            container_type: t.container_type.clone(),
            min_volume_ul: t.min_volume_ul,
            diagnosis_pointers: join_list(&t.diagnosis_pointers),
        })
        .collect();
    // One by one: the multi-backend connection has no batch insert.
    for test in &tests {
        diesel::insert_into(lab_order_tests::table)
            .values(test)
            .execute(conn)?;
    }
    let mut created = Vec::new();
    for (container, codes, volume) in order.containers() {
        let accession = allocate_accession(conn, accession_prefix)?.to_string();
        let specimen = SpecimenRow::ordered(
            accession,
            (&id, &order.patient_id),
            &container,
            &codes,
            volume,
        );
        diesel::insert_into(specimens::table)
            .values(&specimen)
            .execute(conn)?;
        created.push(specimen);
    }
    Ok((id, created))
}

/// Inserts a specimen row as built by the caller (recollections and aliquots).
pub fn insert_specimen(conn: &mut DbConnection, row: &SpecimenRow) -> QueryResult<()> {
    diesel::insert_into(specimens::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

pub fn find_row(conn: &mut DbConnection, id: &str) -> QueryResult<Option<SpecimenRow>> {
    specimens::table
        .find(id)
        .select(SpecimenRow::as_select())
        .first(conn)
        .optional()
}

pub fn find_by_accession(conn: &mut DbConnection, text: &str) -> QueryResult<Option<SpecimenRow>> {
    specimens::table
        .filter(specimens::accession.eq(text))
        .select(SpecimenRow::as_select())
        .first(conn)
        .optional()
}

pub fn find(conn: &mut DbConnection, id: &SpecimenId) -> QueryResult<Option<Specimen>> {
    find_row(conn, id.as_str())?
        .map(SpecimenRow::into_specimen)
        .transpose()
}

/// The order with its tests and specimens.
pub fn find_order(conn: &mut DbConnection, id: &LabOrderId) -> QueryResult<Option<LabOrder>> {
    let Some(row) = lab_orders::table
        .find(id.as_str())
        .select(OrderRow::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let tests: Vec<TestRow> = lab_order_tests::table
        .filter(lab_order_tests::order_id.eq(id.as_str()))
        .order(lab_order_tests::position)
        .select(TestRow::as_select())
        .load(conn)?;
    let specimen_rows: Vec<SpecimenRow> = specimens::table
        .filter(specimens::order_id.eq(id.as_str()))
        .order((specimens::created_at, specimens::accession))
        .select(SpecimenRow::as_select())
        .load(conn)?;
    let specimens = specimen_rows
        .into_iter()
        .map(SpecimenRow::into_specimen)
        .collect::<QueryResult<_>>()?;
    Ok(Some(LabOrder {
        id: LabOrderId::from_stored(row.id),
        patient_id: PatientId::from_stored(row.patient_id),
        provider_id: ProviderId::from_stored(row.provider_id),
        encounter_id: row.encounter_id,
        priority: row.priority,
        clinical_note: row.clinical_note,
        status: row.status,
        tests: tests
            .into_iter()
            .map(|t| OrderTest {
                code: t.code,
                container_type: t.container_type,
                min_volume_ul: t.min_volume_ul,
                diagnosis_pointers: split_list(&t.diagnosis_pointers)
                    .filter_map(|p| p.parse().ok())
                    .collect(),
            })
            .collect(),
        diagnoses: split_list(&row.diagnoses)
            .map(|code| DiagnosisCode::from_stored(code.to_owned()))
            .collect(),
        specimens,
        version: row.version,
        created_at: to_utc(row.created_at),
        updated_at: to_utc(row.updated_at),
    }))
}

/// What billing needs of an order: its encounter, its diagnoses, and each test's diagnosis pointers.
pub struct OrderBilling {
    pub encounter_id: Option<String>,
    pub diagnoses: Vec<String>,
    pub test_pointers: Vec<(String, Vec<i32>)>,
}

pub fn order_billing(conn: &mut DbConnection, id: &str) -> QueryResult<Option<OrderBilling>> {
    let Some((encounter_id, diagnoses)) = lab_orders::table
        .find(id)
        .select((lab_orders::encounter_id, lab_orders::diagnoses))
        .first::<(Option<String>, String)>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let tests: Vec<(String, String)> = lab_order_tests::table
        .filter(lab_order_tests::order_id.eq(id))
        .order(lab_order_tests::position)
        .select((lab_order_tests::code, lab_order_tests::diagnosis_pointers))
        .load(conn)?;
    Ok(Some(OrderBilling {
        encounter_id,
        diagnoses: split_list(&diagnoses).map(str::to_owned).collect(),
        test_pointers: tests
            .into_iter()
            .map(|(code, pointers)| {
                let pointers = split_list(&pointers).filter_map(|p| p.parse().ok());
                (code, pointers.collect())
            })
            .collect(),
    }))
}

/// Marks an active order cancelled; `false` when it is not active (or does not exist).
pub fn cancel_order(conn: &mut DbConnection, id: &LabOrderId) -> QueryResult<bool> {
    let changed = diesel::update(lab_orders::table.find(id.as_str()))
        .filter(lab_orders::status.eq("active"))
        .set((
            lab_orders::status.eq("cancelled"),
            lab_orders::version.eq(lab_orders::version + 1),
            lab_orders::updated_at.eq(from_utc(now())),
        ))
        .execute(conn)?;
    Ok(changed > 0)
}

/// Cancels a specimen still `ordered`; `false` when it no longer is (a collection won the race).
pub fn cancel_specimen(conn: &mut DbConnection, row: &SpecimenRow) -> QueryResult<bool> {
    let changed = diesel::update(specimens::table.find(&row.id))
        .filter(specimens::status.eq(Status::Ordered.as_str()))
        .set((
            specimens::status.eq(Status::Cancelled.as_str()),
            specimens::version.eq(specimens::version + 1),
            specimens::updated_at.eq(from_utc(now())),
        ))
        .execute(conn)?;
    Ok(changed > 0)
}

/// The order's status and patient, without its details (for checks before a write).
pub fn order_status(
    conn: &mut DbConnection,
    id: &LabOrderId,
) -> QueryResult<Option<(String, String)>> {
    lab_orders::table
        .find(id.as_str())
        .select((lab_orders::status, lab_orders::patient_id))
        .first(conn)
        .optional()
}

/// The statuses of the order's specimens.
pub fn order_specimens(conn: &mut DbConnection, id: &LabOrderId) -> QueryResult<Vec<SpecimenRow>> {
    specimens::table
        .filter(specimens::order_id.eq(id.as_str()))
        .order(specimens::accession)
        .select(SpecimenRow::as_select())
        .load(conn)
}

/// Whether an active container type with this code exists.
pub fn container_usable(conn: &mut DbConnection, code: &str) -> QueryResult<bool> {
    let n: i64 = container_types::table
        .filter(container_types::code.eq(code))
        .filter(container_types::active.eq(true))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Everything a label shows, or `None` for an unknown specimen.
pub fn label_data(conn: &mut DbConnection, id: &SpecimenId) -> QueryResult<Option<LabelData>> {
    type Fields = (String, String, String, String, String, NaiveDate, String);
    let found: Option<(Fields, Option<NaiveDateTime>, String, String, String)> = specimens::table
        .inner_join(patients::table)
        .inner_join(container_types::table)
        .filter(specimens::id.eq(id.as_str()))
        .select((
            (
                specimens::id,
                specimens::patient_id,
                specimens::accession,
                patients::last_name,
                patients::first_name,
                patients::date_of_birth,
                patients::mrn,
            ),
            specimens::collected_at,
            specimens::container_type,
            container_types::name,
            specimens::test_codes,
        ))
        .first(conn)
        .optional()?;
    Ok(found.map(
        |((id, patient_id, accession, last, first, dob, mrn), collected, code, name, tests)| {
            LabelData {
                specimen_id: SpecimenId::from_stored(id),
                patient_id: PatientId::from_stored(patient_id),
                accession,
                patient_last_name: last,
                patient_first_name: first,
                date_of_birth: dob,
                mrn,
                collected_at: collected.map(to_utc),
                container_type: code,
                container_name: name,
                test_codes: split_codes(&tests),
            }
        },
    ))
}

/// What `GET /specimens` filters on.
#[derive(Debug, Default, Clone)]
pub struct SpecimenFilter {
    pub status: Option<Status>,
    pub station_id: Option<StationId>,
    pub order_id: Option<LabOrderId>,
    pub patient_id: Option<PatientId>,
    /// Collected at or after this instant.
    pub collected_from: Option<DateTime<Utc>>,
    /// Collected before this instant.
    pub collected_before: Option<DateTime<Utc>>,
    /// Only specimens awaiting analysis longer than their container type keeps (true), or not (false).
    pub overdue: Option<bool>,
}

pub use super::events::{NewEvent, events, record_event};
pub use super::listing::list;
