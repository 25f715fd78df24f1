//! What a biller reads on a rejected claim: the acknowledgement's errors turned into `status_reasons`
//! (JSON objects with the codes, their descriptions, where in our file, and one readable `message`),
//! and which claim of a transaction set each 999 error belongs to. Pure: no database.
//!
//! Every reason has `source` (`999` or `277CA`), `level`, `code`, `description`, `message` and the
//! `file_id` of the acknowledgement it came from.

use serde_json::{Map, Value, json};

use super::sent::SentClaim;
use crate::claims::acks::ack277::{ClaimStatus, StatusInfo};
use crate::claims::acks::ack999::{ElementError, GroupResponse, SegmentError};
use crate::claims::acks::{Code, TransactionResponse};
use crate::db::ids::InboundFileId;

fn code_json(code: &Code) -> Value {
    json!({"code": code.code, "description": code.description})
}

/// The members every reason has.
fn reason(
    file: &InboundFileId,
    (source, level): (&str, &str),
    code: &str,
    description: Option<&str>,
    message: String,
) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("source".into(), json!(source));
    out.insert("level".into(), json!(level));
    out.insert("code".into(), json!(code));
    out.insert("description".into(), json!(description));
    out.insert("message".into(), json!(message));
    out.insert("file_id".into(), json!(file));
    out
}

/// A reason from a 999: the code with its description from the code lists.
fn reason_999(
    file: &InboundFileId,
    level: &str,
    code: &Code,
    message: String,
) -> Map<String, Value> {
    reason(file, ("999", level), &code.code, code.description, message)
}

/// `NM109`, `SV101-2`: the element as a biller finds it in the guide.
fn element_name(segment: &str, element: &ElementError) -> String {
    let mut name = format!("{segment}{:02}", element.element_position);
    if let Some(component) = element.component_position {
        name.push_str(&format!("-{component}"));
    }
    name
}

/// `NM1 (segment 10 of transaction set 0001, loop 2010BA)`.
fn segment_place(error: &SegmentError, st02: &str) -> String {
    let mut place = format!(
        "{} (segment {} of transaction set {st02}",
        error.segment_id, error.position_in_set
    );
    if let Some(loop_id) = &error.loop_id {
        place.push_str(&format!(", loop {loop_id}"));
    }
    place.push(')');
    place
}

/// One reason per IK4 of the IK3, or one for the IK3 itself when it names no element.
pub fn segment_reasons(file: &InboundFileId, st02: &str, error: &SegmentError) -> Vec<Value> {
    let place = |out: &mut Map<String, Value>| {
        out.insert("transaction_set".into(), json!(st02));
        out.insert("segment".into(), json!(error.segment_id));
        out.insert("position".into(), json!(error.position_in_set));
        out.insert("loop".into(), json!(error.loop_id));
        if let Some(claim) = error.claim() {
            out.insert("clm01".into(), json!(claim));
        }
    };
    if error.element_errors.is_empty() {
        let code = error
            .error
            .clone()
            .unwrap_or_else(|| Code::new("", |_| Some("Segment in error")));
        let message = format!("{}: {}", segment_place(error, st02), code.label());
        let mut out = reason_999(file, "segment", &code, message);
        place(&mut out);
        return vec![Value::Object(out)];
    }
    error
        .element_errors
        .iter()
        .map(|element| {
            let name = element_name(&error.segment_id, element);
            let mut message = format!(
                "{name} in {}: {}",
                segment_place(error, st02),
                element.error.label()
            );
            if let Some(bad) = &element.bad_value {
                message.push_str(&format!(" (sent {bad:?})"));
            }
            let mut out = reason_999(file, "element", &element.error, message);
            place(&mut out);
            out.insert("element".into(), json!(name));
            out.insert("data_element".into(), json!(element.data_element_reference));
            out.insert("bad_value".into(), json!(element.bad_value));
            if let Some(segment_error) = &error.error {
                out.insert("segment_error".into(), code_json(segment_error));
            }
            Value::Object(out)
        })
        .collect()
}

/// IK5: the transaction set's verdict and its error codes (IK502..), or the verdict alone (IK501).
pub fn transaction_reasons(file: &InboundFileId, transaction: &TransactionResponse) -> Vec<Value> {
    let st02 = &transaction.control_number;
    let subject = Subject {
        level: "transaction_set",
        name: format!("transaction set {st02}"),
        key: "transaction_set",
        value: st02,
    };
    verdict_reasons(
        file,
        &subject,
        &transaction.response.code,
        &transaction.response.errors,
    )
}

/// AK9 of a group rejected without naming a transaction set: its error codes, or the verdict alone.
pub fn group_reasons(file: &InboundFileId, group: &str, response: &GroupResponse) -> Vec<Value> {
    let subject = Subject {
        level: "group",
        name: format!("functional group {group}"),
        key: "group_control_number",
        value: group,
    };
    verdict_reasons(file, &subject, &response.code, &response.errors)
}

