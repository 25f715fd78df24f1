//! Trading partner queries. Nothing else touches the `trading_partners` and `trading_partner_payers`
//! tables. A partner's payers are written as a whole with it, in the caller's transaction.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{SeparatorSettings, TradingPartner, ValidPartner};
use crate::claims::partner::PartnerSettings;
use crate::db::ids::{PayerId, TradingPartnerId};
use crate::db::schema::{trading_partner_payers as routes, trading_partners as partners};
use crate::db::{DbConnection, from_utc, now, to_utc};
use crate::error::VersionedUpdate;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = partners)]
struct PartnerRow {
    id: String,
    #[diesel(embed)]
    fields: PartnerFields,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = partners, treat_none_as_null = true)]
struct PartnerFields {
    name: String,
    isa01_qualifier: String,
    isa02_authorization: String,
    isa03_qualifier: String,
    isa04_security: String,
    sender_qualifier: String,
    sender_id: String,
    receiver_qualifier: String,
    receiver_id: String,
    acknowledgement_requested: bool,
    usage_indicator: String,
    gs02_sender_code: String,
    gs03_receiver_code: String,
    submitter_name: String,
    submitter_id: String,
    submitter_contact_name: String,
    submitter_contact_phone: String,
    submitter_contact_email: Option<String>,
    receiver_name: String,
    receiver_id_1000b: String,
    element_separator: String,
    component_separator: String,
    repetition_separator: String,
    segment_terminator: String,
}

impl PartnerFields {
    fn of(p: &ValidPartner) -> Self {
        let s = p.settings.clone();
        PartnerFields {
            name: p.name.clone(),
            isa01_qualifier: s.isa01_qualifier,
            isa02_authorization: s.isa02_authorization,
            isa03_qualifier: s.isa03_qualifier,
            isa04_security: s.isa04_security,
            sender_qualifier: s.sender_qualifier,
            sender_id: s.sender_id,
            receiver_qualifier: s.receiver_qualifier,
            receiver_id: s.receiver_id,
            acknowledgement_requested: s.acknowledgement_requested,
            usage_indicator: s.usage_indicator,
            gs02_sender_code: s.gs02_sender_code,
            gs03_receiver_code: s.gs03_receiver_code,
            submitter_name: s.submitter_name,
            submitter_id: s.submitter_id,
            submitter_contact_name: s.submitter_contact_name,
            submitter_contact_phone: s.submitter_contact_phone,
            submitter_contact_email: s.submitter_contact_email,
            receiver_name: s.receiver_name,
            receiver_id_1000b: s.receiver_id_1000b,
            element_separator: p.separators.element.to_string(),
            component_separator: p.separators.component.to_string(),
            repetition_separator: p.separators.repetition.to_string(),
            segment_terminator: p.separators.segment.to_string(),
        }
    }

    /// The stored delimiters; a hand-edited row that no longer reads falls back to X12's usual ones.
    fn separators(&self) -> SeparatorSettings {
        let first = |s: &str, fallback: char| s.chars().next().unwrap_or(fallback);
        let d = SeparatorSettings::default();
        let stored = SeparatorSettings {
            element: first(&self.element_separator, d.element),
            component: first(&self.component_separator, d.component),
            repetition: first(&self.repetition_separator, d.repetition),
            segment: first(&self.segment_terminator, d.segment),
        };
        match stored.separators() {
            Ok(_) => stored,
            Err(_) => d,
        }
    }

    fn settings(self) -> PartnerSettings {
        PartnerSettings {
            isa01_qualifier: self.isa01_qualifier,
            isa02_authorization: self.isa02_authorization,
            isa03_qualifier: self.isa03_qualifier,
            isa04_security: self.isa04_security,
            sender_qualifier: self.sender_qualifier,
            sender_id: self.sender_id,
            receiver_qualifier: self.receiver_qualifier,
            receiver_id: self.receiver_id,
            acknowledgement_requested: self.acknowledgement_requested,
            usage_indicator: self.usage_indicator,
            gs02_sender_code: self.gs02_sender_code,
            gs03_receiver_code: self.gs03_receiver_code,
            submitter_name: self.submitter_name,
            submitter_id: self.submitter_id,
            submitter_contact_name: self.submitter_contact_name,
            submitter_contact_phone: self.submitter_contact_phone,
            submitter_contact_email: self.submitter_contact_email,
            receiver_name: self.receiver_name,
            receiver_id_1000b: self.receiver_id_1000b,
        }
    }
}

