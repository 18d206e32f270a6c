//! The LAPOR! service levels, checked on each complaint's timeline (`lapor-api.md`, "Status
//! values and lifecycle"):
//!
//! - `verifikasi`: verified and forwarded to the instansi within 3 working days of reaching
//!   LAPOR! — from `forwarded_at` to the first status `terdisposisi` (or any later one,
//!   `ditolak` included, since statuses only move forward);
//! - `tindak_lanjut`: the instansi's follow-up within 5 working days of disposition — from
//!   `terdisposisi` to the first `tanggapan` after it or `ditindaklanjuti`;
//! - `penutupan`: closed 10 working days after the follow-up — from the follow-up to
//!   `selesai`, `diarsipkan` or `ditolak`.
//!
//! "Within N working days" of an event on WIB date D ends at 24:00 WIB of the N-th working
//! day after D ([`Calendar::deadline`]). A rule still open is *at risk* once only its last
//! `margin` working days remain, i.e. from the end of working day N - margin (margin 1: after
//! 4 working days without follow-up; over a weekend before the last day too), and *breached*
//! after the deadline.

use jiff::Timestamp;
use serde::Serialize;

use super::calendar::{wib_date, Calendar};
use super::timeline::Timeline;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    Verifikasi,
    TindakLanjut,
    Penutupan,
}

impl Rule {
    pub const ALL: [Rule; 3] = [Rule::Verifikasi, Rule::TindakLanjut, Rule::Penutupan];

    /// The working days LAPOR! allows.
    pub fn working_days(self) -> u32 {
        match self {
            Rule::Verifikasi => 3,
            Rule::TindakLanjut => 5,
            Rule::Penutupan => 10,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Verifikasi => "verifikasi",
            Rule::TindakLanjut => "tindak_lanjut",
            Rule::Penutupan => "penutupan",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Rule::Verifikasi => "verification and disposition within 3 working days of forwarding",
            Rule::TindakLanjut => "the instansi's follow-up within 5 working days of disposition",
            Rule::Penutupan => "closure within 10 working days of the follow-up",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Open, deadline not near.
    Ok,
    /// Open, in the last `margin` working days before the deadline.
    AtRisk,
    /// Open past the deadline.
    Breached,
    /// Done in time.
    Met,
    /// Done, after the deadline.
    MetLate,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Ok => "ok",
            State::AtRisk => "at_risk",
            State::Breached => "breached",
            State::Met => "met",
            State::MetLate => "met_late",
        }
    }
}

