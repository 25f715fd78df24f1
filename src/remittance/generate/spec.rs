//! The small typed description an 835 is generated from, and the totals it implies: a line pays its
//! charge less its adjustments, a claim charges the sum of its lines and pays that less all its
//! adjustments, the patient owes the PR adjustments, and the payment is the claims paid less the PLB
//! amounts. Any of these can be given instead of computed, to write a file that does not balance.

use chrono::NaiveDate;
use rust_decimal::Decimal;

/// Who pays (loop 1000A, TRN03).
#[derive(Debug, Clone)]
pub struct PayerSpec {
    pub name: String,
    /// TRN03: `1` followed by the payer's tax id, by convention.
    pub id: String,
    /// REF*2U, when given.
    pub additional_id: Option<String>,
    pub address: String,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    /// PER*BL telephone.
    pub phone: String,
}

/// Who is paid (loop 1000B).
#[derive(Debug, Clone)]
pub struct PayeeSpec {
    pub name: String,
    pub npi: String,
    /// REF*TJ, when given.
    pub tax_id: Option<String>,
}

/// BPR and TRN.
#[derive(Debug, Clone)]
pub struct PaymentSpec {
    /// `ACH` or `CHK` (`NON` is written by itself when nothing is paid).
    pub method: String,
    /// BPR16.
    pub date: NaiveDate,
    /// TRN02: EFT trace or check number.
    pub trace_number: String,
    /// DTM*405.
    pub production_date: NaiveDate,
    /// BPR02; `None` computes it so that the file balances.
    pub amount: Option<Decimal>,
}

/// The patient of a claim (NM1*QC).
#[derive(Debug, Clone)]
pub struct PatientSpec {
    pub last: String,
    pub first: String,
    pub member_id: String,
}

/// One CAS triple.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdjustmentSpec {
    pub group: String,
    pub reason: String,
    pub amount: Decimal,
}

impl AdjustmentSpec {
    pub fn new(group: &str, reason: &str, amount: Decimal) -> Self {
        AdjustmentSpec {
            group: group.into(),
            reason: reason.into(),
            amount,
        }
    }

    fn negated(&self) -> Self {
        AdjustmentSpec {
            amount: -self.amount,
            ..self.clone()
        }
    }
}

/// One service line (SVC).
#[derive(Debug, Clone)]
pub struct LineSpec {
    /// HCPCS/CPT code (written `HC:code:modifiers`).
    pub code: String,
    pub modifiers: Vec<String>,
    pub charge: Decimal,
    /// SVC03; `None` computes charge − adjustments.
    pub paid: Option<Decimal>,
    pub units: Decimal,
    pub service_date: NaiveDate,
    /// REF*6R: our line item control number.
    pub line_id: Option<String>,
    pub adjustments: Vec<AdjustmentSpec>,
    /// AMT*B6.
    pub allowed: Option<Decimal>,
    /// LQ*HE.
    pub remark_codes: Vec<String>,
}

impl LineSpec {
    /// One unit, no adjustment, no line id.
    pub fn new(code: &str, charge: Decimal, service_date: NaiveDate) -> Self {
        LineSpec {
            code: code.into(),
            modifiers: Vec::new(),
            charge,
            paid: None,
            units: Decimal::ONE,
            service_date,
            line_id: None,
            adjustments: Vec::new(),
            allowed: None,
            remark_codes: Vec::new(),
        }
    }

    pub fn id(mut self, line_id: &str) -> Self {
        self.line_id = Some(line_id.into());
        self
    }

    pub fn adjust(mut self, group: &str, reason: &str, amount: Decimal) -> Self {
        self.adjustments
            .push(AdjustmentSpec::new(group, reason, amount));
        self
    }

    pub fn allowed(mut self, amount: Decimal) -> Self {
        self.allowed = Some(amount);
        self
    }

    pub fn remark(mut self, code: &str) -> Self {
        self.remark_codes.push(code.into());
        self
    }

    /// SVC03 as written (given, or charge − adjustments).
    pub fn settled_paid(&self) -> Decimal {
        self.paid
            .unwrap_or_else(|| self.charge - sum(&self.adjustments))
    }

    fn negated(&self) -> Self {
        LineSpec {
            charge: -self.charge,
            paid: self.paid.map(|paid| -paid),
            adjustments: self
                .adjustments
                .iter()
                .map(AdjustmentSpec::negated)
                .collect(),
            allowed: self.allowed.map(|allowed| -allowed),
            ..self.clone()
        }
    }
}

/// One claim (CLP) and its lines.
#[derive(Debug, Clone)]
pub struct ClaimSpec {
    /// CLP01: our claim id.
    pub claim_id: String,
    /// CLP02.
    pub status: String,
    /// CLP03; `None` is the sum of the lines' charges.
    pub charge: Option<Decimal>,
    /// CLP04; `None` is the charge less every claim and line adjustment.
    pub paid: Option<Decimal>,
    /// CLP05; `None` is the sum of the PR adjustments (not written when zero).
    pub patient_responsibility: Option<Decimal>,
    /// CLP06.
    pub filing_indicator: String,
    /// CLP07.
    pub payer_claim_number: String,
    /// CLP09.
    pub frequency: String,
    pub patient: PatientSpec,
    /// DTM*050.
    pub received: Option<NaiveDate>,
    /// Claim-level CAS.
    pub adjustments: Vec<AdjustmentSpec>,
    /// MOA remark codes (MOA03..07).
    pub remark_codes: Vec<String>,
    pub lines: Vec<LineSpec>,
}

