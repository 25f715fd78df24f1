//! One 835 file in: read and checked at the edge, recorded once, then its claims posted, each marked
//! done in the transaction that posts it (a group's or its own), so a crash between two claims leaves
//! whole claims posted and importing the file again posts only the claims not yet done.

use std::collections::HashSet;

use chrono::NaiveDate;

use super::apply::{Context, Step, post_claim};
use super::group::{self, Item};
use super::model::{Outcome, PaymentSummary, Unmatched};
use super::provider_adjustments;
use super::store::{self, ClaimMark, NewFile};
use crate::audit::{self, Audit, AuditActor};
use crate::coding::codesets::Snapshot;
use crate::db::ids::RemittanceId;
use crate::db::{DbConnection, write_transaction};
use crate::error::{AppError, AppResult, FieldError};
use crate::money::to_cents;
use crate::remittance::{
    ClaimPayment, Imbalance, Remittance, Subject, balance, fingerprint, read_835,
};

pub const RESOURCE: &str = "remittance";

/// An 835 that reads and balances.
pub struct EraFile {
    sha256: String,
    content: String,
    remittances: Vec<Remittance>,
}

fn describe(imbalance: &Imbalance) -> String {
    let subject = match &imbalance.subject {
        Subject::Payment { trace } => format!("payment {trace}"),
        Subject::Claim { claim_id } => format!("claim {claim_id}"),
        Subject::Line {
            claim_id,
            line_id,
            line_number,
        } => match line_id {
            Some(id) => format!("claim {claim_id} line {id}"),
            None => format!("claim {claim_id} line {line_number}"),
        },
    };
    format!(
        "{subject} does not balance ({}): expected {}, found {} (segment {})",
        imbalance.rule, imbalance.expected, imbalance.found, imbalance.position.segment
    )
}

impl EraFile {
    /// Reads the file: 422 naming `file` when it does not read, or when it does not balance (every
    /// finding listed; nothing is posted from a file whose amounts do not add up).
    pub fn read(bytes: Vec<u8>) -> AppResult<EraFile> {
        let remittances = read_835(&bytes).map_err(|e| AppError::invalid("file", e.to_string()))?;
        let findings: Vec<FieldError> = remittances
            .iter()
            .flat_map(balance::check)
            .map(|imbalance| FieldError::new("file", describe(&imbalance)))
            .collect();
        if !findings.is_empty() {
            return Err(AppError::Validation(findings));
        }
        Ok(EraFile {
            sha256: fingerprint(&bytes),
            content: String::from_utf8_lossy(&bytes).into_owned(),
            remittances,
        })
    }

    fn payment_key(&self) -> String {
        self.remittances
            .iter()
            .map(|r| {
                let (payer, trace, amount) = r.payment_key();
                format!("{payer}|{trace}|{}", amount.normalize())
            })
            .collect::<Vec<_>>()
            .join(";")
    }

    /// The CLM01s the file names more than once (a reversal and its re-adjudication, say): their CLPs
    /// post one by one, in file order.
    fn repeated_clm01s(&self) -> HashSet<&str> {
        let mut seen = HashSet::new();
        self.claims()
            .map(|(_, _, clp)| clp.claim_id.as_str())
            .filter(|clm01| !seen.insert(*clm01))
            .collect()
    }

    fn items(&self) -> impl Iterator<Item = Item<'_>> {
        self.claims()
            .map(|(index, date, clp)| Item { index, date, clp })
    }

    fn claims(&self) -> impl Iterator<Item = (i32, NaiveDate, &ClaimPayment)> {
        self.remittances
            .iter()
            .flat_map(|r| r.claims.iter().map(move |c| (r.payment.date, c)))
            .enumerate()
            .map(|(i, (date, c))| (i32::try_from(i).unwrap_or(i32::MAX), date, c))
    }

    /// Each PLB item with its payment date and mark index.
    fn provider_adjustments(
        &self,
    ) -> Vec<(
        NaiveDate,
        i32,
        &crate::remittance::ProviderAdjustment,
        &crate::remittance::ProviderAdjustmentItem,
    )> {
        let dates = self.remittances.iter().flat_map(|r| {
            r.provider_adjustments
                .iter()
                .flat_map(move |plb| plb.items.iter().map(move |_| r.payment.date))
        });
        let plbs = self
            .remittances
            .iter()
            .flat_map(|r| &r.provider_adjustments);
        dates
            .zip(provider_adjustments::indexed(plbs))
            .map(|(date, (index, plb, item))| (date, index, plb, item))
            .collect()
    }

    fn payments(&self) -> Vec<PaymentSummary> {
        self.remittances
            .iter()
            .map(|r| PaymentSummary {
                payer_id: r.trace.originator_id.clone(),
                trace_number: r.trace.number.clone(),
                amount: r.payment.amount,
                method: r.payment.method.clone(),
            })
            .collect()
    }
}

