//! The scrubber over HTTP, one test per rule: an encounter that passes it and one that fails it, on the
//! invented NCCI/MUE samples, the sample procedure codes and a cut-down ICD-10-CM.

use serde_json::json;

use crate::api_test;
use crate::coding_support::*;
use crate::fixtures::{patient_body, with};

api_test! {
    async fn a_clean_encounter_scrubs_without_findings(app) {
        import_code_sets(&app);
        let d = desk(&app).await;
        assert_eq!(scrub_findings(&app, &encounter_body(&d)).await, vec![]);
    }
}

api_test! {
    async fn codes_unknown_or_not_billable_on_the_date_are_errors_and_a_header_names_its_children(app) {
        import_code_sets(&app);
        let d = desk(&app).await;
        let body = with_diagnoses(&encounter_body(&d), &["E11", "I10"]);
        let encounter = open(&app, &body).await;
        let path = format!("/encounters/{}/scrub", encounter["id"].as_str().unwrap());
        let report = crate::helpers::expect_status(app.post(&path, &app.admin_token, &json!({})).await, reqwest::StatusCode::OK).await;
        let f = &report["findings"][0];
        assert_eq!((f["rule"].as_str(), f["field"].as_str(), f["severity"].as_str()),
                   (Some("diagnosis_not_billable"), Some("diagnoses[0].code"), Some("error")));
        let message = f["message"].as_str().unwrap();
        assert!(message.contains("E11.65") && message.contains("E11.9"), "{message}");
        assert_eq!(report["errors"], 1);

        let unknown = with_lines(&with_diagnoses(&encounter_body(&d), &["E11.9", "Q99.9"]),
            vec![line("99213", "120.00", &[1]), line("12345", "1.00", &[1])]);
        assert_eq!(scrub_findings(&app, &unknown).await, vec![
            ("diagnosis_not_billable".into(), "diagnoses[1].code".into()),
            ("procedure_not_billable".into(), "lines[1].code".into()),
        ]);
        // Before the ICD-10-CM version imported for the tests (2025-10-01) no code is valid.
        let early = with(encounter_body(&d), "date_of_service", json!("2025-06-01"));
        let found = scrub_findings(&app, &early).await;
        assert!(found.contains(&("diagnosis_not_billable".into(), "diagnoses[0].code".into())), "{found:?}");
    }
}

api_test! {
    async fn a_seventh_character_must_be_present_and_one_the_category_allows(app) {
        import_code_sets(&app);
        let d = desk(&app).await;
        let fracture = |code: &str| with_diagnoses(&encounter_body(&d), &[code, "E11.9"]);
        assert_eq!(scrub_findings(&app, &fracture("S52.501A")).await, vec![]);
        assert_eq!(scrub_findings(&app, &fracture("S52.501")).await, finding("seventh_character", "diagnoses[0].code"));
        assert_eq!(scrub_findings(&app, &fracture("S52.501Z")).await, finding("seventh_character", "diagnoses[0].code"));
    }
}

api_test! {
    async fn diagnosis_pointers_must_be_given_and_in_range(app) {
        import_code_sets(&app);
        let d = desk(&app).await;
        let body = with_lines(&encounter_body(&d), vec![line("99213", "120.00", &[1, 3]), line("80053", "42.00", &[])]);
        assert_eq!(scrub_findings(&app, &body).await, vec![
            ("diagnosis_pointer".into(), "lines[0].diagnosis_pointers[1]".into()),
            ("diagnosis_pointer".into(), "lines[1].diagnosis_pointers".into()),
        ]);
        let fixed = with_lines(&encounter_body(&d), vec![line("99213", "120.00", &[2, 1]), line("80053", "42.00", &[1])]);
        assert_eq!(scrub_findings(&app, &fixed).await, vec![]);
    }
}

api_test! {
    async fn more_than_twelve_diagnoses_do_not_fit_on_a_claim(app) {
        import_code_sets(&app);
        let d = desk(&app).await;
        let mut codes = vec!["E11.9", "I10", "J06.9", "R05.1", "F41.9", "K21.9", "M54.50", "Z00.00", "Z13.1",
                             "E11.65", "S52.501A", "Z00.01"];
        assert_eq!(scrub_findings(&app, &with_diagnoses(&encounter_body(&d), &codes)).await, vec![]);
        codes.push("P59.9");
        let found = scrub_findings(&app, &with_diagnoses(&encounter_body(&d), &codes)).await;
        assert_eq!(found[0], ("too_many_diagnoses".into(), "diagnoses[12]".into()));
    }
}

