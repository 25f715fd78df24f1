//! The ledger at the library and database level, on both backends: posting the standard entries,
//! balances, reversal once, period close, and the database's own guards (balance, immutability,
//! closed periods) against SQL that bypasses the code. Patients and claims are invented ids.

use backoffice::audit::AuditActor;
use backoffice::db::ids::{ClaimId, EntryId, PatientId};
use backoffice::db::{DbConnection, write_transaction};
use backoffice::error::{AppError, AppResult};
use backoffice::ledger::standard::{self, ClaimRef, Payer, RefundOf};
use backoffice::ledger::{
    self, Account, EntryFilter, EntryKind, Month, PaymentMethod, RevenueCategory, Span, ValidEntry,
};
use backoffice::money::from_cents;
use chrono::NaiveDate;
use diesel::{Connection, RunQueryDsl};
use rust_decimal::Decimal;

use reqwest::StatusCode;

use crate::api_test;
use crate::helpers::{expect_problem, expect_status, invalid_fields};

fn d(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn day(month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, month, day).unwrap()
}

fn actor() -> AuditActor {
    AuditActor::system("ledger-tests")
}

fn claim() -> ClaimRef {
    ClaimRef {
        claim_id: ClaimId::generate(),
        patient_id: PatientId::generate(),
    }
}

fn post(conn: &mut DbConnection, entry: &ValidEntry) -> AppResult<EntryId> {
    write_transaction(conn, |c| ledger::post(c, &actor(), entry))
}

fn reverse(conn: &mut DbConnection, id: &EntryId, date: NaiveDate) -> AppResult<EntryId> {
    write_transaction(conn, |c| {
        ledger::reverse(c, &actor(), id, date, "correction")
    })
}

fn conflict_code(result: AppResult<EntryId>) -> &'static str {
    match result {
        Err(e @ (AppError::Conflict { .. } | AppError::ConflictWith { .. })) => e.code(),
        other => panic!("expected a conflict, got {other:?}"),
    }
}

/// A claim charged $150 to insurance (lab 50, office 100) on 2026-11-05.
fn charged(conn: &mut DbConnection) -> (ClaimRef, EntryId) {
    let c = claim();
    let lines = [
        (RevenueCategory::Lab, d("50")),
        (RevenueCategory::Office, d("100")),
    ];
    let entry = standard::charge(day(11, 5), &c, None, Payer::Insurance, &lines).unwrap();
    let id = post(conn, &entry).expect("charge posts");
    (c, id)
}

fn balance_of(tb: &ledger::TrialBalance, account: Account) -> Decimal {
    tb.accounts
        .iter()
        .find(|a| a.code == account.code())
        .unwrap()
        .balance
}

api_test! {
    async fn the_seeded_chart_of_accounts_is_the_one_in_code(app) {
        let stored = ledger::stored_accounts(&mut app.db()).unwrap();
        let expected: Vec<(String, String, String, String)> = Account::ALL
            .iter()
            .map(|a| {
                (
                    a.code().to_owned(),
                    a.name().to_owned(),
                    a.account_type().as_str().to_owned(),
                    a.normal_balance().as_str().to_owned(),
                )
            })
            .collect();
        assert_eq!(stored, expected);
    }
}

