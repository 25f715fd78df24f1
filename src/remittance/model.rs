//! What an 835 says, typed: one [`Remittance`] per transaction set, with the payment (BPR), its trace
//! (TRN), payer and payee, every claim (CLP) with its adjustments (CAS) and service lines (SVC), and the
//! provider-level adjustments (PLB). Codes stay codes (CARC, RARC, group codes); amounts are
//! [`Decimal`]s as written (a reversal's are negative); every claim, line, adjustment and PLB keeps its
//! position for messages.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::serialize_position;
use crate::x12::Position;

/// The envelope one 835 transaction set came in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SetEnvelope {
    /// ISA13.
    pub interchange_control_number: String,
    /// ISA06 and ISA08, without their padding.
    pub interchange_sender: String,
    pub interchange_receiver: String,
    /// ISA15: `T` test or `P` production.
    pub usage: String,
    /// GS06.
    pub group_control_number: String,
    /// GS08, e.g. `005010X221A1`.
    pub version: String,
    /// ST02.
    pub transaction_control_number: String,
    #[serde(serialize_with = "serialize_position")]
    pub position: Position,
}

/// One 835 transaction set: one payment (or notice of no payment) from one payer to one payee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Remittance {
    pub envelope: SetEnvelope,
    pub payment: Payment,
    pub trace: Trace,
    /// Header REFs (`EV` receiver id, `F2` version), qualifier and value.
    pub references: Vec<Reference>,
    /// DTM*405: the production date of the payment.
    pub production_date: Option<NaiveDate>,
    pub payer: Payer,
    pub payee: Payee,
    /// Every CLP in file order, across all LX header numbers.
    pub claims: Vec<ClaimPayment>,
    /// Every PLB segment.
    pub provider_adjustments: Vec<ProviderAdjustment>,
}

impl Remittance {
    /// What identifies one payment whatever file it came in: payer (TRN03), trace number (TRN02) and
    /// amount (BPR02). The same payment imported twice has the same key.
    pub fn payment_key(&self) -> (String, String, Decimal) {
        (
            self.trace.originator_id.clone(),
            self.trace.number.clone(),
            self.payment.amount,
        )
    }

    /// Sum of all PLB amounts (positive: money taken back; negative: money given, such as interest).
    pub fn provider_adjustment_total(&self) -> Decimal {
        self.provider_adjustments
            .iter()
            .flat_map(|plb| &plb.items)
            .map(|item| item.amount)
            .sum()
    }
}

/// BPR: the money itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Payment {
    /// BPR01: `I` remittance with payment, `H` notification only, `C` payment accompanies, ...
    pub handling_code: String,
    /// BPR02: the total actually paid (zero for a notification only).
    pub amount: Decimal,
    /// BPR03: `C` credit (payer pays us) or `D` debit (we owe the payer).
    pub credit_debit: String,
    /// BPR04: `ACH`, `CHK`, `BOP`, `FWT` or `NON`.
    pub method: String,
    /// BPR05: `CCP`, `CTX` (ACH only).
    pub format: Option<String>,
    /// BPR16: when the money moves (the check date).
    pub date: NaiveDate,
    #[serde(serialize_with = "serialize_position")]
    pub position: Position,
}

impl Payment {
    /// BPR02 with the sign of BPR03: positive when the payer pays, negative for a debit.
    pub fn signed_amount(&self) -> Decimal {
        if self.credit_debit == "D" {
            -self.amount
        } else {
            self.amount
        }
    }
}

/// TRN: the reassociation trace between this 835 and the money (EFT trace or check number).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trace {
    /// TRN01 (`1`: current transaction trace numbers).
    pub kind: String,
    /// TRN02: the check or EFT trace number.
    pub number: String,
    /// TRN03: the payer's id (`1` + tax id, usually).
    pub originator_id: String,
    /// TRN04: originating company supplemental code.
    pub supplemental: Option<String>,
}

/// A REF, DTM or AMT kept as qualifier and value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reference {
    pub qualifier: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dated {
    pub qualifier: String,
    pub date: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Amount {
    pub qualifier: String,
    pub amount: Decimal,
}

/// N3/N4.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Address {
    pub lines: Vec<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub postal_code: Option<String>,
}

