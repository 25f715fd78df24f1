//! Writes a batch of claims as one interchange with one functional group: one transaction set per
//! billing provider NPI and payer id ([`ClaimSnapshot::group_key`]), split so that none holds more than
//! 5,000 claims, and reports where each claim went (ST02 and its segments) so that a 999 or 277CA can be
//! traced back to claims.

use std::collections::HashMap;
use std::ops::RangeInclusive;

use chrono::NaiveDateTime;

use super::claim::write_claim;
use super::error::{ClaimRef, X837Error};
use super::header::{group_header, interchange_header, write_transaction_header};
use super::lines::write_lines;
use super::other_payers::write_other_payers;
use super::parties::{HlNumbers, write_billing_provider, write_subscriber_and_patient};
use super::sink::Sink;
use super::validate::check_claim;
use crate::claims::partner::{ControlNumbers, PartnerSettings};
use crate::claims::snapshot::ClaimSnapshot;
use crate::x12::{TransactionControlNumber, WriterOptions};

/// The guide's limit of claims (2300 loops) in one transaction set.
pub const MAX_CLAIMS_PER_TRANSACTION: usize = 5000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchOptions {
    /// BHT03: our reference for the batch (1 to 50 characters), echoed by acknowledgements.
    pub batch_reference: String,
    /// Separators and line breaks.
    pub writer: WriterOptions,
    /// Claims per transaction set, at most (and by default) 5,000; some clearinghouses want fewer.
    pub max_claims_per_transaction: usize,
}

impl BatchOptions {
    pub fn new(batch_reference: impl Into<String>) -> Self {
        BatchOptions {
            batch_reference: batch_reference.into(),
            writer: WriterOptions::default(),
            max_claims_per_transaction: MAX_CLAIMS_PER_TRANSACTION,
        }
    }
}

/// A written file and where each claim is in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    pub text: String,
    /// One per claim, in the order the claims were given.
    pub placements: Vec<ClaimPlacement>,
    /// ST02 of each transaction set, in file order.
    pub transaction_control_numbers: Vec<String>,
}

/// Where one claim went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimPlacement {
    pub claim: ClaimRef,
    /// ST02 of its transaction set.
    pub transaction_control_number: String,
    /// Its place among the claims of that transaction set, from 1.
    pub position_in_transaction: usize,
    /// Its segments (2000B HL to its last 2400 segment), counted from ST = 1 as a 999's IK302 counts.
    pub segments: RangeInclusive<usize>,
}

/// Writes `claims` as one 837P interchange. Refuses the whole batch at the first claim that cannot be
/// written; the error names that claim (CLM01 and index) and loop, so the caller can hold it back.
pub fn write_batch(
    settings: &PartnerSettings,
    numbers: ControlNumbers,
    created: NaiveDateTime,
    claims: &[ClaimSnapshot],
    options: &BatchOptions,
) -> Result<Batch, X837Error> {
    if claims.is_empty() {
        return Err(X837Error::NoClaims);
    }
    if !(1..=50).contains(&options.batch_reference.len()) {
        return Err(X837Error::Settings {
            place: "BHT03",
            problem: "the batch reference must be 1 to 50 characters".into(),
        });
    }
    let isa = interchange_header(settings, numbers, created)?;
    let mut sink = Sink::begin(options.writer, &isa)?;
    sink.begin_group(&group_header(settings, numbers, created)?)?;
    let mut placements = Vec::with_capacity(claims.len());
    let mut transaction_control_numbers = Vec::new();
    let per_transaction = options
        .max_claims_per_transaction
        .clamp(1, MAX_CLAIMS_PER_TRANSACTION);
    for (offset, members) in plan(claims, per_transaction).iter().enumerate() {
        let control = transaction_control_number(numbers.first_transaction, offset)?;
        transaction_control_numbers.push(control.to_string());
        let written = write_transaction(
            &mut sink, settings, created, claims, members, options, &control,
        )?;
        placements.extend(written);
    }
    placements.sort_by_key(|placement| placement.claim.index);
    Ok(Batch {
        text: sink.finish()?,
        placements,
        transaction_control_numbers,
    })
}

