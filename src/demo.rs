//! `serve --demo`: an invented practice (2 providers, 1 location, 3 payers, 10 patients with policies,
//! four bench stations and a default fee schedule for the sample procedures) so a newcomer can try every
//! endpoint at once. Every name, number and address here is made up; the
//! NPIs carry valid check digits but belong to no one we know of. Loaded once: a second start skips it.

use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::audit::{self, Audit, AuditActor};
use crate::coding::fees;
use crate::db::ids::{LocationId, PayerId, ProviderId};
use crate::db::{DbConnection, write_transaction};
use crate::directory::{locations, patients, payers, policies, practice, providers};
use crate::error::{AppError, AppResult};
use crate::specimens::{setup, setup_input};

const GROUP_NPI: &str = "1999999901";

/// Loads the demo practice unless it is there already; says what it did.
pub fn load(conn: &mut DbConnection, mrn_prefix: &str) -> AppResult<String> {
    write_transaction(conn, |conn| {
        if providers::store::npi_taken(conn, GROUP_NPI, None)? {
            return Ok("demo data: already loaded".to_owned());
        }
        let actor = AuditActor::system("demo");
        save_practice(conn, &actor)?;
        let (billing, rendering) = add_providers(conn, &actor)?;
        let location = add_location(conn, &actor)?;
        let payer_ids = add_payers(conn, &actor)?;
        let patients = add_patients(conn, &actor, mrn_prefix, &payer_ids)?;
        let stations = add_stations(conn, &actor)?;
        let prices = add_fee_schedule(conn, &actor)?;
        Ok(format!(
            "demo data: practice, providers {billing} (billing) and {rendering} (rendering), \
             location {location}, {} payers, {patients} patients with policies, {stations} bench \
             stations, a default fee schedule of {prices} prices",
            payer_ids.len()
        ))
    })
}

fn input<T: DeserializeOwned>(value: Value) -> AppResult<T> {
    serde_json::from_value(value).map_err(AppError::internal)
}

fn address(line1: &str) -> Value {
    json!({"line1": line1, "city": "Springfield", "state": "IL", "zip": "62704-1234"})
}

fn save_practice(conn: &mut DbConnection, actor: &AuditActor) -> AppResult<()> {
    let body: practice::PracticeInput = input(json!({
        "name": "Maple Grove Family Practice", "tax_id": "12-3456789", "npi": GROUP_NPI,
        "address": address("100 Maple Grove Ave"), "phone": "217-555-0100"}))?;
    let valid = practice::ValidPractice::try_from(&body)?;
    let current = practice::store::find(conn)?.map(|p| p.version);
    practice::store::save(conn, &valid, current)?.into_result("practice")?;
    audit::record(conn, actor, Audit::new("update", "practice", "1"))?;
    Ok(())
}

fn add_providers(
    conn: &mut DbConnection,
    actor: &AuditActor,
) -> AppResult<(ProviderId, ProviderId)> {
    let group: providers::ProviderInput = input(json!({
        "npi": GROUP_NPI, "entity_type": "organization", "last_name": "Maple Grove Family Practice",
        "taxonomy_code": "261QP2300X", "is_billing": true, "is_rendering": false}))?;
    let doctor: providers::ProviderInput = input(json!({
        "npi": "1999999919", "entity_type": "individual", "last_name": "Quillfeather",
        "first_name": "Imogen", "credential": "MD", "taxonomy_code": "207Q00000X",
        "is_billing": false, "is_rendering": true}))?;
    let mut add = |body: &providers::ProviderInput| -> AppResult<ProviderId> {
        let provider = providers::store::insert(conn, &providers::ValidProvider::try_from(body)?)?;
        audit::record(conn, actor, Audit::new("create", "provider", &provider.id))?;
        Ok(provider.id)
    };
    Ok((add(&group)?, add(&doctor)?))
}

fn add_location(conn: &mut DbConnection, actor: &AuditActor) -> AppResult<LocationId> {
    let body: locations::LocationInput = input(json!({
        "name": "Maple Grove Main Office", "address": address("100 Maple Grove Ave"),
        "phone": "217-555-0100", "place_of_service": "11"}))?;
    let location = locations::store::insert(conn, &locations::ValidLocation::try_from(&body)?)?;
    audit::record(conn, actor, Audit::new("create", "location", &location.id))?;
    Ok(location.id)
}

fn add_payers(conn: &mut DbConnection, actor: &AuditActor) -> AppResult<Vec<PayerId>> {
    let payers = [
        ("Demo Medicare Part B", "DEMOMCR01", "MB"),
        ("Demo Blue Shield Plan", "DEMOBLU02", "BL"),
        ("Demo Commercial Health", "DEMOCOM03", "CI"),
    ];
    let mut ids = Vec::new();
    for (name, payer_id, filing) in payers {
        let body: payers::PayerInput = input(json!({
            "name": name, "payer_id": payer_id, "claim_filing_indicator": filing,
            "address": address("PO Box 4000")}))?;
        let payer = payers::store::insert(conn, &payers::ValidPayer::try_from(&body)?)?;
        audit::record(conn, actor, Audit::new("create", "payer", &payer.id))?;
        ids.push(payer.id);
    }
    Ok(ids)
}

/// An invented patient; payers are indexes into the demo payers.
struct DemoPatient(
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    usize,
    Option<usize>,
);

