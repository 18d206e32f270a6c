//! The dashboard's LAPOR! service-level section and its pipeline health, in the page's
//! language. A state is always written in words beside its colour (and a sign: ⚠ at risk,
//! ✖ breached or down, ✔ up), so the page reads the same in black and white.

use std::fmt::Write as _;

use jiff::Timestamp;

use super::dashboard_page::{count, esc, head_row};
use super::state::Shared;
use crate::i18n::{format, Lang};
use crate::report::sla::{Rule, SlaReport, State};
use crate::t;

fn rule_name(lang: Lang, rule: Option<Rule>) -> String {
    match rule {
        Some(Rule::Verifikasi) => t!(lang, "dash-rule-verifikasi"),
        Some(Rule::TindakLanjut) => t!(lang, "dash-rule-tindak-lanjut"),
        Some(Rule::Penutupan) => t!(lang, "dash-rule-penutupan"),
        None => t!(lang, "dash-rule-all"),
    }
}

fn state_name(lang: Lang, state: State) -> String {
    match state {
        State::AtRisk => format!("⚠ {}", t!(lang, "dash-state-at-risk")),
        State::Breached => format!("✖ {}", t!(lang, "dash-state-breached")),
        State::Ok => t!(lang, "dash-sla-ok"),
        State::Met => t!(lang, "dash-sla-met"),
        State::MetLate => t!(lang, "dash-sla-met-late"),
    }
}

pub(super) fn sla(out: &mut String, s: &SlaReport, lang: Lang) {
    let _ = write!(
        out,
        r#"<section class="sla"><h2>{}</h2><p class="note">{}</p><table data-table="sla_rules">"#,
        esc(&t!(lang, "dash-sla-title")),
        esc(&t!(
            lang,
            "dash-sla-note",
            margin = u64::from(s.at_risk_margin_days)
        )),
    );
    head_row(
        out,
        &[
            t!(lang, "dash-sla-rule"),
            t!(lang, "dash-sla-days"),
            t!(lang, "dash-sla-ok"),
            t!(lang, "dash-col-at-risk"),
            t!(lang, "dash-col-breached"),
            t!(lang, "dash-sla-met"),
            t!(lang, "dash-sla-met-late"),
        ],
    );
    for x in &s.rules {
        let key = x.rule.map(|r| r.as_str()).unwrap_or("");
        let _ = write!(
            out,
            r#"<tr><td class="text">{}</td><td>{}</td><td>{}</td><td data-sla="{key}.at_risk">{}</td><td data-sla="{key}.breached">{}</td><td>{}</td><td>{}</td></tr>"#,
            esc(&rule_name(lang, x.rule)),
            x.working_days,
            count(lang, x.ok),
            count(lang, x.at_risk),
            count(lang, x.breached),
            count(lang, x.met),
            count(lang, x.met_late)
        );
    }
    out.push_str("</table>");
    if s.watch.is_empty() {
        let _ = write!(
            out,
            r#"<p data-sla-list="0">{}</p>"#,
            esc(&t!(lang, "dash-sla-none"))
        );
    } else {
        let n = s.watch.len() as u64;
        let _ = write!(
            out,
            r#"<h3>{}</h3><table data-sla-list="{}">"#,
            esc(&t!(lang, "dash-sla-list", count = count(lang, n))),
            s.watch.len()
        );
        head_row(
            out,
            &[
                t!(lang, "dash-state"),
                t!(lang, "dash-sla-rule"),
                t!(lang, "dash-col-channel"),
                t!(lang, "dash-col-local-id"),
                t!(lang, "dash-col-tracking"),
                t!(lang, "dash-col-instansi"),
                t!(lang, "dash-col-since"),
                t!(lang, "dash-col-deadline"),
                t!(lang, "dash-col-elapsed"),
            ],
        );
        for c in s.watch.iter().take(100) {
            let st = c.state.as_str();
            let _ = write!(
                out,
                r#"<tr><td class="text state-{st}" data-state="{st}">{}</td><td class="text">{}</td><td class="text">{}</td><td class="text">{}</td><td class="text">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>"#,
                esc(&state_name(lang, c.state)),
                esc(&rule_name(lang, Some(c.rule))),
                esc(&c.channel),
                esc(&c.local_id),
                esc(c.tracking_id.as_deref().unwrap_or("–")),
                c.instansi_id
                    .map(|i| i.to_string())
                    .unwrap_or_else(|| "–".into()),
                format::datetime_cell(lang, c.started_at),
                format::datetime_cell(lang, c.deadline),
                c.working_days_elapsed
            );
        }
        out.push_str("</table>");
        if s.watch.len() > 100 {
            let more = count(lang, n - 100);
            let _ = write!(
                out,
                r#"<p class="note">{} <code>lapor-bridge report sla</code></p>"#,
                esc(&t!(lang, "dash-sla-more", count = more))
            );
        }
    }
    out.push_str("</section>");
}

