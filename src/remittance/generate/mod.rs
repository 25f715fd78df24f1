//! Writes 835 files as a payer would send them, through the x12 writer, from a small typed description
//! ([`RemittanceSpec`]): for tests of everything that imports remittances (the reader here, later the
//! posting). Totals are computed so that the file balances unless the description gives them; the shape
//! follows `shared/oracles/samples/835_minimal.x12`, and generated files pass the X12 referee
//! (`tests/era_oracles.rs`). [`scenarios`] holds the cases the remittance issue names.
//!
//! ```
//! # use backoffice::remittance::generate::*;
//! # use backoffice::x12::WriteError;
//! # use rust_decimal::Decimal;
//! let header = EraHeader::new("PAYERRCV01", "LABSUBMIT01", 7)?;
//! let file = generate_835(&header, &scenarios::partial_payment())?;
//! assert!(file.contains("ST*835*0001~BPR*I*"));
//! # Ok::<(), WriteError>(())
//! ```

pub mod scenarios;
mod spec;
#[cfg(test)]
mod tests;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;

use crate::x12::{
    Element, GroupControlNumber, GroupHeader, InterchangeControlNumber, InterchangeHeader,
    InterchangeWriter, LineBreak, Segment, TransactionControlNumber, TransactionHeader, Usage,
    WriteError, WriterOptions,
};

pub use spec::{
    AdjustmentSpec, ClaimSpec, LineSpec, PatientSpec, PayeeSpec, PayerSpec, PaymentSpec,
    ProviderAdjustmentSpec, RemittanceSpec,
};

use super::input::VERSION;

/// Who sends the 835 (the payer), who receives it (us), and its own envelope.
#[derive(Debug, Clone)]
pub struct EraHeader {
    /// ISA06 and GS02.
    pub sender_id: String,
    /// ISA08 and GS03.
    pub receiver_id: String,
    /// ISA13.
    pub interchange_control_number: InterchangeControlNumber,
    /// GS06.
    pub group_control_number: GroupControlNumber,
    pub created: NaiveDateTime,
    pub usage: Usage,
    pub line_break: LineBreak,
}

impl EraHeader {
    /// Test usage, created 2024-01-19 12:30, one long line, GS06 = ISA13 = `control_number`.
    pub fn new(
        sender_id: &str,
        receiver_id: &str,
        control_number: u32,
    ) -> Result<Self, WriteError> {
        let created = NaiveDate::from_ymd_opt(2024, 1, 19)
            .and_then(|day| day.and_hms_opt(12, 30, 0))
            .unwrap_or_default();
        Ok(EraHeader {
            sender_id: sender_id.to_string(),
            receiver_id: receiver_id.to_string(),
            interchange_control_number: InterchangeControlNumber::new(control_number)?,
            group_control_number: GroupControlNumber::new(control_number)?,
            created,
            usage: Usage::Test,
            line_break: LineBreak::None,
        })
    }

    fn begin(&self) -> Result<InterchangeWriter, WriteError> {
        let isa = InterchangeHeader::new(
            ("ZZ", &self.sender_id),
            ("ZZ", &self.receiver_id),
            self.created,
            self.interchange_control_number,
            self.usage,
        );
        let options = WriterOptions {
            line_break: self.line_break,
            ..WriterOptions::default()
        };
        let mut writer = InterchangeWriter::begin(options, &isa)?;
        writer.begin_group(&GroupHeader {
            functional_id: "HP".into(),
            sender_code: self.sender_id.clone(),
            receiver_code: self.receiver_id.clone(),
            created: self.created,
            control_number: self.group_control_number,
            version: VERSION.into(),
        })?;
        Ok(writer)
    }
}

/// An 835 file of one transaction set.
pub fn generate_835(header: &EraHeader, remittance: &RemittanceSpec) -> Result<String, WriteError> {
    generate_835_sets(header, std::slice::from_ref(remittance))
}

/// An 835 file of several transaction sets (ST02 `0001`, `0002`, ...) in one group.
pub fn generate_835_sets(
    header: &EraHeader,
    remittances: &[RemittanceSpec],
) -> Result<String, WriteError> {
    let mut writer = header.begin()?;
    for (index, remittance) in remittances.iter().enumerate() {
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        writer.begin_transaction(&TransactionHeader {
            id: "835".into(),
            control_number: TransactionControlNumber::from_number(number)?,
            // ST03 is not used in an 835.
            implementation_reference: None,
        })?;
        for segment in segments(remittance) {
            writer.segment(&segment)?;
        }
        writer.end_transaction()?;
    }
    writer.end_group()?;
    writer.finish()
}

/// The body of one transaction set, ST and SE excluded.
pub fn segments(remittance: &RemittanceSpec) -> Vec<Segment> {
    let mut segments = header_segments(remittance);
    if !remittance.claims.is_empty() {
        segments.push(Segment::of("LX", ["1"]));
    }
    for claim in &remittance.claims {
        segments.extend(claim_segments(claim));
    }
    segments.extend(plb_segments(remittance));
    segments
}

