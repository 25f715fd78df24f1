use backoffice::db::{revert_all_migrations, run_migrations};
use reqwest::StatusCode;

use crate::api_test;
use crate::helpers::expect_status;

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
