//! The steps an encounter write or scrub shares, run inside the caller's transaction: the records an
//! encounter names must exist and fit, new lines are priced from the fee schedule, and the scrubber gets
//! the patient and policy facts it needs.

use chrono::Utc;

use super::model::{ChargeSource, Encounter, ValidEncounter};
use super::store::PricedLine;
use crate::coding::catalog_facts::CatalogFacts;
use crate::coding::codesets::Catalog;
use crate::coding::fees::store::unit_price;
use crate::coding::scrub::{self, Coverage, ScrubReport, Subject};
use crate::db::DbConnection;
use crate::db::ids::PayerId;
use crate::directory::policies::Policy;
use crate::directory::values::Sex;
use crate::directory::{locations, patients, policies, providers};
use crate::error::{AppError, AppResult, FieldError};
use crate::money;

fn provider_problem(
    conn: &mut DbConnection,
    field: &str,
    id: &crate::db::ids::ProviderId,
    billing: bool,
) -> AppResult<Option<FieldError>> {
    let message = match providers::store::find(conn, id)? {
        None => "no provider with this id",
        Some(p) if !p.active => "the provider is inactive",
        Some(p) if billing && !p.is_billing => "the provider is not a billing provider",
        Some(p) if !billing && !p.is_rendering => "the provider is not a rendering provider",
        Some(_) => return Ok(None),
    };
    Ok(Some(FieldError::new(field, message)))
}

/// Checks every record the encounter names (all problems at once, as 422) and returns its policy.
pub fn check_references(conn: &mut DbConnection, e: &ValidEncounter) -> AppResult<Option<Policy>> {
    let mut errors = Vec::new();
    match patients::store::find(conn, &e.patient_id)? {
        None => errors.push(FieldError::new("patient_id", "no patient with this id")),
        Some(p) if !p.active => {
            errors.push(FieldError::new("patient_id", "the patient is inactive"))
        }
        Some(_) => {}
    }
    let rendering = provider_problem(
        conn,
        "rendering_provider_id",
        &e.rendering_provider_id,
        false,
    )?;
    let billing = provider_problem(conn, "billing_provider_id", &e.billing_provider_id, true)?;
    errors.extend(rendering.into_iter().chain(billing));
    match locations::store::find(conn, &e.location_id)? {
        None => errors.push(FieldError::new("location_id", "no location with this id")),
        Some(l) if !l.active => {
            errors.push(FieldError::new("location_id", "the location is inactive"))
        }
        Some(_) => {}
    }
    let mut policy = None;
    if let Some(policy_id) = &e.policy_id {
        policy = policies::store::find(conn, &e.patient_id, policy_id)?;
        if policy.is_none() {
            errors.push(FieldError::new(
                "policy_id",
                "the patient has no policy with this id",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(policy)
}

/// Settles each line's charge: the one given, else the schedule's unit price times units. Kept lines must
/// be lines of `current` (the encounter being replaced).
pub fn price_lines(
    conn: &mut DbConnection,
    e: &ValidEncounter,
    payer: Option<&PayerId>,
    current: Option<&Encounter>,
) -> AppResult<Vec<PricedLine>> {
    let mut errors = Vec::new();
    let mut priced = Vec::with_capacity(e.lines.len());
    for (i, line) in e.lines.iter().enumerate() {
        if let Some(id) = &line.id {
            let known = current.is_some_and(|c| c.lines.iter().any(|l| &l.id == id));
            if !known {
                errors.push(FieldError::new(
                    format!("lines[{i}].id"),
                    "is not a line of this encounter",
                ));
            }
        }
        let settled = match line.charge {
            Some(charge) => Some((
                money::to_cents(charge).map_err(AppError::internal)?,
                ChargeSource::Manual,
            )),
            None => unit_price(conn, payer, &line.code, &line.modifiers, e.date_of_service)?
                .map(|unit| (unit * i64::from(line.units), ChargeSource::Schedule)),
        };
        match settled {
            Some((charge_cents, source)) => priced.push(PricedLine {
                line: line.clone(),
                charge_cents,
                source,
            }),
            None => errors.push(FieldError::new(
                format!("lines[{i}].charge"),
                format!(
                    "no fee schedule prices {} on {}: give a charge",
                    line.code.as_str(),
                    e.date_of_service
                ),
            )),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(priced)
}

/// Scrubs the encounter against the catalog, with the facts of its patient and policy.
pub fn scrub(
    conn: &mut DbConnection,
    catalog: &Catalog,
    encounter: &Encounter,
) -> AppResult<ScrubReport> {
    let patient =
        patients::store::find(conn, &encounter.patient_id)?.ok_or(AppError::NotFound("patient"))?;
    let coverage = match &encounter.policy_id {
        None => None,
        Some(id) => policies::store::find(conn, &encounter.patient_id, id)?.map(|p| Coverage {
            effective_date: p.effective_date,
            end_date: p.end_date,
        }),
    };
    let subject = Subject {
        encounter,
        patient_sex: Sex::parse(&patient.sex).unwrap_or(Sex::Unknown),
        patient_birth_date: patient.date_of_birth,
        coverage,
        today: Utc::now().date_naive(),
    };
    // Forced: a code set imported a moment ago (CLI, another instance) must count; the check is one query.
    let snapshot = catalog.refresh(conn, true)?;
    let facts = CatalogFacts::new(&snapshot, conn);
    let report = scrub::scrub(&subject, &facts);
    facts.finish()?;
    Ok(report)
}
