//! The one table of which role may call which route. Every route the service mounts is here (a test checks
//! it against the OpenAPI document and walks every route with every role); a route missing from the table
//! is refused for everyone, so forgetting an entry fails closed.

use actix_web::http::Method;

use super::model::Role;
use super::model::Role::*;

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No token needed (health probes, the API document, login).
    Public,
    /// Any authenticated user, whatever the role.
    AnyRole,
    /// Only these roles.
    Roles(&'static [Role]),
}

#[derive(Debug, Clone, Copy)]
pub struct RouteRule {
    pub method: &'static str,
    /// The actix route pattern, exactly as mounted (and as named in the OpenAPI document).
    pub path: &'static str,
    pub access: Access,
}

const fn rule(method: &'static str, path: &'static str, access: Access) -> RouteRule {
    RouteRule {
        method,
        path,
        access,
    }
}

const EVERYONE: Access = Access::AnyRole;
const ADMIN: Access = Access::Roles(&[Admin]);
const PATIENT_READERS: Access =
    Access::Roles(&[Admin, FrontDesk, LabTech, Coder, Biller, Accountant]);
const PATIENT_WRITERS: Access = Access::Roles(&[Admin, FrontDesk]);
const POLICY_READERS: Access = Access::Roles(&[Admin, FrontDesk, Coder, Biller, Accountant]);
const POLICY_WRITERS: Access = Access::Roles(&[Admin, FrontDesk, Biller]);
const PAYER_WRITERS: Access = Access::Roles(&[Admin, Biller]);
/// Lab orders are placed and cancelled at the front desk.
const ORDER_WRITERS: Access = Access::Roles(&[Admin, FrontDesk]);
/// The bench: actions on specimens, aliquots, scans.
const LAB_BENCH: Access = Access::Roles(&[Admin, LabTech]);
const ENCOUNTER_READERS: Access = Access::Roles(&[Admin, FrontDesk, Coder, Biller]);
/// Front desk opens encounters (without codes: the handler refuses them coding).
const ENCOUNTER_OPENERS: Access = Access::Roles(&[Admin, FrontDesk, Coder, Biller]);
const CODERS: Access = Access::Roles(&[Admin, Coder, Biller]);
const FEE_READERS: Access = Access::Roles(&[Admin, FrontDesk, Coder, Biller, Accountant]);
const FEE_WRITERS: Access = Access::Roles(&[Admin, Biller]);
/// Clearinghouse settings: billers keep them; everyone on the billing side reads them.
const PARTNER_WRITERS: Access = Access::Roles(&[Admin, Biller]);
const PARTNER_READERS: Access = Access::Roles(&[Admin, Biller, Accountant, Coder]);
/// Billers build, correct and move claims; coders and accountants read them.
const CLAIM_WRITERS: Access = Access::Roles(&[Admin, Biller]);
const CLAIM_READERS: Access = Access::Roles(&[Admin, Biller, Coder, Accountant]);
/// Labels are printed at the bench and at the front desk (where tubes are drawn).
const LABEL_PRINTERS: Access = Access::Roles(&[Admin, FrontDesk, LabTech]);
/// The books: accountants read them (billers and the front desk post through their own routes).
const LEDGER_READERS: Access = Access::Roles(&[Admin, Accountant]);
/// Billers post remittances; accountants (and billers, who work the unmatched queue) read them.
const REMITTANCE_WRITERS: Access = Access::Roles(&[Admin, Biller]);
const REMITTANCE_READERS: Access = Access::Roles(&[Admin, Biller, Accountant]);
/// Accounting reports: accountants, and billers who work receivables and denials.
const REPORT_READERS: Access = Access::Roles(&[Admin, Biller, Accountant]);
/// The front desk takes patient payments and prints statements; refunds are the billing office's.
const PATIENT_ACCOUNTS: Access = Access::Roles(&[Admin, FrontDesk, Biller, Accountant]);
const REFUNDERS: Access = Access::Roles(&[Admin, Biller, Accountant]);