api_test! {
    async fn a_claims_life_posts_balanced_entries_and_balances_follow(app) {
        let mut conn = app.db();
        let (c, charge) = charged(&mut conn);
        let p = c.patient_id.clone();
        let on = day(11, 20);
        for entry in [
            standard::insurance_payment(on, &c, Some("TRN-1"), d("90")).unwrap(),
            standard::contractual_adjustment(on, &c, Some("TRN-1"), d("30")).unwrap(),
            standard::transfer_to_patient(on, &c, Some("TRN-1"), d("30")).unwrap(),
            standard::patient_payment(on, &p, Some(&c.claim_id), PaymentMethod::Card, d("40"), d("30")).unwrap(),
            standard::refund(day(11, 21), &p, None, RefundOf::Unapplied, PaymentMethod::Card, d("4")).unwrap(),
        ] {
            post(&mut conn, &entry).expect("posts");
        }

        let claim_balance = ledger::claim_balance(&mut conn, &c.claim_id, None).unwrap();
        assert_eq!((claim_balance.insurance, claim_balance.patient), (d("0.00"), d("0.00")));
        let patient = ledger::patient_balance(&mut conn, &p, None).unwrap();
        assert_eq!((patient.receivable, patient.unapplied), (d("0.00"), d("6.00")));
        // As of the charge's day only the charge counts.
        let early = ledger::claim_balance(&mut conn, &c.claim_id, Some(day(11, 5))).unwrap();
        assert_eq!(early.insurance, d("150.00"));

        let tb = ledger::trial_balance(&mut conn, Span::AsOf(day(11, 30))).unwrap();
        assert_eq!(tb.total_debits, tb.total_credits);
        assert_eq!(tb.total_debits, d("344.00"));
        assert_eq!(balance_of(&tb, Account::Bank), d("126.00"));
        assert_eq!(balance_of(&tb, Account::LabRevenue), d("50.00"));
        assert_eq!(balance_of(&tb, Account::ContractualAdjustments), d("30.00"));
        assert_eq!(balance_of(&tb, Account::UnappliedPayments), d("6.00"));
        let on_the_20th = ledger::trial_balance(&mut conn, Span::Between(on, on)).unwrap();
        assert_eq!(on_the_20th.total_debits, d("190.00"));
        assert_eq!(balance_of(&on_the_20th, Account::OfficeRevenue), d("0.00"));

        let by_claim = ledger::list(&mut conn, &EntryFilter { claim_id: Some(c.claim_id.clone()), ..Default::default() }).unwrap();
        assert_eq!(by_claim.len(), 5, "the refund names no claim");
        assert_eq!(by_claim[0].id, charge);
        let by_patient = ledger::list(&mut conn, &EntryFilter { patient_id: Some(p.clone()), ..Default::default() }).unwrap();
        assert_eq!(by_patient.len(), 6);
        let payments = ledger::list(&mut conn, &EntryFilter { kind: Some(EntryKind::PatientPayment), ..Default::default() }).unwrap();
        assert_eq!(payments.len(), 1);
        assert_eq!(payments[0].body.source().payment_method, Some(PaymentMethod::Card));
        assert_eq!(payments[0].body.lines().len(), 3);
        let in_november = ledger::list(&mut conn, &EntryFilter { from: Some(day(11, 21)), to: Some(day(11, 30)), ..Default::default() }).unwrap();
        assert_eq!(in_november.len(), 1);

        let found = ledger::find(&mut conn, &charge).unwrap();
        assert_eq!(found.body.kind(), EntryKind::Charge);
        assert_eq!(found.body.total_cents(), 15000);
        assert_eq!(found.actor, "ledger-tests");
    }
}

api_test! {
    async fn an_entry_is_reversed_once_and_a_reversal_not_at_all(app) {
        let mut conn = app.db();
        let (c, charge) = charged(&mut conn);
        let reversal = reverse(&mut conn, &charge, day(11, 7)).expect("first reversal");
        let stored = ledger::find(&mut conn, &reversal).unwrap();
        assert_eq!(stored.body.reverses(), Some(&charge));
        assert_eq!(stored.body.date(), day(11, 7));
        assert_eq!(conflict_code(reverse(&mut conn, &charge, day(11, 8))), "already_reversed");
        assert_eq!(conflict_code(reverse(&mut conn, &reversal, day(11, 8))), "reversal_not_reversible");
        // Posting a second reversal built by hand is refused too.
        let again = ValidEntry::reversing(&ledger::find(&mut conn, &charge).unwrap().body, &charge, day(11, 9), "x").unwrap();
        assert_eq!(conflict_code(post(&mut conn, &again)), "already_reversed");
        let balance = ledger::claim_balance(&mut conn, &c.claim_id, None).unwrap();
        assert_eq!(balance.total, d("0.00"));
        assert!(matches!(reverse(&mut conn, &EntryId::generate(), day(11, 8)), Err(AppError::NotFound(_))));
    }
}

/// Runs raw statements in one transaction; the error, if any statement or the commit failed.
fn raw(conn: &mut DbConnection, statements: &[String]) -> Result<(), String> {
    conn.transaction::<_, diesel::result::Error, _>(|c| {
        for statement in statements {
            diesel::sql_query(statement).execute(c)?;
        }
        Ok(())
    })
    .map_err(|e| e.to_string())
}

