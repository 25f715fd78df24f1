//! A specimen reaching `completed` bills its tests: this gathers what the order says (its encounter, its
//! diagnoses, which of them each test serves, how the specimen was collected) and hands the charges to
//! the encounter (`coding::encounters::lab_charges`), in the completing transaction.

use super::collection::CollectionMethod;
use super::store::{self, SpecimenRow};
use crate::audit::AuditActor;
use crate::coding::encounters::lab_charges::{
    self, BillingOutcome, Charge, ChargeKind, LabCharges,
};
use crate::coding::values::{DiagnosisCode, ProcedureCode};
use crate::db::DbConnection;
use crate::db::ids::EncounterId;
use crate::error::{AppError, AppResult};

/// Bills the completed specimen; the outcome goes into the `complete` event's detail.
pub fn bill_completed(
    conn: &mut DbConnection,
    actor: &AuditActor,
    completed: &SpecimenRow,
) -> AppResult<serde_json::Value> {
    // An aliquot bills under its parent: the tests are the parent's, charged once whichever finishes.
    let top = match &completed.parent_id {
        Some(parent) => store::find_row(conn, parent)?.ok_or(AppError::NotFound("specimen"))?,
        None => completed.clone(),
    };
    let order =
        store::order_billing(conn, &top.order_id)?.ok_or(AppError::NotFound("lab order"))?;
    let outcome = match &order.encounter_id {
        None => BillingOutcome::without_encounter(),
        Some(encounter_id) => {
            let request = LabCharges {
                encounter_id: EncounterId::from_stored(encounter_id.clone()),
                specimen_id: &top.id,
                accession: &completed.accession,
                order_id: &top.order_id,
                charges: charges(&top, &order),
            };
            lab_charges::add(conn, actor, &request)?
        }
    };
    serde_json::to_value(outcome).map_err(AppError::internal)
}

/// One charge per test the specimen serves, then its collection's when that is billed.
fn charges(top: &SpecimenRow, order: &store::OrderBilling) -> Vec<Charge> {
    let diagnoses_at = |pointers: &[i32]| -> Vec<DiagnosisCode> {
        (pointers.iter())
            .filter_map(|p| order.diagnoses.get(usize::try_from(*p - 1).ok()?))
            .map(|code| DiagnosisCode::from_stored(code.clone()))
            .collect()
    };
    let mut charges: Vec<Charge> = (top.test_codes.split_whitespace())
        .map(|code| {
            let pointers = (order.test_pointers.iter())
                .find(|(c, _)| c == code)
                .map(|(_, p)| p.as_slice())
                .unwrap_or_default();
            Charge {
                kind: ChargeKind::Test,
                code: ProcedureCode::from_stored(code.to_owned()),
                diagnoses: diagnoses_at(pointers),
            }
        })
        .collect();
    let method = top
        .collection_method
        .as_deref()
        .map(CollectionMethod::parse);
    if let Some(code) = method
        .and_then(Result::ok)
        .and_then(CollectionMethod::charge_code)
    {
        // The draw serves every test on the order: it points at the order's first diagnoses.
        let all: Vec<i32> = (1..=order.diagnoses.len() as i32).collect();
        charges.push(Charge {
            kind: ChargeKind::Collection,
            code: ProcedureCode::from_stored(code.to_owned()),
            diagnoses: diagnoses_at(&all),
        });
    }
    charges
}
