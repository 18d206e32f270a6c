//! The text views of `lapor-bridge dead-letters list` and `dead-letters show`: the records
//! that need action with their reasons (wrapped, never cut: the reason is what the operator
//! acts on), and one record's whole state and timeline, times in WIB to the second.

use super::fit::{self, Align, Table};
use super::labels;
use crate::i18n::Lang;
use crate::store::{DeadLetter, RecordDetail, WritebackRow};
use crate::t;

/// Dead and held records, then the write-backs their channel refused.
pub fn list(lang: Lang, list: &[DeadLetter], writebacks: &[(String, WritebackRow)]) -> String {
    if list.is_empty() && writebacks.is_empty() {
        return t!(lang, "dl-none") + "\n";
    }
    let mut out = t!(lang, "dl-title") + "\n";
    let mut table = Table::new(
        vec![
            t!(lang, "dl-col-record"),
            t!(lang, "dl-col-state"),
            t!(lang, "dl-col-attempts"),
            t!(lang, "dl-col-reason"),
        ],
        vec![Align::Left, Align::Left, Align::Right, Align::Left],
    );
    table.shrink = vec![0];
    table.min = 24;
    table.wrap_last = true;
    table.wrap_min = 50;
    for d in list {
        let reason = if d.problems.is_empty() {
            d.last_error.clone().unwrap_or_default()
        } else {
            d.problems
                .iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        };
        table.row(vec![
            d.key.clone(),
            labels::state(lang, d.state),
            labels::int(lang, u64::from(d.attempts)),
            reason,
        ]);
    }
    if !list.is_empty() {
        out += &table.render();
    }
    if !writebacks.is_empty() {
        let count = labels::int(lang, writebacks.len() as u64);
        out += &fit::lines(&format!("\n{}\n", t!(lang, "dl-writebacks", count = count)));
        let mut table = Table::new(
            vec![
                t!(lang, "dl-col-record"),
                t!(lang, "show-col-lapor-status"),
                t!(lang, "dl-col-attempts"),
                t!(lang, "dl-col-reason"),
            ],
            vec![Align::Left, Align::Left, Align::Right, Align::Left],
        );
        table.shrink = vec![0];
        table.min = 24;
        table.wrap_last = true;
        table.wrap_min = 50;
        for (key, w) in writebacks {
            table.row(vec![
                key.clone(),
                labels::lapor_status(lang, &w.lapor_status),
                labels::int(lang, u64::from(w.attempts)),
                w.last_error.clone().unwrap_or_default(),
            ]);
        }
        out += &table.render();
    }
    out
}

/// Everything known about one record: state, reasons, attempts, timeline.
pub fn detail(lang: Lang, d: &RecordDetail) -> String {
    let at = |o: &Option<String>| {
        o.as_deref()
            .map(|s| labels::db_time(lang, s))
            .unwrap_or_else(|| "-".into())
    };
    let mut facts = Table::new(vec![String::new(); 2], vec![Align::Left; 2]);
    facts.wrap_last = true;
    let mut fact = |label: String, value: String| facts.row(vec![label, value]);
    fact(t!(lang, "dl-record"), d.key.clone());
    fact(t!(lang, "dl-state"), labels::state(lang, d.state));
    fact(
        t!(lang, "dl-attempts"),
        labels::int(lang, u64::from(d.attempts)),
    );
    fact(
        t!(lang, "show-col-tracking-id"),
        d.tracking_id.clone().unwrap_or_else(|| "-".into()),
    );
    fact(
        t!(lang, "dl-received"),
        labels::db_time(lang, &d.received_at),
    );
    fact(t!(lang, "dl-reported"), at(&d.reported_at));
    fact(t!(lang, "dl-forwarded"), at(&d.forwarded_at));
    fact(t!(lang, "dl-next-attempt"), at(&d.next_attempt_at));
    fact(t!(lang, "dl-revision"), d.revision.to_string());
    if d.in_doubt {
        fact(t!(lang, "dl-in-doubt"), t!(lang, "dl-in-doubt-why"));
    }
    if let Some(e) = &d.last_error {
        fact(t!(lang, "dl-last-error"), e.clone());
    }
    if let Some(v) = &d.divergence {
        fact(t!(lang, "dl-divergence"), v.clone());
    }
    for p in &d.problems {
        fact(t!(lang, "dl-problem"), p.to_string());
    }
    for n in &d.notes {
        fact(t!(lang, "dl-note"), n.clone());
    }
    let mut out = facts.render();
    out += &t!(lang, "dl-timeline");
    out.push('\n');
    let mut timeline = Table::new(vec![String::new(); 3], vec![Align::Left; 3]);
    timeline.indent = 2;
    timeline.wrap_last = true;
    for e in &d.events {
        timeline.row(vec![
            labels::db_time(lang, &e.at),
            labels::event(lang, &e.kind),
            e.detail.clone().unwrap_or_default(),
        ]);
    }
    out += &timeline.render();
    out
}
