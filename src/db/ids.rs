//! Typed row ids: UUID v7s stored as TEXT, one newtype per table so a patient's id cannot be passed where
//! a payer's is expected. Deserialising (from a path segment or a body) checks the UUID; a malformed id
//! in a path is therefore a 404 before any query runs.

use std::fmt;

macro_rules! typed_id {
    ($($(#[$meta:meta])* $name:ident),* $(,)?) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, utoipa::ToSchema)]
        #[serde(transparent)]
        #[schema(value_type = String, format = Uuid)]
        pub struct $name(String);

        impl $name {
            /// A new, time-ordered id for a row about to be inserted.
            pub fn generate() -> Self {
                $name(uuid::Uuid::now_v7().to_string())
            }

            /// An id as the database stores it (written by `generate`, so already canonical).
            pub fn from_stored(text: String) -> Self {
                $name(text)
            }

            pub fn parse(text: &str) -> Result<Self, String> {
                parse_uuid(text).map($name)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                $name::parse(&text).map_err(serde::de::Error::custom)
            }
        }
    )*};
}

fn parse_uuid(text: &str) -> Result<String, String> {
    uuid::Uuid::parse_str(text.trim())
        .map(|id| id.hyphenated().to_string())
        .map_err(|_| "must be a UUID".to_owned())
}

typed_id!(
    UserId,
    TokenId,
    ProviderId,
    LocationId,
    PayerId,
    PatientId,
    PolicyId,
    LabOrderId,
    SpecimenId,
    StationId,
    SpecimenEventId,
    EncounterId,
    LineId,
    FeeScheduleId,
    PriceId,
    LabelPrintId,
    LabelJobId,
    TradingPartnerId,
    ClaimId,
    ClaimBatchId,
    InboundFileId,
    EntryId,
    RemittanceId,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_only_uuids_and_print_them_canonically() {
        let id = PatientId::parse("01A2278E-05C7-76C6-BE67-B146AAB557D1").unwrap();
        assert_eq!(id.as_str(), "01a2278e-05c7-76c6-be67-b146aab557d1");
        assert!(PatientId::parse("M0000001").is_err());
        assert!(serde_json::from_str::<PayerId>("\"not-a-uuid\"").is_err());
        assert_ne!(ProviderId::generate(), ProviderId::generate());
    }
}
