//! What the coding tests share: small code sets imported straight into the test database (invented NCCI,
//! MUE and procedure samples from `codesets/`, a cut-down ICD-10-CM in `tests/api/data/`), and a practice
//! with a patient, a provider, a location and a policy to open encounters for.

use backoffice::audit::AuditActor;
use backoffice::coding::codesets::System;
use backoffice::coding::codesets::import::{ImportRequest, SourceFile, import};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::fixtures::{
    create_id, location_body, patient_body, payer_body, policy_body, provider_body, with,
};
use crate::helpers::{TestApp, expect_status};

/// The date of service the coding tests use: inside the policy (2026) and the imported code versions.
pub const DOS: &str = "2026-06-01";

pub fn file(name: &str, bytes: &[u8]) -> SourceFile {
    SourceFile {
        name: name.to_owned(),
        bytes: bytes.to_vec(),
    }
}

/// Imports the small code sets the scrubber tests need, as the CLI would.
pub fn import_code_sets(app: &TestApp) {
    let sets: Vec<(System, &str, Vec<SourceFile>)> = vec![
        (
            System::Icd10cm,
            "2025-10-01",
            vec![
                file(
                    "icd10cm-scrub-sample.tsv",
                    include_bytes!("data/icd10cm-scrub-sample.tsv"),
                ),
                file(
                    "icd10cm-scrub-sample.xml",
                    include_bytes!("data/icd10cm-scrub-sample.xml"),
                ),
            ],
        ),
        (
            System::Cpt,
            "2026-01-01",
            vec![file(
                "procedures-sample.csv",
                include_bytes!("../../codesets/procedures-sample/procedures-sample.csv"),
            )],
        ),
        (
            System::Modifier,
            "2020-01-01",
            vec![file(
                "modifiers.tsv",
                include_bytes!("../../codesets/modifiers/modifiers.tsv"),
            )],
        ),
        (
            System::Mue,
            "2026-01-01",
            vec![file(
                "mue-sample.csv",
                include_bytes!("../../codesets/samples/mue-sample.csv"),
            )],
        ),
        (
            System::NcciPtp,
            "2026-01-01",
            vec![file(
                "ncci-ptp-sample.txt",
                include_bytes!("../../codesets/samples/ncci-ptp-sample.txt"),
            )],
        ),
    ];
    let mut conn = app.db();
    for (system, from, files) in sets {
        let request = ImportRequest {
            system,
            label: format!("test {}", system.as_str()),
            effective_from: from.parse().unwrap(),
            effective_to: None,
            files,
        };
        import(&mut conn, &AuditActor::system("tests"), &request, &())
            .unwrap_or_else(|e| panic!("importing {}: {e:?}", system.as_str()));
    }
}

/// The records an encounter names.
#[derive(Debug, Clone)]
pub struct Desk {
    pub patient: String,
    pub provider: String,
    pub location: String,
    pub payer: String,
    pub policy: String,
}

/// A practice with one patient (from `patient`), one provider (billing and rendering), an office and a
/// 2026 policy.
pub async fn desk_for(app: &TestApp, patient: Value) -> Desk {
    let provider = create_id(app, "/providers", &provider_body("1234567893")).await;
    let location = create_id(app, "/locations", &location_body("Main office", "11")).await;
    let payer = create_id(app, "/payers", &payer_body("Example Health Plan", "EXH01")).await;
    let practice = Desk {
        patient: String::new(),
        provider,
        location,
        payer,
        policy: String::new(),
    };
    another_patient(app, &practice, patient).await
}

/// The same practice with another patient, insured by the same payer for 2026.
pub async fn another_patient(app: &TestApp, practice: &Desk, patient: Value) -> Desk {
    let patient_id = create_id(app, "/patients", &patient).await;
    let policy = create_id(
        app,
        &format!("/patients/{patient_id}/policies"),
        &policy_body(&practice.payer, "primary"),
    )
    .await;
    Desk {
        patient: patient_id,
        policy,
        ..practice.clone()
    }
}

pub async fn desk(app: &TestApp) -> Desk {
    desk_for(app, patient_body("Samplewoman", "Testa")).await
}

pub fn line(code: &str, charge: &str, pointers: &[i32]) -> Value {
    json!({"code": code, "charge": charge, "diagnosis_pointers": pointers})
}

/// A clean encounter: type 2 diabetes and hypertension, an office visit and a metabolic panel.
pub fn encounter_body(d: &Desk) -> Value {
    json!({
        "patient_id": d.patient, "rendering_provider_id": d.provider, "billing_provider_id": d.provider,
        "location_id": d.location, "policy_id": d.policy, "date_of_service": DOS,
        "diagnoses": [{"code": "E11.9"}, {"code": "I10"}],
        "lines": [line("99213", "120.00", &[1, 2]), line("80053", "42.00", &[1])],
    })
}

/// Opens the encounter as the administrator; returns it.
pub async fn open(app: &TestApp, body: &Value) -> Value {
    expect_status(
        app.post("/encounters", &app.admin_token, body).await,
        StatusCode::CREATED,
    )
    .await
}

/// Opens `body` and scrubs it: the (rule, field) of each finding.
pub async fn scrub_findings(app: &TestApp, body: &Value) -> Vec<(String, String)> {
    let encounter = open(app, body).await;
    let path = format!("/encounters/{}/scrub", encounter["id"].as_str().unwrap());
    let report = expect_status(
        app.post(&path, &app.admin_token, &json!({})).await,
        StatusCode::OK,
    )
    .await;
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["field"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// `body` with diagnosis codes replaced.
pub fn with_diagnoses(body: &Value, codes: &[&str]) -> Value {
    let dx: Vec<Value> = codes.iter().map(|c| json!({"code": c})).collect();
    with(body.clone(), "diagnoses", json!(dx))
}

pub fn with_lines(body: &Value, lines: Vec<Value>) -> Value {
    with(body.clone(), "lines", json!(lines))
}

pub fn finding(rule: &str, field: &str) -> Vec<(String, String)> {
    vec![(rule.to_owned(), field.to_owned())]
}
