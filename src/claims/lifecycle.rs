//! The claim lifecycle as one pure state machine: which moves exist and who makes each. Nothing else
//! decides where a claim may go.
//!
//! ```text
//! draft ⇄ ready → batched → sent → accepted → paid | partially_paid | denied → closed
//!                              └──→ rejected ←──┘ (a 277CA may reject what a 999 accepted)
//! rejected → ready and sent/accepted/paid/partially_paid/denied → ready: by a correction (a new version)
//! accepted/rejected/paid/partially_paid/denied → closed
//! paid/partially_paid/denied → accepted: the payer reversed its adjudication (835 CLP02 = 22)
//! ```

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where a claim is on its way to being paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Held back from batching.
    Draft,
    /// Waits for the next batch.
    Ready,
    /// In a batch file; its current version is frozen.
    Batched,
    /// The file went to the clearinghouse.
    Sent,
    /// Acknowledged (999 / 277CA accepted).
    Accepted,
    /// Refused by the clearinghouse or payer front end; `status_reasons` say why.
    Rejected,
    Paid,
    PartiallyPaid,
    Denied,
    /// Nothing more will happen.
    Closed,
}

impl Status {
    pub const ALL: [Status; 10] = [
        Status::Draft,
        Status::Ready,
        Status::Batched,
        Status::Sent,
        Status::Accepted,
        Status::Rejected,
        Status::Paid,
        Status::PartiallyPaid,
        Status::Denied,
        Status::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Ready => "ready",
            Status::Batched => "batched",
            Status::Sent => "sent",
            Status::Accepted => "accepted",
            Status::Rejected => "rejected",
            Status::Paid => "paid",
            Status::PartiallyPaid => "partially_paid",
            Status::Denied => "denied",
            Status::Closed => "closed",
        }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        Status::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
            .ok_or_else(|| {
                let names: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
                format!("must be one of: {}", names.join(", "))
            })
    }

    /// Whether the claim still counts as open for its encounter and payer (a new claim for them is refused).
    pub fn is_open(self) -> bool {
        self != Status::Closed
    }
}

/// Who makes a move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// A biller through `POST /claims/{id}/status`.
    Manual,
    /// The service: batching, sending, acknowledgements, remittances.
    System,
    /// A correction (a new version), which makes the claim ready again.
    Correction,
    /// A remittance's reversal (CLP02 = 22) undoing an adjudication; acknowledgements never make it.
    Reversal,
}

/// The move from `from` to `to`, if there is one.
pub fn via(from: Status, to: Status) -> Option<Via> {
    use Status::*;
    match (from, to) {
        (Draft, Ready) | (Ready, Draft) => Some(Via::Manual),
        (Accepted | Rejected | Paid | PartiallyPaid | Denied, Closed) => Some(Via::Manual),
        (Ready, Batched) | (Batched, Sent) => Some(Via::System),
        (Sent, Accepted | Rejected) | (Accepted, Rejected) => Some(Via::System),
        (Accepted, Paid | PartiallyPaid | Denied) => Some(Via::System),
        (Paid | PartiallyPaid | Denied, Accepted) => Some(Via::Reversal),
        (Sent | Accepted | Rejected | Paid | PartiallyPaid | Denied, Ready) => {
            Some(Via::Correction)
        }
        _ => None,
    }
}

/// Every status reachable from `from` by moves made `how`.
pub fn next(from: Status, how: Via) -> Vec<Status> {
    Status::ALL
        .into_iter()
        .filter(|to| via(from, *to) == Some(how))
        .collect()
}

/// Whether a correction (a new version) may be made in this status.
pub fn correctable(status: Status) -> bool {
    via(status, Status::Ready) == Some(Via::Correction)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    #[test]
    fn every_pair_of_statuses_has_the_planned_move() {
        for from in Status::ALL {
            for to in Status::ALL {
                let expected = match (from, to) {
                    (Draft, Ready) | (Ready, Draft) => Some(Via::Manual),
                    (Accepted | Rejected | Paid | PartiallyPaid | Denied, Closed) => {
                        Some(Via::Manual)
                    }
                    (Ready, Batched) | (Batched, Sent) => Some(Via::System),
                    (Sent, Accepted) | (Sent, Rejected) | (Accepted, Rejected) => Some(Via::System),
                    (Accepted, Paid) | (Accepted, PartiallyPaid) | (Accepted, Denied) => {
                        Some(Via::System)
                    }
                    (Paid, Accepted) | (PartiallyPaid, Accepted) | (Denied, Accepted) => {
                        Some(Via::Reversal)
                    }
                    (Sent | Accepted | Rejected | Paid | PartiallyPaid | Denied, Ready) => {
                        Some(Via::Correction)
                    }
                    _ => None,
                };
                assert_eq!(via(from, to), expected, "{from:?} -> {to:?}");
            }
        }
    }

    #[test]
    fn nothing_stays_put_and_closed_is_final() {
        for s in Status::ALL {
            assert_eq!(via(s, s), None, "{s:?}");
            assert_eq!(via(Closed, s), None, "{s:?}");
        }
    }

    #[test]
    fn a_claim_not_yet_sent_or_batched_cannot_be_corrected() {
        let correctable: Vec<Status> = Status::ALL
            .into_iter()
            .filter(|s| correctable(*s))
            .collect();
        assert_eq!(
            correctable,
            [Sent, Accepted, Rejected, Paid, PartiallyPaid, Denied]
        );
    }

    #[test]
    fn statuses_read_and_serialize_as_their_names() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Ok(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        assert!(
            Status::parse("open")
                .unwrap_err()
                .contains("partially_paid")
        );
        assert_eq!(next(Ready, Via::Manual), [Draft]);
        assert_eq!(next(Paid, Via::Manual), [Closed]);
    }
}
