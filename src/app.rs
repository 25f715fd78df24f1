//! Builds the server: the one place that mounts every domain's routes, and the OpenAPI document.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::from_fn;
use actix_web::{App, HttpResponse, HttpServer, get, web};
use tracing_actix_web::{RequestId, TracingLogger};
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

use crate::coding::codesets::{self, Catalog};
use crate::config::Settings;
use crate::db::DbPool;
use crate::error::AppError;
use crate::http::{AppState, PrivacyRootSpan, configure_extractors, not_found_route, with_conn};
use crate::{
    audit, auth, claims, coding, directory, ledger, patient_accounts, remittance, reports,
    specimens,
};

#[derive(OpenApi)]
#[openapi(
    info(title = "backoffice", description = "Back office of a medical or dental practice and its lab bench."),
    paths(
        healthz, readyz, openapi_json,
        auth::routes::login, auth::routes::logout, auth::routes::me,
        auth::routes::list_users, auth::routes::create_user, auth::routes::get_user,
        auth::routes::disable_user, auth::routes::create_token, auth::routes::revoke_token,
        audit::routes::list_audit,
    ),
    components(schemas(crate::error::Problem, crate::error::FieldError)),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

/// The whole document: the core routes plus every domain's.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(directory::DirectoryApi::openapi());
    doc.merge(specimens::SpecimensApi::openapi());
    doc.merge(coding::EncountersApi::openapi());
    doc.merge(codesets::routes::CodesApi::openapi());
    doc.merge(claims::ClaimsApi::openapi());
    doc.merge(ledger::LedgerApi::openapi());
    doc.merge(remittance::posting::RemittanceApi::openapi());
    doc.merge(reports::ReportsApi::openapi());
    doc.merge(patient_accounts::PatientAccountsApi::openapi());
    doc
}

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Mounts every route. The role table in `auth::policy` must list each one (a test checks).
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(healthz).service(readyz).service(openapi_json);
    auth::routes::configure(cfg);
    audit::routes::configure(cfg);
    directory::configure(cfg);
    specimens::configure(cfg);
    coding::configure(cfg);
    codesets::routes::configure(cfg);
    claims::configure(cfg);
    ledger::configure(cfg);
    remittance::posting::configure(cfg);
    reports::configure(cfg);
    patient_accounts::configure(cfg);
}

/// Starts serving on an already bound listener (tests bind port 0).
pub fn serve(listener: TcpListener, pool: DbPool, settings: Settings) -> std::io::Result<Server> {
    let workers = settings.workers;
    let catalog = load_catalog(&pool, &settings)?;
    let state = web::Data::new(AppState {
        pool,
        settings: Arc::new(settings),
        catalog,
    });
    let mut server = HttpServer::new(move || {
        // The last `wrap` runs first: request id and log line, then the x-request-id header, then auth.
        App::new()
            .wrap(from_fn(auth::authorize))
            .wrap_fn(|req, srv| {
                use actix_web::HttpMessage;
                use actix_web::dev::Service;
                let request_id = req.extensions().get::<RequestId>().map(|id| id.to_string());
                let response = srv.call(req);
                async move {
                    let mut response = response.await?;
                    if let Some(id) = request_id.and_then(|id| HeaderValue::from_str(&id).ok()) {
                        response
                            .headers_mut()
                            .insert(HeaderName::from_static("x-request-id"), id);
                    }
                    Ok(response)
                }
            })
            .wrap(TracingLogger::<PrivacyRootSpan>::new())
            .app_data(state.clone())
            .configure(configure_extractors)
            .configure(routes)
            .default_service(web::to(not_found_route))
    })
    .listen(listener)?;
    if let Some(workers) = workers {
        server = server.workers(workers);
    }
    Ok(server.run())
}

/// Indexes every imported code set version before the first request.
fn load_catalog(pool: &DbPool, settings: &Settings) -> std::io::Result<Arc<Catalog>> {
    let started = std::time::Instant::now();
    let mut conn = pool.get().map_err(std::io::Error::other)?;
    let catalog =
        Catalog::load(&mut conn, settings.codesets_refresh).map_err(std::io::Error::other)?;
    let versions = catalog.snapshot().versions().len();
    tracing::info!(
        versions,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "code set catalog loaded"
    );
    Ok(Arc::new(catalog))
}

/// The process is up.
#[utoipa::path(tag = "health", responses((status = 200, description = "the process is up")))]
#[get("/healthz")]
async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

/// The database answers.
#[utoipa::path(tag = "health", responses((status = 200), (status = 503, body = crate::error::Problem)))]
#[get("/readyz")]
async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    with_conn(&state.pool, |conn| {
        use diesel::connection::SimpleConnection;
        conn.batch_execute("SELECT 1")
            .map_err(|e| AppError::Unavailable(e.to_string()))
    })
    .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({"status": "ready"})))
}

/// This document.
#[utoipa::path(tag = "health", responses((status = 200, description = "the OpenAPI 3 document")))]
#[get("/openapi.json")]
async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(openapi())
}
