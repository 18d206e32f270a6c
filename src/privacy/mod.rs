//! Personal data under UU PDP No. 27/2022: the retention purge ([`purge`]) and the daily
//! stage that runs it in the daemon; what the bridge holds about a person ([`export`], an
//! access request); removing it on request ([`erase`]); what it holds per channel ([`held`],
//! for the data-protection officer). [`scrub`] is the one primitive that removes a record's
//! personal data from every table; [`redact`] finds personal data in stored values.

pub mod erase;
pub mod export;
pub mod held;
pub mod identity;
pub mod purge;
mod purge_postgres;
mod purge_store;
pub mod redact;
pub mod scrub;

use std::collections::BTreeMap;
use std::path::PathBuf;

use rusqlite::Connection;

use crate::channel::Mappers;
use crate::domain::RecordKey;
use crate::mapping::phone::{normalise_email, normalise_nik, normalise_phone};
use crate::store::StoreError;
use identity::Identity;

#[derive(Debug, thiserror::Error)]
pub enum PrivacyError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot read the folder {}: {source}", path.display())]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0:?} is not an Indonesian phone number (08…, +62…, 62…); give it as the reporter wrote it, e.g. 0812-3456-7890")]
    BadPhone(String),
    #[error("{0:?} is not a NIK: a NIK is 16 digits")]
    BadNik(String),
    #[error("{0:?} is not an e-mail address")]
    BadEmail(String),
    #[error("{0:?} is not a record id; give it as <channel>:<local id>, e.g. sambat:12345")]
    BadRecord(String),
}

impl From<rusqlite::Error> for PrivacyError {
    fn from(e: rusqlite::Error) -> Self {
        PrivacyError::Store(StoreError::Sqlite(e))
    }
}

/// Whose data: a person by phone, NIK or e-mail, or one record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selector {
    /// Canonical `+62…`.
    Phone(String),
    /// 16 digits.
    Nik(String),
    /// Lower-cased.
    Email(String),
    Record(RecordKey),
}

impl Selector {
    pub fn phone(s: &str) -> Result<Selector, PrivacyError> {
        normalise_phone(s)
            .map(Selector::Phone)
            .ok_or_else(|| PrivacyError::BadPhone(s.to_owned()))
    }
    pub fn nik(s: &str) -> Result<Selector, PrivacyError> {
        normalise_nik(s)
            .map(Selector::Nik)
            .ok_or_else(|| PrivacyError::BadNik(s.to_owned()))
    }
    pub fn email(s: &str) -> Result<Selector, PrivacyError> {
        normalise_email(s)
            .map(|e| Selector::Email(e.to_lowercase()))
            .ok_or_else(|| PrivacyError::BadEmail(s.to_owned()))
    }
    pub fn record(s: &str) -> Result<Selector, PrivacyError> {
        RecordKey::parse(s)
            .map(Selector::Record)
            .map_err(|_| PrivacyError::BadRecord(s.to_owned()))
    }

    /// The selector's kind, for the timeline and output: never the value itself.
    pub fn kind(&self) -> &'static str {
        match self {
            Selector::Phone(_) => "phone",
            Selector::Nik(_) => "nik",
            Selector::Email(_) => "email",
            Selector::Record(_) => "record",
        }
    }

    fn matches(&self, key: &RecordKey, id: &Identity) -> bool {
        match self {
            Selector::Phone(p) => id.matches_phone(p),
            Selector::Nik(n) => id.matches_nik(n),
            Selector::Email(e) => id.matches_email(e),
            Selector::Record(k) => k == key,
        }
    }
}

/// One stored record with the identity its payloads (latest and every revision) hold.
#[derive(Clone, Debug)]
pub struct Scanned {
    pub id: i64,
    pub key: RecordKey,
    pub received_at: String,
    pub identity: Identity,
}

/// Every record, with the identity read from its raw payload and revisions.
pub(crate) fn scan(conn: &Connection, mappers: &Mappers) -> rusqlite::Result<Vec<Scanned>> {
    let mut revisions: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    let mut stmt = conn.prepare("SELECT record_id, raw FROM revisions ORDER BY id")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (id, raw) = row?;
        revisions.entry(id).or_default().push(raw);
    }
    let mut stmt =
        conn.prepare("SELECT id, channel, local_id, raw, received_at FROM records ORDER BY id")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, channel, local_id, raw, received_at) = row?;
        let Ok(key) = RecordKey::parse(&format!("{channel}:{local_id}")) else {
            continue;
        };
        let mapper = mappers.get(&key.channel);
        let parse = |s: &str| serde_json::from_str(s).unwrap_or(serde_json::Value::Null);
        let mut identity = identity::of(mapper, &parse(&raw));
        for rev in revisions.remove(&id).unwrap_or_default() {
            identity.merge(identity::of(mapper, &parse(&rev)));
        }
        out.push(Scanned {
            id,
            key,
            received_at,
            identity,
        });
    }
    Ok(out)
}

/// The records `sel` selects.
pub(crate) fn select(
    conn: &Connection,
    mappers: &Mappers,
    sel: &Selector,
) -> rusqlite::Result<Vec<Scanned>> {
    Ok(scan(conn, mappers)?
        .into_iter()
        .filter(|s| sel.matches(&s.key, &s.identity))
        .collect())
}

/// What to tell the person about LAPOR!'s copy of a forwarded complaint.
pub fn lapor_statement(tracking_id: Option<&str>) -> String {
    match tracking_id {
        Some(t) => format!(
            "This complaint was forwarded to SP4N-LAPOR! (tracking id {t}); LAPOR! keeps its own \
             copy, which this bridge cannot erase: ask the city's LAPOR! administrator (admin \
             instansi) or SP4N-LAPOR! (KemenPAN-RB, lapor.go.id) for access or erasure, quoting \
             the tracking id."
        ),
        None => "This complaint has not been forwarded to SP4N-LAPOR!: only this bridge and the \
                 originating channel hold it."
            .to_owned(),
    }
}
