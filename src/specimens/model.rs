//! What the specimens API shows: orders, specimens, custody events, stations, container types, and the
//! data a label needs. Built by the store from rows; never from unchecked input.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::lifecycle::{Action, Status};
use crate::coding::values::DiagnosisCode;
use crate::db::ids::{LabOrderId, PatientId, ProviderId, SpecimenEventId, SpecimenId, StationId};

/// A container type the lab collects into, with how long a specimen in it keeps.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContainerType {
    /// Stable code (`SST`, `LAV_EDTA`, `URINE_CUP`), used by orders.
    pub code: String,
    pub name: String,
    /// Hours after collection within which analysis must start; later is "overdue".
    pub stability_hours: i32,
    pub active: bool,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

/// A bench station: where it is and what a scan there does.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Station {
    pub id: StationId,
    pub name: String,
    pub location: String,
    /// `receive`, `start_processing`, `mark_ready`, `start_analysis`, `complete`, `store`, `dispose`, or
    /// `seen` (a checkpoint that only records the specimen passing).
    pub action: String,
    pub active: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One requested test: a procedure code and the specimen it needs.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrderTest {
    /// CPT or HCPCS code.
    pub code: String,
    pub container_type: String,
    pub min_volume_ul: i64,
    /// Positions (1-based) in the order's `diagnoses` this test serves.
    pub diagnosis_pointers: Vec<i32>,
}

/// A lab order with its tests and the specimens it created.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LabOrder {
    pub id: LabOrderId,
    pub patient_id: PatientId,
    pub provider_id: ProviderId,
    pub encounter_id: Option<String>,
    /// `routine` or `stat`.
    pub priority: String,
    pub clinical_note: Option<String>,
    /// `active` or `cancelled`.
    pub status: String,
    pub tests: Vec<OrderTest>,
    /// ICD-10-CM codes justifying the tests, in the order given.
    #[schema(value_type = Vec<String>, example = json!(["E11.9", "I10"]))]
    pub diagnoses: Vec<DiagnosisCode>,
    pub specimens: Vec<Specimen>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Why a specimen was rejected.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Rejection {
    pub reason: String,
    pub note: Option<String>,
}

/// A specimen (or an aliquot: a child specimen with a parent).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Specimen {
    pub id: SpecimenId,
    /// `S26-000017K`, or `S26-000017K.2` for an aliquot.
    pub accession: String,
    pub order_id: LabOrderId,
    pub patient_id: PatientId,
    pub parent_id: Option<SpecimenId>,
    /// The rejected specimen this one recollects.
    pub replaces_id: Option<SpecimenId>,
    pub container_type: String,
    /// Procedure codes of the tests this specimen is for.
    pub test_codes: Vec<String>,
    pub status: Status,
    /// What may be done next (transitions and preparation steps).
    pub allowed_actions: Vec<Action>,
    pub rejection: Option<Rejection>,
    /// The sum of the minimum volumes its tests need, in microlitres.
    pub required_volume_ul: i64,
    pub collected_at: Option<DateTime<Utc>>,
    /// venipuncture, capillary, arterial, urine, swab or other, when the collector said.
    pub collection_method: Option<String>,
    pub collected_volume_ul: Option<i64>,
    /// What is left after aliquots were taken, in microlitres.
    pub remaining_volume_ul: Option<i64>,
    pub aliquot_count: i32,
    /// The station that last handled or scanned it.
    pub station_id: Option<StationId>,
    /// Where it is kept (set by `move` and `store`).
    pub location: Option<String>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One step of a specimen's journey.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SpecimenEvent {
    pub id: SpecimenEventId,
    pub specimen_id: SpecimenId,
    /// 1, 2, 3 … in the order things happened to this specimen.
    pub seq: i32,
    /// The action (`collect`, `receive`, `centrifuge`, …), `created`, `seen`, or `aliquoted_from`.
    pub kind: String,
    pub from_status: Option<Status>,
    pub to_status: Option<Status>,
    pub actor_id: Option<String>,
    pub actor: String,
    pub station_id: Option<StationId>,
    pub location: Option<String>,
    pub note: Option<String>,
    /// Step details (`{"rpm":3500,"minutes":10}`, a rejection reason, an aliquot's accession).
    #[schema(value_type = Object)]
    pub detail: Option<serde_json::Value>,
    pub occurred_at: DateTime<Utc>,
}

/// Everything a specimen label shows, read in one query (for the label renderer).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LabelData {
    pub specimen_id: SpecimenId,
    pub patient_id: PatientId,
    pub accession: String,
    pub patient_last_name: String,
    pub patient_first_name: String,
    pub date_of_birth: NaiveDate,
    pub mrn: String,
    pub collected_at: Option<DateTime<Utc>>,
    /// Container type code (`SST`) and name.
    pub container_type: String,
    pub container_name: String,
    pub test_codes: Vec<String>,
}