/// One rule of one complaint.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Check {
    pub record_id: i64,
    pub channel: String,
    pub local_id: String,
    pub tracking_id: Option<String>,
    pub instansi_id: Option<i64>,
    pub rule: Rule,
    pub started_at: Timestamp,
    pub at_risk_from: Timestamp,
    pub deadline: Timestamp,
    pub done_at: Option<Timestamp>,
    pub state: State,
    /// Whole working days after the start's WIB date, up to the end (or `now`)'s date.
    pub working_days_elapsed: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RuleSummary {
    pub rule: Option<Rule>,
    pub working_days: u32,
    pub ok: u64,
    pub at_risk: u64,
    pub breached: u64,
    pub met: u64,
    pub met_late: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SlaReport {
    pub as_of: Timestamp,
    pub at_risk_margin_days: u32,
    pub rules: Vec<RuleSummary>,
    /// Open checks at risk or breached, most urgent (earliest deadline) first.
    pub watch: Vec<Check>,
}

const AFTER_VERIFICATION: [&str; 5] = [
    "terdisposisi",
    "ditindaklanjuti",
    "selesai",
    "ditolak",
    "diarsipkan",
];
const DISPOSED: [&str; 4] = ["terdisposisi", "ditindaklanjuti", "selesai", "diarsipkan"];
const FOLLOWED_UP: [&str; 4] = ["ditindaklanjuti", "selesai", "ditolak", "diarsipkan"];
const ENDED: [&str; 3] = ["selesai", "ditolak", "diarsipkan"];

fn min_opt(a: Option<Timestamp>, b: Option<Timestamp>) -> Option<Timestamp> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The rules of one complaint that have started by `now`.
pub fn evaluate(t: &Timeline, cal: &Calendar, margin: u32, now: Timestamp) -> Vec<Check> {
    let mut out = Vec::new();
    let Some(forwarded) = t.forwarded_by(now) else {
        return out;
    };
    let mut check = |rule: Rule, start: Timestamp, done: Option<Timestamp>| {
        let n = rule.working_days();
        let deadline = cal.deadline(start, n);
        // At risk once all but the last `margin` working days have passed: from the end of
        // working day n - margin (so a Monday deadline warns from Friday night on).
        let at_risk_from = if margin == 0 || margin >= n {
            if margin == 0 {
                deadline
            } else {
                start
            }
        } else {
            cal.deadline(start, n - margin)
        };
        let state = match done {
            Some(d) if d < deadline => State::Met,
            Some(_) => State::MetLate,
            None if now >= deadline => State::Breached,
            None if now >= at_risk_from => State::AtRisk,
            None => State::Ok,
        };
        let end = done.unwrap_or(now);
        out.push(Check {
            record_id: t.record_id,
            channel: t.channel.clone(),
            local_id: t.local_id.clone(),
            tracking_id: t.tracking_id.clone(),
            instansi_id: t.instansi_id,
            rule,
            started_at: start,
            at_risk_from,
            deadline,
            done_at: done,
            state,
            working_days_elapsed: cal.working_days_after(wib_date(start), wib_date(end)),
        });
    };
    let verified = t.first_status(&AFTER_VERIFICATION, now);
    check(
        Rule::Verifikasi,
        forwarded,
        verified.map(|v| v.max(forwarded)),
    );

    let Some(disposed) = t.first_status(&DISPOSED, now) else {
        return out;
    };
    let followed = min_opt(
        t.first_response_from(disposed, now),
        t.first_status(&FOLLOWED_UP, now),
    )
    .map(|f| f.max(disposed));
    check(Rule::TindakLanjut, disposed, followed);

    let Some(followed) = followed else {
        return out;
    };
    let ended = t.first_status(&ENDED, now).map(|e| e.max(followed));
    check(Rule::Penutupan, followed, ended);
    out
}

/// Every complaint's checks as of `now`, summarised per rule, with the watch list.
pub fn report(timelines: &[Timeline], cal: &Calendar, margin: u32, now: Timestamp) -> SlaReport {
    let mut tally = Tally::new(cal, margin, now);
    for t in timelines {
        tally.add(t);
    }
    tally.finish()
}

/// The SLA report built from a stream of timelines, one at a time: counts per rule and
/// state, and the open checks at risk or breached (the watch list, which is all it keeps).
pub struct Tally<'a> {
    cal: &'a Calendar,
    margin: u32,
    now: Timestamp,
    rules: Vec<RuleSummary>,
    watch: Vec<Check>,
}

