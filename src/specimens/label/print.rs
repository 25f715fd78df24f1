//! Printing: a job names specimens and copies; every label printed is counted in `label_prints`, recorded
//! on the specimen's timeline (a `label` custody event) and audited as an access to the patient's data. A
//! specimen printed before is a reprint, which must give a reason.

use chrono::{DateTime, Local, Utc};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::document::{DocumentFormat, LabelJob, MAX_PAGES, render_document};
use super::store::{self, NewLabelPrint};
use super::{Dpi, LabelData, LabelFields, LabelSpec, Layout};
use crate::audit::{self, Audit, AuditActor};
use crate::db::ids::{LabelJobId, LabelPrintId, SpecimenId};
use crate::db::{DbConnection, from_utc, now};
use crate::error::{AppError, AppResult, Validator};
use crate::specimens::events::{NewEvent, record_event};
use crate::specimens::model;
use crate::specimens::store as specimens;

const MAX_ITEMS: usize = 200;
const MAX_COPIES: u32 = 100;
const MAX_REASON: usize = 500;

/// `POST /labels`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PrintJobInput {
    pub items: Vec<PrintItemInput>,
    /// `zpl` (one stream for a Zebra printer) or `pdf` (one label-sized page per label).
    pub format: String,
    /// 203 or 300 (default: `BACKOFFICE_LABEL_DPI`).
    pub dpi: Option<u32>,
    /// Why labels are printed again; required when any specimen of the job was printed before.
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PrintItemInput {
    #[schema(value_type = String)]
    pub specimen_id: SpecimenId,
    /// 1 to 100 (default 1).
    pub copies: Option<u32>,
}

/// A checked print job.
#[derive(Debug, Clone)]
pub struct ValidPrintJob {
    pub items: Vec<(SpecimenId, u32)>,
    pub format: DocumentFormat,
    pub dpi: Option<Dpi>,
    pub reason: Option<String>,
}

impl TryFrom<&PrintJobInput> for ValidPrintJob {
    type Error = AppError;

    fn try_from(input: &PrintJobInput) -> AppResult<Self> {
        let mut v = Validator::new();
        if input.items.is_empty() || input.items.len() > MAX_ITEMS {
            v.reject("items", format!("must list 1 to {MAX_ITEMS} specimens"));
        }
        let mut items: Vec<(SpecimenId, u32)> = Vec::with_capacity(input.items.len());
        for (i, item) in input.items.iter().enumerate() {
            let copies = item.copies.unwrap_or(1);
            if !(1..=MAX_COPIES).contains(&copies) {
                v.reject(
                    &format!("items[{i}].copies"),
                    format!("must be 1 to {MAX_COPIES}"),
                );
            }
            if items.iter().any(|(id, _)| *id == item.specimen_id) {
                v.reject(
                    &format!("items[{i}].specimen_id"),
                    "is listed twice; ask for more copies instead",
                );
            }
            items.push((item.specimen_id.clone(), copies));
        }
        let pages: u32 = items.iter().map(|(_, c)| c).sum();
        if pages > MAX_PAGES {
            v.reject(
                "items",
                format!("a job prints at most {MAX_PAGES} labels, copies included"),
            );
        }
        let format = v.check(
            "format",
            DocumentFormat::parse(&input.format).ok_or_else(|| "must be zpl or pdf".to_string()),
        );
        let dpi = match input.dpi {
            None => Some(None),
            Some(n) => v.check("dpi", Dpi::from_number(n).map(Some).ok_or_else(dpi_message)),
        };
        let reason = input
            .reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty());
        if reason.is_some_and(|r| r.chars().count() > MAX_REASON) {
            v.reject("reason", format!("must be at most {MAX_REASON} characters"));
        }
        v.finish(|| {
            Some(ValidPrintJob {
                items,
                format: format?,
                dpi: dpi?,
                reason: reason.map(str::to_owned),
            })
        })
    }
}

pub fn dpi_message() -> String {
    "must be 203 or 300".into()
}

/// What a print job produced.
#[derive(Debug)]
pub struct PrintedJob {
    pub job_id: LabelJobId,
    pub document: Vec<u8>,
    pub labels: u32,
    pub reprints: usize,
}