/// Loop 1000A: N1*PR.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Payer {
    pub name: String,
    /// N103 and N104 when given (`XV` CMS plan id).
    pub id_qualifier: Option<String>,
    pub id: Option<String>,
    pub address: Address,
    /// REF*2U: the payer identification number, when TRN03 is not enough.
    pub additional_id: Option<String>,
    /// Every REF of the payer loop.
    pub references: Vec<Reference>,
}

/// Loop 1000B: N1*PE, the provider paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Payee {
    pub name: String,
    /// N103 (`XX` NPI, `FI` tax id, `XV`) and N104.
    pub id_qualifier: String,
    pub id: String,
    pub address: Address,
    /// Every REF of the payee loop (`TJ` tax id, `PQ` payee id).
    pub references: Vec<Reference>,
}

impl Payee {
    /// N104 when N103 is `XX`.
    pub fn npi(&self) -> Option<&str> {
        (self.id_qualifier == "XX").then_some(self.id.as_str())
    }
}

/// One CLP and its loop 2100.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimPayment {
    /// LX01 of the header number the claim sits under, when there is one.
    pub header_number: Option<String>,
    /// CLP01: the claim id we sent (CLM01).
    pub claim_id: String,
    /// CLP02: `1` processed as primary, `2` secondary, `3` tertiary, `4` denied, `19`-`21` processed
    /// and forwarded, `22` reversal of a previous payment, `23` not our claim, forwarded.
    pub status: String,
    /// CLP03, CLP04, CLP05.
    pub charge: Decimal,
    pub paid: Decimal,
    pub patient_responsibility: Option<Decimal>,
    /// CLP06: claim filing indicator (`12` PPO, `MB` Medicare part B, ...).
    pub filing_indicator: String,
    /// CLP07: the payer's claim control number.
    pub payer_claim_number: Option<String>,
    /// CLP08: facility type code (place of service for professional claims).
    pub facility: Option<String>,
    /// CLP09: claim frequency (`1` original, `7` replacement, `8` void).
    pub frequency: Option<String>,
    /// Claim-level CAS, one entry per group/reason/amount triple.
    pub adjustments: Vec<Adjustment>,
    /// NM1*QC, NM1*IL, NM1*82.
    pub patient: Option<Party>,
    pub insured: Option<Party>,
    pub rendering_provider: Option<Party>,
    /// Any other NM1 (`74` corrected patient, `TT` crossover carrier, `PR` corrected payer, ...).
    pub other_parties: Vec<Party>,
    /// MIA (inpatient) or MOA (outpatient) adjudication, with its remark codes.
    pub adjudication: Vec<AdjudicationRemarks>,
    /// DTM: `232`/`233` statement period, `050` received, `036` coverage expiration.
    pub dates: Vec<Dated>,
    /// REF: `1K`, `EA`, `F8`, `6P`, ... as written.
    pub references: Vec<Reference>,
    /// AMT: `AU` coverage amount, `I` interest, `F5` patient paid, ...
    pub amounts: Vec<Amount>,
    pub lines: Vec<ServiceLine>,
    #[serde(serialize_with = "serialize_position")]
    pub position: Position,
}

impl ClaimPayment {
    /// CLP02 = 4.
    pub fn is_denied(&self) -> bool {
        self.status == "4"
    }

    /// CLP02 = 22: the payer takes back an earlier payment of this claim.
    pub fn is_reversal(&self) -> bool {
        self.status == "22"
    }

    /// The first DTM with this qualifier.
    pub fn date(&self, qualifier: &str) -> Option<NaiveDate> {
        self.dates
            .iter()
            .find(|d| d.qualifier == qualifier)
            .map(|d| d.date)
    }

    /// The first AMT with this qualifier.
    pub fn amount(&self, qualifier: &str) -> Option<Decimal> {
        self.amounts
            .iter()
            .find(|a| a.qualifier == qualifier)
            .map(|a| a.amount)
    }

    /// Claim and line CAS amounts of one group (`PR` for what the patient owes).
    pub fn adjusted_in_group(&self, group: &str) -> Decimal {
        self.adjustments
            .iter()
            .chain(self.lines.iter().flat_map(|line| &line.adjustments))
            .filter(|adjustment| adjustment.group == group)
            .map(|adjustment| adjustment.amount)
            .sum()
    }
}

/// NM1 in a claim loop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Party {
    /// NM101: `QC`, `IL`, `82`, ...
    pub entity: String,
    /// NM103, NM104, NM105.
    pub last_or_organization: Option<String>,
    pub first: Option<String>,
    pub middle: Option<String>,
    /// NM108 and NM109 (`MI` member id, `XX` NPI).
    pub id_qualifier: Option<String>,
    pub id: Option<String>,
}

