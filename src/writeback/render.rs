//! What a write-back says: the channel's status word and the citizen's text, from the
//! channel's templates and the update.

use crate::config::WritebackConfig;
use crate::store::ClaimedWriteback;
use crate::time;

/// The values the templates can use for one write-back.
pub struct Vars<'a> {
    cfg: &'a WritebackConfig,
    wb: &'a ClaimedWriteback,
    raw: serde_json::Value,
    text: Option<String>,
}

impl<'a> Vars<'a> {
    pub fn new(cfg: &'a WritebackConfig, wb: &'a ClaimedWriteback) -> Self {
        let raw = serde_json::from_str(&wb.raw).unwrap_or(serde_json::Value::Null);
        let mut v = Vars {
            cfg,
            wb,
            raw,
            text: None,
        };
        let template = if wb.tanggapan.is_some() {
            &cfg.response
        } else {
            &cfg.status_note
        };
        v.text = Some(template.render(|n| v.get(n)));
        v
    }

    /// The channel's word for the record's LAPOR! status.
    pub fn status(&self) -> String {
        word(&self.cfg.status, &self.wb.lapor_status)
    }

    /// The text for the citizen.
    pub fn text(&self) -> String {
        self.text.clone().unwrap_or_default()
    }

    pub fn get(&self, name: &str) -> Option<String> {
        let wb = self.wb;
        Some(match name {
            "tanggapan" => wb
                .tanggapan
                .as_ref()
                .map(|t| t.0.clone())
                .unwrap_or_default(),
            "oleh" => wb
                .tanggapan
                .as_ref()
                .map(|t| t.1.clone())
                .unwrap_or_default(),
            "tracking_id" => wb.tracking_id.clone(),
            "lapor_status" => wb.lapor_status.clone(),
            "status" => self.status(),
            "status_label" => word(&self.cfg.labels, &wb.lapor_status),
            "waktu" => time::rfc3339_wib(wb.waktu),
            "text" => self.text.clone()?,
            p if p.starts_with('/') => scalar(self.raw.pointer(p)?),
            _ => return None,
        })
    }
}

fn word(map: &std::collections::BTreeMap<String, String>, status: &str) -> String {
    map.get(status)
        .cloned()
        .unwrap_or_else(|| status.to_owned())
}

fn scalar(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}