/// `40 detik`, `12 menit`, `5 jam`, `3 hari` / `40 s`, `12 min`, `5 h`, `3 d`.
fn age(lang: Lang, s: i64) -> String {
    match s {
        s if s < 120 => t!(lang, "dash-age-seconds", n = s),
        s if s < 7200 => t!(lang, "dash-age-minutes", n = s / 60),
        s if s < 172_800 => t!(lang, "dash-age-hours", n = s / 3600),
        s => t!(lang, "dash-age-days", n = s / 86_400),
    }
}

/// `✔ aktif` / `✖ tidak terjangkau` with the class that colours it.
fn up_down(lang: Lang, up: Option<bool>) -> (&'static str, String) {
    match up {
        Some(true) => ("up", format!("✔ {}", t!(lang, "dash-up"))),
        Some(false) => ("down", format!("✖ {}", t!(lang, "dash-down"))),
        None => ("unknown", format!("? {}", t!(lang, "dash-unknown"))),
    }
}

pub(super) fn health(out: &mut String, shared: &Shared, lang: Lang) {
    let now = Timestamp::now();
    let (ready, ok) = super::admin::readiness(shared, now);
    let lapor = ready["lapor"]["state"].as_str().unwrap_or("unknown");
    let (ready_class, ready_text) = if ok {
        ("up", format!("✔ {}", t!(lang, "yes")))
    } else {
        ("down", format!("✖ {}", t!(lang, "no")))
    };
    let (lapor_class, lapor_text) = up_down(
        lang,
        match lapor {
            "up" => Some(true),
            "down" => Some(false),
            _ => None,
        },
    );
    // data-health keeps the machine word (`up`, `down`, `unknown`) for scripts and tests.
    let _ = write!(
        out,
        r#"<section class="health"><h2>{}</h2><p>{}: <span class="{ready_class}" data-health="ready" data-value="{}">{}</span> · {}: <span class="{lapor_class}" data-health="lapor" data-value="{}">{}</span></p><table data-table="queues">"#,
        esc(&t!(lang, "dash-health-title")),
        esc(&t!(lang, "dash-ready")),
        if ok { "yes" } else { "no" },
        esc(&ready_text),
        esc(&t!(lang, "dash-lapor")),
        esc(lapor),
        esc(&lapor_text),
    );
    head_row(
        out,
        &[
            t!(lang, "dash-col-channel"),
            t!(lang, "dash-col-received"),
            t!(lang, "dash-col-pending"),
            t!(lang, "dash-col-held"),
            t!(lang, "dash-col-forwarded"),
            t!(lang, "dash-col-dead"),
            t!(lang, "dash-col-oldest"),
            t!(lang, "dash-col-last-forwarded"),
        ],
    );
    for q in shared.store.channel_queues().unwrap_or_default() {
        let oldest = q
            .oldest_pending_at
            .map(|t| age(lang, (now.as_second() - t.as_second()).max(0)))
            .unwrap_or_else(|| "–".into());
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&q.channel),
            count(lang, q.received),
            count(lang, q.pending),
            count(lang, q.held),
            count(lang, q.forwarded),
            count(lang, q.dead),
            oldest,
            q.last_forwarded_at
                .map(|t| format::datetime_cell(lang, t))
                .unwrap_or_else(|| "–".into())
        );
    }
    out.push_str("</table></section>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_and_states_are_words_in_the_language() {
        assert_eq!(age(Lang::Id, 40), "40 detik");
        assert_eq!(age(Lang::Id, 3 * 86_400), "3 hari");
        assert_eq!(age(Lang::English, 5 * 3600), "5 h");
        assert_eq!(
            state_name(Lang::Id, State::AtRisk),
            "⚠ hampir lewat tenggat"
        );
        assert_eq!(state_name(Lang::English, State::Breached), "✖ breached");
        assert_eq!(up_down(Lang::Id, Some(false)).1, "✖ tidak terjangkau");
    }
}
