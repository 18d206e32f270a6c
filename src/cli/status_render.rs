//! The `lapor-bridge status` screen from what `status.rs` read: in the operator's language,
//! times in WIB, counts the language's way, every line within 100 columns (long channel
//! names are cut, big counts narrow the gaps).

use std::fmt::Write as _;
use std::path::Path;

use jiff::Timestamp;

use super::fit::{self, Align, Table};
use super::labels;
use crate::i18n::{format, Lang};
use crate::service::state::Snapshot;
use crate::store::{ChannelQueue, WritebackCount};
use crate::t;

/// What the screen shows, as read from the store.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    pub queues: Vec<ChannelQueue>,
    pub snapshot: Option<Snapshot>,
    pub writeback_counts: Vec<WritebackCount>,
    /// Per channel, the age in seconds of its oldest pending write-back.
    pub writeback_lag: Vec<(String, f64)>,
}

/// The label column of the daemon lines (`daemon     running`).
const LABEL: usize = 11;

fn labelled(label: &str, segments: &[String]) -> String {
    let mut head = format!("{label:<LABEL$}");
    if fit::width(&head) > LABEL {
        head.push(' ');
    }
    let body = fit::join(segments, 0);
    let mut out = String::new();
    for (i, line) in body.lines().enumerate() {
        if i == 0 {
            out += &head;
        } else {
            out += &" ".repeat(LABEL);
        }
        out += line;
        out.push('\n');
    }
    fit::lines(&out)
}

pub fn screen(lang: Lang, facts: &Facts, path: &Path, now: Timestamp) -> String {
    let mut out = String::new();
    let title = t!(lang, "status-title");
    let when = format::datetime(lang, now);
    let room = fit::WIDTH - fit::width(&title) - fit::width(&when) - 4;
    let store = t!(lang, "status-store", path = "");
    let shown = fit::elide_middle(
        &path.display().to_string(),
        room.saturating_sub(fit::width(&store)).max(30),
    );
    out += &fit::join(
        &[title, when, t!(lang, "status-store", path = shown)],
        LABEL,
    );
    out.push('\n');
    daemon(lang, facts.snapshot.as_ref(), now, &mut out);
    out.push('\n');
    queues(lang, facts, now, &mut out);
    writebacks(lang, facts, &mut out);
    out
}

fn daemon(lang: Lang, snapshot: Option<&Snapshot>, now: Timestamp, out: &mut String) {
    let label = t!(lang, "status-daemon");
    let Some(s) = snapshot else {
        *out += &labelled(&label, &[t!(lang, "status-daemon-never")]);
        return;
    };
    let ago = |t: Timestamp| labels::ago(lang, now, t);
    let age = now.as_second() - s.at.as_second();
    let fresh = age <= (s.status_interval_secs as i64 * 3).max(15);
    let alive = fresh && !s.stopped && Path::new(&format!("/proc/{}", s.pid)).exists();
    if alive {
        let mut segments = vec![
            t!(lang, "status-daemon-running"),
            t!(lang, "status-pid", pid = s.pid.to_string()),
            format!("v{}", s.version),
            t!(
                lang,
                "status-up-for",
                span = labels::since(lang, now, s.started_at)
            ),
            t!(lang, "status-reported", ago = ago(s.at)),
        ];
        if let Some(a) = &s.admin {
            segments.push(t!(lang, "status-admin", address = a.as_str()));
        }
        *out += &labelled(&label, &segments);
    } else if s.stopped {
        *out += &labelled(
            &label,
            &[t!(lang, "status-daemon-stopped", ago = ago(s.at))],
        );
    } else {
        *out += &labelled(&label, &[t!(lang, "status-daemon-silent", ago = ago(s.at))]);
    }
    let lapor = match s.lapor_up {
        Some(true) => t!(
            lang,
            "status-lapor-up",
            ago = s.lapor_last_ok.map(ago).unwrap_or_default()
        ),
        Some(false) => t!(
            lang,
            "status-lapor-down",
            since = s.lapor_last_failure.map(ago).unwrap_or_default(),
            last = s
                .lapor_last_ok
                .map(ago)
                .unwrap_or_else(|| t!(lang, "status-never"))
        ),
        None => t!(lang, "status-lapor-unknown"),
    };
    let mut segments = vec![lapor];
    if let Some(t) = s.paused_until.filter(|t| *t > now) {
        segments.push(t!(lang, "status-paused", until = format::datetime(lang, t)));
    }
    if !alive {
        segments.push(t!(lang, "status-as-last-reported"));
    }
    *out += &labelled("LAPOR!", &segments);
    if !s.wedged.is_empty() {
        *out += &labelled(
            &t!(lang, "status-wedged-label"),
            &[t!(lang, "status-wedged", stages = s.wedged.join(", "))],
        );
    }
}

