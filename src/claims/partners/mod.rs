//! Trading partners: the clearinghouses claims go to, with the envelope settings of every file sent to
//! each (`PartnerSettings`) and the payers routed through it (a payer through at most one).

mod model;
pub mod routes;
pub mod store;

pub use model::{PartnerInput, SeparatorSettings, TradingPartner, ValidPartner};
