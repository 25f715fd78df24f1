//! Reads one 277CA claim acknowledgement (005010X214) transaction set: the HL hierarchy (20 information
//! source, 21 information receiver, 19 billing provider, PT patient/claim) and for each claim our CLM01
//! (TRN*2), every STC status with its codes described, the payer's claim number (REF*1K), the
//! clearinghouse trace (REF*D9), the service dates (DTP*472), the patient (NM1*QC) and any service lines
//! (SVC with their own STC, REF*FJ, DTP*472). Each claim gets an [`ClaimOutcome`] from its categories.
//!
//! Counts and totals (QTY, AMT) and other REF/DTP qualifiers are skipped; a segment a 277CA does not
//! have is an error.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::codes::{self, Code};
use super::error::AckError;
use super::fields::{
    date, malformed, non_empty, optional, optional_amount, optional_date, required,
};
use super::input::{SetEnvelope, TransactionSet};
use crate::x12::{Position, SegmentRef};

/// One 277CA transaction set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimAcknowledgement {
    /// The 277CA's own envelope.
    pub envelope: SetEnvelope,
    /// BHT03, the originator's reference for this acknowledgement.
    pub reference: String,
    /// BHT04.
    pub created: Option<NaiveDate>,
    /// The HL levels above the claims (20, 21, 19), in file order, with their batch-level statuses.
    pub levels: Vec<Level>,
    /// The PT levels: one per claim acknowledged.
    pub claims: Vec<ClaimStatus>,
}

/// An HL level above the claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Level {
    /// HL01 and HL02.
    pub id: String,
    pub parent_id: Option<String>,
    /// HL03.
    pub kind: LevelKind,
    /// NM1.
    pub party: Option<Party>,
    /// TRN02 (the receiver level's TRN*2 is the batch reference the submitter gave).
    pub trace: Option<String>,
    pub statuses: Vec<StatusInfo>,
    #[serde(serialize_with = "super::serialize_position")]
    pub position: Position,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LevelKind {
    /// HL03 `20`: the payer or clearinghouse answering.
    InformationSource,
    /// HL03 `21`: the submitter (us).
    InformationReceiver,
    /// HL03 `19`: a billing provider of ours.
    BillingProvider,
    /// Any other HL03, as written.
    Other(String),
}

/// A claim as acknowledged (HL03 `PT`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimStatus {
    /// HL01 and HL02 (the billing provider level).
    pub hl_id: String,
    pub parent_id: Option<String>,
    /// TRN02 of the TRN*2: our CLM01 (`C260000123`, `C260000123-2` for a later version).
    pub claim_reference: String,
    /// NM1*QC.
    pub patient: Option<Party>,
    /// Every status (STC01, STC10, STC11 of every STC) at claim level.
    pub statuses: Vec<StatusInfo>,
    /// What the categories add up to.
    pub outcome: ClaimOutcome,
    /// REF*1K: the payer's claim control number.
    pub payer_claim_number: Option<String>,
    /// REF*D9: the clearinghouse's trace number.
    pub clearinghouse_trace: Option<String>,
    /// DTP*472.
    pub service_dates: Option<ServiceDates>,
    /// SVC loops: lines the payer reports on separately.
    pub lines: Vec<LineStatus>,
    #[serde(serialize_with = "super::serialize_position")]
    pub position: Position,
}

/// A service line reported on (SVC with its STC, REF*FJ, DTP*472).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineStatus {
    /// SVC01 as written (`HC:85025`).
    pub procedure: String,
    /// SVC02.
    pub charge: Option<Decimal>,
    /// REF*FJ: our line item control number (REF*6R in the 837P).
    pub line_item_control_number: Option<String>,
    pub statuses: Vec<StatusInfo>,
    pub service_dates: Option<ServiceDates>,
    #[serde(serialize_with = "super::serialize_position")]
    pub position: Position,
}

