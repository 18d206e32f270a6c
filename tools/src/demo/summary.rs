//! The demo's closing summary: records per channel and state, and what was written back.

use std::collections::BTreeMap;
use std::path::Path;

use lapor_bridge::i18n::{format, Lang};
use lapor_bridge::store::{StateCount, Store};
use lapor_bridge::t;

use super::{totals, writeback, Out};

/// Records per channel: received, forwarded, held, dead-lettered, pending.
pub fn states(out: &mut Out<'_>, lang: Lang, counts: &[StateCount]) {
    let mut per: BTreeMap<&str, Vec<StateCount>> = BTreeMap::new();
    for c in counts {
        per.entry(c.channel.as_str()).or_default().push(c.clone());
    }
    let row = |name: &str, t: super::Totals| {
        let n = |v: u64| format::int(lang, v as i64);
        format!(
            "{:<12} {:>10} {:>11} {:>8} {:>15} {:>9}",
            name,
            n(t.received),
            n(t.forwarded),
            n(t.held),
            n(t.dead),
            n(t.pending)
        )
    };
    out.line("");
    out.line(&format!(
        "{:<12} {:>10} {:>11} {:>8} {:>15} {:>9}",
        t!(lang, "demo-summary-channel"),
        t!(lang, "demo-summary-received"),
        t!(lang, "demo-summary-forwarded"),
        t!(lang, "demo-summary-held"),
        t!(lang, "demo-summary-dead"),
        t!(lang, "demo-summary-pending")
    ));
    for (ch, cs) in &per {
        out.line(&row(ch, totals(cs)));
    }
    out.line(&row(&t!(lang, "demo-summary-total"), totals(counts)));
    out.line("");
}

/// Write-backs per channel, the updates read, the channels' own view, and one timeline.
pub fn writebacks(
    out: &mut Out<'_>,
    lang: Lang,
    store: &Store,
    mocks: &writeback::ChannelMocks,
    sambat_responses: usize,
    status_file: &Path,
) {
    out.line("");
    out.line(&t!(lang, "demo-writebacks-title"));
    for (ch, done, pending, dead) in writeback::per_channel(store) {
        out.line(&format!("  {ch:<10} {done:>5} / {pending} / {dead}"));
    }
    let updates = store.update_effect_counts().unwrap_or_default();
    let list: Vec<String> = updates
        .iter()
        .map(|(e, n)| format!("{} {e}", format::int(lang, *n as i64)))
        .collect();
    out.line(&t!(lang, "demo-updates-read", list = list.join(", ")));
    let rows = std::fs::read_to_string(status_file)
        .map(|s| s.lines().count().saturating_sub(1))
        .unwrap_or(0);
    out.line(&t!(
        lang,
        "demo-channels-view",
        sambat = sambat_responses,
        notes = mocks.call112.notes().len(),
        replies = mocks.desk.replies().len()
    ));
    let path = status_file.display().to_string();
    out.line(&t!(lang, "demo-status-file", path = path, rows = rows));
    let first = store
        .forwarded_keys(1)
        .ok()
        .and_then(|k| k.into_iter().next());
    if let Some(k) = first {
        // One complaint's whole story, as `lapor-bridge show` prints it.
        if let Ok(text) =
            lapor_bridge::cli::show::render(store, &k, lapor_bridge::cli::show::Format::Text)
        {
            out.line("");
            out.line(&t!(lang, "demo-timeline-title", key = k.to_string()));
            for l in text.lines() {
                out.line(l);
            }
        }
    }
}
