//! The specimen lifecycle as one explicit state machine: which action is allowed in which state, and where
//! it leads. Transitions change the status; preparation steps (centrifuge, aliquot, freeze, move) are
//! custody events that leave it as it is. Nothing else decides what a specimen may do.
//!
//! ```text
//! ordered → collected → received → processing → ready → in_analysis → completed → stored → disposed
//!    │          └───────────┴───────────┴──→ rejected ──→ disposed
//!    └──→ cancelled                               (completed → disposed too)
//! ```

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),* }
            }

            /// From its stored or sent name; the error lists the names allowed.
            pub fn parse(text: &str) -> Result<$name, String> {
                match text.trim() {
                    $($text => Ok($name::$variant),)*
                    _ => Err(format!("must be one of: {}", $name::ALL.iter()
                        .map(|v| v.as_str()).collect::<Vec<_>>().join(", "))),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

string_enum! {
    /// Where a specimen is in its journey.
    Status {
        Ordered = "ordered",
        Collected = "collected",
        Received = "received",
        Processing = "processing",
        Ready = "ready",
        InAnalysis = "in_analysis",
        Completed = "completed",
        Stored = "stored",
        Disposed = "disposed",
        Rejected = "rejected",
        Cancelled = "cancelled",
    }
}

string_enum! {
    /// Everything a person or a station can do to a specimen.
    Action {
        Collect = "collect",
        Receive = "receive",
        StartProcessing = "start_processing",
        MarkReady = "mark_ready",
        StartAnalysis = "start_analysis",
        Complete = "complete",
        Store = "store",
        Dispose = "dispose",
        Reject = "reject",
        Cancel = "cancel",
        Centrifuge = "centrifuge",
        Aliquot = "aliquot",
        Freeze = "freeze",
        Move = "move",
    }
}

string_enum! {
    /// Why a specimen was rejected (`other` needs a note).
    RejectionReason {
        Hemolyzed = "hemolyzed",
        Clotted = "clotted",
        QuantityNotSufficient = "quantity_not_sufficient",
        Unlabelled = "unlabelled",
        Mislabelled = "mislabelled",
        WrongContainer = "wrong_container",
        ExceededStability = "exceeded_stability",
        Other = "other",
    }
}

/// What an allowed action does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// The status changes to this.
    Transition(Status),
    /// A preparation step: recorded, the status stays.
    Step,
}

/// The machine: the effect of `action` in `status`, or `None` when it is not allowed there.
pub fn apply(status: Status, action: Action) -> Option<Effect> {
    use Action as A;
    use Effect::{Step, Transition as To};
    use Status as S;
    match (status, action) {
        (S::Ordered, A::Collect) => Some(To(S::Collected)),
        (S::Ordered, A::Cancel) => Some(To(S::Cancelled)),
        (S::Collected, A::Receive) => Some(To(S::Received)),
        (S::Received, A::StartProcessing) => Some(To(S::Processing)),
        (S::Processing, A::MarkReady) => Some(To(S::Ready)),
        (S::Ready, A::StartAnalysis) => Some(To(S::InAnalysis)),
        (S::InAnalysis, A::Complete) => Some(To(S::Completed)),
        (S::Completed, A::Store) => Some(To(S::Stored)),
        (S::Completed | S::Stored | S::Rejected, A::Dispose) => Some(To(S::Disposed)),
        (S::Collected | S::Received | S::Processing, A::Reject) => Some(To(S::Rejected)),
        // Spinning down and splitting happen on the bench, between receipt and analysis.
        (S::Received | S::Processing, A::Centrifuge | A::Aliquot) => Some(Step),
        // Freezing and moving keep a specimen until analysis or for retention afterwards.
        (S::Received | S::Processing | S::Ready | S::Completed | S::Stored, A::Freeze) => {
            Some(Step)
        }
        (
            S::Collected
            | S::Received
            | S::Processing
            | S::Ready
            | S::InAnalysis
            | S::Completed
            | S::Stored,
            A::Move,
        ) => Some(Step),
        _ => None,
    }
}

/// The actions allowed in `status`, in the order of `Action::ALL`.
pub fn allowed(status: Status) -> Vec<Action> {
    Action::ALL
        .iter()
        .copied()
        .filter(|&action| apply(status, action).is_some())
        .collect()
}

impl Status {
    /// Position on the main line (`ordered` 0 … `disposed` 8); off the line (rejected, cancelled): `None`.
    pub fn rank(self) -> Option<u8> {
        use Status as S;
        let rank = match self {
            S::Ordered => 0,
            S::Collected => 1,
            S::Received => 2,
            S::Processing => 3,
            S::Ready => 4,
            S::InAnalysis => 5,
            S::Completed => 6,
            S::Stored => 7,
            S::Disposed => 8,
            S::Rejected | S::Cancelled => return None,
        };
        Some(rank)
    }

    /// Not yet analysed: the states in which a specimen can go stale.
    pub fn awaits_analysis(self) -> bool {
        matches!(
            self,
            Status::Collected | Status::Received | Status::Processing | Status::Ready
        )
    }
}

/// What a scan of an action at a station means for a specimen in `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanOutcome {
    /// The action applies: the status changes.
    Transition(Status),
    /// The specimen is already at or past where the action leads: only "seen".
    Already,
    /// The action is neither allowed nor done: 409.
    Refused,
}