/// Imports the file (or, with `dry_run`, says what importing it would post, posting nothing).
pub fn import(
    conn: &mut DbConnection,
    actor: &AuditActor,
    codes: &Snapshot,
    file: &EraFile,
    dry_run: bool,
) -> AppResult<Outcome> {
    let key = file.payment_key();
    let mut outcome = Outcome {
        sha256: file.sha256.clone(),
        dry_run,
        payments: file.payments(),
        ..Outcome::default()
    };
    if dry_run {
        if let Some((id, _)) = store::existing(conn, &file.sha256, &key)? {
            outcome.id = Some(id.to_string());
            outcome.duplicate = true;
            return Ok(outcome);
        }
        let repeated = file.repeated_clm01s();
        let items: Vec<Item> = file.items().collect();
        for items in items.chunks(group::GROUP) {
            let plan = group::plan(conn, actor, codes, None, items, &repeated)?;
            let mut results: Vec<(i32, Step)> = plan.set.iter().map(|p| p.would_post()).collect();
            for item in plan.one_by_one {
                let ctx = context(actor, codes, None, item.date, true);
                results.push((item.index, post_claim(conn, &ctx, item.index, item.clp)?));
            }
            results.sort_by_key(|(index, _)| *index);
            for (_, step) in results {
                record(&mut outcome, step);
            }
        }
        for (date, index, plb, item) in file.provider_adjustments() {
            let posted = provider_adjustments::post(conn, actor, None, date, index, plb, item)?;
            outcome.provider_adjustments.push(posted);
        }
        return Ok(outcome);
    }
    // One import of a payment at a time: a second one waits, then finds the file completed and says so.
    crate::db::one_at_a_time(conn, lock_key(&key), |conn| {
        post_file(conn, actor, codes, file, &key, outcome)
    })
}

/// The import lock's key for a payment key: the first 60 bits of its SHA-256.
fn lock_key(payment_key: &str) -> i64 {
    let digest = crate::remittance::fingerprint(payment_key.as_bytes());
    i64::from_str_radix(&digest[..15], 16).unwrap_or_default()
}

/// Records the file (or finds it), posts what is not done yet and completes it.
fn post_file(
    conn: &mut DbConnection,
    actor: &AuditActor,
    codes: &Snapshot,
    file: &EraFile,
    key: &str,
    mut outcome: Outcome,
) -> AppResult<Outcome> {
    let (id, completed) = write_transaction(conn, |conn| reserve(conn, actor, file, key))?;
    if completed {
        let mut earlier = store::outcome(conn, &id)?.unwrap_or_default();
        earlier.duplicate = true;
        earlier.id = Some(id.to_string());
        return Ok(earlier);
    }
    outcome.id = Some(id.to_string());
    let done = store::done_indexes(conn, &id)?;
    // The claims' commits do not wait for the disk; `complete` below does, which flushes them all.
    crate::db::deferring_flush(conn, |conn| {
        post_claims(conn, actor, codes, file, &id, &done, &mut outcome)
    })?;
    write_transaction(conn, |conn| -> AppResult<()> {
        Ok(store::complete(conn, &id, &outcome)?)
    })?;
    Ok(outcome)
}

