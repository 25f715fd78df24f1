//! Rules on the date of service: not in the future, and covered by the policy billed.

use super::{CodeFacts, Finding, Subject};

pub fn date_of_service_not_future(s: &Subject, _: &dyn CodeFacts) -> Vec<Finding> {
    let date = s.encounter.date_of_service;
    if date <= s.today {
        return Vec::new();
    }
    vec![Finding::error(
        "date_of_service_future",
        "date_of_service",
        format!("the date of service {date} is in the future"),
    )]
}

pub fn policy_in_effect(s: &Subject, _: &dyn CodeFacts) -> Vec<Finding> {
    let Some(coverage) = s.coverage else {
        return Vec::new();
    };
    let date = s.encounter.date_of_service;
    let message = if date < coverage.effective_date {
        format!(
            "the policy starts on {}, after the date of service {date}",
            coverage.effective_date
        )
    } else if let Some(end) = coverage.end_date.filter(|end| date > *end) {
        format!("the policy ended on {end}, before the date of service {date}")
    } else {
        return Vec::new();
    };
    vec![Finding::error("policy_not_in_effect", "policy_id", message)]
}