/// Ten invented patients: last, first, birth date, sex, primary payer, secondary payer.
const PATIENTS: [DemoPatient; 10] = [
    DemoPatient("Ashdown", "Pemberly", "1948-03-14", "F", 0, Some(1)),
    DemoPatient("Brackwater", "Tobias", "1952-11-02", "M", 0, None),
    DemoPatient("Cindermoor", "Lark", "1985-07-21", "F", 1, None),
    DemoPatient("Dunmarrow", "Oswin", "1979-01-30", "M", 2, Some(1)),
    DemoPatient("Elderquay", "Saffron", "1991-05-09", "F", 2, None),
    DemoPatient("Fernhollow", "Caspian", "2001-12-17", "M", 1, None),
    DemoPatient("Gildenrow", "Marigold", "1966-08-25", "F", 1, Some(2)),
    DemoPatient("Hollowmere", "Bram", "1958-04-03", "M", 0, None),
    DemoPatient("Ivybridge", "Wren", "1999-09-12", "U", 2, None),
    DemoPatient("Juniperlow", "Fennick", "2016-02-29", "M", 1, None),
];

fn add_patients(
    conn: &mut DbConnection,
    actor: &AuditActor,
    mrn_prefix: &str,
    payer_ids: &[PayerId],
) -> AppResult<usize> {
    for (n, DemoPatient(last, first, born, sex, primary, secondary)) in PATIENTS.iter().enumerate()
    {
        let body: patients::PatientInput = input(json!({
            "last_name": last, "first_name": first, "date_of_birth": born, "sex": sex,
            "address": address(&format!("{} Orchard Lane", 10 + n)),
            "phone": format!("217-555-{:04}", 110 + n)}))?;
        let patient =
            patients::store::insert(conn, mrn_prefix, &patients::ValidPatient::try_from(&body)?)?;
        audit::record(
            conn,
            actor,
            Audit::new("create", "patient", &patient.id).patient(&patient.id),
        )?;
        let coverage = [
            Some(("primary", *primary)),
            secondary.map(|s| ("secondary", s)),
        ];
        for (priority, payer) in coverage.into_iter().flatten() {
            let policy = policy_input(n, priority, payer_ids[payer].as_str(), last, born)?;
            let valid = policies::ValidPolicy::try_from(&policy)?;
            let policy = policies::store::insert(conn, &patient.id, &valid)?;
            let event = Audit::new("create", "insurance_policy", &policy.id).patient(&patient.id);
            audit::record(conn, actor, event)?;
        }
    }
    Ok(PATIENTS.len())
}

/// The child in the list is covered as a dependant of an invented parent; everyone else is the subscriber.
fn policy_input(
    n: usize,
    priority: &str,
    payer_id: &str,
    last: &str,
    born: &str,
) -> AppResult<policies::PolicyInput> {
    let mut body = json!({
        "payer_id": payer_id, "member_id": format!("DEMO{:06}{}", 1000 + n, &priority[..1].to_uppercase()),
        "group_number": "GRP-2026", "priority": priority, "relationship": "self",
        "effective_date": "2026-01-01"});
    if born.starts_with("2016") {
        body["relationship"] = json!("child");
        body["subscriber"] = json!({"last_name": last, "first_name": "Rosalind", "date_of_birth": "1984-06-06",
                                    "sex": "F", "address": address(&format!("{} Orchard Lane", 10 + n))});
    }
    input(body)
}

/// The bench as a small practice lab runs it: a scan at each station moves the tube one step.
fn add_stations(conn: &mut DbConnection, actor: &AuditActor) -> AppResult<usize> {
    let stations = [
        ("Reception window", "Lab, window 1", "receive"),
        ("Centrifuge bench", "Lab, bench 2", "start_processing"),
        ("Chemistry analyzer", "Lab, analyzer bay", "start_analysis"),
        ("Sample refrigerator", "Lab, fridge 1", "store"),
    ];
    for (name, location, action) in stations {
        let body: setup_input::StationInput =
            input(json!({"name": name, "location": location, "action": action}))?;
        let station = setup::insert_station(conn, &setup_input::ValidStation::try_from(&body)?)?;
        audit::record(conn, actor, Audit::new("create", "station", &station.id))?;
    }
    Ok(stations.len())
}

/// The practice's default prices for the shipped sample procedures (invented amounts).
fn add_fee_schedule(conn: &mut DbConnection, actor: &AuditActor) -> AppResult<usize> {
    let body: fees::model::FeeScheduleInput = input(json!({"name": "Practice standard fees"}))?;
    let schedule = fees::store::insert(conn, &fees::model::ValidFeeSchedule::try_from(&body)?)?;
    audit::record(
        conn,
        actor,
        Audit::new("create", "fee_schedule", &schedule.id),
    )?;
    let prices = [
        ("36415", "18.00"),
        ("80048", "42.00"),
        ("80053", "58.00"),
        ("80061", "46.00"),
        ("81003", "14.00"),
        ("85025", "32.00"),
        ("99213", "125.00"),
        ("99214", "185.00"),
    ];
    for (code, price) in prices {
        let body: fees::model::PriceInput =
            input(json!({"code": code, "price": price, "effective_from": "2025-01-01"}))?;
        let valid = fees::model::ValidPrice::try_from(&body)?;
        if let fees::store::PriceAdded::Overlaps(_) =
            fees::store::add_price(conn, &schedule.id, &valid)?
        {
            return Err(AppError::internal(format!(
                "demo price for {code} overlaps"
            )));
        }
    }
    audit::record(
        conn,
        actor,
        Audit::new("add_price", "fee_schedule", &schedule.id)
            .detail(format!("{} prices", prices.len())),
    )?;
    Ok(prices.len())
}