/// Prints the job inside the caller's transaction: the document is rendered before anything is
/// counted as printed, so a label that cannot be made leaves no trace.
pub fn print(
    conn: &mut DbConnection,
    actor: &AuditActor,
    spec: &LabelSpec,
    job: &ValidPrintJob,
) -> AppResult<PrintedJob> {
    let mut labels = Vec::with_capacity(job.items.len());
    let mut reprints = Vec::new();
    for (i, (id, copies)) in job.items.iter().enumerate() {
        let field = format!("items[{i}].specimen_id");
        let data = specimens::label_data(conn, id)?
            .ok_or_else(|| AppError::invalid(&field, "no such specimen"))?;
        let layout = Layout::new(&label_data(&data).map_err(AppError::from)?, spec)?;
        if store::printed_before(conn, id.as_str())? {
            reprints.push(data.accession.clone());
        }
        labels.push((
            data,
            LabelJob {
                layout,
                copies: *copies,
            },
        ));
    }
    if !reprints.is_empty() && job.reason.is_none() {
        return Err(AppError::invalid(
            "reason",
            format!(
                "{} printed before: a reprint needs a reason",
                reprints.join(", ")
            ),
        ));
    }
    let jobs: Vec<LabelJob> = labels.iter().map(|(_, j)| j.clone()).collect();
    let document = render_document(&jobs, job.format)?;
    let printing = Printing {
        actor,
        job_id: LabelJobId::generate(),
        job,
        dpi: spec.dpi(),
    };
    for (data, label) in &labels {
        let reprint = reprints.contains(&data.accession);
        printing.record(conn, data, label.copies, reprint)?;
    }
    Ok(PrintedJob {
        job_id: printing.job_id,
        document,
        labels: jobs.iter().map(|j| j.copies).sum(),
        reprints: reprints.len(),
    })
}

/// One job being recorded.
struct Printing<'a> {
    actor: &'a AuditActor,
    job_id: LabelJobId,
    job: &'a ValidPrintJob,
    dpi: Dpi,
}

impl Printing<'_> {
    /// Counts, timelines and audits one specimen's labels of the job.
    fn record(
        &self,
        conn: &mut DbConnection,
        data: &model::LabelData,
        copies: u32,
        reprint: bool,
    ) -> AppResult<()> {
        let (actor, job_id, dpi) = (self.actor, &self.job_id, self.dpi.dots_per_inch());
        let format = match self.job.format {
            DocumentFormat::Zpl => "zpl",
            DocumentFormat::Pdf => "pdf",
        };
        store::insert(
            conn,
            &NewLabelPrint {
                id: LabelPrintId::generate().to_string(),
                job_id: job_id.to_string(),
                specimen_id: data.specimen_id.to_string(),
                copies: copies as i32,
                format: format.into(),
                dpi: dpi as i32,
                reprint,
                reason: self.job.reason.clone(),
                actor_id: actor.user_id.clone(),
                actor: actor.name.clone(),
                printed_at: from_utc(now()),
            },
        )?;
        let detail = json!({"job_id": job_id.as_str(), "copies": copies, "format": format,
                            "dpi": dpi, "reprint": reprint});
        let mut event = NewEvent::kind("label");
        event.note = self.job.reason.as_deref();
        event.detail = Some(detail.clone());
        record_event(conn, data.specimen_id.as_str(), actor, event)?;
        // The reason stays in label_prints and the timeline: free text does not go into the audit trail.
        let action = if reprint {
            "reprint_label"
        } else {
            "print_label"
        };
        let audit = Audit::new(action, "specimen", &data.specimen_id)
            .patient(&data.patient_id)
            .detail(detail.to_string());
        audit::record(conn, actor, audit)?;
        Ok(())
    }
}

/// One label to look at (`GET /specimens/{id}/label`): read and audited as an access to the patient's
/// data, not counted as printed. Also returns how many labels of it were printed so far.
pub fn read_label(
    conn: &mut DbConnection,
    actor: &AuditActor,
    id: &SpecimenId,
) -> AppResult<(LabelData, i64)> {
    let data = specimens::label_data(conn, id)?.ok_or(AppError::NotFound("specimen"))?;
    let audit = Audit::new("read_label", "specimen", id).patient(&data.patient_id);
    audit::record(conn, actor, audit)?;
    Ok((
        label_data(&data)?,
        store::copies_printed(conn, id.as_str())?,
    ))
}

/// The label's content from what the specimen store read. The collection time is shown in the server's
/// local time zone (`TZ`), the clock on the bench's wall.
pub fn label_data(data: &model::LabelData) -> Result<LabelData, super::LabelError> {
    LabelData::new(LabelFields {
        accession: data.accession.clone(),
        last_name: data.patient_last_name.clone(),
        first_name: data.patient_first_name.clone(),
        date_of_birth: data.date_of_birth,
        mrn: data.mrn.clone(),
        collected_at: data.collected_at.map(local_time),
        container: data.container_type.clone(),
        test_codes: data.test_codes.clone(),
    })
}

fn local_time(at: DateTime<Utc>) -> chrono::NaiveDateTime {
    at.with_timezone(&Local).naive_local()
}
