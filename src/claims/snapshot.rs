//! A claim as it is sent: every fact the 837P prints (and the CMS-1500 and FHIR views show), copied from
//! the encounter, policy, patient, providers, location and payer when the claim version is built, and
//! frozen with it. Editing those records later never changes a claim already built; a correction is a new
//! version.
//!
//! Values are stored as the claim file wants them: codes without dots, identifiers without punctuation,
//! names and addresses as registered (the X12 writer upper-cases and refuses separators). Amounts are
//! `rust_decimal` with two places. The 837P writer reads only this; it never touches the database.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// CLM05-3: an original claim, or a correction of one the payer has (with `payer_claim_number`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    /// `1`.
    Original,
    /// `7`: replaces the claim the payer knows as `payer_claim_number`.
    Replacement,
    /// `8`: voids it.
    Void,
}

impl Frequency {
    pub fn code(self) -> &'static str {
        match self {
            Frequency::Original => "1",
            Frequency::Replacement => "7",
            Frequency::Void => "8",
        }
    }
}

/// A person (NM102 `1`) or an organisation (`2`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "entity", rename_all = "snake_case")]
pub enum PartyName {
    Person {
        last: String,
        first: String,
        middle: Option<String>,
        /// Jr, Sr, III.
        suffix: Option<String>,
    },
    Organization {
        name: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    /// Two-letter state code.
    pub state: String,
    /// Five or nine digits, no dash.
    pub zip: String,
}

/// 2010AA: who is paid and whose tax id the payer reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingProvider {
    pub name: PartyName,
    pub npi: String,
    /// REF*EI: the employer identification number, nine digits.
    pub ein: String,
    /// PRV*BI*PXC: the provider taxonomy code.
    pub taxonomy: String,
    /// Street address (no PO box, per the guide).
    pub address: Address,
    /// PER in 1000A when the submitter has no contact of its own.
    pub contact_phone: Option<String>,
}

/// 2010AB: where payment goes, only when it differs from the billing provider's address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayTo {
    pub address: Address,
}

/// 2010BB: the payer the claim is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payer {
    pub name: String,
    /// NM109 with qualifier PI: the payer id the clearinghouse routes on.
    pub payer_id: String,
    pub address: Option<Address>,
}

/// SBR01: which payer this is for the patient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Responsibility {
    /// `P`.
    Primary,
    /// `S`.
    Secondary,
    /// `T`.
    Tertiary,
}

impl Responsibility {
    pub fn code(self) -> &'static str {
        match self {
            Responsibility::Primary => "P",
            Responsibility::Secondary => "S",
            Responsibility::Tertiary => "T",
        }
    }
}

/// 2000B/2010BA: the insured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscriber {
    pub responsibility: Responsibility,
    /// SBR03.
    pub group_number: Option<String>,
    /// SBR04 (only when there is no group number, per the guide).
    pub group_name: Option<String>,
    /// SBR05: the insurance type code, required when Medicare is secondary (e.g. `47`, `12`).
    pub insurance_type: Option<String>,
    /// SBR09: the payer's claim filing indicator (`CI`, `MB`, `MC`, `BL`, ...).
    pub claim_filing_indicator: String,
    /// NM109 with qualifier MI.
    pub member_id: String,
    pub name: PartyName,
    pub address: Address,
    pub date_of_birth: NaiveDate,
    /// `F`, `M` or `U`.
    pub sex: String,
}

/// 2000C/2010CA: the patient, present only when the patient is not the subscriber.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Patient {
    /// PAT01: the patient's relationship to the insured: `01` spouse, `19` child, `G8` other.
    pub relationship: String,
    pub name: PartyName,
    pub address: Address,
    pub date_of_birth: NaiveDate,
    pub sex: String,
}

/// 2310B: present only when the rendering provider differs from the billing provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderingProvider {
    pub name: PartyName,
    pub npi: String,
    pub taxonomy: String,
}

/// 2310C: present only when the service location differs from the billing provider's address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceFacility {
    pub name: String,
    pub npi: Option<String>,
    pub address: Address,
}

/// 2410: the drug a line bills, when it bills one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drug {
    /// LIN03: the 11-digit NDC (5-4-2), no dashes.
    pub ndc: String,
    /// CTP05-1: `UN`, `ML`, `GR`, `F2` or `ME`.
    pub unit: String,
    /// CTP04.
    pub quantity: Decimal,
}

