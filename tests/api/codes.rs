//! Code sets: search ranking on the full ICD-10-CM release, lookups with notes and 7th characters,
//! versions valid by date, idempotent imports, the importers on the invented samples, bad parameters.

use std::path::PathBuf;

use backoffice::audit::AuditActor;
use backoffice::coding::codesets::import::{self, ImportOutcome, ImportRequest, SourceFile};
use backoffice::coding::codesets::{
    Catalog, ModifierIndicator, SeventhCheck, System, mue_limit, ncci_edit,
};
use chrono::NaiveDate;
use reqwest::StatusCode;
use serde_json::Value;

use crate::api_test;
use crate::helpers::{
    Backend, TestApp, expect_problem, expect_status, invalid_fields, spawn_app_with_full_codesets,
};

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn sample(name: &str) -> SourceFile {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("codesets/samples")
        .join(name);
    SourceFile::read(&path).unwrap()
}

/// Imports sample files as one version, straight into the app's database (as the CLI would).
fn import_sample(app: &TestApp, system: System, from: &str, files: &[&str]) -> ImportOutcome {
    let request = ImportRequest {
        system,
        label: format!("{system} sample from {from}"),
        effective_from: date(from),
        effective_to: None,
        files: files.iter().map(|f| sample(f)).collect(),
    };
    import::import(&mut app.db(), &AuditActor::system("test"), &request, &()).expect("import")
}

async fn search(app: &TestApp, query: &str) -> Value {
    let path = format!("/codes/search?{query}");
    expect_status(app.get(&path, &app.admin_token).await, StatusCode::OK).await
}

fn first_codes(result: &Value, n: usize) -> Vec<String> {
    result["items"]
        .as_array()
        .unwrap()
        .iter()
        .take(n)
        .map(|i| i["code"].as_str().unwrap().to_owned())
        .collect()
}

async fn lookup(app: &TestApp, system: &str, code: &str, on: &str) -> reqwest::Response {
    app.get(
        &format!("/codes/{system}/{code}?date={on}"),
        &app.admin_token,
    )
    .await
}

/// Runs a test on a copy of the database holding the full shipped code sets, on both backends.
macro_rules! full_codesets_test {
    (async fn $name:ident($app:ident) $body:block) => {
        mod $name {
            use super::*;
            async fn run($app: TestApp) $body
            #[tokio::test]
            async fn sqlite() {
                run(spawn_app_with_full_codesets(Backend::Sqlite).await.unwrap()).await;
            }
            #[tokio::test]
            async fn postgres() {
                if let Some(app) = spawn_app_with_full_codesets(Backend::Postgres).await {
                    run(app).await;
                }
            }
        }
    };
}

full_codesets_test! {
    async fn search_ranks_exact_codes_then_prefixes_then_descriptions_on_the_full_release(app) {
        let on = "date=2026-06-01";
        // query → the first results expected, in order.
        let table: &[(&str, &[&str])] = &[
            ("E11.9", &["E11.9"]),
            ("E119", &["E11.9"]),
            ("e11.9", &["E11.9"]),
            ("E11", &["E11", "E11.00", "E11.01"]),
            ("E11.6", &["E11.6", "E11.610", "E11.618"]),
            ("diab mell type 2", &["E11.9", "E11.8"]),
            ("type 2 diabetes", &["E11.9", "E11.8"]),
            ("hypertension", &["I10"]),
            ("fracture radius", &["M84.333A"]),
            ("fract radius shaft", &["S52.301A", "S52.301B"]),
            ("headache", &["R51.9"]),
            ("acute cough", &["R05.1"]),
        ];
        for (query, expected) in table {
            let q: String = form_urlencoded::byte_serialize(query.as_bytes()).collect();
            let result = search(&app, &format!("system=icd10cm&q={q}&{on}")).await;
            assert_eq!(first_codes(&result, expected.len()), *expected, "query {query:?}: {result}");
            assert_eq!(result["version"], "2026-04 (April 1, 2026 update)");
        }
        let result = search(&app, &format!("system=icd10cm&q=E11&{on}&limit=40")).await;
        let items = result["items"].as_array().unwrap();
        assert_eq!(items.len(), 40);
        assert_eq!(items[0]["match"], "exact");
        // Billable codes before headers: once a header appears, no billable code follows.
        let first_header = items.iter().skip(1).position(|i| i["billable"] == false);
        if let Some(h) = first_header {
            assert!(items[1 + h..].iter().all(|i| i["billable"] == false));
        }
        let words = search(&app, &format!("system=icd10cm&q=diab%20mell%20type%202&{on}&limit=100")).await;
        assert!(words["items"].as_array().unwrap().iter().all(|i| i["match"] == "description"));
        assert!(words["items"].as_array().unwrap().iter().any(|i| i["code"] == "E11.65"));
        // Before the release took effect there is no ICD-10-CM version to search.
        let before = search(&app, "system=icd10cm&q=E11&date=2026-03-31").await;
        assert_eq!(before["version"], Value::Null);
        assert!(before["items"].as_array().unwrap().is_empty());
    }
}

