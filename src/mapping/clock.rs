//! No create carries a time later than the bridge's own now: the LAPOR! contract allows no
//! future `waktu_lapor` at all, and a channel whose clock runs ahead (a SAMBAT server 90 s
//! fast) would otherwise have every complaint refused for good.

use jiff::Timestamp;

use crate::time;

/// `ts`, or `now` (whole seconds) when `ts` is later, with a note naming the channel's original
/// time and the clamp, for the record's timeline.
pub fn not_after_now(ts: Timestamp, now: Timestamp, what: &str) -> (Timestamp, Option<String>) {
    let now_s = Timestamp::from_second(now.as_second()).unwrap_or(now);
    if ts <= now_s {
        return (ts, None);
    }
    let ahead = ts.duration_since(now_s).as_secs_f64();
    let note = format!(
        "{what} {} WIB is {ahead:.0} s ahead of the bridge's clock (the channel's clock runs fast?): \
         waktu_lapor set to the time of mapping, {} WIB",
        time::format_wib(ts),
        time::format_wib(now_s),
    );
    (now_s, Some(note))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn a_time_not_after_now_is_kept() {
        let now = at("2026-12-01T03:00:00.700Z");
        for t in ["2026-12-01T03:00:00Z", "2024-07-29T01:15:00Z"] {
            assert_eq!(not_after_now(at(t), now, "dibuat"), (at(t), None));
        }
    }

    #[test]
    fn a_time_ahead_even_by_a_second_is_clamped_and_noted() {
        let now = at("2026-12-01T03:00:00.700Z");
        for (t, secs) in [
            ("2026-12-01T03:00:01Z", "1 s"),
            ("2026-12-01T03:01:30Z", "90 s"),
            ("2026-12-01T03:10:00Z", "600 s"),
        ] {
            let (ts, note) = not_after_now(at(t), now, "dibuat");
            assert_eq!(ts, at("2026-12-01T03:00:00Z"), "{t}");
            let note = note.expect("a note");
            assert!(note.contains(secs), "{note}");
            // The channel's own time and the clamp, both in WIB.
            assert!(note.contains(&time::format_wib(at(t))), "{note}");
            assert!(
                note.contains(&time::format_wib(at("2026-12-01T03:00:00Z"))),
                "{note}"
            );
        }
    }
}
