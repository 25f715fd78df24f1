//! Search over the catalog: the version governing a date, then that version's index.

use chrono::NaiveDate;
use serde::Serialize;

use super::catalog::Snapshot;
use super::index::MatchKind;
use super::model::System;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SearchItem {
    pub code: String,
    pub description: String,
    pub billable: bool,
    #[serde(rename = "match")]
    pub kind: MatchKind,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SearchResult {
    pub system: String,
    pub date: NaiveDate,
    /// The label of the version searched, or null when no version of the system covers the date.
    pub version: Option<String>,
    pub items: Vec<SearchItem>,
}

impl Snapshot {
    /// At most `limit` codes of `system` matching `query` in the version governing `date`.
    pub fn search(
        &self,
        system: System,
        query: &str,
        date: NaiveDate,
        limit: usize,
    ) -> SearchResult {
        let mut result = SearchResult {
            system: system.as_str().to_owned(),
            date,
            version: None,
            items: Vec::new(),
        };
        if let Some((info, index)) = self.index_for(system, date) {
            result.version = Some(info.label.clone());
            result.items = index
                .search(system, query, limit)
                .into_iter()
                .map(|hit| {
                    let entry = index.entry(hit.entry);
                    SearchItem {
                        code: system.display(&entry.code),
                        description: entry.description.to_string(),
                        billable: entry.billable,
                        kind: hit.kind,
                    }
                })
                .collect();
        }
        result
    }
}
