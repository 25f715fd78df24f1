//! The published code lists an acknowledgement's codes come from, so a biller reads *why* and not only a
//! number. Only the small lists the readers need; an unknown code keeps its value with no description.
//!
//! Sources (public excerpts of the X12 code lists, read November 2026):
//! - 999 (005010X231A1): element 620 *Implementation Segment Syntax Error Code* (IK304), 621
//!   *Implementation Data Element Syntax Error Code* (IK403), 717 *Transaction Set Acknowledgment Code*
//!   (IK501), 618 *Implementation Transaction Set Syntax Error Code* (IK502–IK506), 715 *Functional
//!   Group Acknowledge Code* (AK901), 716 *Functional Group Syntax Error Code* (AK905–AK909); as listed
//!   by the X12 data dictionaries of Stedi (stedi.com/edi/x12/element/620), EDIdEv
//!   (DataElement_621, DataElement_716), kasoftware (00503 IK304) and Microsoft's X12 acknowledgment
//!   error code tables.
//! - 277CA (005010X214): the *Health Care Claim Status Category Codes* (external code list 507) and a
//!   few common *Health Care Claim Status Codes* (list 508), maintained by the X12 Code Maintenance
//!   Committee, as published by WPC/X12 and reproduced by payers (e.g. eMedNY's claim status code
//!   page); entity identifier codes (element 98) for STC01-3.
//!
//! The status code list (508) has over a thousand entries and changes three times a year: only the ones
//! seen most on 277CA rejections are here. Load the full list as a code set if billers need more.

/// A code as received, with its description from the lists above when the code is known.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Code {
    pub code: String,
    pub description: Option<&'static str>,
}

impl Code {
    pub fn new(code: &str, list: fn(&str) -> Option<&'static str>) -> Self {
        Code {
            code: code.to_string(),
            description: list(code),
        }
    }

    /// `"5: One or More Segments in Error"`, or the bare code when it is unknown.
    pub fn label(&self) -> String {
        match self.description {
            Some(description) => format!("{}: {description}", self.code),
            None => self.code.clone(),
        }
    }
}

fn lookup(table: &[(&str, &'static str)], code: &str) -> Option<&'static str> {
    table
        .iter()
        .find(|(known, _)| *known == code)
        .map(|(_, description)| *description)
}

/// IK304 (element 620): what is wrong with a segment.
pub fn segment_error(code: &str) -> Option<&'static str> {
    lookup(SEGMENT_ERRORS, code)
}

const SEGMENT_ERRORS: &[(&str, &str)] = &[
    ("1", "Unrecognized segment ID"),
    ("2", "Unexpected segment"),
    ("3", "Required Segment Missing"),
    ("4", "Loop Occurs Over Maximum Times"),
    ("5", "Segment Exceeds Maximum Use"),
    ("6", "Segment Not in Defined Transaction Set"),
    ("7", "Segment Not in Proper Sequence"),
    ("8", "Segment Has Data Element Errors"),
    ("I4", "Implementation \"Not Used\" Segment Present"),
    ("I6", "Implementation Dependent Segment Missing"),
    ("I7", "Implementation Loop Occurs Under Minimum Times"),
    ("I8", "Implementation Segment Below Minimum Use"),
    (
        "I9",
        "Implementation Dependent \"Not Used\" Segment Present",
    ),
];

/// IK403 (element 621): what is wrong with a data element.
pub fn element_error(code: &str) -> Option<&'static str> {
    lookup(ELEMENT_ERRORS, code)
}

const ELEMENT_ERRORS: &[(&str, &str)] = &[
    ("1", "Required Data Element Missing"),
    ("2", "Conditional Required Data Element Missing"),
    ("3", "Too Many Data Elements"),
    ("4", "Data Element Too Short"),
    ("5", "Data Element Too Long"),
    ("6", "Invalid Character In Data Element"),
    ("7", "Invalid Code Value"),
    ("8", "Invalid Date"),
    ("9", "Invalid Time"),
    ("10", "Exclusion Condition Violated"),
    ("12", "Too Many Repetitions"),
    ("13", "Too Many Components"),
    ("I6", "Code Value Not Used in Implementation"),
    ("I9", "Implementation Dependent Data Element Missing"),
    ("I10", "Implementation \"Not Used\" Data Element Present"),
    ("I11", "Implementation Too Few Repetitions"),
    ("I12", "Implementation Pattern Match Failure"),
    (
        "I13",
        "Implementation Dependent \"Not Used\" Data Element Present",
    ),
];

/// IK501 (element 717) and AK901 (element 715): accepted or rejected. `P` occurs only in AK901.
pub fn acknowledgment(code: &str) -> Option<&'static str> {
    lookup(ACKNOWLEDGMENTS, code)
}

