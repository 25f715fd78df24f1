//! Writes a whole interchange: ISA/IEA around GS/GE groups around ST/SE transaction sets, with the
//! counts filled in (SE01 segments including ST and SE, GE01 transaction sets, IEA01 groups) and each
//! trailer repeating its header's control number. Opening and closing out of order is an error.

use chrono::NaiveDateTime;

use super::error::WriteError;
use super::headers::{
    GroupControlNumber, GroupHeader, InterchangeControlNumber, InterchangeHeader,
    TransactionControlNumber, TransactionHeader,
};
use super::segment::Segment;
use super::writer::{SegmentWriter, WriterOptions};

/// Builds one interchange in memory.
///
/// ```
/// # use backoffice::x12::*;
/// # let created = chrono::NaiveDate::from_ymd_opt(2024, 1, 15).unwrap().and_hms_opt(12, 30, 0).unwrap();
/// let isa = InterchangeHeader::new(("ZZ", "SENDER"), ("ZZ", "RECEIVER"), created,
///     InterchangeControlNumber::new(1)?, Usage::Test);
/// let mut x12 = InterchangeWriter::begin(WriterOptions::default(), &isa)?;
/// x12.begin_group(&GroupHeader { functional_id: "HC".into(), sender_code: "SENDER".into(),
///     receiver_code: "RECEIVER".into(), created, control_number: GroupControlNumber::new(1)?,
///     version: "005010X222A1".into() })?;
/// x12.begin_transaction(&TransactionHeader { id: "837".into(),
///     control_number: TransactionControlNumber::from_number(1)?,
///     implementation_reference: Some("005010X222A1".into()) })?;
/// x12.segment(&Segment::of("BHT", ["0019", "00", "BATCH1", "20240115", "1230", "CH"]))?;
/// x12.end_transaction()?;
/// x12.end_group()?;
/// let text = x12.finish()?;
/// assert!(text.ends_with("SE*3*0001~GE*1*1~IEA*1*000000001~"));
/// # Ok::<(), WriteError>(())
/// ```
#[derive(Debug, Clone)]
pub struct InterchangeWriter {
    writer: SegmentWriter,
    control_number: InterchangeControlNumber,
    groups: usize,
    group: Option<OpenGroup>,
    transaction: Option<OpenTransaction>,
}

#[derive(Debug, Clone)]
struct OpenGroup {
    control_number: GroupControlNumber,
    transactions: usize,
}

#[derive(Debug, Clone)]
struct OpenTransaction {
    control_number: TransactionControlNumber,
    /// Segments so far, ST included.
    segments: usize,
}

impl InterchangeWriter {
    /// Writes the ISA.
    pub fn begin(options: WriterOptions, header: &InterchangeHeader) -> Result<Self, WriteError> {
        let mut writer = SegmentWriter::new(options);
        writer.write_isa(header)?;
        Ok(InterchangeWriter {
            writer,
            control_number: header.control_number,
            groups: 0,
            group: None,
            transaction: None,
        })
    }

    /// Writes a GS. The previous group must be closed.
    pub fn begin_group(&mut self, header: &GroupHeader) -> Result<(), WriteError> {
        if self.group.is_some() {
            return Err(WriteError::EnvelopeOrder("a group is already open"));
        }
        let gs = Segment::of(
            "GS",
            [
                header.functional_id.clone(),
                header.sender_code.clone(),
                header.receiver_code.clone(),
                date_ccyymmdd(header.created),
                time_hhmm(header.created),
                header.control_number.to_string(),
                "X".to_string(),
                header.version.clone(),
            ],
        );
        self.writer.write_any(&gs)?;
        self.groups += 1;
        self.group = Some(OpenGroup {
            control_number: header.control_number,
            transactions: 0,
        });
        Ok(())
    }

