//! TEMPORARY stand-in for `crate::claims::batches::mark_sent` until the batches module lands on main;
//! removed by the merge. Same signature shape: open → sent, its claims batched → sent; no-op when sent.

use diesel::prelude::*;

use super::sent;
use crate::audit::AuditActor;
use crate::claims::{Status, store, transition};
use crate::db::ids::ClaimBatchId;
use crate::db::schema::claim_batches as batches;
use crate::db::{DbConnection, from_utc, now};
use crate::error::AppResult;

pub fn mark_sent(conn: &mut DbConnection, actor: &AuditActor, id: &ClaimBatchId) -> AppResult<()> {
    let changed = diesel::update(batches::table.find(id.as_str()))
        .filter(batches::status.eq("open"))
        .set((
            batches::status.eq("sent"),
            batches::sent_by.eq(&actor.name),
            batches::sent_at.eq(from_utc(now())),
            batches::version.eq(batches::version + 1),
        ))
        .execute(conn)?;
    if changed == 0 {
        return Ok(());
    }
    for claim in sent::claims_of_batch(conn, id)? {
        let batched = store::find_summary(conn, &claim.claim_id)?
            .is_some_and(|c| c.status == Status::Batched);
        if batched {
            transition(
                conn,
                actor,
                &claim.claim_id,
                Status::Sent,
                Some("batch sent"),
            )?;
        }
    }
    Ok(())
}
