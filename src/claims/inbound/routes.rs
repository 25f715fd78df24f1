//! `/x12/inbound`: acknowledgement files in (999 and 277CA as the raw X12 body), listed and read back
//! with what importing them did. A file's content names patients (a 277CA's NM1*QC): reading one is
//! audited; the list shows no content.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::files;
use super::import::{AckFile, RESOURCE, import};
use super::model::{InboundFile, InboundFileSummary, Outcome};
use crate::audit::{self, Audit};
use crate::auth::Actor;
use crate::db::ids::InboundFileId;
use crate::error::{AppError, AppResult, Problem};
use crate::http::{
    ApiQuery, AppState, Page, Paging, in_write_transaction, read_x12_file, with_conn,
};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(list_acknowledgements)
        .service(import_acknowledgement)
        .service(get_acknowledgement);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FileQuery {
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Takes in a 999 or 277CA and applies it to the claims it acknowledges, in one transaction: 201 with
/// what changed, what was left as it was and why, and what matched nothing. The same bytes again change
/// nothing: 200 with the first import's outcome and `duplicate: true`. 422 naming `file` when it does
/// not read (the reader's message says where); 415 for a body that is not sent as an X12 file; 413
/// above 10 MB.
#[utoipa::path(tag = "acknowledgements",
    request_body(description = "The X12 file, exactly as received from the clearinghouse.",
        content((String = "application/edi-x12"), (String = "text/plain"), (String = "application/octet-stream"))),
    responses((status = 201, body = Outcome), (status = 200, body = Outcome, description = "already imported"),
              (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[post("/x12/inbound")]
async fn import_acknowledgement(
    actor: Actor,
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    let bytes = match read_x12_file(&req, payload, "the X12 file").await {
        Ok(bytes) => bytes,
        Err(refusal) => return Ok(refusal),
    };
    let file = web::block(move || AckFile::read(bytes)).await??;
    let outcome =
        in_write_transaction(&state.pool, move |conn| import(conn, &actor.audit(), &file)).await?;
    let mut response = if outcome.duplicate {
        HttpResponse::Ok()
    } else {
        HttpResponse::Created()
    };
    Ok(response
        .insert_header((header::LOCATION, format!("/x12/inbound/{}", outcome.id)))
        .json(outcome))
}

/// Acknowledgement files taken in, newest first, with how many claims each changed.
#[utoipa::path(tag = "acknowledgements", params(FileQuery),
    responses((status = 200, body = Page<InboundFileSummary>), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[get("/x12/inbound")]
async fn list_acknowledgements(
    _actor: Actor,
    state: web::Data<AppState>,
    query: ApiQuery<FileQuery>,
) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let paging = Paging::from_query(q.page, q.per_page)?;
    let (items, total) = with_conn(&state.pool, move |conn| {
        Ok(files::list(conn, paging.per_page, paging.offset)?)
    })
    .await?;
    Ok(paging.respond(items, total))
}

/// One acknowledgement file: what importing it did and its content as received. Audited as a read.
#[utoipa::path(tag = "acknowledgements", params(("file_id" = String, Path)),
    responses((status = 200, body = InboundFile), (status = 404, body = Problem)),
    security(("bearer" = [])))]
#[get("/x12/inbound/{file_id}")]
async fn get_acknowledgement(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<InboundFileId>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let file = in_write_transaction(&state.pool, move |conn| {
        let file = files::find(conn, &id)?.ok_or(AppError::NotFound("acknowledgement file"))?;
        audit::record(conn, &actor.audit(), Audit::new("read", RESOURCE, &id))?;
        Ok(file)
    })
    .await?;
    Ok(HttpResponse::Ok().json(file))
}