    /// Writes an ST inside the open group. The previous transaction set must be closed.
    pub fn begin_transaction(&mut self, header: &TransactionHeader) -> Result<(), WriteError> {
        if self.transaction.is_some() {
            return Err(WriteError::EnvelopeOrder(
                "a transaction set is already open",
            ));
        }
        let Some(group) = self.group.as_mut() else {
            return Err(WriteError::EnvelopeOrder(
                "a transaction set needs an open group",
            ));
        };
        let mut st = Segment::of("ST", [header.id.as_str(), header.control_number.as_str()]);
        if let Some(reference) = &header.implementation_reference {
            st.push(reference);
        }
        self.writer.write_any(&st)?;
        group.transactions += 1;
        self.transaction = Some(OpenTransaction {
            control_number: header.control_number.clone(),
            segments: 1,
        });
        Ok(())
    }

    /// Writes one segment of the open transaction set.
    pub fn segment(&mut self, segment: &Segment) -> Result<(), WriteError> {
        let Some(transaction) = self.transaction.as_mut() else {
            return Err(WriteError::EnvelopeOrder(
                "segments belong inside a transaction set",
            ));
        };
        self.writer.write(segment)?;
        transaction.segments += 1;
        Ok(())
    }

    /// Writes the SE and returns its count (segments from ST to SE inclusive).
    pub fn end_transaction(&mut self) -> Result<usize, WriteError> {
        let Some(transaction) = self.transaction.take() else {
            return Err(WriteError::EnvelopeOrder("no transaction set is open"));
        };
        let count = transaction.segments + 1;
        let se = Segment::of(
            "SE",
            [count.to_string(), transaction.control_number.to_string()],
        );
        self.writer.write_any(&se)?;
        Ok(count)
    }

    /// Writes the GE. The group's last transaction set must be closed.
    pub fn end_group(&mut self) -> Result<(), WriteError> {
        if self.transaction.is_some() {
            return Err(WriteError::EnvelopeOrder(
                "close the transaction set before its group",
            ));
        }
        let Some(group) = self.group.take() else {
            return Err(WriteError::EnvelopeOrder("no group is open"));
        };
        let ge = Segment::of(
            "GE",
            [
                group.transactions.to_string(),
                group.control_number.to_string(),
            ],
        );
        self.writer.write_any(&ge)
    }

    /// Writes the IEA and returns the whole interchange.
    pub fn finish(mut self) -> Result<String, WriteError> {
        if self.group.is_some() {
            return Err(WriteError::EnvelopeOrder(
                "close every group before the interchange",
            ));
        }
        let iea = Segment::of(
            "IEA",
            [self.groups.to_string(), self.control_number.to_string()],
        );
        self.writer.write_any(&iea)?;
        Ok(self.writer.into_string())
    }
}

fn date_ccyymmdd(at: NaiveDateTime) -> String {
    at.format("%Y%m%d").to_string()
}

