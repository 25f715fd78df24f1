//! `spawn_app`: the real server on port 0 over a fresh database — a new SQLite file, or a new PostgreSQL
//! database when `BACKOFFICE_TEST_POSTGRES_URL` names a server. With `BACKOFFICE_REQUIRE_POSTGRES=1` (CI)
//! a PostgreSQL test without that server fails instead of skipping.

use std::net::TcpListener;

use backoffice::coding::codesets::shipped::OnStart;
use backoffice::config::Settings;
use backoffice::db::{DbConnection, Manager};
use diesel::connection::SimpleConnection;
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    /// The first administrator's token, as printed on first start.
    pub admin_token: String,
    pub database_url: String,
    /// The database this app owns (None for a second instance on another app's database).
    _database: Option<TestDatabase>,
}

/// A fresh, empty database that is removed when dropped.
pub struct TestDatabase {
    pub url: String,
    pub(crate) cleanup: Cleanup,
}

pub(crate) enum Cleanup {
    SqliteFile(std::path::PathBuf),
    PostgresDatabase { admin_url: String, name: String },
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::SqliteFile(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::PostgresDatabase { admin_url, name } => {
                if let Ok(mut conn) = Manager::new(admin_url).establish() {
                    let _ =
                        conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
                }
            }
        }
    }
}

/// The PostgreSQL server for tests, or `None` to skip (never in CI: there it must be set).
pub(crate) fn postgres_admin_url() -> Option<String> {
    match std::env::var("BACKOFFICE_TEST_POSTGRES_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            let required = std::env::var("BACKOFFICE_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
            assert!(
                !required,
                "BACKOFFICE_REQUIRE_POSTGRES=1 but BACKOFFICE_TEST_POSTGRES_URL is not set"
            );
            None
        }
    }
}

/// A URL for `database` on the same server as `admin_url`.
pub(crate) fn with_database(admin_url: &str, database: &str) -> String {
    let mut url = url::Url::parse(admin_url).expect("BACKOFFICE_TEST_POSTGRES_URL is a URL");
    url.set_path(&format!("/{database}"));
    url.to_string()
}

/// A new empty database on the backend; `None` only for PostgreSQL when no server is configured.
pub fn fresh_database(backend: Backend) -> Option<TestDatabase> {
    let id = uuid::Uuid::now_v7().simple().to_string();
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join("backoffice-tests");
            std::fs::create_dir_all(&dir).expect("temp dir");
            let path = dir.join(format!("{id}.db"));
            Some(TestDatabase {
                url: path.display().to_string(),
                cleanup: Cleanup::SqliteFile(path),
            })
        }
        Backend::Postgres => {
            let admin_url = postgres_admin_url()?;
            let name = format!("bo_test_{id}");
            let mut conn = Manager::new(&admin_url)
                .establish()
                .expect("connect to BACKOFFICE_TEST_POSTGRES_URL");
            conn.batch_execute(&format!("CREATE DATABASE {name}"))
                .expect("create test database");
            Some(TestDatabase {
                url: with_database(&admin_url, &name),
                cleanup: Cleanup::PostgresDatabase { admin_url, name },
            })
        }
    }
}

/// Starts the service on a fresh database; `None` only for PostgreSQL when no server is configured.
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, |_| {}).await
}

pub async fn spawn_app_with(
    backend: Backend,
    adjust: impl FnOnce(&mut Settings),
) -> Option<TestApp> {
    spawn_app_on(fresh_database(backend)?, adjust).await
}

/// Starts the service on a database holding the full shipped code sets (ICD-10-CM included), copied
/// from a template imported once (see `codesets_template`).
pub async fn spawn_app_with_full_codesets(backend: Backend) -> Option<TestApp> {
    let database = crate::templates::database_with_full_codesets(backend)?;
    spawn_app_on(database, |_| {}).await
}

/// Settings for a test server: small pools, only the small shipped code sets (importing the full
/// ICD-10-CM release into every test database would make the suite crawl), and a catalog that checks
/// for imports made elsewhere on every request.
pub fn test_settings(database_url: &str) -> Settings {
    Settings {
        database_url: database_url.to_owned(),
        bind: "127.0.0.1:0".into(),
        workers: Some(2),
        pool_size: Some(4),
        codesets_on_start: OnStart::Small,
        codesets_refresh: std::time::Duration::ZERO,
        ..Settings::default()
    }
}

pub async fn spawn_app_on(
    database: TestDatabase,
    adjust: impl FnOnce(&mut Settings),
) -> Option<TestApp> {
    let database_url = database.url.clone();
    let mut settings = test_settings(&database_url);
    adjust(&mut settings);
    let pool =
        backoffice::cli::open_database(&settings).expect("open and migrate the test database");
    let admin_token = {
        let mut conn = pool.get().expect("connection");
        backoffice::cli::import_shipped_codesets(&mut conn, &settings)
            .expect("import the shipped code sets");
        backoffice::bootstrap::ensure_first_admin(&mut conn)
            .expect("bootstrap")
            .expect("a fresh database gets a first admin")
    };
    Some(TestApp {
        address: serve(pool, settings),
        client: test_client(),
        admin_token,
        database_url,
        _database: Some(database),
    })
}