full_codesets_test! {
    async fn lookups_show_parents_notes_seventh_characters_and_excludes1_of_real_codes(app) {
        let fracture = expect_status(lookup(&app, "icd10cm", "S52.501A", "2026-06-01").await, StatusCode::OK).await;
        assert_eq!(fracture["billable"], true);
        let parents: Vec<&str> = fracture["parents"].as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap()).collect();
        assert_eq!(parents, ["S52.501", "S52.50", "S52.5", "S52"]);
        assert_eq!(fracture["seventh_character"]["defined_at"], "S52");
        let chars: String = fracture["seventh_character"]["characters"].as_array().unwrap().iter().map(|c| c["character"].as_str().unwrap()).collect();
        assert_eq!(chars, "ABCDEFGHJKMNPQRS");
        let excludes: Vec<&Value> = fracture["excludes1"].as_array().unwrap().iter().collect();
        assert!(excludes.iter().any(|x| x["defined_at"] == "S52" && x["excludes"][0]["from"] == "S58"), "{excludes:?}");

        let header = expect_status(lookup(&app, "icd10cm", "E11", "2026-06-01").await, StatusCode::OK).await;
        assert_eq!(header["billable"], false);
        assert!(!header["notes"]["use_additional_code"].as_array().unwrap().is_empty());
        let pregnancy = expect_status(lookup(&app, "icd10cm", "O80", "2026-06-01").await, StatusCode::OK).await;
        assert_eq!(pregnancy["applies_to"]["sex"], "F");
        let perinatal = expect_status(lookup(&app, "icd10cm", "P07.30", "2026-06-01").await, StatusCode::OK).await;
        assert_eq!(perinatal["applies_to"]["max_age_days"], 28);
        expect_problem(lookup(&app, "icd10cm", "E11.99", "2026-06-01").await, StatusCode::NOT_FOUND).await;

        // The scrubber's questions, on the same data through the library API.
        let catalog = Catalog::load(&mut app.db(), std::time::Duration::ZERO).unwrap();
        let codes = catalog.snapshot();
        let on = date("2026-06-01");
        assert_eq!(codes.check_seventh_character("S52.501A", on), SeventhCheck::Valid);
        assert!(matches!(codes.check_seventh_character("S52.501", on), SeventhCheck::Missing { .. }));
        assert!(matches!(codes.check_seventh_character("S52.501Z", on), SeventhCheck::Invalid { character: 'Z', .. }));
        assert!(matches!(codes.check_seventh_character("T78.40XA", on), SeventhCheck::Valid));
        assert_eq!(codes.check_seventh_character("E11.9", on), SeventhCheck::NotRequired);
        // E11 names the diabetes of E08 (due to an underlying condition) in an Excludes1 note.
        let conflict = codes.excludes1_conflict("E11.9", "E08.9", on).expect("E11 excludes E08");
        assert_eq!(conflict.defined_at, "E11");
        assert!(codes.excludes1_conflict("E08.9", "E11.9", on).is_some(), "either order");
        assert!(codes.excludes1_conflict("E11.9", "I10", on).is_none());
        let hints = codes.billable_descendants(System::Icd10cm, "E11.6", on, 5);
        assert_eq!(hints[0].code, "E11.610");
        assert!(hints.iter().all(|h| h.billable));
    }
}

