//! A 999 applied: each AK1 finds our batch by its GS06, each AK2 its transaction set by ST02; an
//! accepted set (IK501 `A` or `E`) accepts its claims, a rejected one (`R`, `M`, `W`, `X`) rejects them
//! with the errors that fall in each claim's segments and the set's own codes. A group rejected without
//! naming a transaction set (AK9 only) rejects every claim of the batch.

use super::apply::{Run, Verdict};
use super::reasons::{claim_reasons_999, group_reasons, place_errors};
use super::sent::{self, SentBatch};
use crate::claims::acks::ImplementationAck;
use crate::claims::acks::TransactionResponse;
use crate::claims::lifecycle::Status;
use crate::db::DbConnection;
use crate::error::AppResult;

pub fn apply(conn: &mut DbConnection, run: &mut Run, sets: &[ImplementationAck]) -> AppResult<()> {
    for set in sets {
        let group = &set.group;
        let gs06 = group.group_control_number.as_str();
        let reference = format!("GS06 {gs06}");
        if group.functional_id != "HC" {
            let reason = format!(
                "acknowledges a {} functional group; we send only HC (claims)",
                group.functional_id
            );
            run.unmatched(reference, reason);
            continue;
        }
        let found = match gs06.parse::<i64>() {
            Ok(number) => sent::batch_by_group(conn, number)?,
            Err(_) => None,
        };
        let Some(batch) = found else {
            run.unmatched(
                reference,
                "no batch of ours was sent with this group control number",
            );
            continue;
        };
        run.ensure_sent(conn, &batch.id)?;
        if set.transactions.is_empty() {
            whole_group(conn, run, set, &batch)?;
        }
        for transaction in &set.transactions {
            apply_transaction(conn, run, &batch, gs06, transaction)?;
        }
    }
    Ok(())
}

/// AK1 .. AK9 with no AK2: the verdict is the group's, on every claim of the batch. A rejection (`R`,
/// `M`, `W`, `X`) rejects them all with the AK9's codes; an acceptance (`A`, `E`) accepts them all only
/// when AK904 counts every transaction set of the batch as accepted, since it names none of them.
fn whole_group(
    conn: &mut DbConnection,
    run: &mut Run,
    set: &ImplementationAck,
    batch: &SentBatch,
) -> AppResult<()> {
    let gs06 = &set.group.group_control_number;
    let response = &set.group_response;
    let claims = sent::claims_of_batch(conn, &batch.id)?;
    let mut transaction_sets: Vec<i64> = claims
        .iter()
        .map(|c| c.transaction_control_number)
        .collect();
    transaction_sets.dedup();
    let accepted_sets = usize::try_from(response.transaction_sets_accepted).unwrap_or(usize::MAX);
    let to = match response.code.code.as_str() {
        "A" | "E" if accepted_sets == transaction_sets.len() => Status::Accepted,
        "R" | "M" | "W" | "X" => Status::Rejected,
        code => {
            let verdict = match code {
                "A" | "E" => format!(
                    "accepted with AK904 {} of the batch's {} transaction sets",
                    response.transaction_sets_accepted,
                    transaction_sets.len()
                ),
                "P" => "partially accepted".to_owned(),
                other => format!("answered {other:?}"),
            };
            let reason =
                format!("the group is {verdict} but names no transaction set: nothing to apply");
            run.unmatched(format!("GS06 {gs06}"), reason);
            return Ok(());
        }
    };
    let reasons = match to {
        Status::Rejected => group_reasons(run.file_id(), gs06, response),
        _ => Vec::new(),
    };
    for claim in claims {
        let verdict = Verdict {
            to,
            reasons: reasons.clone(),
            payer_claim_number: None,
        };
        run.settle(conn, &claim, verdict)?;
    }
    Ok(())
}

fn apply_transaction(
    conn: &mut DbConnection,
    run: &mut Run,
    batch: &SentBatch,
    gs06: &str,
    transaction: &TransactionResponse,
) -> AppResult<()> {
    let st02 = transaction.control_number.as_str();
    let reference = format!("GS06 {gs06} ST02 {st02}");
    if transaction.transaction_set_id != "837" {
        let reason = format!(
            "acknowledges a {} transaction set; the batch holds only 837s",
            transaction.transaction_set_id
        );
        run.unmatched(reference, reason);
        return Ok(());
    }
    let claims = match st02.parse::<i64>() {
        Ok(number) => sent::claims_of_transaction(conn, &batch.id, number)?,
        Err(_) => Vec::new(),
    };
    if claims.is_empty() {
        run.unmatched(
            reference,
            "the batch has no transaction set with this control number",
        );
        return Ok(());
    }
    let to = if transaction.accepted() {
        Status::Accepted
    } else {
        Status::Rejected
    };
    let placed = place_errors(&transaction.segment_errors, &claims);
    for (claim, errors) in claims.iter().zip(placed) {
        let verdict = Verdict {
            to,
            reasons: claim_reasons_999(run.file_id(), transaction, &errors),
            payer_claim_number: None,
        };
        run.settle(conn, claim, verdict)?;
    }
    Ok(())
}
