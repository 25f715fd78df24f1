//! How an encounter moves: open → coded → ready → billed. Going back is allowed until it is billed (a
//! coder reopens to fix); ready needs a clean scrub; billed is final here (a corrected claim belongs to
//! claims).

use super::model::Status;
use crate::error::AppError;

/// What a requested move needs before it happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// Already there: nothing changes.
    Stay,
    /// Allowed as is.
    Go,
    /// Allowed when the encounter codes something (a diagnosis and a line).
    GoIfCoded,
    /// Allowed when the scrubber finds no error.
    GoIfClean,
}

pub fn billed() -> AppError {
    AppError::conflict(
        "encounter_billed",
        "the encounter is billed and can no longer change; correct it through its claim",
    )
}

pub fn plan(from: Status, to: Status) -> Result<Move, AppError> {
    use Status::*;
    match (from, to) {
        (Billed, _) => Err(billed()),
        (a, b) if a == b => Ok(Move::Stay),
        (_, Open) => Ok(Move::Go),
        (_, Coded) => Ok(Move::GoIfCoded),
        (_, Ready) => Ok(Move::GoIfClean),
        (Ready, Billed) => Ok(Move::Go),
        (_, Billed) => Err(AppError::conflict(
            "invalid_transition",
            "only a ready encounter can be billed",
        )),
    }
}

/// The status an edit leaves: a ready encounter must be scrubbed again, so it falls back to coded.
pub fn after_edit(from: Status) -> Result<Status, AppError> {
    match from {
        Status::Billed => Err(billed()),
        Status::Ready => Ok(Status::Coded),
        other => Ok(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    #[test]
    fn every_move_from_every_status_is_planned() {
        let all = [Open, Coded, Ready, Billed];
        for from in all {
            for to in all {
                let planned = plan(from, to);
                let expected = match (from, to) {
                    (Billed, _) => None,
                    _ if from == to => Some(Move::Stay),
                    (_, Open) => Some(Move::Go),
                    (_, Coded) => Some(Move::GoIfCoded),
                    (_, Ready) => Some(Move::GoIfClean),
                    (Ready, Billed) => Some(Move::Go),
                    _ => None,
                };
                assert_eq!(planned.ok(), expected, "{from:?} -> {to:?}");
            }
        }
    }

    #[test]
    fn editing_a_ready_encounter_sends_it_back_to_coded_and_a_billed_one_is_refused() {
        assert_eq!(after_edit(Ready).unwrap(), Coded);
        assert_eq!(after_edit(Open).unwrap(), Open);
        assert_eq!(after_edit(Coded).unwrap(), Coded);
        assert_eq!(after_edit(Billed).unwrap_err().code(), "encounter_billed");
    }
}