fn line_sql(entry: &str, no: u32, account: &str, debit: i64, credit: i64) -> String {
    format!(
        "INSERT INTO journal_lines (entry_id, line_no, account_code, debit_cents, credit_cents) \
         VALUES ('{entry}', {no}, '{account}', {debit}, {credit})"
    )
}

fn entry_sql(entry: &str, date: &str, debit: i64, credit: i64, lines: u32) -> String {
    format!(
        "INSERT INTO journal_entries (id, entry_date, kind, memo, debit_total, credit_total, \
         line_count, actor, posted_at) VALUES ('{entry}', '{date}', 'charge', 'raw', {debit}, \
         {credit}, {lines}, 'raw', '2026-11-20 10:00:00')"
    )
}

api_test! {
    async fn the_database_refuses_unbalanced_entries_written_around_the_code(app) {
        let mut conn = app.db();
        let id = || EntryId::generate().to_string();
        // The same statements balanced are accepted (the raw SQL itself is right).
        let ok = id();
        raw(&mut conn, &[line_sql(&ok, 1, "1100", 500, 0), line_sql(&ok, 2, "4100", 0, 500), entry_sql(&ok, "2026-11-20", 500, 500, 2)])
            .expect("a balanced raw entry is accepted");

        let cases: Vec<(&str, Vec<String>)> = {
            let (a, b, c, e, f) = (id(), id(), id(), id(), id());
            vec![
                ("lines that do not balance, totals declared equal", vec![
                    line_sql(&a, 1, "1100", 500, 0), line_sql(&a, 2, "4100", 0, 400), entry_sql(&a, "2026-11-20", 500, 500, 2)]),
                ("declared totals that differ", vec![
                    line_sql(&b, 1, "1100", 500, 0), line_sql(&b, 2, "4100", 0, 400), entry_sql(&b, "2026-11-20", 500, 400, 2)]),
                ("lines without their entry", vec![
                    line_sql(&c, 1, "1100", 500, 0), line_sql(&c, 2, "4100", 0, 500)]),
                ("an entry without lines", vec![entry_sql(&e, "2026-11-20", 500, 500, 2)]),
                ("a single line", vec![line_sql(&f, 1, "1100", 500, 0), entry_sql(&f, "2026-11-20", 500, 500, 1)]),
                ("a line added to a posted entry", vec![line_sql(&ok, 3, "4200", 0, 100)]),
                ("a line with both sides", vec![
                    line_sql(&f, 1, "1100", 500, 500), line_sql(&f, 2, "4100", 500, 500), entry_sql(&f, "2026-11-20", 1000, 1000, 2)]),
            ]
        };
        for (case, statements) in cases {
            assert!(raw(&mut conn, &statements).is_err(), "{case} was accepted");
        }
        let tb = ledger::trial_balance(&mut conn, Span::AsOf(day(12, 31))).unwrap();
        assert_eq!((tb.total_debits, tb.total_credits), (d("5.00"), d("5.00")));
    }
}

api_test! {
    async fn posted_entries_and_lines_cannot_be_changed_or_deleted(app) {
        let mut conn = app.db();
        let (_, charge) = charged(&mut conn);
        let statements = [
            format!("UPDATE journal_entries SET memo = 'changed' WHERE id = '{charge}'"),
            format!("DELETE FROM journal_entries WHERE id = '{charge}'"),
            format!("UPDATE journal_lines SET debit_cents = 1 WHERE entry_id = '{charge}' AND line_no = 1"),
            format!("DELETE FROM journal_lines WHERE entry_id = '{charge}'"),
        ];
        for statement in statements {
            let refused = raw(&mut conn, std::slice::from_ref(&statement)).unwrap_err();
            assert!(refused.contains("immutable"), "{statement}: {refused}");
        }
        let found = ledger::find(&mut conn, &charge).unwrap();
        assert_eq!((found.body.memo(), found.body.total_cents()), ("charge", 15000));
    }
}

