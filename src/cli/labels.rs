//! The words the operator commands print for the store's codes (states, LAPOR! statuses,
//! timeline event kinds, write-back states) and for spans of time. The store keeps the codes;
//! people read these. A code this version does not know is shown as it is.

use jiff::Timestamp;

use crate::i18n::{format, Lang};
use crate::store::OutboxState;
use crate::t;

/// A record's forwarding state, as in common.ftl.
pub fn state(lang: Lang, s: OutboxState) -> String {
    match s {
        OutboxState::Pending => t!(lang, "state-pending"),
        OutboxState::Held => t!(lang, "state-held"),
        OutboxState::Forwarded => t!(lang, "state-forwarded"),
        OutboxState::Dead => t!(lang, "state-dead"),
        OutboxState::Acknowledged => t!(lang, "state-acknowledged"),
        OutboxState::DryRunChecked => t!(lang, "state-dry-run-checked"),
    }
}

/// A LAPOR! status code (`terverifikasi`) as SP4N-LAPOR! shows it (`Terverifikasi`).
pub fn lapor_status(lang: Lang, code: &str) -> String {
    match code.to_ascii_lowercase().as_str() {
        "belum_terverifikasi" => t!(lang, "lapor-status-belum-terverifikasi"),
        "terverifikasi" => t!(lang, "lapor-status-terverifikasi"),
        "terdisposisi" => t!(lang, "lapor-status-terdisposisi"),
        "ditindaklanjuti" => t!(lang, "lapor-status-ditindaklanjuti"),
        "selesai" => t!(lang, "lapor-status-selesai"),
        "ditolak" => t!(lang, "lapor-status-ditolak"),
        "diarsipkan" => t!(lang, "lapor-status-diarsipkan"),
        _ => code.to_string(),
    }
}

/// A timeline event's kind (`attempt_failed`) as a short label.
pub fn event(lang: Lang, kind: &str) -> String {
    match kind {
        "reported" => t!(lang, "event-reported"),
        "received" => t!(lang, "event-received"),
        "held" => t!(lang, "event-held"),
        "forwarded" => t!(lang, "event-forwarded"),
        "dead" => t!(lang, "event-dead"),
        "attempt_failed" => t!(lang, "event-attempt-failed"),
        "edited" => t!(lang, "event-edited"),
        "edited_after_forward" => t!(lang, "event-edited-after-forward"),
        "requeued_by_edit" => t!(lang, "event-requeued-by-edit"),
        "dry_run_checked" => t!(lang, "event-dry-run-checked"),
        "retried" => t!(lang, "event-retried"),
        "acknowledged" => t!(lang, "event-acknowledged"),
        "lapor_status" => t!(lang, "event-lapor-status"),
        "tanggapan" => t!(lang, "event-tanggapan"),
        "update_not_applied" => t!(lang, "event-update-not-applied"),
        "written_back" => t!(lang, "event-written-back"),
        "writeback_failed" => t!(lang, "event-writeback-failed"),
        "writeback_dead" => t!(lang, "event-writeback-dead"),
        "erased" => t!(lang, "event-erased"),
        "personal_data_purged" => t!(lang, "event-personal-data-purged"),
        other => other.to_string(),
    }
}

/// A write-back's state (`pending`, `done`, `dead`).
pub fn writeback_state(lang: Lang, s: &str) -> String {
    match s {
        "pending" => t!(lang, "writeback-pending"),
        "done" => t!(lang, "writeback-done"),
        "dead" => t!(lang, "writeback-dead"),
        other => other.to_string(),
    }
}

/// A span of seconds, short: `45 dtk`, `5 mnt`, `3 jam`, `2 hari` / `45s`, `5m`, `3h`, `2d`
/// (the units `human_secs` uses for the logs).
pub fn span(lang: Lang, secs: i64) -> String {
    let s = secs.max(0);
    match s {
        s if s < 120 => t!(lang, "span-seconds", n = s),
        s if s < 7200 => t!(lang, "span-minutes", n = s / 60),
        s if s < 172_800 => t!(lang, "span-hours", n = s / 3600),
        s => t!(lang, "span-days", n = s / 86_400),
    }
}

/// The span from `t` to `now`.
pub fn since(lang: Lang, now: Timestamp, t: Timestamp) -> String {
    span(lang, now.as_second() - t.as_second())
}

/// `5 mnt lalu` / `5m ago`.
pub fn ago(lang: Lang, now: Timestamp, t: Timestamp) -> String {
    t!(lang, "span-ago", span = since(lang, now, t))
}

/// A count, the language's way (`1.367` / `1,367`).
pub fn int(lang: Lang, n: u64) -> String {
    format::int(lang, i64::try_from(n).unwrap_or(i64::MAX))
}

/// A store time (UTC text) in WIB with seconds, for records under investigation.
pub fn db_time(lang: Lang, s: &str) -> String {
    crate::time::parse_db(s)
        .map(|t| format::datetime_seconds(lang, t))
        .unwrap_or_else(|| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_as_words_in_both_languages() {
        assert_eq!(lapor_status(Lang::Id, "terverifikasi"), "Terverifikasi");
        assert_eq!(lapor_status(Lang::English, "ditolak"), "Rejected");
        assert_eq!(lapor_status(Lang::Id, "baru_di_lapor"), "baru_di_lapor");
        assert_eq!(state(Lang::Id, OutboxState::Dead), "gagal terkirim");
        assert_eq!(event(Lang::Id, "retried"), "dikirim ulang");
        assert_eq!(event(Lang::English, "something_new"), "something_new");
        assert_eq!(span(Lang::Id, 300), "5 mnt");
        assert_eq!(span(Lang::English, 300), "5m");
        assert_eq!(span(Lang::Id, 90 * 86_400 * 20), "1.800 hari");
        assert_eq!(int(Lang::Id, 1367), "1.367");
    }
}