impl<'a> Tally<'a> {
    pub fn new(cal: &'a Calendar, margin: u32, now: Timestamp) -> Tally<'a> {
        Tally {
            cal,
            margin,
            now,
            rules: Rule::ALL
                .iter()
                .map(|r| RuleSummary {
                    rule: Some(*r),
                    working_days: r.working_days(),
                    ..RuleSummary::default()
                })
                .collect(),
            watch: Vec::new(),
        }
    }

    pub fn add(&mut self, t: &Timeline) {
        for c in evaluate(t, self.cal, self.margin, self.now) {
            let s = &mut self.rules[c.rule as usize];
            match c.state {
                State::Ok => s.ok += 1,
                State::AtRisk => s.at_risk += 1,
                State::Breached => s.breached += 1,
                State::Met => s.met += 1,
                State::MetLate => s.met_late += 1,
            }
            if matches!(c.state, State::AtRisk | State::Breached) {
                self.watch.push(c);
            }
        }
    }

    /// The watch list alone, most urgent first.
    pub fn into_watch(mut self) -> Vec<Check> {
        self.watch
            .sort_by_key(|c| (c.deadline, c.record_id, c.rule));
        self.watch
    }

    pub fn finish(self) -> SlaReport {
        let (now, margin, rules) = (self.now, self.margin, self.rules.clone());
        SlaReport {
            as_of: now,
            at_risk_margin_days: margin,
            rules,
            watch: self.into_watch(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        crate::time::parse_wib(s).unwrap()
    }

    fn timeline(statuses: &[(&str, &str)], responses: &[&str]) -> Timeline {
        Timeline {
            record_id: 1,
            channel: "sambat".into(),
            local_id: "x".into(),
            tracking_id: Some("T".into()),
            reported_at: at("2024-04-04 09:00:00"),
            forwarded_at: Some(at("2024-04-04 10:00:00")),
            instansi_id: Some(1),
            statuses: statuses
                .iter()
                .map(|(t, s)| (at(t), (*s).to_owned()))
                .collect(),
            responses: responses.iter().map(|t| at(t)).collect(),
            current: None,
        }
    }

    #[test]
    fn verification_across_lebaran() {
        let cal = Calendar::shipped();
        // Forwarded Thu 4 Apr 2024: working days after it are Fri 5, Tue 16, Wed 17 Apr.
        let t = timeline(&[], &[]);
        let state = |now: &str| evaluate(&t, &cal, 1, at(now))[0].state;
        assert_eq!(state("2024-04-15 23:00:00"), State::Ok);
        // At risk after the 2nd working day (Tue 16 Apr), breached after the 3rd.
        assert_eq!(state("2024-04-16 23:59:00"), State::Ok);
        assert_eq!(state("2024-04-17 00:00:00"), State::AtRisk);
        assert_eq!(state("2024-04-17 23:59:59"), State::AtRisk);
        assert_eq!(state("2024-04-18 00:00:00"), State::Breached);
        let c = &evaluate(&t, &cal, 1, at("2024-04-18 08:00:00"))[0];
        assert_eq!(c.deadline, at("2024-04-18 00:00:00"));
        // Fri 5, Tue 16, Wed 17 and (begun) Thu 18 Apr.
        assert_eq!(c.working_days_elapsed, 4);
        // With margin 0 nothing is at risk, only breached.
        assert_eq!(
            evaluate(&t, &cal, 0, at("2024-04-17 12:00:00"))[0].state,
            State::Ok
        );
    }

    #[test]
    fn follow_up_is_at_risk_on_the_fifth_working_day() {
        let cal = Calendar::shipped();
        // Disposed Mon 22 Jul 2024 (no holidays until 17 Aug): working days after it are
        // 23, 24, 25, 26, 29 Jul. After 4 of them without follow-up (from the end of Fri 26,
        // over the weekend) it is at risk.
        let t = timeline(&[("2024-07-22 10:00:00", "terdisposisi")], &[]);
        let rule = |now: &str| {
            evaluate(&t, &cal, 1, at(now))
                .into_iter()
                .find(|c| c.rule == Rule::TindakLanjut)
                .unwrap()
        };
        assert_eq!(rule("2024-07-26 17:00:00").state, State::Ok);
        assert_eq!(rule("2024-07-27 10:00:00").state, State::AtRisk);
        assert_eq!(rule("2024-07-29 08:00:00").state, State::AtRisk);
        assert_eq!(rule("2024-07-29 08:00:00").working_days_elapsed, 5);
        assert_eq!(rule("2024-07-30 08:00:00").state, State::Breached);
        // A tanggapan on the 25th meets it, and starts the closure clock.
        let t = timeline(
            &[("2024-07-22 10:00:00", "terdisposisi")],
            &["2024-07-25 10:00:00"],
        );
        let all = evaluate(&t, &cal, 1, at("2024-08-20 10:00:00"));
        // Verification: forwarded 4 Apr, disposed only on 22 Jul: late.
        assert_eq!(all[0].state, State::MetLate);
        assert_eq!(all[1].state, State::Met);
        assert_eq!(all[2].rule, Rule::Penutupan);
        assert_eq!(all[2].started_at, at("2024-07-25 10:00:00"));
    }
}