api_test! {
    async fn a_closed_period_refuses_postings_and_takes_corrections_in_the_open_one(app) {
        let mut conn = app.db();
        let (c, charge) = charged(&mut conn);
        let november = Month::parse("2026-11").unwrap();
        let closed = write_transaction(&mut conn, |c| ledger::close_period(c, &actor(), november)).unwrap();
        assert_eq!(closed.month, november);
        let again = write_transaction(&mut conn, |c| ledger::close_period(c, &actor(), november));
        assert!(matches!(again, Err(AppError::Conflict { code: "period_already_closed", .. })));
        assert_eq!(ledger::closed_periods(&mut conn).unwrap(), vec![closed]);

        let late = standard::insurance_payment(day(11, 30), &c, None, d("10")).unwrap();
        match post(&mut conn, &late) {
            Err(e @ AppError::ConflictWith { .. }) => {
                assert_eq!(e.code(), "period_closed");
                assert!(e.to_string().contains("2026-11"), "{e}");
            }
            other => panic!("expected period_closed, got {other:?}"),
        }
        assert_eq!(conflict_code(reverse(&mut conn, &charge, day(11, 30))), "period_closed");
        let reversal = reverse(&mut conn, &charge, day(12, 1)).expect("the reversal posts in December");
        assert_eq!(ledger::find(&mut conn, &reversal).unwrap().body.date(), day(12, 1));

        // November still shows the charge; the books as of December show it undone.
        let nov = ledger::claim_balance(&mut conn, &c.claim_id, Some(day(11, 30))).unwrap();
        assert_eq!(nov.total, d("150.00"));
        let dec = ledger::claim_balance(&mut conn, &c.claim_id, Some(day(12, 31))).unwrap();
        assert_eq!(dec.total, d("0.00"));

        // The trigger refuses a raw entry dated in November; the same in December passes.
        let id = EntryId::generate().to_string();
        let in_november = [line_sql(&id, 1, "1000", 100, 0), line_sql(&id, 2, "4900", 0, 100), entry_sql(&id, "2026-11-15", 100, 100, 2)];
        let refused = conn
            .transaction::<_, diesel::result::Error, _>(|c| {
                for statement in &in_november {
                    diesel::sql_query(statement).execute(c)?;
                }
                Ok(())
            })
            .unwrap_err();
        assert_eq!(AppError::from(refused).code(), "period_closed", "the trigger's refusal is a 409");
        let in_december = [line_sql(&id, 1, "1000", 100, 0), line_sql(&id, 2, "4900", 0, 100), entry_sql(&id, "2026-12-15", 100, 100, 2)];
        raw(&mut conn, &in_december).expect("December is open");
        assert!(raw(&mut conn, &[String::from("DELETE FROM accounting_periods")]).is_err(), "a closed period reopened");
    }
}

