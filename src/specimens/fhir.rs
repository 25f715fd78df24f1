//! A specimen as an HL7 FHIR R4 `Specimen` resource (JSON). Pure: built from what the store read.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value, json};

use super::lifecycle::Status;
use super::model::{Specimen, SpecimenEvent};

/// The media type of FHIR JSON.
pub const MEDIA_TYPE: &str = "application/fhir+json";
/// Where our own codes and identifiers live (no public registry for them).
const ACCESSION_SYSTEM: &str = "urn:backoffice:specimen-accession";
const CONTAINER_SYSTEM: &str = "urn:backoffice:container-type";
const UCUM: &str = "http://unitsofmeasure.org";
const V2_0487: &str = "http://terminology.hl7.org/CodeSystem/v2-0487";
const V2_0493: &str = "http://terminology.hl7.org/CodeSystem/v2-0493";
const V2_0490: &str = "http://terminology.hl7.org/CodeSystem/v2-0490";

/// FHIR's specimen-status value set has four values; our lifecycle maps onto them.
pub fn status(status: Status) -> &'static str {
    match status {
        Status::Collected
        | Status::Received
        | Status::Processing
        | Status::Ready
        | Status::InAnalysis
        | Status::Completed
        | Status::Stored => "available",
        // Not drawn yet, or gone: no physical specimen to be had.
        Status::Ordered | Status::Disposed => "unavailable",
        Status::Rejected => "unsatisfactory",
        // Never collected and voided with its order.
        Status::Cancelled => "entered-in-error",
    }
}

/// The material a container holds (HL7 v2 table 0487), where the container says it.
fn material(container: &str) -> Option<(&'static str, &'static str)> {
    Some(match container {
        "SST" | "RED" => ("SER", "Serum"),
        "LAV_EDTA" | "PINK_EDTA" => ("BLD", "Whole blood"),
        "LBLU_CIT" | "GRN_HEP" | "GRY_FLU" => ("PLAS", "Plasma"),
        "URINE_CUP" | "URINE_24H" => ("UR", "Urine"),
        _ => return None,
    })
}

/// Rejection reasons that are specimen conditions in HL7 v2 table 0493, else reasons in table 0490.
fn rejection_coding(reason: &str) -> Value {
    match reason {
        "hemolyzed" => json!({"system": V2_0493, "code": "HEM", "display": "Hemolyzed"}),
        "clotted" => json!({"system": V2_0493, "code": "CLOT", "display": "Clotted"}),
        "quantity_not_sufficient" => {
            json!({"system": V2_0490, "code": "QS", "display": "Quantity not sufficient"})
        }
        "unlabelled" | "mislabelled" => {
            json!({"system": V2_0490, "code": "NE", "display": "Not labeled or labeled incorrectly"})
        }
        "exceeded_stability" => json!({"system": V2_0490, "code": "EX", "display": "Expired"}),
        _ => json!({"system": V2_0490, "code": "RB", "display": "Broken container or other"}),
    }
}