/// How many transaction sets `write_batch` will write for these claims, so that the caller can reserve
/// their control numbers before writing.
pub fn transaction_count(claims: &[ClaimSnapshot], options: &BatchOptions) -> usize {
    let per_transaction = options
        .max_claims_per_transaction
        .clamp(1, MAX_CLAIMS_PER_TRANSACTION);
    plan(claims, per_transaction).len()
}

/// ST02 of the `offset`-th transaction set.
fn transaction_control_number(
    first: u32,
    offset: usize,
) -> Result<TransactionControlNumber, X837Error> {
    u32::try_from(offset)
        .ok()
        .and_then(|offset| first.checked_add(offset))
        .and_then(|value| TransactionControlNumber::from_number(value).ok())
        .ok_or(X837Error::ControlNumbersExhausted { last: first })
}

/// Claim indices per transaction set: groups by billing provider NPI and payer id in order of first
/// appearance; within a group, claims with the same billing provider details together (one 2000A each);
/// then chunks of at most `per_transaction`.
fn plan(claims: &[ClaimSnapshot], per_transaction: usize) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut group_of: HashMap<(&str, &str), usize> = HashMap::new();
    for (index, claim) in claims.iter().enumerate() {
        let next = groups.len();
        let group = *group_of.entry(claim.group_key()).or_insert(next);
        if group == next {
            groups.push(Vec::new());
        }
        groups[group].push(index);
    }
    let mut sets = Vec::new();
    for members in groups {
        let mut blocks: Vec<Vec<usize>> = Vec::new();
        for member in members {
            let block = blocks
                .iter_mut()
                .find(|block| same_billing_block(&claims[block[0]], &claims[member]));
            match block {
                Some(block) => block.push(member),
                None => blocks.push(vec![member]),
            }
        }
        let ordered = blocks.concat();
        sets.extend(ordered.chunks(per_transaction).map(<[usize]>::to_vec));
    }
    sets
}

/// Whether two claims share one 2000A (same billing provider details and pay-to address).
fn same_billing_block(a: &ClaimSnapshot, b: &ClaimSnapshot) -> bool {
    a.billing_provider == b.billing_provider && a.pay_to == b.pay_to
}

fn write_transaction(
    sink: &mut Sink,
    settings: &PartnerSettings,
    created: NaiveDateTime,
    claims: &[ClaimSnapshot],
    members: &[usize],
    options: &BatchOptions,
    control: &TransactionControlNumber,
) -> Result<Vec<ClaimPlacement>, X837Error> {
    sink.begin_transaction(control.clone())?;
    let fallback_phone = members
        .first()
        .and_then(|&i| claims[i].billing_provider.contact_phone.as_deref());
    write_transaction_header(
        sink,
        settings,
        &options.batch_reference,
        created,
        fallback_phone,
    )?;
    let mut hl_numbers = HlNumbers::default();
    let mut billing: Option<(usize, usize)> = None; // (claim index that opened it, its HL number)
    let mut placements = Vec::with_capacity(members.len());
    for (position, &index) in (1..).zip(members) {
        let snapshot = &claims[index];
        sink.set_claim(index, &snapshot.claim.claim_number);
        if let Err((loop_id, problem)) = check_claim(snapshot) {
            return Err(sink.invalid(loop_id, problem));
        }
        let billing_hl = match billing {
            Some((opener, hl)) if same_billing_block(&claims[opener], snapshot) => hl,
            _ => {
                let hl = write_billing_provider(sink, &mut hl_numbers, snapshot)?;
                billing = Some((index, hl));
                hl
            }
        };
        let first_segment = sink.position() + 1;
        write_subscriber_and_patient(sink, &mut hl_numbers, billing_hl, snapshot)?;
        write_claim(sink, snapshot)?;
        write_other_payers(sink, &snapshot.other_payers, &snapshot.claim.consents)?;
        write_lines(sink, snapshot)?;
        placements.push(ClaimPlacement {
            claim: ClaimRef {
                index,
                claim_number: snapshot.claim.claim_number.clone(),
            },
            transaction_control_number: control.to_string(),
            position_in_transaction: position,
            segments: first_segment..=sink.position(),
        });
    }
    sink.end_transaction()?;
    Ok(placements)
}
