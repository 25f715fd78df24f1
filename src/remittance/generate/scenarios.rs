//! The 835 cases the remittance issue names, as descriptions: partial payment, denial, reversal and
//! re-adjudication, PLB interest and recoupment, patient responsibility split, an unmatched claim, lines
//! matched by REF*6R, and the same payment sent twice. All parties, patients and numbers are invented.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::spec::*;

/// A named case.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: &'static str,
    pub remittance: RemittanceSpec,
}

/// Every scenario, each one transaction set. The duplicate-file case is [`partial_payment`] written
/// twice (see [`duplicate_file`]).
pub fn all() -> Vec<Scenario> {
    vec![
        scenario("partial_payment", partial_payment()),
        scenario("denial", denial()),
        scenario("reversal_and_readjudication", reversal_and_readjudication()),
        scenario("plb_interest_and_recoupment", plb_interest_and_recoupment()),
        scenario(
            "patient_responsibility_split",
            patient_responsibility_split(),
        ),
        scenario("unmatched_claim", unmatched_claim()),
        scenario("lines_matched_by_ref_6r", lines_matched_by_ref_6r()),
    ]
}

fn scenario(name: &'static str, remittance: RemittanceSpec) -> Scenario {
    Scenario { name, remittance }
}

/// `dollars.cents` as a decimal: `money(12050)` is 120.50.
pub fn money(cents: i64) -> Decimal {
    Decimal::new(cents, 2)
}

fn day(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
}

/// Service date of every line.
pub fn service_date() -> NaiveDate {
    day(2024, 1, 10)
}

pub fn patient(last: &str, first: &str, member_id: &str) -> PatientSpec {
    PatientSpec {
        last: last.into(),
        first: first.into(),
        member_id: member_id.into(),
    }
}

/// An invented payer paying an invented lab by ACH, trace `trace`; no claims yet.
pub fn base(trace: &str) -> RemittanceSpec {
    RemittanceSpec {
        payer: PayerSpec {
            name: "ACME HEALTH PLAN".into(),
            id: "1512345678".into(),
            additional_id: Some("ACME01".into()),
            address: "PO BOX 1000".into(),
            city: "HARTFORD".into(),
            state: "CT".into(),
            postal_code: "06101".into(),
            phone: "8005551212".into(),
        },
        payee: PayeeSpec {
            name: "ACME CLINICAL LABORATORY".into(),
            npi: "1234567893".into(),
            tax_id: Some("371234567".into()),
        },
        payment: PaymentSpec {
            method: "ACH".into(),
            date: day(2024, 1, 20),
            trace_number: trace.into(),
            production_date: day(2024, 1, 19),
            amount: None,
        },
        claims: Vec::new(),
        provider_adjustments: Vec::new(),
    }
}

/// Two lines paid below charge after contractual adjustments (CO-45), with allowed amounts.
pub fn partial_payment() -> RemittanceSpec {
    let claim = ClaimSpec::new(
        "S24000123",
        "PAYERCLM0001",
        patient("SMITH", "JOHN", "XYZ1"),
    )
    .received(day(2024, 1, 12))
    .line(
        LineSpec::new("80053", money(10000), service_date())
            .id("S24000123-1")
            .adjust("CO", "45", money(2000))
            .allowed(money(8000)),
    )
    .line(
        LineSpec::new("85025", money(5000), service_date())
            .id("S24000123-2")
            .adjust("CO", "45", money(1050))
            .allowed(money(3950)),
    );
    RemittanceSpec {
        claims: vec![claim],
        ..base("EFT0000101")
    }
}

/// CLP02 = 4: nothing paid, the whole charge adjusted (CO-50 not medically necessary) with a remark;
/// the payment is a notification only (BPR01 = H, NON).
pub fn denial() -> RemittanceSpec {
    let claim = ClaimSpec::new("S24000124", "PAYERCLM0002", patient("DOE", "JANE", "XYZ2"))
        .status("4")
        .remark("N386")
        .line(
            LineSpec::new("87086", money(4500), service_date())
                .id("S24000124-1")
                .adjust("CO", "50", money(4500))
                .remark("M25"),
        );
    RemittanceSpec {
        claims: vec![claim],
        ..base("EFT0000102")
    }
}