/// Posts each CLP not done yet (`done` is sorted), a group at a time (see `group`): the group's common
/// cases in one transaction, the rest each in its own; then the PLB items, each in its own. Records what
/// each came to in `outcome`, in file order.
fn post_claims(
    conn: &mut DbConnection,
    actor: &AuditActor,
    codes: &Snapshot,
    file: &EraFile,
    id: &RemittanceId,
    done: &[i32],
    outcome: &mut Outcome,
) -> AppResult<()> {
    let repeated = file.repeated_clm01s();
    let mut pending = Vec::new();
    for item in file.items() {
        if done.binary_search(&item.index).is_ok() {
            outcome.already_done.push(item.index);
        } else {
            pending.push(item);
        }
    }
    for items in pending.chunks(group::GROUP) {
        // Read and written in one transaction, so what the plan read is what the group writes over.
        let grouped = write_transaction(conn, |conn| -> AppResult<_> {
            let plan = group::plan(conn, actor, codes, Some(id), items, &repeated)?;
            let steps = match plan.set.is_empty() {
                true => Vec::new(),
                false => group::write(conn, actor, id, &plan.set)?,
            };
            Ok((steps, plan.one_by_one))
        });
        let (steps, one_by_one) = match grouped {
            Ok(done) => done,
            // Rolled back whole: each CLP of the group is posted, or refused, on its own.
            Err(error) => {
                tracing::info!(%error, "835 group rolled back; its claims post one by one");
                (Vec::new(), items.to_vec())
            }
        };
        let mut results: Vec<(i32, Option<Step>)> = Vec::with_capacity(items.len());
        results.extend(steps.into_iter().map(|(i, step)| (i, Some(step))));
        for item in one_by_one {
            results.push((item.index, post_one(conn, actor, codes, id, item)?));
        }
        results.sort_by_key(|(index, _)| *index);
        for (index, result) in results {
            match result {
                Some(step) => record(outcome, step),
                None => outcome.already_done.push(index),
            }
        }
    }
    outcome.already_done.sort_unstable();
    for (date, index, plb, item) in file.provider_adjustments() {
        if done.binary_search(&index).is_ok() {
            outcome.already_done.push(index);
            continue;
        }
        let posted = write_transaction(conn, |conn| {
            let posted =
                provider_adjustments::post(conn, actor, Some(id.as_str()), date, index, plb, item)?;
            let detail = format!("PLB {} {}", posted.reason, posted.treatment);
            mark_done(conn, id, index, &format!("PLB {}", item.reason), &detail)?;
            Ok(posted)
        });
        match attempt(posted)? {
            Attempt::Done(posted) => outcome.provider_adjustments.push(posted),
            Attempt::AlreadyDone => outcome.already_done.push(index),
            Attempt::Refused(reason) => {
                let item = Unmatched {
                    clp_index: index,
                    clp01: format!("PLB {}", item.reason),
                    line_id: None,
                    reason,
                };
                write_transaction(conn, |conn| -> AppResult<()> {
                    mark_done(conn, id, index, &item.clp01, &item.reason)?;
                    Ok(store::queue(conn, id, &item)?)
                })?;
                outcome.unmatched.push(item);
            }
        }
    }
    Ok(())
}

/// Posts one CLP in its own transaction: what it came to, or none when an earlier import did it.
fn post_one(
    conn: &mut DbConnection,
    actor: &AuditActor,
    codes: &Snapshot,
    id: &RemittanceId,
    item: Item,
) -> AppResult<Option<Step>> {
    let (index, clp) = (item.index, item.clp);
    let ctx = context(actor, codes, Some(id.as_str()), item.date, false);
    let step = write_transaction(conn, |conn| post_and_mark(conn, &ctx, id, index, clp));
    Ok(match attempt(step)? {
        Attempt::Done(step) => Some(step),
        Attempt::AlreadyDone => None,
        Attempt::Refused(reason) => {
            let step = unmatched_step(index, clp, reason);
            Some(write_transaction(conn, |conn| {
                mark(conn, id, index, clp, step)
            })?)
        }
    })
}

/// What became of one item's own transaction.
enum Attempt<T> {
    Done(T),
    /// An earlier import of the file posted it (`already_posted`).
    AlreadyDone,
    /// A rule refused it (a closed period, a claim moved meanwhile): queued with this reason.
    Refused(String),
}

/// Sorts an item's result; any other error stops the import (what is done so far stays done).
fn attempt<T>(result: AppResult<T>) -> AppResult<Attempt<T>> {
    match result {
        Ok(value) => Ok(Attempt::Done(value)),
        Err(AppError::Conflict {
            code: "already_posted",
            ..
        }) => Ok(Attempt::AlreadyDone),
        Err(
            e @ (AppError::Validation(_)
            | AppError::Conflict { .. }
            | AppError::ConflictWith { .. }
            | AppError::NotAllowedInState { .. }),
        ) => Ok(Attempt::Refused(format!("not posted: {e}"))),
        Err(e) => Err(e),
    }
}