const ACKNOWLEDGMENTS: &[(&str, &str)] = &[
    ("A", "Accepted"),
    ("E", "Accepted But Errors Were Noted"),
    ("M", "Rejected, Message Authentication Code (MAC) Failed"),
    (
        "P",
        "Partially Accepted, At Least One Transaction Set Was Rejected",
    ),
    ("R", "Rejected"),
    ("W", "Rejected, Assurance Failed Validity Tests"),
    (
        "X",
        "Rejected, Content After Decryption Could Not Be Analyzed",
    ),
];

/// IK502–IK506 (element 618): why a transaction set was rejected or noted.
pub fn transaction_set_error(code: &str) -> Option<&'static str> {
    lookup(TRANSACTION_SET_ERRORS, code)
}

const TRANSACTION_SET_ERRORS: &[(&str, &str)] = &[
    ("1", "Transaction Set Not Supported"),
    ("2", "Transaction Set Trailer Missing"),
    (
        "3",
        "Transaction Set Control Number in Header and Trailer Do Not Match",
    ),
    (
        "4",
        "Number of Included Segments Does Not Match Actual Count",
    ),
    ("5", "One or More Segments in Error"),
    ("6", "Missing or Invalid Transaction Set Identifier"),
    ("7", "Missing or Invalid Transaction Set Control Number"),
    ("8", "Authentication Key Name Unknown"),
    ("9", "Encryption Key Name Unknown"),
    (
        "10",
        "Requested Service (Authentication or Encrypted) Not Available",
    ),
    ("11", "Unknown Security Recipient"),
    ("12", "Incorrect Message Length (Encryption Only)"),
    ("13", "Message Authentication Code Failed"),
    ("15", "Unknown Security Originator"),
    ("16", "Syntax Error in Decrypted Text"),
    ("17", "Security Not Supported"),
    ("18", "Transaction Set not in Functional Group"),
    (
        "19",
        "Invalid Transaction Set Implementation Convention Reference",
    ),
    (
        "23",
        "Transaction Set Control Number Not Unique within the Functional Group",
    ),
    (
        "24",
        "S3E Security End Segment Missing for S3S Security Start Segment",
    ),
    (
        "25",
        "S3S Security Start Segment Missing for S3E Security End Segment",
    ),
    (
        "26",
        "S4E Security End Segment Missing for S4S Security Start Segment",
    ),
    (
        "27",
        "S4S Security Start Segment Missing for S4E Security End Segment",
    ),
    ("I5", "Implementation One or More Segments in Error"),
    ("I6", "Implementation Convention Not Supported"),
];

/// AK905–AK909 (element 716): why a functional group was rejected or noted.
pub fn group_error(code: &str) -> Option<&'static str> {
    lookup(GROUP_ERRORS, code)
}

const GROUP_ERRORS: &[(&str, &str)] = &[
    ("1", "Functional Group Not Supported"),
    ("2", "Functional Group Version Not Supported"),
    ("3", "Functional Group Trailer Missing"),
    (
        "4",
        "Group Control Number in the Functional Group Header and Trailer Do Not Agree",
    ),
    (
        "5",
        "Number of Included Transaction Sets Does Not Match Actual Count",
    ),
    ("6", "Group Control Number Violates Syntax"),
    ("10", "Authentication Key Name Unknown"),
    ("11", "Encryption Key Name Unknown"),
    (
        "12",
        "Requested Service (Authentication or Encryption) Not Available",
    ),
    ("13", "Unknown Security Recipient"),
    ("14", "Unknown Security Originator"),
    ("15", "Syntax Error in Decrypted Text"),
    ("16", "Security Not Supported"),
    ("17", "Incorrect Message Length (Encryption Only)"),
    ("18", "Message Authentication Code Failed"),
    (
        "19",
        "Functional Group Control Number not Unique within Interchange",
    ),
    (
        "23",
        "S3E Security End Segment Missing for S3S Security Start Segment",
    ),
    (
        "24",
        "S3S Security Start Segment Missing for S3E End Segment",
    ),
    (
        "25",
        "S4E Security End Segment Missing for S4S Security Start Segment",
    ),
    (
        "26",
        "S4S Security Start Segment Missing for S4E Security End Segment",
    ),
];

/// STC01-1 (list 507): the general category of a claim's status.
pub fn status_category(code: &str) -> Option<&'static str> {
    lookup(STATUS_CATEGORIES, code)
}