fn assemble(row: PartnerRow, payer_ids: Vec<PayerId>) -> TradingPartner {
    TradingPartner {
        id: TradingPartnerId::from_stored(row.id),
        name: row.fields.name.clone(),
        separators: row.fields.separators(),
        settings: row.fields.settings(),
        payer_ids,
        version: row.version,
        created_at: to_utc(row.created_at),
        updated_at: to_utc(row.updated_at),
    }
}

/// The payers routed through the partner, in id order.
pub fn payer_ids(conn: &mut DbConnection, id: &TradingPartnerId) -> QueryResult<Vec<PayerId>> {
    let ids: Vec<String> = routes::table
        .filter(routes::partner_id.eq(id.as_str()))
        .order(routes::payer_id)
        .select(routes::payer_id)
        .load(conn)?;
    Ok(ids.into_iter().map(PayerId::from_stored).collect())
}

/// The partner a payer routes through, if any.
pub fn partner_of(
    conn: &mut DbConnection,
    payer: &PayerId,
) -> QueryResult<Option<TradingPartnerId>> {
    let id: Option<String> = routes::table
        .find(payer.as_str())
        .select(routes::partner_id)
        .first(conn)
        .optional()?;
    Ok(id.map(TradingPartnerId::from_stored))
}

/// Routes exactly `payers` through the partner, replacing what it had.
fn write_payers(
    conn: &mut DbConnection,
    id: &TradingPartnerId,
    payers: &[PayerId],
) -> QueryResult<()> {
    diesel::delete(routes::table.filter(routes::partner_id.eq(id.as_str()))).execute(conn)?;
    for payer in payers {
        diesel::insert_into(routes::table)
            .values((
                routes::payer_id.eq(payer.as_str()),
                routes::partner_id.eq(id.as_str()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn insert(conn: &mut DbConnection, p: &ValidPartner) -> QueryResult<TradingPartner> {
    let at = from_utc(now());
    let row = PartnerRow {
        id: TradingPartnerId::generate().to_string(),
        fields: PartnerFields::of(p),
        version: 1,
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(partners::table)
        .values(&row)
        .execute(conn)?;
    let id = TradingPartnerId::from_stored(row.id.clone());
    write_payers(conn, &id, &p.payer_ids)?;
    let payers = payer_ids(conn, &id)?;
    Ok(assemble(row, payers))
}

pub fn find(conn: &mut DbConnection, id: &TradingPartnerId) -> QueryResult<Option<TradingPartner>> {
    let row: Option<PartnerRow> = partners::table
        .find(id.as_str())
        .select(PartnerRow::as_select())
        .first(conn)
        .optional()?;
    match row {
        None => Ok(None),
        Some(row) => {
            let payers = payer_ids(conn, id)?;
            Ok(Some(assemble(row, payers)))
        }
    }
}

/// One page of partners by name, with the total.
pub fn list(
    conn: &mut DbConnection,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<TradingPartner>, i64)> {
    let total = partners::table.count().get_result(conn)?;
    let rows: Vec<PartnerRow> = partners::table
        .order((partners::name.asc(), partners::id.asc()))
        .limit(limit)
        .offset(offset)
        .select(PartnerRow::as_select())
        .load(conn)?;
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        let payers = payer_ids(conn, &TradingPartnerId::from_stored(row.id.clone()))?;
        items.push(assemble(row, payers));
    }
    Ok((items, total))
}

/// Replaces the partner and its payers if it is still at `expected_version`.
pub fn update(
    conn: &mut DbConnection,
    id: &TradingPartnerId,
    expected_version: i32,
    p: &ValidPartner,
) -> QueryResult<VersionedUpdate> {
    let changed = diesel::update(partners::table.find(id.as_str()))
        .filter(partners::version.eq(expected_version))
        .set((
            PartnerFields::of(p),
            partners::version.eq(partners::version + 1),
            partners::updated_at.eq(from_utc(now())),
        ))
        .execute(conn)?;
    if changed > 0 {
        write_payers(conn, id, &p.payer_ids)?;
    }
    let exists = changed > 0 || find(conn, id)?.is_some();
    Ok(VersionedUpdate::from_rows(changed, exists))
}