fn time_hhmm(at: NaiveDateTime) -> String {
    at.format("%H%M").to_string()
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::x12::headers::Usage;

    fn created() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2024, 1, 15)
            .and_then(|d| d.and_hms_opt(12, 30, 0))
            .expect("valid date")
    }

    fn isa(control: u32) -> InterchangeHeader {
        let control = InterchangeControlNumber::new(control).expect("valid");
        InterchangeHeader::new(
            ("ZZ", "LABSUBMIT01"),
            ("ZZ", "PAYERRCV01"),
            created(),
            control,
            Usage::Test,
        )
    }

    fn gs(control: u32) -> GroupHeader {
        GroupHeader {
            functional_id: "HC".into(),
            sender_code: "LABSUBMIT01".into(),
            receiver_code: "PAYERRCV01".into(),
            created: created(),
            control_number: GroupControlNumber::new(control).expect("valid"),
            version: "005010X222A1".into(),
        }
    }

    fn st(control: u32) -> TransactionHeader {
        TransactionHeader {
            id: "837".into(),
            control_number: TransactionControlNumber::from_number(control).expect("valid"),
            implementation_reference: Some("005010X222A1".into()),
        }
    }

    #[test]
    fn counts_and_control_numbers_fill_the_trailers() {
        let mut writer =
            InterchangeWriter::begin(WriterOptions::default(), &isa(905)).expect("ISA");
        for group in [41, 42] {
            writer.begin_group(&gs(group)).expect("GS");
            for transaction in 1..=group - 40 {
                writer.begin_transaction(&st(transaction)).expect("ST");
                writer
                    .segment(&Segment::of("BHT", ["0019", "00", "B1"]))
                    .expect("BHT");
                writer.segment(&Segment::of("LX", ["1"])).expect("LX");
                assert_eq!(writer.end_transaction(), Ok(4));
            }
            writer.end_group().expect("GE");
        }
        let text = writer.finish().expect("IEA");
        let body = &text[106..];
        assert_eq!(
            body,
            "GS*HC*LABSUBMIT01*PAYERRCV01*20240115*1230*41*X*005010X222A1~\
             ST*837*0001*005010X222A1~BHT*0019*00*B1~LX*1~SE*4*0001~\
             GE*1*41~\
             GS*HC*LABSUBMIT01*PAYERRCV01*20240115*1230*42*X*005010X222A1~\
             ST*837*0001*005010X222A1~BHT*0019*00*B1~LX*1~SE*4*0001~\
             ST*837*0002*005010X222A1~BHT*0019*00*B1~LX*1~SE*4*0002~\
             GE*2*42~\
             IEA*2*000000905~"
        );
    }

    #[test]
    fn a_transaction_set_without_implementation_reference_has_two_st_elements() {
        let mut writer = InterchangeWriter::begin(WriterOptions::default(), &isa(1)).expect("ISA");
        writer.begin_group(&gs(1)).expect("GS");
        let mut header = st(1);
        header.id = "835".into();
        header.implementation_reference = None;
        writer.begin_transaction(&header).expect("ST");
        writer.end_transaction().expect("SE");
        writer.end_group().expect("GE");
        let text = writer.finish().expect("IEA");
        assert!(
            text.ends_with("ST*835*0001~SE*2*0001~GE*1*1~IEA*1*000000001~"),
            "{text}"
        );
    }

    #[test]
    fn envelopes_out_of_order_are_refused() {
        let mut writer = InterchangeWriter::begin(WriterOptions::default(), &isa(1)).expect("ISA");
        assert!(matches!(
            writer.begin_transaction(&st(1)),
            Err(WriteError::EnvelopeOrder(_))
        ));
        assert!(matches!(
            writer.segment(&Segment::of("LX", ["1"])),
            Err(WriteError::EnvelopeOrder(_))
        ));
        assert!(matches!(
            writer.end_group(),
            Err(WriteError::EnvelopeOrder(_))
        ));
        writer.begin_group(&gs(1)).expect("GS");
        assert!(matches!(
            writer.begin_group(&gs(2)),
            Err(WriteError::EnvelopeOrder(_))
        ));
        assert!(matches!(
            writer.end_transaction(),
            Err(WriteError::EnvelopeOrder(_))
        ));
        writer.begin_transaction(&st(1)).expect("ST");
        assert!(matches!(
            writer.begin_transaction(&st(2)),
            Err(WriteError::EnvelopeOrder(_))
        ));
        assert!(matches!(
            writer.end_group(),
            Err(WriteError::EnvelopeOrder(_))
        ));
        assert!(matches!(
            writer.segment(&Segment::of("SE", ["1", "0001"])),
            Err(WriteError::EnvelopeSegment { .. })
        ));
        writer.end_transaction().expect("SE");
        assert!(matches!(
            writer.clone().finish(),
            Err(WriteError::EnvelopeOrder(_))
        ));
        writer.end_group().expect("GE");
        assert!(writer.finish().is_ok());
    }

    #[test]
    fn a_refused_segment_is_not_counted() {
        let mut writer = InterchangeWriter::begin(WriterOptions::default(), &isa(1)).expect("ISA");
        writer.begin_group(&gs(1)).expect("GS");
        writer.begin_transaction(&st(1)).expect("ST");
        assert!(writer.segment(&Segment::of("NM1", ["A~B"])).is_err());
        assert_eq!(writer.end_transaction(), Ok(2));
    }

    #[test]
    fn group_headers_holding_separators_are_refused() {
        let mut writer = InterchangeWriter::begin(WriterOptions::default(), &isa(1)).expect("ISA");
        let mut header = gs(1);
        header.sender_code = "LAB*1".into();
        let error = writer.begin_group(&header).expect_err("separator in GS02");
        assert!(error.to_string().starts_with("GS-02"), "{error}");
        writer
            .begin_group(&gs(1))
            .expect("a group can still be opened");
    }
}