/// MIA or MOA with the remark codes it carries (MOA03-07; MIA05 and MIA20-24).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdjudicationRemarks {
    /// `MIA` or `MOA`.
    pub segment: String,
    pub remark_codes: Vec<String>,
    #[serde(serialize_with = "serialize_position")]
    pub position: Position,
}

/// One group/reason/amount(/quantity) triple of a CAS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Adjustment {
    /// CAS01: `CO` contractual, `PR` patient responsibility, `OA` other, `PI` payer initiated, `CR`.
    pub group: String,
    /// The CARC (`45`, `1` deductible, `2` coinsurance, `3` copay).
    pub reason: String,
    pub amount: Decimal,
    pub quantity: Option<Decimal>,
    #[serde(serialize_with = "serialize_position")]
    pub position: Position,
}

/// SVC01 or SVC06: `HC:80053:QW` is qualifier `HC`, code `80053`, modifiers `[QW]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Procedure {
    pub qualifier: String,
    pub code: String,
    pub modifiers: Vec<String>,
    /// Component 7, the description.
    pub description: Option<String>,
}

/// One SVC and its loop 2110.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceLine {
    /// SVC01: the procedure as adjudicated.
    pub procedure: Procedure,
    /// SVC02, SVC03.
    pub charge: Decimal,
    pub paid: Decimal,
    /// SVC04: NUBC revenue code.
    pub revenue_code: Option<String>,
    /// SVC05: units paid.
    pub units: Option<Decimal>,
    /// SVC06: the procedure as submitted, when the payer changed it.
    pub original_procedure: Option<Procedure>,
    /// SVC07: units submitted, when they differ.
    pub original_units: Option<Decimal>,
    /// DTM `472` service date, `150`/`151` period.
    pub dates: Vec<Dated>,
    pub adjustments: Vec<Adjustment>,
    /// REF: `6R` our line item control number, `6B`, `LU`, ...
    pub references: Vec<Reference>,
    /// AMT: `B6` allowed, `KH` late filing reduction, ...
    pub amounts: Vec<Amount>,
    /// LQ: remark codes, qualifier (`HE` RARC, `RX` NCPDP reject) and code.
    pub remarks: Vec<Reference>,
    #[serde(serialize_with = "serialize_position")]
    pub position: Position,
}

impl ServiceLine {
    /// REF*6R: the line item control number we sent.
    pub fn line_id(&self) -> Option<&str> {
        self.reference("6R")
    }

    pub fn reference(&self, qualifier: &str) -> Option<&str> {
        self.references
            .iter()
            .find(|r| r.qualifier == qualifier)
            .map(|r| r.value.as_str())
    }

    /// AMT*B6.
    pub fn allowed(&self) -> Option<Decimal> {
        self.amounts
            .iter()
            .find(|a| a.qualifier == "B6")
            .map(|a| a.amount)
    }

    /// DTM*472.
    pub fn service_date(&self) -> Option<NaiveDate> {
        self.dates
            .iter()
            .find(|d| d.qualifier == "472")
            .map(|d| d.date)
    }

    /// LQ*HE codes (RARCs).
    pub fn remark_codes(&self) -> Vec<&str> {
        self.remarks
            .iter()
            .filter(|r| r.qualifier == "HE")
            .map(|r| r.value.as_str())
            .collect()
    }
}

/// One PLB: provider-level adjustments not tied to a claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProviderAdjustment {
    /// PLB01: the provider (usually the payee NPI).
    pub provider_id: String,
    /// PLB02: the last day of the provider's fiscal period.
    pub fiscal_period_end: NaiveDate,
    pub items: Vec<ProviderAdjustmentItem>,
    #[serde(serialize_with = "serialize_position")]
    pub position: Position,
}

/// One reason/amount pair of a PLB.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProviderAdjustmentItem {
    /// Component 1: `L6` interest, `WO` overpayment recovery, `72` authorized return, `FB`, `CS`, ...
    pub reason: String,
    /// Component 2: the reference (for `WO`, usually the claim's payer control number).
    pub reference: Option<String>,
    /// Positive: money taken back from the provider; negative: money given (interest).
    pub amount: Decimal,
}