const STATUS_CATEGORIES: &[(&str, &str)] = &[
    (
        "A0",
        "Acknowledgement/Forwarded: the claim/encounter has been forwarded to another entity",
    ),
    (
        "A1",
        "Acknowledgement/Receipt: the claim/encounter has been received; this does not mean it has been accepted for adjudication",
    ),
    (
        "A2",
        "Acknowledgement/Acceptance into adjudication system: the claim/encounter has been accepted into the adjudication system",
    ),
    (
        "A3",
        "Acknowledgement/Returned as unprocessable claim: the claim/encounter has been rejected and has not been entered into the adjudication system",
    ),
    (
        "A4",
        "Acknowledgement/Not Found: the claim/encounter can not be found in the adjudication system",
    ),
    (
        "A5",
        "Acknowledgement/Split Claim: the claim/encounter has been split upon acceptance into the adjudication system",
    ),
    (
        "A6",
        "Acknowledgement/Rejected for Missing Information: the claim/encounter is missing the information specified in the status details and has been rejected",
    ),
    (
        "A7",
        "Acknowledgement/Rejected for Invalid Information: the claim/encounter has invalid information as specified in the status details and has been rejected",
    ),
    (
        "A8",
        "Acknowledgement/Rejected for relational field in error",
    ),
    (
        "E0",
        "Response not possible: error on submitted request data",
    ),
    ("E1", "Response not possible: system status"),
    (
        "E2",
        "Information holder is not responding; resubmit at a later time",
    ),
    ("E3", "Correction required: relational fields in error"),
    (
        "E4",
        "Trading partner agreement specific requirement not met: data correction required",
    ),
];

/// STC01-2 (list 508): the status within its category. The common ones only (see the module doc).
pub fn status(code: &str) -> Option<&'static str> {
    lookup(STATUSES, code)
}

const STATUSES: &[(&str, &str)] = &[
    ("0", "Cannot provide further status electronically."),
    ("1", "For more detailed information, see remittance advice."),
    ("2", "More detailed information in letter."),
    (
        "3",
        "Claim has been adjudicated and is awaiting payment cycle.",
    ),
    ("16", "Claim/encounter has been forwarded to entity."),
    (
        "17",
        "Claim/encounter has been forwarded by third party entity to entity.",
    ),
    (
        "18",
        "Entity received claim/encounter, but returned invalid status.",
    ),
    ("19", "Entity acknowledges receipt of claim/encounter."),
    ("20", "Accepted for processing."),
    ("21", "Missing or invalid information."),
    ("562", "Entity's National Provider Identifier (NPI)."),
];

/// STC01-3 (element 98): whose data the status is about.
pub fn entity(code: &str) -> Option<&'static str> {
    lookup(ENTITIES, code)
}

const ENTITIES: &[(&str, &str)] = &[
    ("03", "Dependent"),
    ("1P", "Provider"),
    ("40", "Receiver"),
    ("41", "Submitter"),
    ("77", "Service Location"),
    ("82", "Rendering Provider"),
    ("85", "Billing Provider"),
    ("87", "Pay-to Provider"),
    ("AY", "Clearinghouse"),
    ("DK", "Ordering Physician"),
    ("DN", "Referring Provider"),
    ("IL", "Insured or Subscriber"),
    ("PR", "Payer"),
    ("QC", "Patient"),
];

/// STC03 (element 306) as 277CA uses it.
pub fn action(code: &str) -> Option<&'static str> {
    lookup(ACTIONS, code)
}

const ACTIONS: &[(&str, &str)] = &[("U", "Reject"), ("WQ", "Accept")];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_list_describes_its_codes_and_no_others() {
        assert_eq!(segment_error("8"), Some("Segment Has Data Element Errors"));
        assert_eq!(
            segment_error("I9"),
            Some("Implementation Dependent \"Not Used\" Segment Present")
        );
        assert_eq!(element_error("7"), Some("Invalid Code Value"));
        assert_eq!(
            element_error("I12"),
            Some("Implementation Pattern Match Failure")
        );
        assert_eq!(
            transaction_set_error("5"),
            Some("One or More Segments in Error")
        );
        assert_eq!(
            acknowledgment("P"),
            Some("Partially Accepted, At Least One Transaction Set Was Rejected")
        );
        assert_eq!(
            group_error("5").map(|d| d.starts_with("Number")),
            Some(true)
        );
        assert!(status_category("A7").is_some_and(|d| d.contains("Invalid Information")));
        assert_eq!(entity("85"), Some("Billing Provider"));
        for unknown in ["", "99", "i4", "A9"] {
            assert_eq!(segment_error(unknown), None, "{unknown:?}");
            assert_eq!(status_category(unknown), None, "{unknown:?}");
        }
    }

    #[test]
    fn tables_hold_each_code_once() {
        let tables: [&[(&str, &str)]; 9] = [
            SEGMENT_ERRORS,
            ELEMENT_ERRORS,
            ACKNOWLEDGMENTS,
            TRANSACTION_SET_ERRORS,
            GROUP_ERRORS,
            STATUS_CATEGORIES,
            STATUSES,
            ENTITIES,
            ACTIONS,
        ];
        for table in tables {
            let mut codes: Vec<&str> = table.iter().map(|(code, _)| *code).collect();
            codes.sort_unstable();
            let count = codes.len();
            codes.dedup();
            assert_eq!(codes.len(), count, "{table:?}");
        }
    }

    #[test]
    fn a_code_labels_itself_with_its_description() {
        assert_eq!(
            Code::new("5", transaction_set_error).label(),
            "5: One or More Segments in Error"
        );
        assert_eq!(Code::new("ZZ", transaction_set_error).label(), "ZZ");
    }
}
