//! The 277CA generator: one submission of one billing provider, a verdict per claim (accepted with the
//! payer's claim number, or rejected with category, status and entity codes), with the counts and totals
//! the receiver and provider levels carry.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{AckHeader, finish};
use crate::x12::{Element, Segment, WriteError};

/// What a 277CA answers: our submission (batch) and the billing provider of its claims.
#[derive(Debug, Clone)]
pub struct Submission {
    /// The clearinghouse or payer answering (NM1*AY).
    pub source_name: String,
    /// Our name (NM1*41); our id is the header's receiver id.
    pub submitter_name: String,
    /// Our batch reference (BHT03 of the 837), echoed in TRN*2 at receiver level.
    pub batch_reference: String,
    pub billing_provider_name: String,
    pub billing_provider_npi: String,
    pub billing_provider_tax_id: String,
}

/// One claim's verdict in a 277CA.
#[derive(Debug, Clone)]
pub struct ClaimVerdict {
    /// Our CLM01.
    pub claim_number: String,
    pub patient_last: String,
    pub patient_first: String,
    pub member_id: String,
    pub charge: Decimal,
    pub service_date: NaiveDate,
    pub outcome: Verdict,
}

#[derive(Debug, Clone)]
pub enum Verdict {
    /// STC `A2:20:PR` (accepted for processing) and the payer's claim number (REF*1K).
    Accepted { payer_claim_number: String },
    /// STC with a rejecting category (`A7`), a status (`562`) and the entity whose data is wrong (`85`).
    Rejected {
        category: String,
        status: String,
        entity: Option<String>,
    },
}

/// A 277CA for one submission of one billing provider.
pub fn generate_277ca(
    header: &AckHeader,
    submission: &Submission,
    claims: &[ClaimVerdict],
) -> Result<String, WriteError> {
    let date = header.date();
    let reference = format!("277CA{}", header.interchange_control_number);
    let tally = Tally::of(claims);
    let mut writer = header.begin("HN", "005010X214", "277")?;
    let time = header.created.format("%H%M").to_string();
    let mut segments = vec![Segment::of(
        "BHT",
        ["0085", "08", &reference, &date, &time, "TH"],
    )];
    segments.extend(source_level(header, submission, &reference, &date));
    segments.extend(receiver_level(header, submission, &tally, &date));
    segments.extend(provider_level(submission, &tally));
    for (index, claim) in claims.iter().enumerate() {
        segments.extend(claim_segments(index + 4, claim, &date));
    }
    for segment in &segments {
        writer.segment(segment)?;
    }
    finish(writer)
}

/// HL 1, the information source (the clearinghouse answering).
fn source_level(
    header: &AckHeader,
    submission: &Submission,
    reference: &str,
    date: &str,
) -> Vec<Segment> {
    vec![
        Segment::of("HL", ["1", "", "20", "1"]),
        organization("AY", &submission.source_name, "46", &header.sender_id),
        Segment::of("TRN", ["1", reference]),
        Segment::of("DTP", ["050", "D8", date]),
        Segment::of("DTP", ["009", "D8", date]),
    ]
}

/// HL 2, the information receiver (us), with our batch reference and the batch's counts.
fn receiver_level(
    header: &AckHeader,
    submission: &Submission,
    tally: &Tally,
    date: &str,
) -> Vec<Segment> {
    let mut segments = vec![
        Segment::of("HL", ["2", "1", "21", "1"]),
        organization("41", &submission.submitter_name, "46", &header.receiver_id),
        Segment::of("TRN", ["2", &submission.batch_reference]),
        Segment::new("STC")
            .with(status_composite("A1", "19", Some("PR")))
            .with(date)
            .with("WQ")
            .with(amount(tally.total())),
    ];
    segments.extend(tally.segments(("90", "AA")));
    segments
}

