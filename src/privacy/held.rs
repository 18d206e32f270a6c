//! `privacy report`: per channel, how many records hold each kind of personal data and since
//! when, for the city's data-protection officer.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use super::PrivacyError;
use crate::channel::Mappers;
use crate::config::Config;
use crate::i18n::{format, Lang};
use crate::store::Store;
use crate::t;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct HeldReport {
    pub channels: Vec<ChannelHeld>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ChannelHeld {
    pub channel: String,
    /// Records of the channel in the store.
    pub records: u64,
    pub nama: u64,
    pub nik: u64,
    pub telepon: u64,
    pub email: u64,
    /// Records holding the reporter's free text (title, complaint text, address).
    pub free_text: u64,
    /// When the oldest record holding any of these was received, UTC.
    pub oldest: Option<String>,
}

pub fn report(store: &Store, cfg: &Config) -> Result<HeldReport, PrivacyError> {
    let mappers = Mappers::from_config(cfg);
    let scanned = store.with_conn(|c| super::scan(c, &mappers))?;
    let mut by: BTreeMap<String, ChannelHeld> = BTreeMap::new();
    for s in scanned {
        let ch = s.key.channel.to_string();
        let e = by.entry(ch.clone()).or_insert_with(|| ChannelHeld {
            channel: ch,
            ..Default::default()
        });
        e.records += 1;
        let id = &s.identity;
        e.nama += u64::from(id.nama.is_some());
        e.nik += u64::from(id.nik.is_some());
        e.telepon += u64::from(id.telepon.is_some());
        e.email += u64::from(id.email.is_some());
        e.free_text += u64::from(!id.free_text.is_empty());
        if !id.is_empty() && e.oldest.as_ref().is_none_or(|o| s.received_at < *o) {
            e.oldest = Some(s.received_at.clone());
        }
    }
    Ok(HeldReport {
        channels: by.into_values().collect(),
    })
}

/// A table under 100 columns.
/// The report for the data-protection officer, in `lang`, oldest times in WIB, within 100
/// columns (long channel names are cut).
pub fn render_text(lang: Lang, r: &HeldReport) -> String {
    let mut out = t!(lang, "privacy-held-title") + "\n\n";
    let int = |n: u64| format::int(lang, i64::try_from(n).unwrap_or(i64::MAX));
    let heads = [
        t!(lang, "privacy-col-channel"),
        t!(lang, "privacy-col-records"),
        t!(lang, "privacy-col-name"),
        "NIK".to_string(),
        t!(lang, "privacy-col-phone"),
        t!(lang, "privacy-col-email"),
        t!(lang, "privacy-col-free-text"),
        t!(lang, "privacy-col-oldest"),
    ];
    let _ = writeln!(
        out,
        "{:<16} {:>10} {:>9} {:>9} {:>9} {:>9} {:>10}  {}",
        heads[0], heads[1], heads[2], heads[3], heads[4], heads[5], heads[6], heads[7]
    );
    for c in &r.channels {
        let mut name = c.channel.clone();
        if name.chars().count() > 16 {
            name = name.chars().take(15).collect::<String>() + "…";
        }
        let oldest = c
            .oldest
            .as_deref()
            // The header names the zone.
            .map(|o| {
                crate::time::parse_db(o)
                    .map(|t| format::datetime_cell(lang, t))
                    .unwrap_or_else(|| o.to_string())
            })
            .unwrap_or_else(|| "-".into());
        let _ = writeln!(
            out,
            "{:<16} {:>10} {:>9} {:>9} {:>9} {:>9} {:>10}  {}",
            name,
            int(c.records),
            int(c.nama),
            int(c.nik),
            int(c.telepon),
            int(c.email),
            int(c.free_text),
            oldest
        );
    }
    if r.channels.is_empty() {
        out += &t!(lang, "privacy-held-empty");
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_fits_100_columns() {
        let r = HeldReport {
            channels: vec![ChannelHeld {
                channel: "a-very-long-channel-name".into(),
                records: 12_345_678,
                nama: 1_234_567,
                nik: 1_234_567,
                telepon: 1_234_567,
                email: 1_234_567,
                free_text: 123_456_789,
                oldest: Some("2026-01-01T00:00:00.000000Z".into()),
            }],
        };
        for lang in Lang::ALL {
            let text = render_text(lang, &r);
            assert!(text.lines().all(|l| l.chars().count() <= 100), "{text}");
            assert!(text.contains("a-very-long-cha…"));
            assert!(text.contains("(WIB)") && text.contains(" 07:00"), "{text}");
        }
        assert!(render_text(Lang::Id, &r).contains("12.345.678"));
    }
}