impl ClaimSpec {
    /// Processed as primary (CLP02 = 1), PPO (CLP06 = 12), original (CLP09 = 1), no lines yet.
    pub fn new(claim_id: &str, payer_claim_number: &str, patient: PatientSpec) -> Self {
        ClaimSpec {
            claim_id: claim_id.into(),
            status: "1".into(),
            charge: None,
            paid: None,
            patient_responsibility: None,
            filing_indicator: "12".into(),
            payer_claim_number: payer_claim_number.into(),
            frequency: "1".into(),
            patient,
            received: None,
            adjustments: Vec::new(),
            remark_codes: Vec::new(),
            lines: Vec::new(),
        }
    }

    pub fn status(mut self, status: &str) -> Self {
        self.status = status.into();
        self
    }

    pub fn charge(mut self, charge: Decimal) -> Self {
        self.charge = Some(charge);
        self
    }

    pub fn line(mut self, line: LineSpec) -> Self {
        self.lines.push(line);
        self
    }

    pub fn adjust(mut self, group: &str, reason: &str, amount: Decimal) -> Self {
        self.adjustments
            .push(AdjustmentSpec::new(group, reason, amount));
        self
    }

    pub fn remark(mut self, code: &str) -> Self {
        self.remark_codes.push(code.into());
        self
    }

    pub fn received(mut self, date: NaiveDate) -> Self {
        self.received = Some(date);
        self
    }

    /// The payer taking this claim's payment back: CLP02 = 22 and every amount negated.
    pub fn reversal(&self) -> Self {
        ClaimSpec {
            status: "22".into(),
            charge: self.charge.map(|charge| -charge),
            paid: self.paid.map(|paid| -paid),
            patient_responsibility: self.patient_responsibility.map(|pr| -pr),
            frequency: self.frequency.clone(),
            adjustments: self
                .adjustments
                .iter()
                .map(AdjustmentSpec::negated)
                .collect(),
            lines: self.lines.iter().map(LineSpec::negated).collect(),
            ..self.clone()
        }
    }

    /// CLP03 as written.
    pub fn settled_charge(&self) -> Decimal {
        self.charge
            .unwrap_or_else(|| self.lines.iter().map(|line| line.charge).sum())
    }

    /// Every adjustment of the claim and its lines.
    pub fn all_adjustments(&self) -> impl Iterator<Item = &AdjustmentSpec> {
        self.adjustments
            .iter()
            .chain(self.lines.iter().flat_map(|line| &line.adjustments))
    }

    /// CLP04 as written.
    pub fn settled_paid(&self) -> Decimal {
        self.paid.unwrap_or_else(|| {
            self.settled_charge() - self.all_adjustments().map(|a| a.amount).sum::<Decimal>()
        })
    }

    /// CLP05 as written (`None`: left empty).
    pub fn settled_patient_responsibility(&self) -> Option<Decimal> {
        self.patient_responsibility.or_else(|| {
            let owed: Decimal = self
                .all_adjustments()
                .filter(|a| a.group == "PR")
                .map(|a| a.amount)
                .sum();
            (!owed.is_zero()).then_some(owed)
        })
    }
}

/// One PLB adjustment: reason code, reference (e.g. the payer claim number a recoupment is for) and
/// amount (positive: taken back; negative: given, such as interest).
#[derive(Debug, Clone)]
pub struct ProviderAdjustmentSpec {
    pub reason: String,
    pub reference: Option<String>,
    pub amount: Decimal,
}

/// A whole 835 transaction set.
#[derive(Debug, Clone)]
pub struct RemittanceSpec {
    pub payer: PayerSpec,
    pub payee: PayeeSpec,
    pub payment: PaymentSpec,
    pub claims: Vec<ClaimSpec>,
    /// Written as PLB segments of up to six each, for the payee's NPI, fiscal period ending on the
    /// 31 December of the payment's year.
    pub provider_adjustments: Vec<ProviderAdjustmentSpec>,
}

impl RemittanceSpec {
    /// BPR02 with its sign (negative: the provider owes the payer; written with BPR03 = D).
    pub fn settled_amount(&self) -> Decimal {
        self.payment.amount.unwrap_or_else(|| {
            let paid: Decimal = self.claims.iter().map(ClaimSpec::settled_paid).sum();
            let plb: Decimal = self.provider_adjustments.iter().map(|p| p.amount).sum();
            paid - plb
        })
    }
}

fn sum(adjustments: &[AdjustmentSpec]) -> Decimal {
    adjustments.iter().map(|a| a.amount).sum()
}
