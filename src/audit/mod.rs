//! The audit trail: every write and every read of patient data appends an event in the caller's
//! transaction; each event carries the SHA-256 of the one before, so a changed or deleted row breaks
//! the chain and `backoffice audit verify` finds where.

mod chain;
pub mod routes;
mod store;

pub use chain::{GENESIS_HASH, event_hash};
pub use store::{AuditEvent, AuditFilter, BrokenLink, list_events, record, record_many, verify_chain};

/// Who acted, as the audit trail records it (auth builds it from the authenticated user).
#[derive(Debug, Clone)]
pub struct AuditActor {
    pub user_id: Option<String>,
    pub name: String,
    pub request_id: Option<String>,
}

impl AuditActor {
    /// The command line or the service itself acting (bootstrap, demo data, CLI admin).
    pub fn system(name: &str) -> Self {
        AuditActor {
            user_id: None,
            name: name.to_owned(),
            request_id: None,
        }
    }
}

/// What happened to which resource. `patient_id` marks events touching a patient's data.
#[derive(Debug, Clone)]
pub struct Audit<'a> {
    pub action: &'a str,
    pub resource_type: &'a str,
    pub resource_id: Option<String>,
    pub patient_id: Option<String>,
    /// Non-identifying detail only (field names, counts): never names, MRNs or other PHI.
    pub detail: Option<String>,
}

impl<'a> Audit<'a> {
    pub fn new(action: &'a str, resource_type: &'a str, resource_id: impl ToString) -> Self {
        Audit {
            action,
            resource_type,
            resource_id: Some(resource_id.to_string()),
            patient_id: None,
            detail: None,
        }
    }

    /// An event about a kind of resource rather than one of them (a failed login names no session).
    pub fn about(action: &'a str, resource_type: &'a str) -> Self {
        Audit {
            action,
            resource_type,
            resource_id: None,
            patient_id: None,
            detail: None,
        }
    }

    pub fn patient(mut self, patient_id: impl ToString) -> Self {
        self.patient_id = Some(patient_id.to_string());
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}
