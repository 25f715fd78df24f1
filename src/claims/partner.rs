//! What a clearinghouse (trading partner) needs in the envelopes and header loops of every file we send
//! it: ISA/GS identifiers, test or production, and the submitter (1000A) and receiver (1000B). Pure data:
//! the trading partner records map into it and the 837P writer reads it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerSettings {
    /// ISA01/ISA02: authorization information qualifier and value (usually `00` and blank).
    pub isa01_qualifier: String,
    pub isa02_authorization: String,
    /// ISA03/ISA04: security information qualifier and value (usually `00` and blank).
    pub isa03_qualifier: String,
    pub isa04_security: String,
    /// ISA05/ISA06: our interchange id qualifier (`ZZ`, `30`, ...) and id.
    pub sender_qualifier: String,
    pub sender_id: String,
    /// ISA07/ISA08: the clearinghouse's.
    pub receiver_qualifier: String,
    pub receiver_id: String,
    /// ISA14: whether we ask for a TA1 interchange acknowledgement.
    pub acknowledgement_requested: bool,
    /// ISA15: `T` test or `P` production.
    pub usage_indicator: String,
    /// GS02/GS03: application sender's and receiver's codes.
    pub gs02_sender_code: String,
    pub gs03_receiver_code: String,
    /// 1000A: the submitter (the practice, or its billing service).
    pub submitter_name: String,
    /// 1000A NM109 (qualifier 46): the id the clearinghouse gave the submitter.
    pub submitter_id: String,
    /// 1000A PER: contact name and phone (digits only), and optionally an email.
    pub submitter_contact_name: String,
    pub submitter_contact_phone: String,
    pub submitter_contact_email: Option<String>,
    /// 1000B: the receiver's name and id (qualifier 46).
    pub receiver_name: String,
    pub receiver_id_1000b: String,
}

/// Control numbers of one file, taken from database counters in the batch's transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ControlNumbers {
    /// ISA13 / IEA02: 1 to 999,999,999.
    pub interchange: u32,
    /// GS06 / GE02.
    pub group: u32,
    /// ST02 / SE02 of the first transaction set; each further one takes the next number.
    pub first_transaction: u32,
}
