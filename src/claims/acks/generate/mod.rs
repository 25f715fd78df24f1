//! Writes 999 and 277CA files as a clearinghouse would send them back, through the x12 writer: for tests
//! of everything that imports acknowledgements (the readers here, later the import API). The shapes follow
//! the invented samples in `shared/oracles/samples`, which pass the X12 referees; so do these files.
//!
//! ```
//! # use backoffice::claims::acks::generate::*;
//! # use backoffice::x12::{GroupControlNumber, TransactionControlNumber, WriteError};
//! let header = AckHeader::new("PAYERRCV01", "LABSUBMIT01", 101)?;
//! let file = generate_999(&header, GroupControlNumber::new(7)?, &[
//!     TransactionVerdict::accepted(TransactionControlNumber::from_number(1)?),
//!     TransactionVerdict::rejected(TransactionControlNumber::from_number(2)?, vec![
//!         SegmentFault::new("NM1", 10, "8").in_loop("2010BA").in_claim("C260000123")
//!             .with_element(ElementFault::new(9, "7").reference("67").bad_value("123")),
//!     ]),
//! ])?;
//! assert!(file.contains("AK9*P*2*2*1~"));
//! # Ok::<(), WriteError>(())
//! ```

mod claim_ack;
mod implementation;
#[cfg(test)]
mod tests;

use chrono::{NaiveDate, NaiveDateTime};

use crate::x12::{
    GroupControlNumber, GroupHeader, InterchangeControlNumber, InterchangeHeader,
    InterchangeWriter, LineBreak, TransactionControlNumber, TransactionHeader, Usage, WriteError,
    WriterOptions,
};

pub use claim_ack::{ClaimVerdict, Submission, Verdict, generate_277ca};
pub use implementation::{ElementFault, SegmentFault, TransactionVerdict, generate_999};

/// Who sends the acknowledgement (clearinghouse or payer), who receives it (us), and its own envelope.
#[derive(Debug, Clone)]
pub struct AckHeader {
    /// ISA06 and GS02.
    pub sender_id: String,
    /// ISA08 and GS03.
    pub receiver_id: String,
    /// ISA13; GS06 of the acknowledgement too.
    pub interchange_control_number: InterchangeControlNumber,
    pub group_control_number: GroupControlNumber,
    pub created: NaiveDateTime,
    pub usage: Usage,
    pub line_break: LineBreak,
}

impl AckHeader {
    /// Test usage, created 2024-01-16 08:00, one long line, GS06 = ISA13 = `control_number`.
    pub fn new(
        sender_id: &str,
        receiver_id: &str,
        control_number: u32,
    ) -> Result<Self, WriteError> {
        let created = NaiveDate::from_ymd_opt(2024, 1, 16)
            .and_then(|day| day.and_hms_opt(8, 0, 0))
            .unwrap_or_default();
        Ok(AckHeader {
            sender_id: sender_id.to_string(),
            receiver_id: receiver_id.to_string(),
            interchange_control_number: InterchangeControlNumber::new(control_number)?,
            group_control_number: GroupControlNumber::new(control_number)?,
            created,
            usage: Usage::Test,
            line_break: LineBreak::None,
        })
    }

    pub(super) fn begin(
        &self,
        functional_id: &str,
        version: &str,
        set_id: &str,
    ) -> Result<InterchangeWriter, WriteError> {
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
            functional_id: functional_id.into(),
            sender_code: self.sender_id.clone(),
            receiver_code: self.receiver_id.clone(),
            created: self.created,
            control_number: self.group_control_number,
            version: version.into(),
        })?;
        writer.begin_transaction(&TransactionHeader {
            id: set_id.into(),
            control_number: TransactionControlNumber::from_number(1)?,
            implementation_reference: Some(version.into()),
        })?;
        Ok(writer)
    }

    pub(super) fn date(&self) -> String {
        self.created.format("%Y%m%d").to_string()
    }
}

pub(super) fn finish(mut writer: InterchangeWriter) -> Result<String, WriteError> {
    writer.end_transaction()?;
    writer.end_group()?;
    writer.finish()
}
