//! 835 posting: `POST /remittances` reads an 835 (refusing one that does not read or does not balance,
//! 422 naming `file` with every finding), records the file once (SHA-256 and payment key unique),
//! matches each CLP to our claim and version (CLP01 = CLM01, fallback CLP07 = payer claim number) and
//! its lines by REF*6R, and posts the matched claims with the standard ledger entries, moving each to
//! paid, partially paid or denied: the common cases a group at a time (`group`), the others each in its
//! own transaction (`apply`). Reversals (CLP02 = 22) undo the standing adjudication (`reversal`); PLB
//! items post once each after the claims (`provider_adjustments`); a primary leaving the patient a share
//! bills the secondary policy (`secondary`). What matched nothing
//! or is not posted goes to the outcome's `unmatched` list and the work queue
//! (`GET /remittances/unmatched`). See [`apply`] for the posting rules chosen.
//!
//! Not posted automatically (queued with the reason, never guessed): a second adjudication of a claim
//! without a reversal before it, a reversal whose amounts do not undo what was posted, the reversal of a
//! secondary claim's adjudication, and negative amounts outside a reversal.

pub mod apply;
mod group;
pub mod import;
pub mod model;
mod provider_adjustments;
mod reversal;
pub mod routes;
mod secondary;
mod store;

pub use import::{EraFile, import};
pub use model::Outcome;

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    routes::import_remittance,
    routes::list_remittances,
    routes::list_unmatched,
    routes::get_remittance,
))]
pub struct RemittanceApi;

pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    routes::configure(cfg);
}
