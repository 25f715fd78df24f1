//! The hash of an audit event: SHA-256 over every stored field and the previous event's hash.

use sha2::{Digest, Sha256};

pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields that are hashed, in order. Each is length-prefixed so no two events share an encoding.
pub struct HashInput<'a> {
    pub seq: i64,
    pub id: &'a str,
    pub occurred_at: &'a str,
    pub actor_id: Option<&'a str>,
    pub actor: &'a str,
    pub action: &'a str,
    pub resource_type: &'a str,
    pub resource_id: Option<&'a str>,
    pub patient_id: Option<&'a str>,
    pub request_id: Option<&'a str>,
    pub detail: Option<&'a str>,
    pub prev_hash: &'a str,
}

pub fn event_hash(input: &HashInput<'_>) -> String {
    let mut hasher = Sha256::new();
    let seq = input.seq.to_string();
    let fields: [Option<&str>; 12] = [
        Some(&seq),
        Some(input.id),
        Some(input.occurred_at),
        input.actor_id,
        Some(input.actor),
        Some(input.action),
        Some(input.resource_type),
        input.resource_id,
        input.patient_id,
        input.request_id,
        input.detail,
        Some(input.prev_hash),
    ];
    for field in fields {
        match field {
            None => hasher.update(b"-;"),
            Some(text) => {
                hasher.update(text.len().to_string().as_bytes());
                hasher.update(b":");
                hasher.update(text.as_bytes());
                hasher.update(b";");
            }
        }
    }
    hex::encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input<'a>(detail: Option<&'a str>, actor_id: Option<&'a str>) -> HashInput<'a> {
        HashInput {
            seq: 1,
            id: "id",
            occurred_at: "2026-01-01T00:00:00Z",
            actor_id,
            actor: "admin",
            action: "read",
            resource_type: "patient",
            resource_id: Some("p1"),
            patient_id: Some("p1"),
            request_id: None,
            detail,
            prev_hash: GENESIS_HASH,
        }
    }

    #[test]
    fn any_changed_field_changes_the_hash() {
        let base = event_hash(&input(None, None));
        assert_ne!(base, event_hash(&input(Some("x"), None)));
        assert_ne!(base, event_hash(&input(None, Some(""))));
        assert_eq!(base, event_hash(&input(None, None)));
    }

    #[test]
    fn absent_and_empty_fields_hash_differently() {
        assert_ne!(
            event_hash(&input(None, None)),
            event_hash(&input(Some(""), None))
        );
    }
}
