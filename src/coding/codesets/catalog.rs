//! The catalog: every stored code set version indexed in memory, the one place the rest of the service
//! asks "is this code valid on that date, what does it mean, what do its notes say". It reloads when the
//! versions table changes (an import through the CLI or another instance), checked at most once per
//! `refresh_every`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use super::index::VersionIndex;
use super::model::{System, VersionInfo};
use super::store;
use crate::db::{DbConnection, DbPool};
use crate::error::AppError;

/// One version and its index (NCCI and MUE versions have no index: they are looked up in the database).
pub struct LoadedVersion {
    pub info: VersionInfo,
    pub index: Option<Arc<VersionIndex>>,
}

/// The catalog as of one versions-table stamp. Cheap to share; never changes.
pub struct Snapshot {
    pub stamp: (i64, i64),
    by_system: HashMap<System, Vec<LoadedVersion>>,
}

impl Snapshot {
    /// Loads every version, reusing the indexes of `previous` for versions it already holds.
    pub fn load(
        conn: &mut DbConnection,
        previous: Option<&Snapshot>,
    ) -> diesel::QueryResult<Snapshot> {
        let stamp = store::stamp(conn)?;
        let mut by_system: HashMap<System, Vec<LoadedVersion>> = HashMap::new();
        for info in store::versions(conn)? {
            let index = if !info.system.has_codes() {
                None
            } else if let Some(index) = previous.and_then(|p| p.index_of(&info.id)) {
                Some(index)
            } else {
                Some(Arc::new(VersionIndex::build(store::codes_of(
                    conn, &info.id,
                )?)))
            };
            by_system
                .entry(info.system)
                .or_default()
                .push(LoadedVersion { info, index });
        }
        Ok(Snapshot { stamp, by_system })
    }

    fn index_of(&self, version_id: &str) -> Option<Arc<VersionIndex>> {
        self.by_system
            .values()
            .flatten()
            .find(|v| v.info.id == version_id)
            .and_then(|v| v.index.clone())
    }

    /// Every version of every system, by system then import order.
    pub fn versions(&self) -> Vec<&VersionInfo> {
        let mut all: Vec<&VersionInfo> =
            self.by_system.values().flatten().map(|v| &v.info).collect();
        all.sort_by_key(|v| (v.system, v.seq));
        all
    }

    /// The version of `system` governing `date`: among the versions covering it, the latest to start,
    /// then the latest imported (a licensed CPT file imported for the same year replaces the sample).
    pub fn governing(&self, system: System, date: NaiveDate) -> Option<&LoadedVersion> {
        self.by_system
            .get(&system)?
            .iter()
            .filter(|v| v.info.covers(date))
            .max_by_key(|v| (v.info.effective_from, v.info.seq))
    }

    /// The governing version's index and info, for systems with codes.
    pub fn index_for(
        &self,
        system: System,
        date: NaiveDate,
    ) -> Option<(&VersionInfo, &VersionIndex)> {
        let version = self.governing(system, date)?;
        Some((&version.info, version.index.as_deref()?))
    }
}

pub struct Catalog {
    current: RwLock<Arc<Snapshot>>,
    checked_at: Mutex<Instant>,
    refresh_every: Duration,
}

impl Catalog {
    pub fn load(conn: &mut DbConnection, refresh_every: Duration) -> diesel::QueryResult<Catalog> {
        Ok(Catalog {
            current: RwLock::new(Arc::new(Snapshot::load(conn, None)?)),
            checked_at: Mutex::new(Instant::now()),
            refresh_every,
        })
    }

    /// The snapshot in hand, without checking the database.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.current.read().expect("catalog lock").clone()
    }

    /// Reloads when the versions table changed; `force` skips the throttle. For callers already holding
    /// a connection (CLI, the scrubber inside its transaction).
    pub fn refresh(
        &self,
        conn: &mut DbConnection,
        force: bool,
    ) -> diesel::QueryResult<Arc<Snapshot>> {
        if !force && !self.due() {
            return Ok(self.snapshot());
        }
        let current = self.snapshot();
        if store::stamp(conn)? == current.stamp {
            return Ok(current);
        }
        let fresh = Arc::new(Snapshot::load(conn, Some(&current))?);
        *self.current.write().expect("catalog lock") = fresh.clone();
        tracing::info!(
            versions = fresh.versions().len(),
            "code set catalog reloaded"
        );
        Ok(fresh)
    }

    /// True for the one caller that should check the stamp now (at most once per `refresh_every`).
    fn due(&self) -> bool {
        let mut checked = self.checked_at.lock().expect("catalog lock");
        if checked.elapsed() < self.refresh_every {
            return false;
        }
        *checked = Instant::now();
        true
    }

    /// The current snapshot for a request, after the throttled stamp check (in a blocking thread).
    pub async fn fresh(self: &Arc<Self>, pool: &DbPool) -> Result<Arc<Snapshot>, AppError> {
        if !self.due() {
            return Ok(self.snapshot());
        }
        let catalog = self.clone();
        crate::http::with_conn(pool, move |conn| {
            catalog.refresh(conn, true).map_err(AppError::from)
        })
        .await
    }
}