/// 2400: one service line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceLine {
    /// REF*6R: our encounter line id, so a remittance line matches exactly.
    pub line_id: String,
    /// SV101-2: CPT or HCPCS.
    pub code: String,
    /// SV101-3..6.
    pub modifiers: Vec<String>,
    /// SV102.
    pub charge: Decimal,
    /// SV104, in units (SV103 `UN`).
    pub units: Decimal,
    /// SV105: only when it differs from the claim's place of service.
    pub place_of_service: Option<String>,
    /// SV107: 1-based positions in `Claim::diagnoses`, up to four.
    pub diagnosis_pointers: Vec<u8>,
    /// DTP*472.
    pub date_of_service: NaiveDate,
    pub drug: Option<Drug>,
    /// NTE*ADD, when the coder left a note meant for the payer.
    pub note: Option<String>,
}

/// CAS: one adjustment a payer made (group `CO`, `PR`, `OA`, `PI`, `CR`; a CARC reason; an amount).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adjustment {
    pub group: String,
    pub reason: String,
    pub amount: Decimal,
    pub quantity: Option<Decimal>,
}

/// 2430: how an earlier payer adjudicated one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineAdjudication {
    /// The line (its `line_id`) this adjudication is for.
    pub line_id: String,
    /// SVD02.
    pub paid: Decimal,
    pub code: String,
    pub modifiers: Vec<String>,
    pub units: Decimal,
    pub adjustments: Vec<Adjustment>,
    /// DTP*573.
    pub paid_date: NaiveDate,
}

/// 2320/2330A/2330B/2430: a payer that adjudicated the claim before this one (on a secondary claim, the
/// primary).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtherPayer {
    /// SBR of 2320: that payer's place (usually primary).
    pub responsibility: Responsibility,
    /// SBR02 of 2320: the patient's relationship to that payer's insured (`18` self, `01`, `19`, `G8`).
    pub relationship: String,
    pub group_number: Option<String>,
    pub claim_filing_indicator: String,
    /// 2330A: that payer's insured.
    pub subscriber_name: PartyName,
    pub subscriber_member_id: String,
    /// 2330B.
    pub payer_name: String,
    pub payer_id: String,
    /// AMT*D: what that payer paid on the claim.
    pub paid: Decimal,
    /// CAS at claim level (2320).
    pub claim_adjustments: Vec<Adjustment>,
    /// AMT*EAF: what remains the patient's after that payer.
    pub remaining_patient_liability: Option<Decimal>,
    /// DTP*573 at claim level when no line adjudication is given.
    pub paid_date: NaiveDate,
    pub lines: Vec<LineAdjudication>,
}

/// CLM06: whether the provider's signature is on file.
/// CLM07/08/09: assignment, benefits assignment, release of information.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consents {
    /// CLM06 `Y`/`N`.
    pub provider_signature_on_file: bool,
    /// CLM07: `A` assigned, `B` lab services only, `C` not assigned.
    pub assignment: String,
    /// CLM08 `Y`/`N` (and `W` not applicable).
    pub benefits_assigned: String,
    /// CLM09: `Y` signed release, `I` informed consent only.
    pub release_of_information: String,
}

/// 2300: the claim itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    /// CLM01 of this version, at most 20 characters, unique and never reused: the claim number for
    /// version 1, `{claim number}-{version}` for a correction, so a remittance's CLP01 names the exact
    /// version it pays.
    pub claim_number: String,
    /// Which version of the claim this is (1 for the original).
    pub version: i32,
    /// CLM02: the sum of the lines' charges.
    pub total_charge: Decimal,
    /// CLM05-1.
    pub place_of_service: String,
    pub frequency: Frequency,
    /// REF*F8: the payer's claim control number, required for a replacement or void.
    pub payer_claim_number: Option<String>,
    pub consents: Consents,
    /// REF*G1.
    pub prior_authorization: Option<String>,
    /// REF*X4: the CLIA number, on claims billing lab tests.
    pub clia_number: Option<String>,
    /// HI: ICD-10-CM codes without dots; the first is the principal (ABK), the rest ABF. 1 to 12.
    pub diagnoses: Vec<String>,
    /// The encounter's date of service (DTP*472 at line level; claim-level dates are not sent for
    /// office claims).
    pub date_of_service: NaiveDate,
    pub lines: Vec<ServiceLine>,
}

/// Everything one claim version sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimSnapshot {
    pub billing_provider: BillingProvider,
    pub pay_to: Option<PayTo>,
    pub subscriber: Subscriber,
    pub payer: Payer,
    pub patient: Option<Patient>,
    pub claim: Claim,
    pub rendering_provider: Option<RenderingProvider>,
    pub service_facility: Option<ServiceFacility>,
    /// Earlier payers' adjudication (a secondary claim carries the primary's).
    pub other_payers: Vec<OtherPayer>,
}

impl ClaimSnapshot {
    /// The group a claim goes out in: one ST per billing provider and payer.
    pub fn group_key(&self) -> (&str, &str) {
        (&self.billing_provider.npi, &self.payer.payer_id)
    }
}
