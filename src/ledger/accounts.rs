//! The chart of accounts. It is fixed, so it lives in code as an enum (postings cannot name an account
//! that does not exist) and the migration seeds the same rows for reports and foreign keys; a test
//! compares the two.

use serde::Serialize;
use utoipa::ToSchema;

/// Which side of an account a line is on, and which side an account normally carries its balance on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Debit,
    Credit,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Debit => "debit",
            Side::Credit => "credit",
        }
    }

    pub fn opposite(self) -> Side {
        match self {
            Side::Debit => Side::Credit,
            Side::Credit => Side::Debit,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccountType {
    Asset,
    Liability,
    Revenue,
    /// Reduces revenue (contractual and other adjustments): carries a debit balance.
    ContraRevenue,
    Expense,
}

impl AccountType {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountType::Asset => "asset",
            AccountType::Liability => "liability",
            AccountType::Revenue => "revenue",
            AccountType::ContraRevenue => "contra_revenue",
            AccountType::Expense => "expense",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Account {
    Bank,
    InsuranceReceivable,
    PatientReceivable,
    UnappliedPayments,
    RefundsPayable,
    LabRevenue,
    OfficeRevenue,
    OtherRevenue,
    InterestIncome,
    ContractualAdjustments,
    OtherAdjustments,
    BadDebt,
}

impl Account {
    /// Every account, in code order (the order of a trial balance).
    pub const ALL: [Account; 12] = [
        Account::Bank,
        Account::InsuranceReceivable,
        Account::PatientReceivable,
        Account::UnappliedPayments,
        Account::RefundsPayable,
        Account::LabRevenue,
        Account::OfficeRevenue,
        Account::InterestIncome,
        Account::OtherRevenue,
        Account::ContractualAdjustments,
        Account::OtherAdjustments,
        Account::BadDebt,
    ];

    pub fn code(self) -> &'static str {
        self.describe().0
    }

    pub fn name(self) -> &'static str {
        self.describe().1
    }

    pub fn account_type(self) -> AccountType {
        self.describe().2
    }

    pub fn normal_balance(self) -> Side {
        match self.account_type() {
            AccountType::Asset | AccountType::ContraRevenue | AccountType::Expense => Side::Debit,
            AccountType::Liability | AccountType::Revenue => Side::Credit,
        }
    }

    pub fn from_code(code: &str) -> Option<Account> {
        Account::ALL.into_iter().find(|a| a.code() == code)
    }

    fn describe(self) -> (&'static str, &'static str, AccountType) {
        use AccountType::*;
        match self {
            Account::Bank => ("1000", "Bank and cash", Asset),
            Account::InsuranceReceivable => ("1100", "Insurance receivables", Asset),
            Account::PatientReceivable => ("1200", "Patient receivables", Asset),
            Account::UnappliedPayments => ("2100", "Unapplied payments", Liability),
            Account::RefundsPayable => ("2200", "Refunds payable", Liability),
            Account::LabRevenue => ("4100", "Revenue: lab services", Revenue),
            Account::OfficeRevenue => ("4200", "Revenue: office services", Revenue),
            Account::OtherRevenue => ("4900", "Revenue: other services", Revenue),
            Account::InterestIncome => ("4800", "Interest income", Revenue),
            Account::ContractualAdjustments => ("5100", "Contractual adjustments", ContraRevenue),
            Account::OtherAdjustments => ("5200", "Other adjustments", ContraRevenue),
            Account::BadDebt => ("5300", "Bad debt", Expense),
        }
    }
}

/// The revenue category of a charge line, and the revenue account it credits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RevenueCategory {
    Lab,
    Office,
    Other,
}

impl RevenueCategory {
    pub fn account(self) -> Account {
        match self {
            RevenueCategory::Lab => Account::LabRevenue,
            RevenueCategory::Office => Account::OfficeRevenue,
            RevenueCategory::Other => Account::OtherRevenue,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_read_back() {
        for account in Account::ALL {
            assert_eq!(Account::from_code(account.code()), Some(account));
        }
        assert_eq!(Account::from_code("9999"), None);
        assert_eq!(
            Account::ContractualAdjustments.normal_balance(),
            Side::Debit
        );
        assert_eq!(Account::UnappliedPayments.normal_balance(), Side::Credit);
    }
}