/// The HTTP client of a test. Idle connections are dropped after a second, well before the server's
/// 5-second keep-alive closes them: a test that pauses (running a referee between two requests) would
/// otherwise send on a connection the server is closing and get `IncompleteMessage`.
fn test_client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_idle_timeout(std::time::Duration::from_secs(1))
        .build()
        .expect("an HTTP client")
}

/// Starts the server on port 0 over `pool`; returns its base URL.
fn serve(pool: backoffice::db::DbPool, settings: Settings) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind port 0");
    let port = listener.local_addr().unwrap().port();
    let server = backoffice::app::serve(listener, pool, settings).expect("start server");
    tokio::spawn(server);
    format!("http://127.0.0.1:{port}")
}

/// Declares one test that runs on SQLite, and on PostgreSQL when configured.
#[macro_export]
macro_rules! api_test {
    ($(#[$meta:meta])* async fn $name:ident($app:ident) $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($app: $crate::helpers::TestApp) $body

            #[tokio::test]
            async fn sqlite() {
                let app = $crate::helpers::spawn_app($crate::helpers::Backend::Sqlite).await.unwrap();
                run(app).await;
            }

            #[tokio::test]
            async fn postgres() {
                if let Some(app) = $crate::helpers::spawn_app($crate::helpers::Backend::Postgres).await {
                    run(app).await;
                }
            }
        }
    };
}

impl TestApp {
    /// A second server on the same database with a pool of its own, as another replica would run. It
    /// shares the first one's admin token and leaves the database to the first one to clean up.
    pub async fn spawn_instance(&self) -> TestApp {
        let settings = test_settings(&self.database_url);
        let pool = backoffice::cli::open_database(&settings).expect("open the shared database");
        TestApp {
            address: serve(pool, settings),
            client: test_client(),
            admin_token: self.admin_token.clone(),
            database_url: self.database_url.clone(),
            _database: None,
        }
    }

    pub fn request(&self, method: Method, path: &str, token: Option<&str>) -> RequestBuilder {
        let builder = self
            .client
            .request(method, format!("{}{path}", self.address));
        match token {
            Some(token) => builder.bearer_auth(token),
            None => builder,
        }
    }

    /// `POST /auth/login` with these credentials.
    pub async fn login(&self, username: &str, password: &str) -> Response {
        self.request(Method::POST, "/auth/login", None)
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .expect("request")
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.request(Method::GET, path, Some(token))
            .send()
            .await
            .expect("request")
    }

    pub async fn post(&self, path: &str, token: &str, body: &Value) -> Response {
        self.request(Method::POST, path, Some(token))
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn put(
        &self,
        path: &str,
        token: &str,
        body: &Value,
        if_match: Option<i64>,
    ) -> Response {
        let mut builder = self.request(Method::PUT, path, Some(token)).json(body);
        if let Some(version) = if_match {
            builder = builder.header("If-Match", format!("\"{version}\""));
        }
        builder.send().await.expect("request")
    }

    /// A direct database connection, for tampering tests and assertions on stored rows.
    pub fn db(&self) -> DbConnection {
        Manager::new(&self.database_url)
            .establish()
            .expect("connect to the test database")
    }

    /// Creates a user with `role` through the API and returns a token for it.
    pub async fn token_for(&self, role: &str) -> String {
        let username = format!(
            "{role}-{}",
            &uuid::Uuid::now_v7().simple().to_string()[20..]
        );
        let user = self
            .post(
                "/users",
                &self.admin_token,
                &json!({"username": username, "display_name": role, "role": role}),
            )
            .await;
        let user = expect_status(user, StatusCode::CREATED).await;
        let id = user["id"].as_str().unwrap();
        let created = self
            .post(
                &format!("/users/{id}/tokens"),
                &self.admin_token,
                &json!({"name": "test"}),
            )
            .await;
        expect_status(created, StatusCode::CREATED).await["token"]
            .as_str()
            .unwrap()
            .to_owned()
    }
}

/// Asserts the status and returns the JSON body (Null when empty).
pub async fn expect_status(response: Response, status: StatusCode) -> Value {
    let actual = response.status();
    let text = response.text().await.expect("body");
    assert_eq!(actual, status, "unexpected status; body: {text}");
    if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).expect("JSON body")
    }
}

/// Asserts a problem+json answer with this status and returns it.
pub async fn expect_problem(response: Response, status: StatusCode) -> Value {
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap_or("").to_owned())
        .unwrap_or_default();
    let body = expect_status(response, status).await;
    assert_eq!(content_type, "application/problem+json", "body: {body}");
    assert_eq!(body["status"], status.as_u16());
    body
}

/// The fields a 422 names.
pub fn invalid_fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["field"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}
