use std::sync::Arc;

use crate::config::Settings;
use crate::db::DbPool;

/// What every handler may reach: the pool and the settings.
#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub settings: Arc<Settings>,
}
