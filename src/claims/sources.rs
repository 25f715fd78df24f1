//! The records a claim is built from, read in the building transaction: the encounter's providers,
//! location, patient, payer, the practice, and the policy billed (checked to be the patient's and to
//! cover the date of service).

use super::build::Sources;
use crate::coding::encounters::Encounter;
use crate::db::DbConnection;
use crate::db::ids::PolicyId;
use crate::directory::locations::Location;
use crate::directory::patients::Patient;
use crate::directory::payers::Payer;
use crate::directory::policies::Policy;
use crate::directory::practice::Practice;
use crate::directory::providers::Provider;
use crate::directory::{locations, patients, payers, policies, practice, providers};
use crate::error::{AppError, AppResult};

/// Owned records; `sources()` lends them to the pure builder.
pub struct Records {
    pub practice: Option<Practice>,
    pub billing: Provider,
    pub rendering: Provider,
    pub location: Location,
    pub payer: Payer,
    pub policy: Policy,
    pub patient: Patient,
}

impl Records {
    pub fn sources<'a>(&'a self, encounter: &'a Encounter) -> Sources<'a> {
        Sources {
            practice: self.practice.as_ref(),
            billing: &self.billing,
            rendering: &self.rendering,
            location: &self.location,
            payer: &self.payer,
            policy: &self.policy,
            patient: &self.patient,
            encounter,
        }
    }
}

/// The policy billed: the one named, else the encounter's; it must be the patient's and cover the date
/// of service (422 naming `policy_id`).
pub fn policy(
    conn: &mut DbConnection,
    encounter: &Encounter,
    named: Option<&PolicyId>,
) -> AppResult<Policy> {
    let Some(id) = named.or(encounter.policy_id.as_ref()) else {
        return Err(AppError::invalid(
            "policy_id",
            "the encounter is self-pay: name the policy to bill",
        ));
    };
    let Some(policy) = policies::store::find(conn, &encounter.patient_id, id)? else {
        return Err(AppError::invalid(
            "policy_id",
            "the patient has no policy with this id",
        ));
    };
    let dos = encounter.date_of_service;
    let covers = policy.effective_date <= dos && policy.end_date.is_none_or(|end| dos <= end);
    if !policy.active || !covers {
        return Err(AppError::invalid(
            "policy_id",
            format!("the policy is not active on the date of service {dos}"),
        ));
    }
    Ok(policy)
}

/// Everything else the claim names; a record gone missing is 404 naming it.
pub fn records(
    conn: &mut DbConnection,
    encounter: &Encounter,
    policy: Policy,
) -> AppResult<Records> {
    let billing = providers::store::find(conn, &encounter.billing_provider_id)?
        .ok_or(AppError::NotFound("billing provider"))?;
    let rendering = providers::store::find(conn, &encounter.rendering_provider_id)?
        .ok_or(AppError::NotFound("rendering provider"))?;
    let location = locations::store::find(conn, &encounter.location_id)?
        .ok_or(AppError::NotFound("location"))?;
    let payer = payers::store::find(conn, &policy.payer_id)?.ok_or(AppError::NotFound("payer"))?;
    let patient =
        patients::store::find(conn, &encounter.patient_id)?.ok_or(AppError::NotFound("patient"))?;
    Ok(Records {
        practice: practice::store::find(conn)?,
        billing,
        rendering,
        location,
        payer,
        policy,
        patient,
    })
}

/// The practice's CLIA number, for a correction that adds a lab line.
pub fn clia_number(conn: &mut DbConnection) -> AppResult<Option<String>> {
    Ok(practice::store::find(conn)?.and_then(|p| p.clia_number))
}
