//! Where the loop writers put their segments: the X12 interchange writer, plus what an error message
//! needs (the claim being written, the loop) and what a 999 needs (each segment's position in its
//! transaction set, ST being 1).

use chrono::NaiveDateTime;

use super::error::{ClaimRef, X837Error};
use crate::ascii::fold_to_ascii;
use crate::x12::{
    GroupHeader, InterchangeHeader, InterchangeWriter, Segment, TransactionControlNumber,
    TransactionHeader, WriteError, WriterOptions,
};

/// The implementation guide this writer follows (GS08, ST03).
pub const IMPLEMENTATION_GUIDE: &str = "005010X222A1";

pub(super) struct Sink {
    x12: InterchangeWriter,
    /// Segments of the open transaction set so far, ST included.
    segments: usize,
    claim: Option<ClaimRef>,
}

impl Sink {
    pub fn begin(options: WriterOptions, isa: &InterchangeHeader) -> Result<Self, X837Error> {
        let x12 = InterchangeWriter::begin(options, isa).map_err(settings("ISA"))?;
        Ok(Sink {
            x12,
            segments: 0,
            claim: None,
        })
    }

    pub fn begin_group(&mut self, gs: &GroupHeader) -> Result<(), X837Error> {
        self.x12.begin_group(gs).map_err(settings("GS"))
    }

    pub fn begin_transaction(
        &mut self,
        control_number: TransactionControlNumber,
    ) -> Result<(), X837Error> {
        let st = TransactionHeader {
            id: "837".into(),
            control_number,
            implementation_reference: Some(IMPLEMENTATION_GUIDE.into()),
        };
        self.claim = None;
        self.x12.begin_transaction(&st).map_err(settings("ST"))?;
        self.segments = 1;
        Ok(())
    }

    pub fn end_transaction(&mut self) -> Result<(), X837Error> {
        self.claim = None;
        self.x12.end_transaction().map_err(settings("SE"))?;
        Ok(())
    }

    pub fn finish(mut self) -> Result<String, X837Error> {
        self.x12.end_group().map_err(settings("GE"))?;
        self.x12.finish().map_err(settings("IEA"))
    }

    /// From now on errors name this claim.
    pub fn set_claim(&mut self, index: usize, claim_number: &str) {
        self.claim = Some(ClaimRef {
            index,
            claim_number: claim_number.to_string(),
        });
    }

    /// Segments written in the open transaction set, ST included: the position of the last one.
    pub fn position(&self) -> usize {
        self.segments
    }

    pub fn put(&mut self, loop_id: &'static str, segment: &Segment) -> Result<(), X837Error> {
        match self.x12.segment(segment) {
            Ok(()) => {
                self.segments += 1;
                Ok(())
            }
            Err(source) => Err(match &self.claim {
                Some(claim) => X837Error::Data {
                    claim: claim.clone(),
                    loop_id,
                    source,
                },
                None => X837Error::Settings {
                    place: loop_id,
                    problem: source.to_string(),
                },
            }),
        }
    }

    /// Free text (a name, an address line, a note) folded to X12's ASCII, or an error naming `field`.
    pub fn text(
        &self,
        loop_id: &'static str,
        field: &'static str,
        value: &str,
    ) -> Result<String, X837Error> {
        match fold_to_ascii(value) {
            Ok(text) => Ok(text.into_owned()),
            Err(character) => Err(self.invalid(
                loop_id,
                format!("{field}: {character:?} has no ASCII form that X12 can carry"),
            )),
        }
    }

    /// An error about the claim being written (or the settings, before any claim).
    pub fn invalid(&self, loop_id: &'static str, problem: String) -> X837Error {
        match &self.claim {
            Some(claim) => X837Error::Invalid {
                claim: claim.clone(),
                loop_id,
                problem,
            },
            None => X837Error::Settings {
                place: loop_id,
                problem,
            },
        }
    }
}

fn settings(place: &'static str) -> impl Fn(WriteError) -> X837Error {
    move |error| X837Error::Settings {
        place,
        problem: error.to_string(),
    }
}

/// GS04/GS05 and BHT04/BHT05 share the file's creation time.
pub(super) fn ccyymmdd(at: NaiveDateTime) -> String {
    at.format("%Y%m%d").to_string()
}

pub(super) fn hhmm(at: NaiveDateTime) -> String {
    at.format("%H%M").to_string()
}