/// The payer takes back its first payment of a claim (CLP02 = 22, every amount negated) and pays it
/// again differently (CLP02 = 1, a new payer claim number): the payment is the difference.
pub fn reversal_and_readjudication() -> RemittanceSpec {
    let first = ClaimSpec::new(
        "S24000125",
        "PAYERCLM0003",
        patient("ROE", "RICHARD", "XYZ3"),
    )
    .line(
        LineSpec::new("80061", money(6000), service_date())
            .id("S24000125-1")
            .adjust("CO", "45", money(2500)),
    );
    let again = ClaimSpec::new(
        "S24000125",
        "PAYERCLM0004",
        patient("ROE", "RICHARD", "XYZ3"),
    )
    .line(
        LineSpec::new("80061", money(6000), service_date())
            .id("S24000125-1")
            .adjust("CO", "45", money(1500)),
    );
    RemittanceSpec {
        claims: vec![first.reversal(), again],
        ..base("EFT0000103")
    }
}

/// A paid claim, interest added (PLB L6, negative: money given) and an earlier overpayment recouped
/// (PLB WO with the earlier claim's payer number, positive: money taken back).
pub fn plb_interest_and_recoupment() -> RemittanceSpec {
    let claim = ClaimSpec::new("S24000126", "PAYERCLM0005", patient("POE", "EDGAR", "XYZ4")).line(
        LineSpec::new("82947", money(3000), service_date())
            .id("S24000126-1")
            .adjust("CO", "45", money(500)),
    );
    RemittanceSpec {
        claims: vec![claim],
        provider_adjustments: vec![
            ProviderAdjustmentSpec {
                reason: "L6".into(),
                reference: None,
                amount: money(-250),
            },
            ProviderAdjustmentSpec {
                reason: "WO".into(),
                reference: Some("PAYERCLM0001".into()),
                amount: money(1000),
            },
        ],
        ..base("EFT0000104")
    }
}

/// What the patient owes, kept apart: deductible (PR-1), coinsurance (PR-2) and copay (PR-3), beside
/// the contractual adjustment; CLP05 is their sum.
pub fn patient_responsibility_split() -> RemittanceSpec {
    let claim = ClaimSpec::new("S24000127", "PAYERCLM0006", patient("DOE", "JOHN", "XYZ5"))
        .line(
            LineSpec::new("99213", money(15000), service_date())
                .id("S24000127-1")
                .adjust("CO", "45", money(3000))
                .adjust("PR", "1", money(5000))
                .adjust("PR", "3", money(2000))
                .allowed(money(12000)),
        )
        .line(
            LineSpec::new("36415", money(2000), service_date())
                .id("S24000127-2")
                .adjust("PR", "2", money(400))
                .allowed(money(2000)),
        );
    RemittanceSpec {
        claims: vec![claim],
        ..base("EFT0000105")
    }
}

/// A claim id we never sent (another provider's, or mistyped by the payer) beside one of ours.
pub fn unmatched_claim() -> RemittanceSpec {
    let ours = ClaimSpec::new(
        "S24000128",
        "PAYERCLM0007",
        patient("SMITH", "ANNA", "XYZ6"),
    )
    .line(LineSpec::new("85025", money(5000), service_date()).id("S24000128-1"));
    let stranger = ClaimSpec::new(
        "Z99000001",
        "PAYERCLM0008",
        patient("NOBODY", "NOT", "XYZ7"),
    )
    .charge(money(7500))
    .adjust("CO", "45", money(1500));
    RemittanceSpec {
        claims: vec![ours, stranger],
        ..base("EFT0000106")
    }
}

/// Lines reported in another order than billed, each named by REF*6R; one line's code changed by the
/// payer would not match by code, the line id still does.
pub fn lines_matched_by_ref_6r() -> RemittanceSpec {
    let claim = ClaimSpec::new("S24000129", "PAYERCLM0009", patient("ROE", "MARY", "XYZ8"))
        .line(
            LineSpec::new("85027", money(4000), service_date())
                .id("S24000129-3")
                .adjust("CO", "45", money(800)),
        )
        .line(
            LineSpec::new("80048", money(9000), service_date())
                .id("S24000129-1")
                .adjust("CO", "45", money(2000)),
        )
        .line(
            LineSpec::new("84443", money(6000), service_date())
                .id("S24000129-2")
                .adjust("CO", "45", money(1000))
                .adjust("OA", "23", money(500)),
        );
    RemittanceSpec {
        claims: vec![claim],
        ..base("EFT0000107")
    }
}

/// The duplicate-file case: the same payment (payer, TRN02, amount) as [`partial_payment`], to be
/// written with another interchange control number (another file, the same money).
pub fn duplicate_file() -> RemittanceSpec {
    partial_payment()
}
