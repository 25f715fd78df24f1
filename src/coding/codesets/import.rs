//! Importing one version of one code system: read the files in their published layout, skip a file
//! already imported (checksum), then in one write transaction end the versions it supersedes, store the
//! version and its rows in batches, and record the import in the audit trail.

use std::io::Read;

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use super::model::{Payload, System, VersionInfo};
use super::{formats, icd10cm, store};
use crate::audit::{self, Audit, AuditActor};
use crate::db::{self, DbConnection, write_transaction};

/// One input file: its name (for the record and to tell the tabular XML from the TSV) and its bytes,
/// gzip-compressed or not.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl SourceFile {
    pub fn read(path: &std::path::Path) -> Result<Self, String> {
        let bytes =
            std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Ok(SourceFile { name, bytes })
    }

    /// The content as text, gunzipped when it starts with the gzip magic bytes.
    fn text(&self) -> Result<String, String> {
        let mut text = String::new();
        if self.bytes.starts_with(&[0x1f, 0x8b]) {
            flate2::read::GzDecoder::new(&self.bytes[..])
                .read_to_string(&mut text)
                .map_err(|e| format!("{}: not gzip-compressed UTF-8 text: {e}", self.name))?;
        } else {
            text = String::from_utf8(self.bytes.clone())
                .map_err(|_| format!("{}: not UTF-8 text", self.name))?;
        }
        Ok(text)
    }

    fn is_xml(&self) -> bool {
        let name = self.name.to_ascii_lowercase();
        name.ends_with(".xml") || name.ends_with(".xml.gz")
    }
}

/// What to import: the files of one version of one system and its dates.
#[derive(Debug, Clone)]
pub struct ImportRequest {
    pub system: System,
    pub label: String,
    pub effective_from: NaiveDate,
    /// None: in effect until the next version of the system starts.
    pub effective_to: Option<NaiveDate>,
    pub files: Vec<SourceFile>,
}

impl ImportRequest {
    /// SHA-256 over the system and every file's bytes in order: the same files are the same version.
    pub fn checksum(&self) -> String {
        let mut hasher = Sha256::new();
        hasher.update(self.system.as_str());
        for file in &self.files {
            hasher.update((file.bytes.len() as u64).to_le_bytes());
            hasher.update(&file.bytes);
        }
        hex::encode(hasher.finalize())
    }

    fn source(&self) -> String {
        let names: Vec<&str> = self.files.iter().map(|f| f.name.as_str()).collect();
        names.join(", ")
    }

    /// Reads the files in the layout of the system.
    pub fn parse(&self) -> Result<Payload, String> {
        let text = |file: &SourceFile| file.text();
        let mut payload = match self.system {
            System::Icd10cm => {
                let tsv: Vec<_> = self.files.iter().filter(|f| !f.is_xml()).collect();
                let xml: Vec<_> = self.files.iter().filter(|f| f.is_xml()).collect();
                let ([tsv], [] | [_]) = (tsv.as_slice(), xml.as_slice()) else {
                    return Err(
                        "ICD-10-CM takes one code list (TSV) and at most one tabular XML".into(),
                    );
                };
                let xml = xml.first().map(|f| text(f)).transpose()?;
                Payload::Codes(icd10cm::parse(&text(tsv)?, xml.as_deref())?)
            }
            _ => {
                let mut combined = Payload::Codes(Vec::new());
                for file in &self.files {
                    let body = text(file)?;
                    let parsed = self
                        .parse_one(&body)
                        .map_err(|e| format!("{}: {e}", file.name))?;
                    combined = append(combined, parsed);
                }
                combined
            }
        };
        if let Payload::Codes(rows) = &mut payload {
            rows.sort_by(|a, b| a.code.cmp(&b.code));
            if let Some(pair) = rows.windows(2).find(|w| w[0].code == w[1].code) {
                return Err(format!("code {} appears twice", pair[0].code));
            }
        }
        if payload.is_empty() {
            return Err("the files hold no rows".into());
        }
        Ok(payload)
    }

    fn parse_one(&self, body: &str) -> Result<Payload, String> {
        Ok(match self.system {
            System::Cpt => Payload::Codes(formats::cpt_csv(body)?),
            System::Hcpcs => Payload::Codes(formats::hcpcs_fixed_width(body, self.effective_from)?),
            System::NcciPtp => Payload::Ncci(formats::ncci_ptp(body)?),
            System::Mue => Payload::Mue(formats::mue(body)?),
            System::Icd10cm | System::Modifier | System::Pos | System::Carc | System::Rarc => {
                Payload::Codes(formats::code_list(body)?)
            }
        })
    }
}