/// Decides a station's scan. A scan that would lead to a state the specimen has reached or passed on the
/// main line is "already" (a second scan, or a slower station); a rejected or cancelled specimen refuses.
pub fn scan(status: Status, action: Action) -> ScanOutcome {
    match apply(status, action) {
        Some(Effect::Transition(to)) => ScanOutcome::Transition(to),
        Some(Effect::Step) => ScanOutcome::Refused,
        None => {
            let target = transition_target(action).and_then(Status::rank);
            match (status.rank(), target) {
                (Some(now), Some(target)) if now >= target => ScanOutcome::Already,
                _ => ScanOutcome::Refused,
            }
        }
    }
}

/// Where a transition action leads, whatever the state it starts from.
pub fn transition_target(action: Action) -> Option<Status> {
    Status::ALL
        .iter()
        .find_map(|&status| match apply(status, action) {
            Some(Effect::Transition(to)) => Some(to),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action as A;
    use Effect::{Step, Transition as To};
    use Status as S;

    /// The whole table, written out: for each state, the actions allowed and what they do. Every pair not
    /// listed must be refused.
    fn expected() -> Vec<(Status, Vec<(Action, Effect)>)> {
        vec![
            (
                S::Ordered,
                vec![
                    (A::Collect, To(S::Collected)),
                    (A::Cancel, To(S::Cancelled)),
                ],
            ),
            (
                S::Collected,
                vec![
                    (A::Receive, To(S::Received)),
                    (A::Reject, To(S::Rejected)),
                    (A::Move, Step),
                ],
            ),
            (
                S::Received,
                vec![
                    (A::StartProcessing, To(S::Processing)),
                    (A::Reject, To(S::Rejected)),
                    (A::Centrifuge, Step),
                    (A::Aliquot, Step),
                    (A::Freeze, Step),
                    (A::Move, Step),
                ],
            ),
            (
                S::Processing,
                vec![
                    (A::MarkReady, To(S::Ready)),
                    (A::Reject, To(S::Rejected)),
                    (A::Centrifuge, Step),
                    (A::Aliquot, Step),
                    (A::Freeze, Step),
                    (A::Move, Step),
                ],
            ),
            (
                S::Ready,
                vec![
                    (A::StartAnalysis, To(S::InAnalysis)),
                    (A::Freeze, Step),
                    (A::Move, Step),
                ],
            ),
            (
                S::InAnalysis,
                vec![(A::Complete, To(S::Completed)), (A::Move, Step)],
            ),
            (
                S::Completed,
                vec![
                    (A::Store, To(S::Stored)),
                    (A::Dispose, To(S::Disposed)),
                    (A::Freeze, Step),
                    (A::Move, Step),
                ],
            ),
            (
                S::Stored,
                vec![
                    (A::Dispose, To(S::Disposed)),
                    (A::Freeze, Step),
                    (A::Move, Step),
                ],
            ),
            (S::Disposed, vec![]),
            (S::Rejected, vec![(A::Dispose, To(S::Disposed))]),
            (S::Cancelled, vec![]),
        ]
    }

    #[test]
    fn every_state_and_every_action_behave_as_the_table_says() {
        let table = expected();
        assert_eq!(
            table.len(),
            Status::ALL.len(),
            "every state is in the table"
        );
        let mut checked = 0;
        for (status, allowed_here) in &table {
            for &action in Action::ALL {
                let want = allowed_here
                    .iter()
                    .find(|(a, _)| *a == action)
                    .map(|(_, e)| *e);
                assert_eq!(apply(*status, action), want, "{status} × {action}");
                checked += 1;
            }
            let names: Vec<Action> = allowed_here.iter().map(|(a, _)| *a).collect();
            let mut listed = allowed(*status);
            listed.sort_by_key(|a| a.as_str());
            let mut want = names.clone();
            want.sort_by_key(|a| a.as_str());
            assert_eq!(listed, want, "allowed({status})");
        }
        assert_eq!(checked, Status::ALL.len() * Action::ALL.len());
    }

    #[test]
    fn the_main_line_leads_from_ordered_to_disposed() {
        let line = [
            (A::Collect, S::Collected),
            (A::Receive, S::Received),
            (A::StartProcessing, S::Processing),
            (A::MarkReady, S::Ready),
            (A::StartAnalysis, S::InAnalysis),
            (A::Complete, S::Completed),
            (A::Store, S::Stored),
            (A::Dispose, S::Disposed),
        ];
        let mut status = S::Ordered;
        for (action, next) in line {
            assert_eq!(apply(status, action), Some(To(next)));
            assert_eq!(next.rank(), status.rank().map(|r| r + 1));
            status = next;
        }
        assert!(allowed(status).is_empty(), "disposed is final");
    }

    #[test]
    fn scans_transition_once_then_report_already() {
        for &status in Status::ALL {
            for &action in Action::ALL {
                let outcome = scan(status, action);
                match apply(status, action) {
                    Some(To(to)) => assert_eq!(outcome, ScanOutcome::Transition(to)),
                    _ => {
                        let past = match (status.rank(), transition_target(action)) {
                            (Some(now), Some(to)) => to.rank().is_some_and(|t| now >= t),
                            _ => false,
                        };
                        let want = if past {
                            ScanOutcome::Already
                        } else {
                            ScanOutcome::Refused
                        };
                        assert_eq!(outcome, want, "{status} × {action}");
                    }
                }
            }
        }
        assert_eq!(scan(S::Received, A::Receive), ScanOutcome::Already);
        assert_eq!(scan(S::Stored, A::Receive), ScanOutcome::Already);
        assert_eq!(scan(S::Ordered, A::Receive), ScanOutcome::Refused);
        assert_eq!(scan(S::Rejected, A::Receive), ScanOutcome::Refused);
        assert_eq!(scan(S::Cancelled, A::Receive), ScanOutcome::Refused);
    }

    #[test]
    fn names_round_trip_and_unknown_names_list_the_choices() {
        for &s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Ok(s));
        }
        for &a in Action::ALL {
            assert_eq!(Action::parse(a.as_str()), Ok(a));
        }
        for &r in RejectionReason::ALL {
            assert_eq!(RejectionReason::parse(r.as_str()), Ok(r));
        }
        let err = Action::parse("teleport").unwrap_err();
        assert!(err.contains("collect") && err.contains("move"), "{err}");
    }
}
