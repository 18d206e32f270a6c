//! LAPOR!'s complaint lifecycle: which status may follow which. Statuses only move forward;
//! `ditolak` and `diarsipkan` end a complaint like `selesai` does.

/// Statuses in lifecycle order, the three final ones last.
pub const ALL: &[&str] = &[
    "belum_terverifikasi",
    "terverifikasi",
    "terdisposisi",
    "ditindaklanjuti",
    "selesai",
    "ditolak",
    "diarsipkan",
];

/// Position in the main chain; the final statuses share the last rank. `None` for a status
/// this version does not know.
pub fn rank(status: &str) -> Option<u8> {
    Some(match status {
        "belum_terverifikasi" => 0,
        "terverifikasi" => 1,
        "terdisposisi" => 2,
        "ditindaklanjuti" => 3,
        "selesai" | "ditolak" | "diarsipkan" => 4,
        _ => return None,
    })
}

pub fn is_known(status: &str) -> bool {
    rank(status).is_some()
}

pub fn is_final(status: &str) -> bool {
    rank(status) == Some(4)
}

/// Whether a complaint at `from` (none yet: `None`) may move to `to`. An unknown `to`
/// never applies: it is recorded and reported instead of guessed at.
pub fn moves_forward(from: Option<&str>, to: &str) -> bool {
    let Some(t) = rank(to) else {
        return false;
    };
    match from.and_then(rank) {
        None => true,
        Some(4) => false,
        Some(f) => t > f,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_forward_and_never_out_of_a_final_status() {
        assert!(moves_forward(None, "belum_terverifikasi"));
        assert!(moves_forward(Some("terverifikasi"), "selesai"));
        assert!(moves_forward(Some("belum_terverifikasi"), "ditolak"));
        assert!(!moves_forward(Some("terdisposisi"), "terverifikasi"));
        assert!(!moves_forward(Some("terdisposisi"), "terdisposisi"));
        assert!(!moves_forward(Some("selesai"), "diarsipkan"));
        assert!(!moves_forward(Some("ditindaklanjuti"), "dibatalkan"));
        assert!(is_final("ditolak") && !is_final("ditindaklanjuti"));
    }
}