api_test! {
    async fn the_same_code_and_modifiers_on_two_lines_is_a_duplicate(app) {
        import_code_sets(&app);
        let d = desk(&app).await;
        let twice = with_lines(&encounter_body(&d), vec![line("81002", "8.00", &[1]), line("81002", "8.00", &[1])]);
        assert_eq!(scrub_findings(&app, &twice).await, finding("duplicate_line", "lines[1].code"));
        let mut repeat = line("81002", "8.00", &[1]);
        repeat["modifiers"] = json!(["91"]);
        let distinct = with_lines(&encounter_body(&d), vec![line("81002", "8.00", &[1]), repeat]);
        assert_eq!(scrub_findings(&app, &distinct).await, vec![]);
    }
}

api_test! {
    async fn units_above_the_mue_limit_are_an_error(app) {
        import_code_sets(&app);
        let d = desk(&app).await;
        let draws = |units: i32| {
            let mut draw = line("36415", "10.00", &[1]);
            draw["units"] = json!(units);
            with_lines(&encounter_body(&d), vec![line("80053", "42.00", &[1]), draw])
        };
        assert_eq!(scrub_findings(&app, &draws(2)).await, vec![]);
        assert_eq!(scrub_findings(&app, &draws(3)).await, finding("mue_exceeded", "lines[1].units"));
    }
}

api_test! {
    async fn ncci_pairs_respect_their_modifier_indicator(app) {
        import_code_sets(&app);
        let d = desk(&app).await;
        // Indicator 0: 80053 with 80048 is refused even with 59.
        let mut bmp = line("80048", "30.00", &[1]);
        bmp["modifiers"] = json!(["59"]);
        let zero = with_lines(&encounter_body(&d), vec![line("80053", "42.00", &[1]), bmp]);
        assert_eq!(scrub_findings(&app, &zero).await, finding("ncci_pair", "lines[1].code"));
        // Indicator 1: 99213 with 36415 needs an NCCI-associated modifier.
        let one = with_lines(&encounter_body(&d), vec![line("99213", "120.00", &[1]), line("36415", "10.00", &[1])]);
        assert_eq!(scrub_findings(&app, &one).await, finding("ncci_pair", "lines[1].code"));
        let mut visit = line("99213", "120.00", &[1]);
        visit["modifiers"] = json!(["25"]);
        let allowed = with_lines(&encounter_body(&d), vec![visit, line("36415", "10.00", &[1])]);
        assert_eq!(scrub_findings(&app, &allowed).await, vec![]);
        // Indicator 9: 96372 with 99211 is not an edit any more.
        let nine = with_lines(&encounter_body(&d), vec![line("96372", "25.00", &[1]), line("99211", "40.00", &[1])]);
        assert_eq!(scrub_findings(&app, &nine).await, vec![]);
    }
}

api_test! {
    async fn excludes1_pairs_on_one_encounter_are_flagged(app) {
        import_code_sets(&app);
        let d = desk(&app).await;
        let both = with_diagnoses(&encounter_body(&d), &["E11.9", "E10.9"]);
        assert_eq!(scrub_findings(&app, &both).await, finding("excludes1", "diagnoses[1].code"));
        let unrelated = with_diagnoses(&encounter_body(&d), &["E11.9", "E11.65"]);
        assert_eq!(scrub_findings(&app, &unrelated).await, vec![]);
    }
}

api_test! {
    async fn pregnancy_codes_on_a_male_patient_are_a_sex_conflict(app) {
        import_code_sets(&app);
        let man = desk_for(&app, with(patient_body("Sampleman", "Testo"), "sex", json!("M"))).await;
        let body = with_diagnoses(&encounter_body(&man), &["O80", "I10"]);
        assert_eq!(scrub_findings(&app, &body).await, finding("sex_conflict", "diagnoses[0].code"));
        let prostate = with_diagnoses(&encounter_body(&man), &["N40.0", "I10"]);
        assert_eq!(scrub_findings(&app, &prostate).await, vec![]);
    }
}