/// HL 3, the billing provider, with its counts.
fn provider_level(submission: &Submission, tally: &Tally) -> Vec<Segment> {
    let mut segments = vec![
        Segment::of("HL", ["3", "2", "19", "1"]),
        organization(
            "85",
            &submission.billing_provider_name,
            "XX",
            &submission.billing_provider_npi,
        ),
        Segment::of("TRN", ["1", "0"]),
        Segment::new("STC")
            .with(status_composite("A1", "19", Some("PR")))
            .with("")
            .with("WQ")
            .with(amount(tally.total())),
        Segment::of("REF", ["TJ", &submission.billing_provider_tax_id]),
    ];
    segments.extend(tally.segments(("QA", "QC")));
    segments
}

/// NM1 of an organization: entity code, name, id qualifier and id.
fn organization(entity: &str, name: &str, qualifier: &str, id: &str) -> Segment {
    Segment::of("NM1", [entity, "2", name, "", "", "", "", qualifier, id])
}

/// How many claims were accepted and rejected, and for how much.
struct Tally {
    accepted: usize,
    rejected: usize,
    accepted_total: Decimal,
    rejected_total: Decimal,
}

impl Tally {
    fn of(claims: &[ClaimVerdict]) -> Self {
        let mut tally = Tally {
            accepted: 0,
            rejected: 0,
            accepted_total: Decimal::ZERO,
            rejected_total: Decimal::ZERO,
        };
        for claim in claims {
            match claim.outcome {
                Verdict::Accepted { .. } => {
                    tally.accepted += 1;
                    tally.accepted_total += claim.charge;
                }
                Verdict::Rejected { .. } => {
                    tally.rejected += 1;
                    tally.rejected_total += claim.charge;
                }
            }
        }
        tally
    }

    fn total(&self) -> Decimal {
        self.accepted_total + self.rejected_total
    }

    /// QTY (counts, with the level's two qualifiers) and AMT (totals), each only when there are some.
    fn segments(&self, qualifiers: (&str, &str)) -> Vec<Segment> {
        let mut segments = Vec::new();
        if self.accepted > 0 {
            segments.push(Segment::of(
                "QTY",
                [qualifiers.0, &self.accepted.to_string()],
            ));
        }
        if self.rejected > 0 {
            segments.push(Segment::of(
                "QTY",
                [qualifiers.1, &self.rejected.to_string()],
            ));
        }
        if self.accepted > 0 {
            segments.push(Segment::of("AMT", ["YU", &amount(self.accepted_total)]));
        }
        if self.rejected > 0 {
            segments.push(Segment::of("AMT", ["YY", &amount(self.rejected_total)]));
        }
        segments
    }
}

fn claim_segments(hl: usize, claim: &ClaimVerdict, date: &str) -> Vec<Segment> {
    let day = claim.service_date.format("%Y%m%d").to_string();
    let charge = amount(claim.charge);
    let mut segments = vec![
        Segment::of("HL", [hl.to_string(), "3".into(), "PT".into()]),
        Segment::of(
            "NM1",
            [
                "QC",
                "1",
                &claim.patient_last,
                &claim.patient_first,
                "",
                "",
                "",
                "MI",
                &claim.member_id,
            ],
        ),
        Segment::of("TRN", ["2", &claim.claim_number]),
    ];
    match &claim.outcome {
        Verdict::Accepted { payer_claim_number } => {
            segments.push(
                Segment::new("STC")
                    .with(status_composite("A2", "20", Some("PR")))
                    .with(date)
                    .with("WQ")
                    .with(charge),
            );
            segments.push(Segment::of("REF", ["1K", payer_claim_number]));
        }
        Verdict::Rejected {
            category,
            status,
            entity,
        } => {
            segments.push(
                Segment::new("STC")
                    .with(status_composite(category, status, entity.as_deref()))
                    .with(date)
                    .with("U")
                    .with(charge),
            );
        }
    }
    segments.push(Segment::of("DTP", ["472", "RD8", &format!("{day}-{day}")]));
    segments
}

/// STC01: category, status and (when given) entity, e.g. `A7:562:85`.
fn status_composite(category: &str, status: &str, entity: Option<&str>) -> Element {
    Element::composite([Some(category), Some(status), entity].into_iter().flatten())
}

/// `150`, `99.5`: X12 decimals without trailing zeros.
fn amount(value: Decimal) -> String {
    value.normalize().to_string()
}