/// What a verdict is about: a transaction set or a functional group.
struct Subject<'a> {
    level: &'static str,
    name: String,
    key: &'static str,
    value: &'a str,
}

/// One reason per error code of the verdict, or the verdict alone when it names none.
fn verdict_reasons(
    file: &InboundFileId,
    subject: &Subject,
    verdict: &Code,
    errors: &[Code],
) -> Vec<Value> {
    let codes: Vec<&Code> = if errors.is_empty() {
        vec![verdict]
    } else {
        errors.iter().collect()
    };
    codes
        .into_iter()
        .map(|code| {
            let message = format!(
                "{} {}: {}",
                subject.name,
                verdict_word(&verdict.code),
                code.label()
            );
            let mut out = reason_999(file, subject.level, code, message);
            out.insert(subject.key.into(), json!(subject.value));
            Value::Object(out)
        })
        .collect()
}

fn verdict_word(code: &str) -> &'static str {
    match code {
        "A" => "accepted",
        "E" => "accepted with errors noted",
        "P" => "partially accepted",
        _ => "rejected",
    }
}

/// Which of the transaction set's claims each IK3 is about: the claim whose segments hold its IK302,
/// else the claim its CTX names; an error in no claim's segments (the billing provider's loop, the
/// header) is every claim's. Returns, per claim in `claims` order, its errors in file order.
pub fn place_errors<'a>(
    errors: &'a [SegmentError],
    claims: &[SentClaim],
) -> Vec<Vec<&'a SegmentError>> {
    let mut placed: Vec<Vec<&SegmentError>> = vec![Vec::new(); claims.len()];
    for error in errors {
        let owner = claims
            .iter()
            .position(|c| c.holds_segment(error.position_in_set))
            .or_else(|| {
                let named = error.claim()?;
                claims.iter().position(|c| c.clm01 == named)
            });
        match owner {
            Some(index) => placed[index].push(error),
            None => placed.iter_mut().for_each(|errors| errors.push(error)),
        }
    }
    placed
}

/// The reasons of one claim of a transaction set: its segment errors, then the set's own (IK5) when the
/// set was rejected.
pub fn claim_reasons_999(
    file: &InboundFileId,
    transaction: &TransactionResponse,
    errors: &[&SegmentError],
) -> Vec<Value> {
    let mut reasons: Vec<Value> = errors
        .iter()
        .flat_map(|error| segment_reasons(file, &transaction.control_number, error))
        .collect();
    if !transaction.accepted() {
        reasons.extend(transaction_reasons(file, transaction));
    }
    reasons
}

fn status_reason(
    file: &InboundFileId,
    status: &StatusInfo,
    claim: &ClaimStatus,
    line: Option<(&str, Option<&str>)>,
) -> Value {
    let mut code = format!("{}:{}", status.category.code, status.status.code);
    if let Some(entity) = &status.entity {
        code.push(':');
        code.push_str(&entity.code);
    }
    let mut message = status.describe();
    if let Some((procedure, _)) = line {
        message = format!("line {procedure}: {message}");
    }
    if let Some(text) = &status.message {
        message.push_str(&format!(" ({text})"));
    }
    let level = if line.is_some() { "line" } else { "claim" };
    let description = status.describe();
    let mut out = reason(file, ("277CA", level), &code, Some(&description), message);
    out.insert("category".into(), code_json(&status.category));
    out.insert("status".into(), code_json(&status.status));
    out.insert(
        "entity".into(),
        status.entity.as_ref().map_or(Value::Null, code_json),
    );
    out.insert(
        "action".into(),
        json!(status.action.as_ref().map(|a| &a.code)),
    );
    out.insert("free_text".into(), json!(status.message));
    out.insert("date".into(), json!(status.date));
    out.insert("clm01".into(), json!(claim.claim_reference));
    if let Some(number) = &claim.payer_claim_number {
        out.insert("payer_claim_number".into(), json!(number));
    }
    if let Some((procedure, line_id)) = line {
        out.insert("procedure".into(), json!(procedure));
        out.insert("line_item_control_number".into(), json!(line_id));
    }
    Value::Object(out)
}

/// Every status of a 277CA claim, claim level first, then its lines' (SVC) with the line they are on.
pub fn claim_reasons_277(file: &InboundFileId, claim: &ClaimStatus) -> Vec<Value> {
    let mut reasons: Vec<Value> = claim
        .statuses
        .iter()
        .map(|status| status_reason(file, status, claim, None))
        .collect();
    for line in &claim.lines {
        let place = (
            line.procedure.as_str(),
            line.line_item_control_number.as_deref(),
        );
        reasons.extend(
            line.statuses
                .iter()
                .map(|status| status_reason(file, status, claim, Some(place))),
        );
    }
    reasons
}

/// The statuses of a claim as one line: `A1:19 (…)`, for a claim left unchanged.
pub fn describe_statuses(claim: &ClaimStatus) -> String {
    let parts: Vec<String> = claim.statuses.iter().map(StatusInfo::describe).collect();
    parts.join("; ")
}