api_test! {
    async fn newborn_codes_fit_only_the_first_days_of_life(app) {
        import_code_sets(&app);
        let baby = desk_for(&app, with(patient_body("Sampleborn", "Tiny"), "date_of_birth", json!("2026-05-28"))).await;
        let newborn = with_diagnoses(&encounter_body(&baby), &["Z38.00", "P59.9"]);
        assert_eq!(scrub_findings(&app, &newborn).await, vec![]);
        let adult = another_patient(&app, &baby, patient_body("Samplewoman", "Testa")).await;
        let found = scrub_findings(&app, &with_diagnoses(&encounter_body(&adult), &["Z38.00", "P59.9"])).await;
        assert_eq!(found, vec![
            ("age_conflict".into(), "diagnoses[0].code".into()),
            ("age_conflict".into(), "diagnoses[1].code".into()),
        ]);
    }
}

api_test! {
    async fn zero_or_negative_charges_are_errors(app) {
        import_code_sets(&app);
        let d = desk(&app).await;
        let body = with_lines(&encounter_body(&d), vec![line("99213", "0.00", &[1]), line("80053", "-1.00", &[1])]);
        assert_eq!(scrub_findings(&app, &body).await, vec![
            ("charge_not_positive".into(), "lines[0].charge".into()),
            ("charge_not_positive".into(), "lines[1].charge".into()),
        ]);
    }
}

api_test! {
    async fn a_date_of_service_in_the_future_or_after_the_policy_ended_is_an_error(app) {
        import_code_sets(&app);
        let d = desk(&app).await;
        let tomorrow = (chrono::Utc::now().date_naive() + chrono::Days::new(1)).to_string();
        let future = with(with(encounter_body(&d), "date_of_service", json!(tomorrow)), "policy_id", json!(null));
        let found = scrub_findings(&app, &future).await;
        assert!(found.contains(&("date_of_service_future".into(), "date_of_service".into())), "{found:?}");
        assert_eq!(scrub_findings(&app, &encounter_body(&d)).await, vec![]);
        // The policy ends on 2026-03-31, before the date of service.
        let path = format!("/patients/{}/policies/{}", d.patient, d.policy);
        let ended = with(crate::fixtures::policy_body(&d.payer, "primary"), "end_date", json!("2026-03-31"));
        crate::helpers::expect_status(app.put(&path, &app.admin_token, &ended, Some(1)).await, reqwest::StatusCode::OK).await;
        assert_eq!(scrub_findings(&app, &encounter_body(&d)).await, finding("policy_not_in_effect", "policy_id"));
    }
}

/// The diagnosis rules on the full ICD-10-CM April 2026 release (the shipped template), not the cut-down
/// sample: real headers, 7th-character definitions and Excludes1 notes.
async fn diagnosis_rules_hold_on_the_full_release(app: crate::helpers::TestApp) {
    let d = desk(&app).await;
    let found = |codes: &'static [&'static str]| {
        let body = with_diagnoses(&encounter_body(&d), codes);
        let app = &app;
        async move { scrub_findings(app, &body).await }
    };
    assert_eq!(found(&["E11.9", "I10"]).await, vec![]);
    assert_eq!(
        found(&["E11", "I10"]).await,
        finding("diagnosis_not_billable", "diagnoses[0].code")
    );
    assert_eq!(
        found(&["S52.501", "I10"]).await,
        finding("seventh_character", "diagnoses[0].code")
    );
    assert_eq!(found(&["S52.501A", "I10"]).await, vec![]);
    assert_eq!(
        found(&["E11.9", "E10.9"]).await,
        finding("excludes1", "diagnoses[1].code")
    );
    let man = another_patient(
        &app,
        &d,
        with(patient_body("Sampleman", "Testo"), "sex", json!("M")),
    )
    .await;
    let pregnancy = with_diagnoses(&encounter_body(&man), &["O80", "I10"]);
    assert_eq!(
        scrub_findings(&app, &pregnancy).await,
        finding("sex_conflict", "diagnoses[0].code")
    );
}

mod diagnosis_rules_on_the_full_release {
    use crate::helpers::{Backend, spawn_app_with_full_codesets};

    #[tokio::test]
    async fn sqlite() {
        let app = spawn_app_with_full_codesets(Backend::Sqlite).await.unwrap();
        super::diagnosis_rules_hold_on_the_full_release(app).await;
    }

    #[tokio::test]
    async fn postgres() {
        if let Some(app) = spawn_app_with_full_codesets(Backend::Postgres).await {
            super::diagnosis_rules_hold_on_the_full_release(app).await;
        }
    }
}
