use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::directory::values::{Npi, PersonName, TaxonomyCode, bounded_text};
use crate::error::{AppError, Validator};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EntityType {
    /// A person (X12 NM102 = 1).
    Individual,
    /// A group or facility (X12 NM102 = 2).
    Organization,
}

impl EntityType {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Individual => "individual",
            EntityType::Organization => "organization",
        }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        match text.trim() {
            "individual" => Ok(EntityType::Individual),
            "organization" => Ok(EntityType::Organization),
            _ => Err("must be individual or organization".into()),
        }
    }
}

/// A provider as created or replaced through the API.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProviderInput {
    /// 10 digits with a valid check digit.
    pub npi: String,
    /// `individual` or `organization`.
    pub entity_type: String,
    /// Last name, or the organization's name.
    pub last_name: String,
    /// Required for individuals; not allowed for organizations.
    pub first_name: Option<String>,
    pub middle_name: Option<String>,
    /// e.g. MD, DDS, NP.
    pub credential: Option<String>,
    /// NUCC taxonomy code, e.g. 207Q00000X.
    pub taxonomy_code: String,
    pub is_billing: bool,
    pub is_rendering: bool,
    /// On replace: the version read (or send If-Match). Ignored on create.
    pub version: Option<i32>,
}

/// A provider whose every field has been checked.
#[derive(Debug, Clone)]
pub struct ValidProvider {
    pub npi: Npi,
    pub entity_type: EntityType,
    pub last_name: String,
    pub first_name: Option<String>,
    pub middle_name: Option<String>,
    pub credential: Option<String>,
    pub taxonomy_code: TaxonomyCode,
    pub is_billing: bool,
    pub is_rendering: bool,
}

impl TryFrom<&ProviderInput> for ValidProvider {
    type Error = AppError;

    fn try_from(input: &ProviderInput) -> Result<Self, AppError> {
        let mut v = Validator::new();
        let npi = v.check("npi", Npi::parse(&input.npi));
        let entity_type = v.check("entity_type", EntityType::parse(&input.entity_type));
        let last_name = v.check("last_name", bounded_text(&input.last_name, 60));
        let first_name = v.optional("first_name", input.first_name.as_deref(), |s| {
            PersonName::parse(s).map(|n| n.to_string())
        });
        let middle_name = v.optional("middle_name", input.middle_name.as_deref(), |s| {
            PersonName::parse(s).map(|n| n.to_string())
        });
        let credential = v.optional("credential", input.credential.as_deref(), |s| {
            bounded_text(s, 20)
        });
        let taxonomy_code = v.check("taxonomy_code", TaxonomyCode::parse(&input.taxonomy_code));
        match (entity_type, &first_name) {
            (Some(EntityType::Individual), Some(None)) => {
                v.reject("first_name", "is required for an individual")
            }
            (Some(EntityType::Organization), Some(Some(_))) => {
                v.reject("first_name", "must be empty for an organization")
            }
            _ => {}
        }
        if !input.is_billing && !input.is_rendering {
            v.reject(
                "is_billing",
                "a provider must be billing, rendering or both",
            );
        }
        v.finish(|| {
            Some(ValidProvider {
                npi: npi?,
                entity_type: entity_type?,
                last_name: last_name?,
                first_name: first_name?,
                middle_name: middle_name?,
                credential: credential?,
                taxonomy_code: taxonomy_code?,
                is_billing: input.is_billing,
                is_rendering: input.is_rendering,
            })
        })
    }
}

/// A provider as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Provider {
    pub id: crate::db::ids::ProviderId,
    pub npi: String,
    pub entity_type: EntityType,
    pub last_name: String,
    pub first_name: Option<String>,
    pub middle_name: Option<String>,
    pub credential: Option<String>,
    pub taxonomy_code: String,
    pub is_billing: bool,
    pub is_rendering: bool,
    pub active: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
