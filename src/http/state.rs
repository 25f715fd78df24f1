use std::sync::Arc;

use crate::coding::codesets::Catalog;
use crate::config::Settings;
use crate::db::DbPool;

/// What every handler may reach: the pool, the settings and the code set catalog.
#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub settings: Arc<Settings>,
    pub catalog: Arc<Catalog>,
}