fn queues(lang: Lang, facts: &Facts, now: Timestamp, out: &mut String) {
    let int = |n: u64| labels::int(lang, n);
    let mut table = Table::new(
        vec![
            t!(lang, "status-col-channel"),
            t!(lang, "status-col-kind"),
            t!(lang, "status-col-received"),
            t!(lang, "status-col-pending"),
            t!(lang, "status-col-oldest"),
            t!(lang, "status-col-held"),
            t!(lang, "status-col-dead"),
            t!(lang, "status-col-forwarded"),
            t!(lang, "status-col-last"),
        ],
        {
            use Align::*;
            vec![Left, Left, Right, Right, Right, Right, Right, Right, Left]
        },
    );
    // Names first, then the last column's words; kinds are short codes.
    table.shrink = vec![0, 8, 1];
    let mut names: Vec<String> = facts.queues.iter().map(|q| q.channel.clone()).collect();
    if let Some(s) = &facts.snapshot {
        for c in &s.channels {
            if !names.contains(&c.name) {
                names.push(c.name.clone());
            }
        }
    }
    names.sort();
    let oldest = |t: Option<Timestamp>| {
        t.map(|t| labels::since(lang, now, t))
            .unwrap_or_else(|| "-".into())
    };
    let mut total = ChannelQueue::default();
    for name in &names {
        let q = facts
            .queues
            .iter()
            .find(|q| &q.channel == name)
            .cloned()
            .unwrap_or_default();
        let snap = facts
            .snapshot
            .as_ref()
            .and_then(|s| s.channels.iter().find(|c| &c.name == name));
        let kind = snap.map(|c| c.kind.as_str()).unwrap_or("-");
        // Polled channels: the last successful poll; the others: the last record received.
        let last = match snap.and_then(|c| c.last_success) {
            Some(t) => t!(lang, "status-last-poll", ago = labels::ago(lang, now, t)),
            None => match q.last_received_at {
                Some(t) => t!(lang, "status-last-record", ago = labels::ago(lang, now, t)),
                None => t!(lang, "status-never"),
            },
        };
        table.row(vec![
            name.clone(),
            kind.to_string(),
            int(q.received),
            int(q.pending),
            oldest(q.oldest_pending_at),
            int(q.held),
            int(q.dead),
            int(q.forwarded),
            last,
        ]);
        total.received += q.received;
        total.pending += q.pending;
        total.held += q.held;
        total.dead += q.dead;
        total.forwarded += q.forwarded;
        total.acknowledged += q.acknowledged;
        total.dry_run_checked += q.dry_run_checked;
        total.oldest_pending_at = match (total.oldest_pending_at, q.oldest_pending_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    table.row(vec![
        t!(lang, "status-total"),
        String::new(),
        int(total.received),
        int(total.pending),
        oldest(total.oldest_pending_at),
        int(total.held),
        int(total.dead),
        int(total.forwarded),
        String::new(),
    ]);
    *out += &table.render();
    out.push('\n');
    let line = if total.dead + total.held > 0 {
        t!(
            lang,
            "status-stuck",
            dead = int(total.dead),
            held = int(total.held),
            acknowledged = int(total.acknowledged)
        )
    } else {
        t!(
            lang,
            "status-none-stuck",
            acknowledged = int(total.acknowledged)
        )
    };
    let _ = writeln!(out, "{}", fit::lines(&line));
    if total.dry_run_checked > 0 {
        let line = t!(lang, "status-dry-run", count = int(total.dry_run_checked));
        let _ = writeln!(out, "{}", fit::lines(&line));
    }
}

/// LAPOR!'s statuses and responses on their way back to the channels.
fn writebacks(lang: Lang, facts: &Facts, out: &mut String) {
    let counts = &facts.writeback_counts;
    if counts.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{}", t!(lang, "status-writebacks"));
    let mut table = Table::new(
        vec![
            t!(lang, "status-col-channel"),
            t!(lang, "status-col-written"),
            t!(lang, "status-col-pending"),
            t!(lang, "status-col-oldest"),
            t!(lang, "status-col-dead"),
        ],
        {
            use Align::*;
            vec![Left, Right, Right, Right, Right]
        },
    );
    table.shrink = vec![0];
    let mut channels: Vec<&str> = counts.iter().map(|c| c.channel.as_str()).collect();
    channels.dedup();
    for ch in channels {
        let n = |state: &str| {
            let sum = counts
                .iter()
                .filter(|c| c.channel == ch && c.state == state)
                .map(|c| c.count)
                .sum::<u64>();
            labels::int(lang, sum)
        };
        let oldest = facts
            .writeback_lag
            .iter()
            .find(|(c, _)| c == ch)
            .map(|(_, s)| labels::span(lang, s.round() as i64))
            .unwrap_or_else(|| "-".into());
        table.row(vec![
            ch.to_string(),
            n("done"),
            n("pending"),
            oldest,
            n("dead"),
        ]);
    }
    *out += &table.render();
}