fn header_segments(remittance: &RemittanceSpec) -> Vec<Segment> {
    let payment = &remittance.payment;
    let payer = &remittance.payer;
    let payee = &remittance.payee;
    let total = remittance.settled_amount();
    let credit_debit = if total < Decimal::ZERO { "D" } else { "C" };
    let date = day(payment.date);
    let bpr = if total.is_zero() {
        Segment::of("BPR", ["H", "0", "C", "NON"])
    } else if payment.method == "ACH" {
        Segment::of(
            "BPR",
            [
                "I",
                &amount(total.abs()),
                credit_debit,
                "ACH",
                "CCP",
                "01",
                "011000015",
                "DA",
                "123456789",
                &payer.id,
                "",
                "01",
                "071000013",
                "DA",
                "987654321",
            ],
        )
    } else {
        Segment::of(
            "BPR",
            ["I", &amount(total.abs()), credit_debit, &payment.method],
        )
    };
    let bpr = pad_to(bpr, 15).with(date.as_str());
    let mut segments = vec![
        bpr,
        Segment::of("TRN", ["1", &payment.trace_number, &payer.id]),
        Segment::of("DTM", ["405".to_string(), day(payment.production_date)]),
        Segment::of("N1", ["PR", &payer.name]),
        Segment::of("N3", [&payer.address]),
        Segment::of("N4", [&payer.city, &payer.state, &payer.postal_code]),
    ];
    if let Some(id) = &payer.additional_id {
        segments.push(Segment::of("REF", ["2U", id]));
    }
    segments.push(Segment::of(
        "PER",
        ["BL", "PROVIDER SERVICES", "TE", &payer.phone],
    ));
    segments.push(Segment::of("N1", ["PE", &payee.name, "XX", &payee.npi]));
    if let Some(tax_id) = &payee.tax_id {
        segments.push(Segment::of("REF", ["TJ", tax_id]));
    }
    segments
}

/// Pads a segment with empty elements up to `count` elements.
fn pad_to(mut segment: Segment, count: usize) -> Segment {
    while segment.elements().len() < count {
        segment.push("");
    }
    segment
}

fn claim_segments(claim: &ClaimSpec) -> Vec<Segment> {
    let responsibility = claim
        .settled_patient_responsibility()
        .map(amount)
        .unwrap_or_default();
    let mut segments = vec![Segment::of(
        "CLP",
        [
            claim.claim_id.clone(),
            claim.status.clone(),
            amount(claim.settled_charge()),
            amount(claim.settled_paid()),
            responsibility,
            claim.filing_indicator.clone(),
            claim.payer_claim_number.clone(),
            String::new(),
            claim.frequency.clone(),
        ],
    )];
    segments.extend(cas_segments(&claim.adjustments));
    let patient = &claim.patient;
    segments.push(Segment::of(
        "NM1",
        [
            "QC",
            "1",
            &patient.last,
            &patient.first,
            "",
            "",
            "",
            "MI",
            &patient.member_id,
        ],
    ));
    if !claim.remark_codes.is_empty() {
        let mut moa = Segment::of("MOA", ["", ""]);
        for code in claim.remark_codes.iter().take(5) {
            moa.push(code.as_str());
        }
        segments.push(moa);
    }
    if let Some(received) = claim.received {
        segments.push(Segment::of("DTM", ["050".to_string(), day(received)]));
    }
    for line in &claim.lines {
        segments.extend(line_segments(line));
    }
    segments
}

fn line_segments(line: &LineSpec) -> Vec<Segment> {
    let procedure = Element::composite(
        ["HC", line.code.as_str()]
            .into_iter()
            .chain(line.modifiers.iter().take(4).map(String::as_str)),
    );
    let mut segments = vec![
        Segment::new("SVC")
            .with(procedure)
            .with(amount(line.charge))
            .with(amount(line.settled_paid()))
            .with("")
            .with(line.units.normalize().to_string()),
        Segment::of("DTM", ["472".to_string(), day(line.service_date)]),
    ];
    segments.extend(cas_segments(&line.adjustments));
    if let Some(line_id) = &line.line_id {
        segments.push(Segment::of("REF", ["6R", line_id]));
    }
    if let Some(allowed) = line.allowed {
        segments.push(Segment::of("AMT", ["B6".to_string(), amount(allowed)]));
    }
    for code in &line.remark_codes {
        segments.push(Segment::of("LQ", ["HE", code]));
    }
    segments
}

/// One CAS per group (in order of first appearance), six triples at most each.
fn cas_segments(adjustments: &[AdjustmentSpec]) -> Vec<Segment> {
    let mut groups: Vec<(&str, Vec<&AdjustmentSpec>)> = Vec::new();
    for adjustment in adjustments {
        match groups.iter_mut().find(|(g, _)| *g == adjustment.group) {
            Some((_, members)) => members.push(adjustment),
            None => groups.push((&adjustment.group, vec![adjustment])),
        }
    }
    let mut segments = Vec::new();
    for (group, members) in groups {
        for chunk in members.chunks(6) {
            let mut cas = Segment::of("CAS", [group]);
            for (index, adjustment) in chunk.iter().enumerate() {
                if index > 0 {
                    cas.push(""); // the quantity of the triple before
                }
                cas.push(adjustment.reason.as_str());
                cas.push(amount(adjustment.amount));
            }
            segments.push(cas);
        }
    }
    segments
}

fn plb_segments(remittance: &RemittanceSpec) -> Vec<Segment> {
    let fiscal_end = NaiveDate::from_ymd_opt(remittance.payment.date.year(), 12, 31)
        .unwrap_or(remittance.payment.date);
    remittance
        .provider_adjustments
        .chunks(6)
        .map(|chunk| {
            let mut plb = Segment::of("PLB", [remittance.payee.npi.clone(), day(fiscal_end)]);
            for item in chunk {
                plb.push(Element::composite(
                    [Some(item.reason.as_str()), item.reference.as_deref()]
                        .into_iter()
                        .flatten(),
                ));
                plb.push(amount(item.amount));
            }
            plb
        })
        .collect()
}

fn day(date: NaiveDate) -> String {
    date.format("%Y%m%d").to_string()
}

/// `150`, `99.5`, `-2.5`: X12 decimals without trailing zeros.
pub fn amount(value: Decimal) -> String {
    value.normalize().to_string()
}