api_test! {
    async fn a_code_is_valid_only_in_the_version_governing_the_date(app) {
        let april = import_sample(&app, System::Icd10cm, "2026-04-01", &["icd10cm-sample-2026-04.tsv"]);
        assert!(matches!(april, ImportOutcome::Imported(_)));
        expect_status(lookup(&app, "icd10cm", "J06.9", "2026-05-01").await, StatusCode::OK).await;
        expect_problem(lookup(&app, "icd10cm", "J06.9", "2026-03-31").await, StatusCode::NOT_FOUND).await;
        let others_before: Vec<Value> = versions_except(&app, "icd10cm").await;

        // The October update drops J06.9 and adds Z00.00, from its first day on only.
        import_sample(&app, System::Icd10cm, "2026-10-01", &["icd10cm-update-sample.tsv"]);
        expect_status(lookup(&app, "icd10cm", "J06.9", "2026-09-30").await, StatusCode::OK).await;
        expect_problem(lookup(&app, "icd10cm", "J06.9", "2026-10-01").await, StatusCode::NOT_FOUND).await;
        expect_status(lookup(&app, "icd10cm", "Z00.00", "2026-10-01").await, StatusCode::OK).await;
        expect_problem(lookup(&app, "icd10cm", "Z00.00", "2026-09-30").await, StatusCode::NOT_FOUND).await;
        let versions = versions_of(&app, "icd10cm").await;
        assert_eq!(versions.len(), 2);
        assert_eq!(versions[0]["effective_to"], "2026-09-30", "the April version ends the day before");
        assert_eq!(versions[1]["effective_to"], Value::Null);

        // Other systems are untouched by the ICD-10-CM update.
        assert_eq!(versions_except(&app, "icd10cm").await, others_before);
        assert!(others_before.iter().any(|v| v["system"] == "pos"));
        let pos = expect_status(lookup(&app, "pos", "11", "2026-11-01").await, StatusCode::OK).await;
        assert_eq!(pos["description"], "Office");
    }
}

async fn all_versions(app: &TestApp) -> Vec<Value> {
    let versions = expect_status(
        app.get("/codes/versions", &app.admin_token).await,
        StatusCode::OK,
    )
    .await;
    versions.as_array().unwrap().clone()
}

async fn versions_of(app: &TestApp, system: &str) -> Vec<Value> {
    all_versions(app)
        .await
        .into_iter()
        .filter(|v| v["system"] == system)
        .collect()
}

async fn versions_except(app: &TestApp, system: &str) -> Vec<Value> {
    all_versions(app)
        .await
        .into_iter()
        .filter(|v| v["system"] != system)
        .collect()
}

api_test! {
    async fn importing_the_same_file_again_changes_nothing(app) {
        let first = import_sample(&app, System::Hcpcs, "2026-01-01", &["hcpcs-sample-2026.txt"]);
        let ImportOutcome::Imported(version) = first else { panic!("first import imports") };
        let before = all_versions(&app).await;
        let again = import_sample(&app, System::Hcpcs, "2026-01-01", &["hcpcs-sample-2026.txt"]);
        let ImportOutcome::AlreadyImported(same) = again else { panic!("the same file is not imported twice") };
        assert_eq!(same.id, version.id);
        assert_eq!(all_versions(&app).await, before);
        // The shipped sets, imported again on this start, are no-ops too.
        let count = before.len();
        let mut conn = app.db();
        let mut settings = crate::helpers::test_settings(&app.database_url);
        settings.codesets_on_start = backoffice::coding::codesets::shipped::OnStart::Small;
        backoffice::cli::import_shipped_codesets(&mut conn, &settings).unwrap();
        assert_eq!(all_versions(&app).await.len(), count);
    }
}

