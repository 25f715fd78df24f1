use backoffice::db::{revert_all_migrations, run_migrations};
use reqwest::StatusCode;

use crate::api_test;
use backoffice::config::Settings;

use crate::helpers::{Backend, expect_status, fresh_database};

api_test! {
    async fn every_migration_runs_down_and_up_again(app) {
        let mut conn = app.db();
        let reverted = revert_all_migrations(&mut conn).expect("down");
        assert!(reverted >= 1);
        let applied = run_migrations(&mut conn).expect("up again");
        assert_eq!(applied, reverted);
        drop(conn);
        // The schema works after the round trip (the old token went with the tables).
        let ready = app.request(reqwest::Method::GET, "/readyz", None).send().await.unwrap();
        expect_status(ready, StatusCode::OK).await;
    }
}

/// Three instances start on one empty database at the same moment: migrations run once, one first admin.
fn instances_starting_together_migrate_once_and_create_one_admin(backend: Backend) {
    let Some(database) = fresh_database(backend) else {
        return;
    };
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(3));
    let starts: Vec<_> = (0..3)
        .map(|_| {
            let (url, barrier) = (database.url.clone(), barrier.clone());
            std::thread::spawn(move || {
                let settings = Settings {
                    database_url: url,
                    pool_size: Some(2),
                    ..Settings::default()
                };
                barrier.wait();
                let pool = backoffice::cli::open_database(&settings).expect("each instance starts");
                let mut conn = pool.get().unwrap();
                backoffice::bootstrap::ensure_first_admin(&mut conn).expect("bootstrap")
            })
        })
        .collect();
    let tokens: Vec<Option<String>> = starts.into_iter().map(|s| s.join().unwrap()).collect();
    assert_eq!(
        tokens.iter().flatten().count(),
        1,
        "exactly one first-admin token: {tokens:?}"
    );
}

#[test]
fn instances_starting_together_on_sqlite_migrate_once_and_create_one_admin() {
    instances_starting_together_migrate_once_and_create_one_admin(Backend::Sqlite);
}

#[test]
fn instances_starting_together_on_postgres_migrate_once_and_create_one_admin() {
    instances_starting_together_migrate_once_and_create_one_admin(Backend::Postgres);
}