/// Several files of one version (the NCCI PTP file comes in parts) make one payload.
fn append(into: Payload, more: Payload) -> Payload {
    match (into, more) {
        (Payload::Codes(mut a), Payload::Codes(b)) => {
            a.extend(b);
            Payload::Codes(a)
        }
        (Payload::Codes(a), other) if a.is_empty() => other,
        (Payload::Ncci(mut a), Payload::Ncci(b)) => {
            a.extend(b);
            Payload::Ncci(a)
        }
        (Payload::Mue(mut a), Payload::Mue(b)) => {
            a.extend(b);
            Payload::Mue(a)
        }
        (into, _) => into,
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{0}")]
    Invalid(String),
    #[error("database error: {0}")]
    Database(#[from] diesel::result::Error),
}

#[derive(Debug, Clone)]
pub enum ImportOutcome {
    Imported(VersionInfo),
    /// The same files were imported before: nothing changed.
    AlreadyImported(VersionInfo),
}

/// Reports progress: rows written so far, of the total.
pub trait Progress {
    fn start(&self, _total: u64) {}
    fn advance(&self, _rows: u64) {}
}

impl Progress for () {}

/// Imports the request in one write transaction (a savepoint when already inside one). Re-importing the
/// same files changes nothing; other systems are never touched.
pub fn import(
    conn: &mut DbConnection,
    actor: &AuditActor,
    request: &ImportRequest,
    progress: &dyn Progress,
) -> Result<ImportOutcome, ImportError> {
    let checksum = request.checksum();
    if let Some(existing) = store::version_by_checksum(conn, request.system, &checksum)? {
        return Ok(ImportOutcome::AlreadyImported(existing));
    }
    if let Some(to) = request
        .effective_to
        .filter(|to| *to < request.effective_from)
    {
        return Err(ImportError::Invalid(format!(
            "effective to {to} is before effective from"
        )));
    }
    let payload = request.parse().map_err(ImportError::Invalid)?;
    progress.start(payload.len() as u64);
    write_transaction(conn, |conn| {
        if let Some(existing) = store::version_by_checksum(conn, request.system, &checksum)? {
            return Ok(ImportOutcome::AlreadyImported(existing));
        }
        let version = new_version(conn, request, checksum, payload.len())?;
        store::close_versions_before(conn, request.system, request.effective_from)?;
        store::insert_version(conn, &version, db::from_utc(db::now()))?;
        write_rows(conn, &version.id, &payload, progress)?;
        let detail = format!(
            "{} {} ({} rows)",
            version.system, version.label, version.entry_count
        );
        audit::record(
            conn,
            actor,
            Audit::new("import", "code_set_version", &version.id).detail(detail),
        )?;
        Ok(ImportOutcome::Imported(version))
    })
}

fn new_version(
    conn: &mut DbConnection,
    request: &ImportRequest,
    checksum: String,
    rows: usize,
) -> Result<VersionInfo, ImportError> {
    // Without an explicit end, a version lasts until the next later-starting version begins.
    let effective_to = match request.effective_to {
        Some(to) => Some(to),
        None => store::next_start_after(conn, request.system, request.effective_from)?
            .and_then(|next| next.pred_opt()),
    };
    Ok(VersionInfo {
        id: db::new_id().to_string(),
        system: request.system,
        label: request.label.clone(),
        effective_from: request.effective_from,
        effective_to,
        checksum,
        source: request.source(),
        entry_count: rows as i64,
        seq: db::next_counter(conn, "code_set_import")?,
    })
}

fn write_rows(
    conn: &mut DbConnection,
    version_id: &str,
    payload: &Payload,
    progress: &dyn Progress,
) -> Result<(), diesel::result::Error> {
    match payload {
        Payload::Codes(rows) => batches(rows, progress, |batch| {
            store::insert_codes(conn, version_id, batch)
        }),
        Payload::Ncci(rows) => batches(rows, progress, |batch| {
            store::insert_ncci(conn, version_id, batch)
        }),
        Payload::Mue(rows) => batches(rows, progress, |batch| {
            store::insert_mue(conn, version_id, batch)
        }),
    }
}

fn batches<T>(
    rows: &[T],
    progress: &dyn Progress,
    mut insert: impl FnMut(&[T]) -> diesel::QueryResult<usize>,
) -> diesel::QueryResult<()> {
    for batch in rows.chunks(store::BATCH_ROWS) {
        insert(batch)?;
        progress.advance(batch.len() as u64);
    }
    Ok(())
}