fn instant(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

fn microlitres(value: i64) -> Value {
    json!({"value": value, "unit": "µL", "system": UCUM, "code": "uL"})
}

/// A processing step from a custody event (centrifuge, aliquot, freeze), else `None`.
fn processing(event: &SpecimenEvent) -> Option<Value> {
    let detail = event.detail.clone().unwrap_or(Value::Null);
    let description = match event.kind.as_str() {
        "centrifuge" => format!(
            "Centrifuged at {} rpm for {} min",
            detail["rpm"], detail["minutes"]
        ),
        "aliquot" => format!(
            "Aliquoted: {} × {} µL",
            detail["count"], detail["volume_ul"]
        ),
        "freeze" => format!("Frozen at {} °C", detail["temperature_c"]),
        _ => return None,
    };
    Some(json!({
        "description": description,
        "procedure": {"text": event.kind},
        "timeDateTime": instant(event.occurred_at),
    }))
}

/// `collection`: when, how much was drawn, and how (as text: the method value set is only an example).
fn collection(s: &Specimen) -> Option<Value> {
    let collected = s.collected_at?;
    let mut collection = json!({"collectedDateTime": instant(collected)});
    if let Some(volume) = s.collected_volume_ul {
        collection["quantity"] = microlitres(volume);
    }
    if let Some(method) = &s.collection_method {
        collection["method"] = json!({"text": method});
    }
    Some(collection)
}

/// `container`: its type and what is left in it.
fn container(s: &Specimen, container_name: &str) -> Value {
    let coding =
        json!({"system": CONTAINER_SYSTEM, "code": s.container_type, "display": container_name});
    let mut container = json!({"type": {"coding": [coding], "text": container_name}});
    if let Some(remaining) = s.remaining_volume_ul {
        container["specimenQuantity"] = microlitres(remaining);
    }
    container
}

/// `type`: the material, coded where the container says it, else the container's name.
fn material_type(s: &Specimen, container_name: &str) -> Value {
    match material(&s.container_type) {
        Some((code, display)) => json!({
            "coding": [{"system": V2_0487, "code": code, "display": display}], "text": display}),
        None => json!({"text": container_name}),
    }
}

/// `note`: every note written on the specimen's custody events.
fn notes(events: &[SpecimenEvent]) -> Vec<Value> {
    events
        .iter()
        .filter_map(|e| {
            let text = e.note.as_ref()?;
            Some(
                json!({"time": instant(e.occurred_at), "authorString": e.actor,
                        "text": format!("{}: {text}", e.kind)}),
            )
        })
        .collect()
}

/// The resource. `container_name` is the container type's display name.
pub fn specimen_resource(s: &Specimen, events: &[SpecimenEvent], container_name: &str) -> Value {
    let mut r = Map::new();
    r.insert("resourceType".into(), json!("Specimen"));
    r.insert("id".into(), json!(s.id));
    r.insert("meta".into(), json!({"lastUpdated": instant(s.updated_at)}));
    r.insert(
        "accessionIdentifier".into(),
        json!({"system": ACCESSION_SYSTEM, "value": s.accession}),
    );
    r.insert("status".into(), json!(status(s.status)));
    r.insert("type".into(), material_type(s, container_name));
    r.insert(
        "subject".into(),
        json!({"reference": format!("Patient/{}", s.patient_id)}),
    );
    if let Some(received) = events.iter().find(|e| e.kind == "receive") {
        r.insert("receivedTime".into(), json!(instant(received.occurred_at)));
    }
    if let Some(parent) = &s.parent_id {
        r.insert(
            "parent".into(),
            json!([{"reference": format!("Specimen/{parent}")}]),
        );
    }
    let request = format!("ServiceRequest/{}", s.order_id);
    r.insert("request".into(), json!([{ "reference": request }]));
    if let Some(collection) = collection(s) {
        r.insert("collection".into(), collection);
    }
    let steps: Vec<Value> = events.iter().filter_map(processing).collect();
    if !steps.is_empty() {
        r.insert("processing".into(), json!(steps));
    }
    r.insert("container".into(), json!([container(s, container_name)]));
    if let Some(rejection) = &s.rejection {
        let coding = rejection_coding(&rejection.reason);
        r.insert(
            "condition".into(),
            json!([{"coding": [coding], "text": rejection.reason}]),
        );
    }
    let notes = notes(events);
    if !notes.is_empty() {
        r.insert("note".into(), json!(notes));
    }
    Value::Object(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_maps_into_the_fhir_value_set() {
        let allowed = [
            "available",
            "unavailable",
            "unsatisfactory",
            "entered-in-error",
        ];
        for &s in Status::ALL {
            assert!(allowed.contains(&status(s)), "{s}");
        }
        assert_eq!(status(Status::Received), "available");
        assert_eq!(status(Status::Rejected), "unsatisfactory");
        assert_eq!(status(Status::Disposed), "unavailable");
    }
}