/// Marks a PLB item done in its transaction (`already_posted` when an earlier import did).
fn mark_done(
    conn: &mut DbConnection,
    id: &RemittanceId,
    index: i32,
    label: &str,
    detail: &str,
) -> AppResult<()> {
    let mark = ClaimMark {
        file_id: id,
        clp_index: index,
        clp01: label,
        claim: None,
        result: "posted",
        detail,
    };
    if !store::mark_claim(conn, &mark)? {
        return Err(AppError::conflict(
            "already_posted",
            format!("PLB item {index} of this file is already posted"),
        ));
    }
    Ok(())
}

fn context<'a>(
    actor: &'a AuditActor,
    codes: &'a Snapshot,
    file_id: Option<&'a str>,
    payment_date: NaiveDate,
    dry_run: bool,
) -> Context<'a> {
    Context {
        actor,
        codes,
        file_id,
        payment_date,
        dry_run,
    }
}

fn record(outcome: &mut Outcome, step: Step) {
    match step {
        Step::Posted(claim, misses) => {
            outcome.claims.push(*claim);
            outcome.unmatched.extend(misses);
        }
        Step::Unmatched(items) => outcome.unmatched.extend(items),
    }
}

fn unmatched_step(index: i32, clp: &ClaimPayment, reason: String) -> Step {
    Step::Unmatched(vec![Unmatched {
        clp_index: index,
        clp01: clp.claim_id.clone(),
        line_id: None,
        reason,
    }])
}

/// The file's row: the existing one (with whether it is completed) or a new one.
fn reserve(
    conn: &mut DbConnection,
    actor: &AuditActor,
    file: &EraFile,
    key: &str,
) -> AppResult<(RemittanceId, bool)> {
    if let Some(found) = store::existing(conn, &file.sha256, key)? {
        return Ok(found);
    }
    let id = RemittanceId::generate();
    let first = file.remittances.first();
    let amount = file
        .remittances
        .iter()
        .map(|r| r.payment.signed_amount())
        .sum();
    let new = NewFile {
        id: &id,
        sha256: &file.sha256,
        payment_key: key,
        payer_id: first.map_or("", |r| r.trace.originator_id.as_str()),
        trace_number: first.map_or("", |r| r.trace.number.as_str()),
        amount_cents: to_cents(amount).map_err(|e| AppError::invalid("file", e))?,
        payment_date: first.map_or(NaiveDate::default(), |r| r.payment.date),
        claim_count: i32::try_from(file.claims().count()).unwrap_or(i32::MAX),
        content: &file.content,
        received_by: &actor.name,
    };
    if !store::reserve(conn, &new)? {
        // Another import of the same file or payment committed first.
        return store::existing(conn, &file.sha256, key)?
            .ok_or_else(|| AppError::conflict("import_in_progress", "import the file again"));
    }
    audit::record(
        conn,
        actor,
        Audit::new("import", RESOURCE, &id).detail(format!("{} claims", new.claim_count)),
    )?;
    Ok((id, false))
}

fn post_and_mark(
    conn: &mut DbConnection,
    ctx: &Context,
    id: &RemittanceId,
    index: i32,
    clp: &ClaimPayment,
) -> AppResult<Step> {
    let step = post_claim(conn, ctx, index, clp)?;
    mark(conn, id, index, clp, step)
}

/// Records that the CLP is done (and queues what did not match), in the claim's transaction; an
/// earlier import having done it rolls this one back (`already_posted`).
fn mark(
    conn: &mut DbConnection,
    id: &RemittanceId,
    index: i32,
    clp: &ClaimPayment,
    step: Step,
) -> AppResult<Step> {
    let (claim, result, misses) = match &step {
        Step::Posted(posted, misses) => (Some(posted), "posted", misses),
        Step::Unmatched(items) => (None, "unmatched", items),
    };
    let claim_id = claim.map(|p| crate::db::ids::ClaimId::from_stored(p.claim_id.clone()));
    let detail = match (claim, misses.first()) {
        (Some(p), _) => format!("{} -> {}", p.status_before, p.status_after),
        (None, Some(item)) => item.reason.clone(),
        (None, None) => String::new(),
    };
    let mark = ClaimMark {
        file_id: id,
        clp_index: index,
        clp01: &clp.claim_id,
        claim: claim
            .zip(claim_id.as_ref())
            .map(|(p, cid)| (cid, p.claim_version, p.matched_by.as_str())),
        result,
        detail: &detail,
    };
    if !store::mark_claim(conn, &mark)? {
        return Err(AppError::conflict(
            "already_posted",
            format!("CLP {index} of this file is already posted"),
        ));
    }
    for item in misses {
        store::queue(conn, id, item)?;
    }
    Ok(step)
}