api_test! {
    async fn the_importers_read_the_invented_samples_in_the_published_layouts(app) {
        import_sample(&app, System::Hcpcs, "2026-01-01", &["hcpcs-sample-2026.txt"]);
        let psa = expect_status(lookup(&app, "hcpcs", "G0103", "2026-02-01").await, StatusCode::OK).await;
        assert!(psa["description"].as_str().unwrap().ends_with("test, total (continuation line of the long description)"), "{psa}");
        assert_eq!(psa["short_description"], "Sample PSA screening");
        let terminated = expect_status(lookup(&app, "hcpcs", "G9999", "2026-02-01").await, StatusCode::OK).await;
        assert_eq!(terminated["billable"], false);
        expect_problem(lookup(&app, "hcpcs", "QW", "2026-02-01").await, StatusCode::NOT_FOUND).await;

        // A licensed CPT file for 2026 governs 2026 dates; the shipped sample still governs 2025.
        let sample_text = expect_status(lookup(&app, "cpt", "99213", "2026-02-01").await, StatusCode::OK).await;
        assert!(sample_text["description"].as_str().unwrap().contains("sample description"));
        import_sample(&app, System::Cpt, "2026-01-01", &["cpt-licensed-sample.csv"]);
        let licensed = expect_status(lookup(&app, "cpt", "99213", "2026-02-01").await, StatusCode::OK).await;
        assert_eq!(licensed["description"], "Invented sample text standing in for a licensed CPT file row");
        let earlier = expect_status(lookup(&app, "cpt", "99213", "2025-06-01").await, StatusCode::OK).await;
        assert!(earlier["description"].as_str().unwrap().contains("sample description"));
        let found = search(&app, "system=cpt&q=0001U&date=2026-02-01").await;
        assert_eq!(first_codes(&found, 1), ["0001U"]);

        import_sample(&app, System::NcciPtp, "2026-01-01", &["ncci-ptp-sample.txt"]);
        import_sample(&app, System::Mue, "2026-01-01", &["mue-sample.csv"]);
        let mut conn = app.db();
        let on = date("2026-02-01");
        let edit = ncci_edit(&mut conn, "80048", "80053", on).unwrap().expect("an edit in either order");
        assert_eq!((edit.column1.as_str(), edit.column2.as_str()), ("80053", "80048"));
        assert_eq!(edit.modifier_indicator, ModifierIndicator::NotAllowed);
        let allowed = ncci_edit(&mut conn, "99213", "36415", on).unwrap().unwrap();
        assert_eq!(allowed.modifier_indicator, ModifierIndicator::Allowed);
        assert_eq!(ncci_edit(&mut conn, "96372", "99211", on).unwrap().unwrap().modifier_indicator, ModifierIndicator::NotApplicable);
        assert!(ncci_edit(&mut conn, "93000", "99213", on).unwrap().is_none(), "deleted at the end of 2025");
        assert!(ncci_edit(&mut conn, "80053", "85025", on).unwrap().is_none());
        assert!(ncci_edit(&mut conn, "80053", "80048", date("2025-12-31")).unwrap().is_none(), "no NCCI version before 2026");
        assert_eq!(mue_limit(&mut conn, "36415", on).unwrap().unwrap().max_units, 2);
        assert!(mue_limit(&mut conn, "99999", on).unwrap().is_none());
    }
}

api_test! {
    async fn bad_search_and_lookup_parameters_are_named_in_a_422(app) {
        let cases: &[(&str, &str)] = &[
            ("q=E11", "system"),
            ("system=icd9&q=E11", "system"),
            ("system=ncci_ptp&q=E11", "system"),
            ("system=icd10cm", "q"),
            ("system=icd10cm&q=%20%20", "q"),
            ("system=icd10cm&q=E11&limit=0", "limit"),
            ("system=icd10cm&q=E11&limit=101", "limit"),
            ("system=icd10cm&q=E11&limit=ten", "limit"),
            ("system=icd10cm&q=E11&date=2026-02-30", "date"),
            ("system=icd10cm&q=E11&colour=red", "colour"),
        ];
        for (query, field) in cases {
            let response = app.get(&format!("/codes/search?{query}"), &app.admin_token).await;
            let problem = expect_problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
            assert_eq!(invalid_fields(&problem), [*field], "{query}");
        }
        let problem = expect_problem(lookup(&app, "icd9", "250.00", "2026-01-01").await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(invalid_fields(&problem), ["system"]);
        expect_problem(lookup(&app, "pos", "98", "2026-01-01").await, StatusCode::NOT_FOUND).await;
        let coder = app.token_for("front_desk").await;
        expect_status(app.get("/codes/search?system=modifier&q=25", &coder).await, StatusCode::OK).await;
        expect_problem(app.request(reqwest::Method::GET, "/codes/search?system=pos&q=11", None).send().await.unwrap(), StatusCode::UNAUTHORIZED).await;
    }
}

api_test! {
    async fn an_import_through_one_instance_is_seen_by_another(app) {
        let other = app.spawn_instance().await;
        let before = expect_status(other.get("/codes/versions", &other.admin_token).await, StatusCode::OK).await;
        import_sample(&app, System::Icd10cm, "2026-04-01", &["icd10cm-sample-2026-04.tsv"]);
        let result = search(&other, "system=icd10cm&q=hypertension&date=2026-05-01").await;
        assert_eq!(first_codes(&result, 1), ["I10"]);
        let after = expect_status(other.get("/codes/versions", &other.admin_token).await, StatusCode::OK).await;
        assert_eq!(after.as_array().unwrap().len(), before.as_array().unwrap().len() + 1);
    }
}