api_test! {
    async fn accountants_read_the_trial_balance_as_of_a_date_over_http(app) {
        let mut conn = app.db();
        let (c, _) = charged(&mut conn);
        post(&mut conn, &standard::insurance_payment(day(12, 2), &c, None, d("100")).unwrap()).unwrap();
        let accountant = app.token_for("accountant").await;

        let body = expect_status(app.get("/ledger/trial-balance?as_of=2026-11-30", &accountant).await, StatusCode::OK).await;
        assert_eq!(body["total_debits"], "150.00");
        assert_eq!(body["total_credits"], "150.00");
        let accounts = body["accounts"].as_array().unwrap();
        assert_eq!(accounts.len(), Account::ALL.len());
        let ar = accounts.iter().find(|a| a["code"] == "1100").unwrap();
        assert_eq!((ar["balance"].as_str(), ar["normal_balance"].as_str()), (Some("150.00"), Some("debit")));

        let december = expect_status(app.get("/ledger/trial-balance?as_of=2026-12-31&from=2026-12-01", &accountant).await, StatusCode::OK).await;
        assert_eq!(december["total_debits"], "100.00");
        let today = expect_status(app.get("/ledger/trial-balance", &accountant).await, StatusCode::OK).await;
        assert_eq!(today["total_debits"], today["total_credits"]);

        let backwards = expect_problem(app.get("/ledger/trial-balance?as_of=2026-11-01&from=2026-12-01", &accountant).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert_eq!(invalid_fields(&backwards), vec!["from"]);
        let biller = app.token_for("biller").await;
        expect_problem(app.get("/ledger/trial-balance", &biller).await, StatusCode::FORBIDDEN).await;
    }
}

api_test! {
    async fn stored_balances_agree_with_the_in_memory_ledger(app) {
        use backoffice::ledger::fold::Ledger;
        let mut conn = app.db();
        let mut memory = Ledger::new();
        let (a, b) = (claim(), claim());
        let p = a.patient_id.clone();
        let lab = [(RevenueCategory::Lab, d("80")), (RevenueCategory::Other, d("20"))];
        let entries = vec![
            standard::charge(day(11, 2), &a, None, Payer::Insurance, &lab).unwrap(),
            standard::charge(day(11, 2), &b, None, Payer::Patient, &lab[..1]).unwrap(),
            standard::insurance_payment(day(11, 9), &a, None, d("55.55")).unwrap(),
            standard::contractual_adjustment(day(11, 9), &a, None, d("14.45")).unwrap(),
            standard::transfer_to_patient(day(11, 9), &a, None, d("30")).unwrap(),
            standard::other_adjustment(day(11, 10), &b, Payer::Patient, None, d("5")).unwrap(),
            standard::patient_payment(day(11, 12), &b.patient_id, Some(&b.claim_id), PaymentMethod::Cash, d("100"), d("75")).unwrap(),
            standard::patient_payment(day(11, 12), &p, Some(&a.claim_id), PaymentMethod::Check, d("10"), d("30")).unwrap(),
            standard::write_off(day(11, 28), &a, backoffice::ledger::standard::WriteOffTo::BadDebt, d("20")).unwrap(),
            standard::refund(day(11, 29), &b.patient_id, None, RefundOf::Unapplied, PaymentMethod::Check, d("25")).unwrap(),
        ];
        let mut stored = Vec::new();
        for entry in &entries {
            stored.push(post(&mut conn, entry).unwrap());
            memory.apply(entry.clone()).unwrap();
        }
        let reversed = memory.entries()[2].0.clone();
        memory.reverse(&reversed, day(11, 30)).unwrap();
        reverse(&mut conn, &stored[2], day(11, 30)).unwrap();

        let tb = ledger::trial_balance(&mut conn, Span::AsOf(day(11, 30))).unwrap();
        for account in Account::ALL {
            let (debits, credits) = memory.account(account);
            let row = tb.accounts.iter().find(|r| r.code == account.code()).unwrap();
            assert_eq!((row.debits, row.credits), (from_cents(debits), from_cents(credits)), "{}", account.code());
        }
        for c in [&a, &b] {
            let db = ledger::claim_balance(&mut conn, &c.claim_id, None).unwrap();
            let mem = memory.claim(&c.claim_id);
            assert_eq!((db.insurance, db.patient), (from_cents(mem.insurance), from_cents(mem.patient)));
            let patient = ledger::patient_balance(&mut conn, &c.patient_id, None).unwrap();
            assert_eq!(patient.receivable, from_cents(memory.patient_receivable(&c.patient_id)));
            assert_eq!(patient.unapplied, from_cents(memory.unapplied(&c.patient_id)));
        }
        assert_eq!(ledger::claim_balance(&mut conn, &a.claim_id, None).unwrap().total, d("55.55"), "100 - 14.45 adjusted - 10 paid - 20 written off; the payment reversed");
        assert_eq!(ledger::patient_balance(&mut conn, &b.patient_id, None).unwrap().unapplied, d("0.00"));
        // Read back, every stored entry is the one posted.
        for (id, entry) in stored.iter().zip(&entries) {
            assert_eq!(&ledger::find(&mut conn, id).unwrap().body, entry);
        }
    }
}

api_test! {
    async fn two_clerks_reversing_one_entry_at_once_post_one_reversal(app) {
        let (_, charge) = charged(&mut app.db());
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
        let clerks: Vec<_> = (0..2)
            .map(|_| {
                let (mut conn, barrier, charge) = (app.db(), barrier.clone(), charge.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    reverse(&mut conn, &charge, day(11, 20)).map_err(|e| e.code())
                })
            })
            .collect();
        let mut outcomes: Vec<Result<EntryId, &str>> = clerks.into_iter().map(|c| c.join().unwrap()).collect();
        outcomes.sort_by_key(|o| o.is_err());
        assert!(outcomes[0].is_ok(), "{outcomes:?}");
        assert_eq!(outcomes[1], Err("already_reversed"));
        let reversals = ledger::list(&mut app.db(), &EntryFilter { kind: Some(EntryKind::Reversal), ..Default::default() }).unwrap();
        assert_eq!(reversals.len(), 1);
    }
}
