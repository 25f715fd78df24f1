//! Creating and cancelling lab orders: the checks that need the database, and the cancellation that must
//! not race a collection.

use super::custody::{find_or_404, record};
use super::input::ValidOrder;
use super::lifecycle::Status;
use super::model::LabOrder;
use super::store::{self, NewEvent};
use crate::audit::{self, Audit, AuditActor};
use crate::db::DbConnection;
use crate::db::ids::LabOrderId;
use crate::error::{AppError, AppResult, FieldError};

/// 422s for references that do not resolve: the patient, an active provider, the patient's encounter,
/// active container types.
fn check_references(conn: &mut DbConnection, order: &ValidOrder) -> AppResult<()> {
    let mut errors = Vec::new();
    if !crate::directory::patients::store::exists(conn, &order.patient_id)? {
        errors.push(FieldError::new("patient_id", "no patient has this id"));
    }
    match crate::directory::providers::store::find(conn, &order.provider_id)? {
        Some(p) if p.active => {}
        Some(_) => errors.push(FieldError::new("provider_id", "the provider is inactive")),
        None => errors.push(FieldError::new("provider_id", "no provider has this id")),
    }
    if let Some(id) = &order.encounter_id {
        let id = crate::db::ids::EncounterId::from_stored(id.clone());
        match crate::coding::encounters::store::find(conn, &id)? {
            None => errors.push(FieldError::new("encounter_id", "no encounter has this id")),
            Some(e) if e.patient_id != order.patient_id => errors.push(FieldError::new(
                "encounter_id",
                "the encounter is another patient's",
            )),
            Some(_) => {}
        }
    }
    for (i, test) in order.tests.iter().enumerate() {
        if !store::container_usable(conn, &test.container_type)? {
            errors.push(FieldError::new(
                format!("tests[{i}].container_type"),
                "no active container type has this code",
            ));
        }
    }
    match errors.is_empty() {
        true => Ok(()),
        false => Err(AppError::Validation(errors)),
    }
}

fn find_order_or_404(conn: &mut DbConnection, id: &LabOrderId) -> AppResult<LabOrder> {
    store::find_order(conn, id)?.ok_or(AppError::NotFound("lab order"))
}

/// Creates the order and its specimens, each with a `created` custody event. Call in a write transaction.
pub fn create(
    conn: &mut DbConnection,
    actor: &AuditActor,
    accession_prefix: &str,
    order: &ValidOrder,
) -> AppResult<LabOrder> {
    check_references(conn, order)?;
    let (id, specimens) = store::insert_order(conn, accession_prefix, order)?;
    let audit = Audit::new("create", "lab_order", &id).patient(&order.patient_id);
    audit::record(conn, actor, audit)?;
    for row in &specimens {
        let mut event = NewEvent::kind("created");
        event.to = Some(Status::Ordered);
        record(conn, actor, row, event)?;
    }
    find_order_or_404(conn, &id)
}

/// Cancels the order and its specimens, unless one was collected already (409). A collection racing the
/// cancellation either commits first (then this sees it and refuses) or finds its specimen cancelled.
pub fn cancel(conn: &mut DbConnection, actor: &AuditActor, id: &LabOrderId) -> AppResult<LabOrder> {
    let (status, patient_id) =
        store::order_status(conn, id)?.ok_or(AppError::NotFound("lab order"))?;
    if status != "active" || !store::cancel_order(conn, id)? {
        return Err(AppError::NotAllowedInState {
            action: "cancel".into(),
            state: "cancelled".into(),
            allowed: Vec::new(),
        });
    }
    for row in store::order_specimens(conn, id)? {
        match row.status()? {
            Status::Cancelled => continue,
            Status::Ordered => {}
            _ => {
                return Err(AppError::conflict(
                    "specimens_collected",
                    format!(
                        "the order cannot be cancelled: specimen {} is already {}",
                        row.accession, row.status
                    ),
                ));
            }
        }
        if !store::cancel_specimen(conn, &row)? {
            let now = find_or_404(conn, &row.id)?;
            return Err(AppError::conflict(
                "specimens_collected",
                format!(
                    "the order cannot be cancelled: specimen {} is now {}",
                    now.accession, now.status
                ),
            ));
        }
        let mut event = NewEvent::kind("cancel");
        (event.from, event.to) = (Some(Status::Ordered), Some(Status::Cancelled));
        record(conn, actor, &row, event)?;
    }
    let audit = Audit::new("cancel", "lab_order", id).patient(&patient_id);
    audit::record(conn, actor, audit)?;
    find_order_or_404(conn, id)
}

/// Reads the order, audited as a read of the patient's data. Call in a write transaction.
pub fn read(conn: &mut DbConnection, actor: &AuditActor, id: &LabOrderId) -> AppResult<LabOrder> {
    let order = find_order_or_404(conn, id)?;
    let audit = Audit::new("read", "lab_order", id).patient(&order.patient_id);
    audit::record(conn, actor, audit)?;
    Ok(order)
}