/// NM1: who a level is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Party {
    /// NM101, e.g. `QC` patient, `85` billing provider.
    pub entity: String,
    /// NM103, NM104, NM105.
    pub last_or_organization: String,
    pub first: Option<String>,
    pub middle: Option<String>,
    /// NM108 and NM109, e.g. `MI` and the member id.
    pub id_qualifier: Option<String>,
    pub id: Option<String>,
}

/// One status: an STC01, STC10 or STC11 composite with the STC's date, action, amount and message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusInfo {
    /// Which STC element the composite came from: 1, 10 or 11.
    pub element: u8,
    /// Composite component 1: the category (`A2`, `A7`).
    pub category: Code,
    /// Component 2: the status (`20`, `562`).
    pub status: Code,
    /// Component 3: whose data the status is about (`85` billing provider).
    pub entity: Option<Code>,
    /// STC02.
    pub date: Option<NaiveDate>,
    /// STC03: `WQ` accept, `U` reject.
    pub action: Option<Code>,
    /// STC04: the charge the status applies to.
    pub amount: Option<Decimal>,
    /// STC12: free text.
    pub message: Option<String>,
    #[serde(serialize_with = "super::serialize_position")]
    pub position: Position,
}

impl StatusInfo {
    /// `A7 (Acknowledgement/Rejected for Invalid Information…) / 562 (Entity's NPI) / 85 (Billing
    /// Provider)`: what a biller reads.
    pub fn describe(&self) -> String {
        let mut text = format!("{} / {}", self.category.label(), self.status.label());
        if let Some(entity) = &self.entity {
            text.push_str(&format!(" / {}", entity.label()));
        }
        text
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ServiceDates {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// What a claim's status categories mean for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimOutcome {
    /// A2, A5: accepted into the payer's adjudication system.
    Accepted,
    /// A3, A4, A6, A7, A8 (and E0, E3, E4, which ask for a correction): not in the adjudication
    /// system; the statuses say what to fix.
    Rejected,
    /// A0, A1: received or forwarded, not yet accepted; another acknowledgement should follow.
    Received,
    /// Anything else (E1/E2 system unavailable, categories a 277CA should not carry): a person looks.
    NeedsReview,
}

/// The outcome one category code stands for.
pub fn classify(category: &str) -> ClaimOutcome {
    match category {
        "A2" | "A5" => ClaimOutcome::Accepted,
        "A3" | "A4" | "A6" | "A7" | "A8" | "E0" | "E3" | "E4" => ClaimOutcome::Rejected,
        "A0" | "A1" => ClaimOutcome::Received,
        _ => ClaimOutcome::NeedsReview,
    }
}

/// A rejection anywhere wins (a biller must see it), then acceptance, then receipt.
fn outcome_of(statuses: &[StatusInfo]) -> ClaimOutcome {
    let outcomes: Vec<ClaimOutcome> = statuses
        .iter()
        .map(|status| classify(&status.category.code))
        .collect();
    [
        ClaimOutcome::Rejected,
        ClaimOutcome::Accepted,
        ClaimOutcome::Received,
    ]
    .into_iter()
    .find(|outcome| outcomes.contains(outcome))
    .unwrap_or(ClaimOutcome::NeedsReview)
}

/// Segments a 277CA may carry that nothing here needs.
const SKIPPED: [&str; 2] = ["QTY", "AMT"];

/// Where the walk is: which level (or claim, or line) the next segment belongs to.
enum Current {
    Start,
    Level(Level),
    Claim(ClaimStatus),
}

/// Reads one 277CA transaction set.
pub(crate) fn read(set: TransactionSet<'_>) -> Result<ClaimAcknowledgement, AckError> {
    let mut body = set.body.iter();
    let (reference, created) = match body.next() {
        Some(bht) if bht.id() == "BHT" => (required(bht, 3)?.to_string(), optional_date(bht, 4)?),
        Some(other) => return Err(malformed(other, 0, "a 277CA starts with BHT")),
        None => return Err(AckError::malformed(set.end, "SE", "the 277CA has no BHT")),
    };
    let mut levels = Vec::new();
    let mut claims = Vec::new();
    let mut current = Current::Start;
    for segment in body {
        if segment.id() == "HL" {
            close(current, &mut levels, &mut claims)?;
            current = open(segment)?;
            continue;
        }
        match &mut current {
            Current::Start => return Err(malformed(segment, 0, "comes before the first HL")),
            Current::Level(level) => level_segment(level, segment)?,
            Current::Claim(claim) => claim_segment(claim, segment)?,
        }
    }
    close(current, &mut levels, &mut claims)?;
    if claims.is_empty() && levels.is_empty() {
        return Err(AckError::malformed(set.end, "SE", "the 277CA has no HL"));
    }
    Ok(ClaimAcknowledgement {
        envelope: set.envelope,
        reference,
        created,
        levels,
        claims,
    })
}

fn open(hl: &SegmentRef<'_>) -> Result<Current, AckError> {
    let id = required(hl, 1)?.to_string();
    let parent_id = optional(hl, 2);
    let kind = match required(hl, 3)? {
        "PT" => {
            return Ok(Current::Claim(ClaimStatus {
                hl_id: id,
                parent_id,
                claim_reference: String::new(),
                patient: None,
                statuses: Vec::new(),
                outcome: ClaimOutcome::NeedsReview,
                payer_claim_number: None,
                clearinghouse_trace: None,
                service_dates: None,
                lines: Vec::new(),
                position: hl.position(),
            }));
        }
        "20" => LevelKind::InformationSource,
        "21" => LevelKind::InformationReceiver,
        "19" => LevelKind::BillingProvider,
        other => LevelKind::Other(other.to_string()),
    };
    Ok(Current::Level(Level {
        id,
        parent_id,
        kind,
        party: None,
        trace: None,
        statuses: Vec::new(),
        position: hl.position(),
    }))
}

/// Files what the walk was in; a claim must name itself (TRN*2) and carry a status.
fn close(
    current: Current,
    levels: &mut Vec<Level>,
    claims: &mut Vec<ClaimStatus>,
) -> Result<(), AckError> {
    match current {
        Current::Start => {}
        Current::Level(level) => levels.push(level),
        Current::Claim(mut claim) => {
            if claim.claim_reference.is_empty() {
                return Err(AckError::malformed(
                    claim.position,
                    "HL",
                    "the claim level has no TRN*2 (our claim number)",
                ));
            }
            if claim.statuses.is_empty() {
                return Err(AckError::malformed(
                    claim.position,
                    "HL",
                    format!("claim {} has no STC status", claim.claim_reference),
                ));
            }
            claim.outcome = outcome_of(&claim.statuses);
            claims.push(claim);
        }
    }
    Ok(())
}

fn level_segment(level: &mut Level, segment: &SegmentRef<'_>) -> Result<(), AckError> {
    match segment.id() {
        "NM1" => level.party = Some(party(segment)?),
        "TRN" => level.trace = optional(segment, 2),
        "STC" => level.statuses.extend(statuses(segment)?),
        "REF" | "DTP" => {}
        id if SKIPPED.contains(&id) => {}
        id => return Err(unexpected(segment, id)),
    }
    Ok(())
}

fn claim_segment(claim: &mut ClaimStatus, segment: &SegmentRef<'_>) -> Result<(), AckError> {
    if let Some(line) = claim.lines.last_mut() {
        return line_segment(line, segment);
    }
    match segment.id() {
        "NM1" => claim.patient = Some(party(segment)?),
        "TRN" if segment.get(1) == "2" => claim.claim_reference = required(segment, 2)?.to_string(),
        "TRN" => {
            return Err(malformed(
                segment,
                1,
                "must be 2 (referenced transaction trace)",
            ));
        }
        "STC" => claim.statuses.extend(statuses(segment)?),
        "REF" => match segment.get(1) {
            "1K" => claim.payer_claim_number = Some(required(segment, 2)?.to_string()),
            "D9" => claim.clearinghouse_trace = Some(required(segment, 2)?.to_string()),
            _ => {}
        },
        "DTP" if segment.get(1) == "472" => claim.service_dates = Some(service_dates(segment)?),
        "DTP" => {}
        "SVC" => claim.lines.push(line(segment)?),
        id if SKIPPED.contains(&id) => {}
        id => return Err(unexpected(segment, id)),
    }
    Ok(())
}

fn line_segment(line: &mut LineStatus, segment: &SegmentRef<'_>) -> Result<(), AckError> {
    match segment.id() {
        "STC" => line.statuses.extend(statuses(segment)?),
        "REF" if segment.get(1) == "FJ" => {
            line.line_item_control_number = Some(required(segment, 2)?.to_string());
        }
        "DTP" if segment.get(1) == "472" => line.service_dates = Some(service_dates(segment)?),
        "REF" | "DTP" => {}
        id => return Err(unexpected(segment, id)),
    }
    Ok(())
}

fn unexpected(segment: &SegmentRef<'_>, id: &str) -> AckError {
    malformed(segment, 0, format!("{id} is not expected here in a 277CA"))
}

fn party(nm1: &SegmentRef<'_>) -> Result<Party, AckError> {
    Ok(Party {
        entity: required(nm1, 1)?.to_string(),
        last_or_organization: nm1.get(3).to_string(),
        first: optional(nm1, 4),
        middle: optional(nm1, 5),
        id_qualifier: optional(nm1, 8),
        id: optional(nm1, 9),
    })
}

fn line(svc: &SegmentRef<'_>) -> Result<LineStatus, AckError> {
    Ok(LineStatus {
        procedure: required(svc, 1)?.to_string(),
        charge: optional_amount(svc, 2)?,
        line_item_control_number: None,
        statuses: Vec::new(),
        service_dates: None,
        position: svc.position(),
    })
}

/// The statuses of one STC: STC01 always, STC10 and STC11 when present.
fn statuses(stc: &SegmentRef<'_>) -> Result<Vec<StatusInfo>, AckError> {
    let date = optional_date(stc, 2)?;
    let action = optional(stc, 3).map(|code| Code::new(&code, codes::action));
    let amount = optional_amount(stc, 4)?;
    let message = optional(stc, 12);
    let mut found = Vec::new();
    for element in [1u8, 10, 11] {
        let composite = stc.element(usize::from(element));
        if composite.is_empty() {
            if element == 1 {
                return Err(malformed(stc, 1, "is required but empty"));
            }
            continue;
        }
        let category = composite.component(1);
        let status = composite.component(2);
        if category.is_empty() || status.is_empty() {
            return Err(malformed(
                stc,
                usize::from(element),
                "needs a category and a status code",
            ));
        }
        found.push(StatusInfo {
            element,
            category: Code::new(category, codes::status_category),
            status: Code::new(status, codes::status),
            entity: non_empty(composite.component(3)).map(|code| Code::new(&code, codes::entity)),
            date,
            action: action.clone(),
            amount,
            message: message.clone(),
            position: stc.position(),
        });
    }
    Ok(found)
}

/// DTP*472 with D8 (one date) or RD8 (`from-to`).
fn service_dates(dtp: &SegmentRef<'_>) -> Result<ServiceDates, AckError> {
    let value = required(dtp, 3)?;
    match dtp.get(2) {
        "D8" => {
            let day = date(dtp, 3, value)?;
            Ok(ServiceDates { from: day, to: day })
        }
        "RD8" => {
            let (from, to) = value.split_once('-').ok_or_else(|| {
                malformed(
                    dtp,
                    3,
                    format!("{value:?} is not a CCYYMMDD-CCYYMMDD range"),
                )
            })?;
            let dates = ServiceDates {
                from: date(dtp, 3, from)?,
                to: date(dtp, 3, to)?,
            };
            if dates.to < dates.from {
                return Err(malformed(
                    dtp,
                    3,
                    format!("{value:?} ends before it starts"),
                ));
            }
            Ok(dates)
        }
        other => Err(malformed(dtp, 2, format!("{other:?} is not D8 or RD8"))),
    }
}
