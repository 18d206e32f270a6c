//! The words and number formats the text, CSV and xlsx reports share, in one language.

use crate::i18n::{format, Lang};
use crate::report::kpi::{Kpi, OpdKpi, Report};
use crate::report::sla::{Rule, State};
use crate::t;

/// `1.367` / `1,367`.
pub fn count(lang: Lang, n: u64) -> String {
    format::int(lang, i64::try_from(n).unwrap_or(i64::MAX))
}

/// `60,0%` / `60.0%` of a fraction; `–` when there is nothing to divide.
pub fn rate(lang: Lang, v: Option<f64>) -> String {
    v.map(|v| format::percent(lang, v * 100.0, 1))
        .unwrap_or_else(|| "–".into())
}

/// `1,75` / `1.75` working days; `–` without responses.
pub fn days(lang: Lang, v: Option<f64>) -> String {
    v.map(|v| format::decimal(lang, v, 2))
        .unwrap_or_else(|| "–".into())
}

/// An OPD's row label: `357301 Dinas Perhubungan`, or the row of records without instansi.
pub fn opd_name(lang: Lang, o: &OpdKpi) -> String {
    match (o.instansi_id, &o.name) {
        (Some(id), Some(n)) => format!("{id} {n}"),
        (Some(id), None) => id.to_string(),
        (None, _) => t!(lang, "row-no-instansi"),
    }
}

/// The report's rows: (group, name, figures) for the total, each channel and each OPD.
pub fn rows(lang: Lang, r: &Report) -> Vec<(String, String, &Kpi)> {
    let mut out = vec![(
        t!(lang, "group-total"),
        t!(lang, "row-all-channels"),
        &r.total,
    )];
    for c in &r.by_channel {
        out.push((t!(lang, "group-channel"), c.channel.clone(), &c.kpi));
    }
    for o in &r.by_opd {
        out.push((t!(lang, "group-opd"), opd_name(lang, o), &o.kpi));
    }
    out
}

pub fn rule(lang: Lang, r: Option<Rule>) -> String {
    match r {
        Some(Rule::Verifikasi) => t!(lang, "rule-verifikasi"),
        Some(Rule::TindakLanjut) => t!(lang, "rule-tindak-lanjut"),
        Some(Rule::Penutupan) => t!(lang, "rule-penutupan"),
        None => t!(lang, "rule-all"),
    }
}

pub fn state(lang: Lang, s: State) -> String {
    match s {
        State::Ok => t!(lang, "sla-state-ok"),
        State::AtRisk => t!(lang, "sla-state-at-risk"),
        State::Breached => t!(lang, "sla-state-breached"),
        State::Met => t!(lang, "sla-state-met"),
        State::MetLate => t!(lang, "sla-state-met-late"),
    }
}
