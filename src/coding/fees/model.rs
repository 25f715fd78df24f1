//! Fee schedules: the practice's default price list and optional per-payer ones. A price is for a
//! procedure code, optionally with one modifier (a `26` professional component priced apart), over a
//! period of dates.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::coding::values::{Modifier, ProcedureCode};
use crate::db::ids::{FeeScheduleId, PayerId, PriceId};
use crate::directory::patients::parse_date;
use crate::directory::values::bounded_text;
use crate::error::{AppError, Validator};
use crate::money;

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeeScheduleInput {
    pub name: String,
    /// The payer whose claims this schedule prices; absent for the practice's default schedule.
    pub payer_id: Option<String>,
    /// On replace: the version read (or send If-Match). Ignored on create.
    pub version: Option<i32>,
}

#[derive(Debug, Clone)]
pub struct ValidFeeSchedule {
    pub name: String,
    pub payer_id: Option<PayerId>,
}

impl ValidFeeSchedule {
    /// One schedule per scope: the default, or one per payer.
    pub fn scope(&self) -> String {
        match &self.payer_id {
            None => "default".into(),
            Some(payer) => format!("payer:{payer}"),
        }
    }
}

impl TryFrom<&FeeScheduleInput> for ValidFeeSchedule {
    type Error = AppError;

    fn try_from(input: &FeeScheduleInput) -> Result<Self, AppError> {
        let mut v = Validator::new();
        let name = v.check("name", bounded_text(&input.name, 80));
        let payer_id = v.optional("payer_id", input.payer_id.as_deref(), PayerId::parse);
        v.finish(|| {
            Some(ValidFeeSchedule {
                name: name?,
                payer_id: payer_id?,
            })
        })
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeeSchedule {
    pub id: FeeScheduleId,
    pub name: String,
    /// Absent for the default schedule.
    pub payer_id: Option<PayerId>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PriceInput {
    /// CPT or HCPCS code.
    pub code: String,
    /// A modifier this price is specific to; absent for the code's price without one.
    pub modifier: Option<String>,
    /// Decimal string, per unit, zero or more.
    pub price: String,
    /// `YYYY-MM-DD`: first date of service the price applies to.
    pub effective_from: String,
    /// `YYYY-MM-DD`: last date of service; absent for open-ended.
    pub effective_to: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ValidPrice {
    pub code: ProcedureCode,
    pub modifier: Option<Modifier>,
    pub price_cents: i64,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
}

fn price_cents(input: &str) -> Result<i64, String> {
    let cents = money::to_cents(money::parse_amount(input)?)?;
    if cents < 0 {
        return Err("must not be negative".into());
    }
    Ok(cents)
}

impl TryFrom<&PriceInput> for ValidPrice {
    type Error = AppError;

    fn try_from(input: &PriceInput) -> Result<Self, AppError> {
        let mut v = Validator::new();
        let code = v.check("code", ProcedureCode::parse(&input.code));
        let modifier = v.optional("modifier", input.modifier.as_deref(), Modifier::parse);
        let price_cents = v.check("price", price_cents(&input.price));
        let from = v.check("effective_from", parse_date(&input.effective_from));
        let to = v.optional("effective_to", input.effective_to.as_deref(), parse_date);
        if let (Some(from), Some(Some(to))) = (from, to)
            && to < from
        {
            v.reject("effective_to", "must not be before effective_from");
        }
        v.finish(|| {
            Some(ValidPrice {
                code: code?,
                modifier: modifier?,
                price_cents: price_cents?,
                effective_from: from?,
                effective_to: to?,
            })
        })
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Price {
    pub id: PriceId,
    pub schedule_id: FeeScheduleId,
    #[schema(value_type = String, example = "80053")]
    pub code: ProcedureCode,
    #[schema(value_type = Option<String>)]
    pub modifier: Option<Modifier>,
    /// Decimal string, per unit.
    #[schema(value_type = String, example = "42.00")]
    pub price: Decimal,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
}

impl Price {
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.effective_from <= date && self.effective_to.is_none_or(|to| date <= to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> PriceInput {
        PriceInput {
            code: "80053".into(),
            modifier: None,
            price: "42.00".into(),
            effective_from: "2026-01-01".into(),
            effective_to: None,
        }
    }

    #[test]
    fn a_price_reads_its_amount_as_cents() {
        let valid = ValidPrice::try_from(&input()).unwrap();
        assert_eq!(valid.price_cents, 4200);
        assert!(valid.modifier.is_none() && valid.effective_to.is_none());
    }

    #[test]
    fn each_invalid_price_field_is_named() {
        type Edit = fn(&mut PriceInput);
        let cases: &[(&str, Edit)] = &[
            ("code", |p| p.code = "8005".into()),
            ("modifier", |p| p.modifier = Some("ABC".into())),
            ("price", |p| p.price = "-1.00".into()),
            ("price", |p| p.price = "1.005".into()),
            ("effective_from", |p| p.effective_from = "2026-02-30".into()),
            ("effective_to", |p| {
                p.effective_to = Some("2025-12-31".into())
            }),
        ];
        for (field, edit) in cases {
            let mut p = input();
            edit(&mut p);
            match ValidPrice::try_from(&p) {
                Err(AppError::Validation(errors)) => assert_eq!(errors[0].field, *field),
                other => panic!("{field}: {other:?}"),
            }
        }
    }
}
