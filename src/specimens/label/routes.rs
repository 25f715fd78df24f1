//! `GET /specimens/{specimen_id}/label` (one label to look at or download) and `POST /labels` (printing
//! many, counted and audited). Thin handlers: parse, call `print`, answer with the bytes.

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::print::{self, PrintJobInput, ValidPrintJob, dpi_message};
use super::{Dpi, LabelFormat, LabelSpec, render};
use crate::auth::Actor;
use crate::config::Settings;
use crate::db::ids::SpecimenId;
use crate::error::{AppError, AppResult, Problem};
use crate::http::{ApiJson, ApiQuery, AppState, in_write_transaction};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(get_label).service(print_labels);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LabelQuery {
    /// `svg` (default), `png` or `zpl`.
    pub format: Option<String>,
    /// 203 or 300 (default: `BACKOFFICE_LABEL_DPI`).
    pub dpi: Option<u32>,
}

/// The label stock from the settings at `dpi` (the settings' own when none is asked for).
fn label_spec(settings: &Settings, dpi: Option<Dpi>) -> AppResult<LabelSpec> {
    let dpi = dpi
        .or_else(|| Dpi::from_number(settings.label_dpi))
        .unwrap_or(Dpi::D203);
    Ok(LabelSpec::new(
        settings.label_width_in,
        settings.label_height_in,
        dpi,
    )?)
}

/// One specimen's label as SVG, PNG (1-bit, at the printer's dpi) or ZPL. Showing a label shows the
/// patient's name, birth date and MRN, so it is audited as a read; it is not counted as a print.
#[utoipa::path(tag = "labels", params(("specimen_id" = String, Path), LabelQuery),
    responses(
        (status = 200, description = "The label", content(
            (String = "image/svg+xml"), (Vec<u8> = "image/png"), (String = "application/zpl")),
            headers(("X-Labels-Printed" = i64, description = "labels of this specimen printed so far"))),
        (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[get("/specimens/{specimen_id}/label")]
async fn get_label(
    actor: Actor,
    state: web::Data<AppState>,
    path: web::Path<SpecimenId>,
    query: ApiQuery<LabelQuery>,
) -> AppResult<HttpResponse> {
    let query = query.into_inner();
    let format = match query.format.as_deref() {
        None => LabelFormat::Svg,
        Some(text) => LabelFormat::parse(text)
            .ok_or_else(|| AppError::invalid("format", "must be svg, png or zpl"))?,
    };
    let dpi = match query.dpi {
        None => None,
        Some(n) => {
            Some(Dpi::from_number(n).ok_or_else(|| AppError::invalid("dpi", dpi_message()))?)
        }
    };
    let spec = label_spec(&state.settings, dpi)?;
    let id = path.into_inner();
    let (data, printed) = in_write_transaction(&state.pool, move |conn| {
        print::read_label(conn, &actor.audit(), &id)
    })
    .await?;
    let body = render(&data, &spec, format)?;
    Ok(HttpResponse::Ok()
        .content_type(format.content_type())
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header(("X-Labels-Printed", printed.to_string()))
        .body(body))
}

/// Prints labels for many specimens at once, as one ZPL stream or one PDF (a label-sized page per
/// label). Every label is counted, put on the specimen's timeline and audited; a specimen printed before
/// needs a `reason`. Nothing is counted when the job is refused.
#[utoipa::path(tag = "labels", request_body = PrintJobInput,
    responses(
        (status = 200, description = "The print job", content(
            (String = "application/zpl"), (Vec<u8> = "application/pdf")),
            headers(("X-Label-Job" = String, description = "the job's id in label_prints"),
                    ("X-Labels" = u32, description = "labels in the document, copies included"))),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
#[post("/labels")]
async fn print_labels(
    actor: Actor,
    state: web::Data<AppState>,
    body: ApiJson<PrintJobInput>,
) -> AppResult<HttpResponse> {
    let job = ValidPrintJob::try_from(&body.0)?;
    let spec = label_spec(&state.settings, job.dpi)?;
    let format = job.format;
    let printed = in_write_transaction(&state.pool, move |conn| {
        print::print(conn, &actor.audit(), &spec, &job)
    })
    .await?;
    let extension = match format {
        super::DocumentFormat::Zpl => "zpl",
        super::DocumentFormat::Pdf => "pdf",
    };
    Ok(HttpResponse::Ok()
        .content_type(format.content_type())
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"labels-{}.{extension}\"",
                printed.job_id
            ),
        ))
        .insert_header(("X-Label-Job", printed.job_id.to_string()))
        .insert_header(("X-Labels", printed.labels.to_string()))
        .body(printed.document))
}
