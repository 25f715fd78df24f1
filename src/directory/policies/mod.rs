//! Insurance policies of a patient: payer, member id, priority (primary, secondary, tertiary) and the
//! subscriber when the patient is a dependent. At most one active policy of each priority per patient.
//! Reads are audited like writes, under the patient they belong to.

mod model;
pub mod routes;
pub mod store;
mod subscriber;

pub use model::{Policy, PolicyInput, Priority, Relationship, ValidPolicy};
pub use subscriber::{Subscriber, SubscriberInput, ValidSubscriber};