pub const ROUTES: &[RouteRule] = &[
    rule("GET", "/healthz", Access::Public),
    rule("GET", "/readyz", Access::Public),
    rule("GET", "/openapi.json", Access::Public),
    rule("POST", "/auth/login", Access::Public),
    rule("POST", "/auth/logout", EVERYONE),
    rule("GET", "/auth/me", EVERYONE),
    rule("GET", "/users", ADMIN),
    rule("POST", "/users", ADMIN),
    rule("GET", "/users/{user_id}", ADMIN),
    rule("POST", "/users/{user_id}/disable", ADMIN),
    rule("POST", "/users/{user_id}/tokens", ADMIN),
    rule("POST", "/tokens/{token_id}/revoke", ADMIN),
    rule("GET", "/audit", ADMIN),
    rule("GET", "/practice", EVERYONE),
    rule("PUT", "/practice", ADMIN),
    rule("GET", "/providers", EVERYONE),
    rule("POST", "/providers", ADMIN),
    rule("GET", "/providers/{provider_id}", EVERYONE),
    rule("PUT", "/providers/{provider_id}", ADMIN),
    rule("POST", "/providers/{provider_id}/deactivate", ADMIN),
    rule("GET", "/locations", EVERYONE),
    rule("POST", "/locations", ADMIN),
    rule("GET", "/locations/{location_id}", EVERYONE),
    rule("PUT", "/locations/{location_id}", ADMIN),
    rule("POST", "/locations/{location_id}/deactivate", ADMIN),
    rule("GET", "/payers", EVERYONE),
    rule("POST", "/payers", PAYER_WRITERS),
    rule("GET", "/payers/{payer_id}", EVERYONE),
    rule("PUT", "/payers/{payer_id}", PAYER_WRITERS),
    rule("POST", "/payers/{payer_id}/deactivate", PAYER_WRITERS),
    rule("GET", "/patients", PATIENT_READERS),
    rule("POST", "/patients", PATIENT_WRITERS),
    rule("GET", "/patients/{patient_id}", PATIENT_READERS),
    rule("PUT", "/patients/{patient_id}", PATIENT_WRITERS),
    rule("POST", "/patients/{patient_id}/deactivate", PATIENT_WRITERS),
    rule("GET", "/patients/{patient_id}/policies", POLICY_READERS),
    rule("POST", "/patients/{patient_id}/policies", POLICY_WRITERS),
    rule(
        "GET",
        "/patients/{patient_id}/policies/{policy_id}",
        POLICY_READERS,
    ),
    rule(
        "PUT",
        "/patients/{patient_id}/policies/{policy_id}",
        POLICY_WRITERS,
    ),
    rule(
        "POST",
        "/patients/{patient_id}/policies/{policy_id}/deactivate",
        POLICY_WRITERS,
    ),
    rule("POST", "/lab-orders", ORDER_WRITERS),
    rule("GET", "/lab-orders/{order_id}", PATIENT_READERS),
    rule("POST", "/lab-orders/{order_id}/cancel", ORDER_WRITERS),
    rule("GET", "/specimens", PATIENT_READERS),
    rule("GET", "/specimens/{specimen_id}", PATIENT_READERS),
    rule("GET", "/specimens/{specimen_id}/events", PATIENT_READERS),
    rule("GET", "/specimens/{specimen_id}/label", PATIENT_READERS),
    rule("POST", "/labels", LABEL_PRINTERS),
    rule("POST", "/specimens/{specimen_id}/actions", LAB_BENCH),
    rule("POST", "/specimens/{specimen_id}/aliquots", LAB_BENCH),
    rule("POST", "/scans", LAB_BENCH),
    rule("GET", "/fhir/Specimen/{specimen_id}", PATIENT_READERS),
    rule("GET", "/stations", EVERYONE),
    rule("POST", "/stations", ADMIN),
    rule("GET", "/stations/{station_id}", EVERYONE),
    rule("PUT", "/stations/{station_id}", ADMIN),
    rule("GET", "/container-types", EVERYONE),
    rule("POST", "/container-types", ADMIN),
    rule("GET", "/container-types/{code}", EVERYONE),
    rule("PUT", "/container-types/{code}", ADMIN),
    rule("GET", "/encounters", ENCOUNTER_READERS),
    rule("POST", "/encounters", ENCOUNTER_OPENERS),
    rule("GET", "/encounters/{encounter_id}", ENCOUNTER_READERS),
    rule("PUT", "/encounters/{encounter_id}", CODERS),
    rule("POST", "/encounters/{encounter_id}/status", CODERS),
    rule("POST", "/encounters/{encounter_id}/scrub", CODERS),
    rule("GET", "/fee-schedules", FEE_READERS),
    rule("POST", "/fee-schedules", FEE_WRITERS),
    rule("GET", "/fee-schedules/{schedule_id}", FEE_READERS),
    rule("PUT", "/fee-schedules/{schedule_id}", FEE_WRITERS),
    rule("GET", "/fee-schedules/{schedule_id}/prices", FEE_READERS),
    rule("POST", "/fee-schedules/{schedule_id}/prices", FEE_WRITERS),
    rule("GET", "/trading-partners", PARTNER_READERS),
    rule("POST", "/trading-partners", PARTNER_WRITERS),
    rule("GET", "/trading-partners/{partner_id}", PARTNER_READERS),
    rule("PUT", "/trading-partners/{partner_id}", PARTNER_WRITERS),
    rule("GET", "/claims", CLAIM_READERS),
    rule("POST", "/claims", CLAIM_WRITERS),
    rule("GET", "/claims/{claim_id}", CLAIM_READERS),
    rule(
        "GET",
        "/claims/{claim_id}/versions/{version}",
        CLAIM_READERS,
    ),
    rule("GET", "/claims/{claim_id}/events", CLAIM_READERS),
    rule("POST", "/claims/{claim_id}/status", CLAIM_WRITERS),
    rule("POST", "/claims/{claim_id}/corrections", CLAIM_WRITERS),
    rule("GET", "/claim-batches", CLAIM_READERS),
    rule("POST", "/claim-batches", CLAIM_WRITERS),
    rule("GET", "/claim-batches/{batch_id}", CLAIM_READERS),
    rule("GET", "/claim-batches/{batch_id}/file", CLAIM_WRITERS),
    rule("POST", "/claim-batches/{batch_id}/sent", CLAIM_WRITERS),
    rule("GET", "/x12/inbound", CLAIM_READERS),
    rule("POST", "/x12/inbound", CLAIM_WRITERS),
    rule("GET", "/x12/inbound/{file_id}", CLAIM_READERS),
    rule("GET", "/ledger/trial-balance", LEDGER_READERS),
    rule("GET", "/remittances", REMITTANCE_READERS),
    rule("POST", "/remittances", REMITTANCE_WRITERS),
    rule("GET", "/remittances/unmatched", REMITTANCE_READERS),
    rule("GET", "/remittances/{remittance_id}", REMITTANCE_READERS),
    rule("GET", "/reports/ar-aging", REPORT_READERS),
    rule("GET", "/reports/trial-balance", REPORT_READERS),
    rule("GET", "/reports/journal", REPORT_READERS),
    rule("GET", "/reports/daily-deposit", REPORT_READERS),
    rule("GET", "/reports/denials", REPORT_READERS),
    rule("POST", "/patients/{patient_id}/payments", PATIENT_ACCOUNTS),
    rule("POST", "/patients/{patient_id}/refunds", REFUNDERS),
    rule("GET", "/patients/{patient_id}/balance", PATIENT_ACCOUNTS),
    rule("GET", "/patients/{patient_id}/statement", PATIENT_ACCOUNTS),
    rule("GET", "/codes/search", EVERYONE),
    rule("GET", "/codes/versions", EVERYONE),
    rule("GET", "/codes/{system}/{code}", EVERYONE),
];

/// The rule for a mounted route, if the table has one.
pub fn rule_for(method: &Method, pattern: &str) -> Option<&'static RouteRule> {
    ROUTES
        .iter()
        .find(|r| r.method == method.as_str() && r.path == pattern)
}

impl Access {
    pub fn allows(self, role: Role) -> bool {
        match self {
            Access::Public | Access::AnyRole => true,
            Access::Roles(roles) => roles.contains(&role),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_appears_once() {
        let mut seen = std::collections::HashSet::new();
        for r in ROUTES {
            assert!(
                seen.insert((r.method, r.path)),
                "{} {} listed twice",
                r.method,
                r.path
            );
        }
    }

    #[test]
    fn only_admin_reads_the_audit_trail() {
        let audit = rule_for(&Method::GET, "/audit").unwrap();
        for role in Role::ALL {
            assert_eq!(audit.access.allows(role), role == Role::Admin);
        }
    }
}
