//! How a specimen was collected. Billing cares: a venous or capillary draw is its own charge (once per
//! encounter), a urine cup or a swab is not.

use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CollectionMethod {
    Venipuncture,
    /// Finger, heel or ear stick.
    Capillary,
    Arterial,
    Urine,
    Swab,
    Other,
}

impl CollectionMethod {
    pub const ALL: [CollectionMethod; 6] = [
        CollectionMethod::Venipuncture,
        CollectionMethod::Capillary,
        CollectionMethod::Arterial,
        CollectionMethod::Urine,
        CollectionMethod::Swab,
        CollectionMethod::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CollectionMethod::Venipuncture => "venipuncture",
            CollectionMethod::Capillary => "capillary",
            CollectionMethod::Arterial => "arterial",
            CollectionMethod::Urine => "urine",
            CollectionMethod::Swab => "swab",
            CollectionMethod::Other => "other",
        }
    }

    /// The procedure billed for collecting this way, once per encounter: a venous draw (36415), a
    /// capillary stick (36416), an arterial puncture (36600). Urine, swabs and the rest carry no charge.
    pub fn charge_code(self) -> Option<&'static str> {
        match self {
            CollectionMethod::Venipuncture => Some("36415"),
            CollectionMethod::Capillary => Some("36416"),
            CollectionMethod::Arterial => Some("36600"),
            CollectionMethod::Urine | CollectionMethod::Swab | CollectionMethod::Other => None,
        }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        Self::ALL
            .into_iter()
            .find(|m| m.as_str() == text)
            .ok_or_else(|| {
                "must be one of: venipuncture, capillary, arterial, urine, swab, other".to_owned()
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_method_reads_back_from_its_name() {
        for method in CollectionMethod::ALL {
            assert_eq!(CollectionMethod::parse(method.as_str()), Ok(method));
        }
        assert!(CollectionMethod::parse("needle").is_err());
    }
}
