//! LAPOR! statuses and the simulator that walks complaints through them.

use std::collections::VecDeque;
use std::sync::Weak;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::Rng;

use super::state::Shared;
use super::LifecycleConfig;

pub const BELUM_TERVERIFIKASI: &str = "belum_terverifikasi";
pub const TERVERIFIKASI: &str = "terverifikasi";
pub const TERDISPOSISI: &str = "terdisposisi";
pub const DITINDAKLANJUTI: &str = "ditindaklanjuti";
pub const SELESAI: &str = "selesai";
pub const DITOLAK: &str = "ditolak";
pub const DIARSIPKAN: &str = "diarsipkan";

/// Position in the main chain; final statuses rank last.
fn rank(status: &str) -> Option<u8> {
    Some(match status {
        BELUM_TERVERIFIKASI => 0,
        TERVERIFIKASI => 1,
        TERDISPOSISI => 2,
        DITINDAKLANJUTI => 3,
        SELESAI | DITOLAK | DIARSIPKAN => 4,
        _ => return None,
    })
}

pub fn is_final(status: &str) -> bool {
    matches!(status, SELESAI | DITOLAK | DIARSIPKAN)
}

/// Statuses only move forward; `ditolak` happens at verification only, `diarsipkan`
/// can end any open complaint.
pub fn is_forward(from: &str, to: &str) -> bool {
    let (Some(f), Some(t)) = (rank(from), rank(to)) else {
        return false;
    };
    if is_final(from) {
        return false;
    }
    match to {
        DITOLAK => f == 0,
        DIARSIPKAN => true,
        _ => t > f,
    }
}

/// One planned move: to `status` (the current one = a response without status change),
/// with or without a generated tanggapan.
#[derive(Clone, Copy, Debug)]
pub struct Step {
    pub status: &'static str,
    pub tanggapan: bool,
}

const fn mv(status: &'static str) -> Step {
    Step {
        status,
        tanggapan: false,
    }
}

const fn say(status: &'static str) -> Step {
    Step {
        status,
        tanggapan: true,
    }
}

/// The path of one complaint, exactly `n` steps long (n drawn from the config range),
/// the last one to a final status.
pub fn plan(rng: &mut StdRng, lc: &LifecycleConfig) -> VecDeque<Step> {
    let lo = lc.steps_min.max(1);
    let hi = lc.steps_max.max(lo);
    let n = rng.random_range(lo..=hi) as usize;
    let roll: f64 = rng.random();
    let mut steps = Vec::with_capacity(n);
    if roll < 0.12 {
        // Rejected at verification, possibly after asking the reporter for details.
        steps.extend(std::iter::repeat_n(say(BELUM_TERVERIFIKASI), n - 1));
        steps.push(say(DITOLAK));
    } else if roll < 0.22 {
        // Archived part-way along the main chain.
        let chain = [mv(TERVERIFIKASI), mv(TERDISPOSISI), say(DITINDAKLANJUTI)];
        let k = (n - 1).min(chain.len());
        steps.extend_from_slice(&chain[..k]);
        steps.extend(std::iter::repeat_n(say(DITINDAKLANJUTI), n - 1 - k));
        steps.push(say(DIARSIPKAN));
    } else {
        // The usual road to selesai; short plans merge verification and disposition.
        match n {
            1 => steps.push(say(DITOLAK)),
            2 => steps.extend([say(DITINDAKLANJUTI), mv(SELESAI)]),
            3 => steps.extend([mv(TERDISPOSISI), say(DITINDAKLANJUTI), mv(SELESAI)]),
            _ => {
                steps.extend([mv(TERVERIFIKASI), mv(TERDISPOSISI), say(DITINDAKLANJUTI)]);
                steps.extend(std::iter::repeat_n(say(DITINDAKLANJUTI), n - 4));
                steps.push(mv(SELESAI));
            }
        }
    }
    steps.into()
}

/// When a complaint's plan ran out (a test moved it by hand), take the next link of
/// the main chain so it still ends.
pub fn fallback_step(current: &str) -> Step {
    match current {
        BELUM_TERVERIFIKASI => mv(TERVERIFIKASI),
        TERVERIFIKASI => mv(TERDISPOSISI),
        TERDISPOSISI => say(DITINDAKLANJUTI),
        _ => mv(SELESAI),
    }
}

/// Indonesian response text for a simulated tanggapan.
pub fn response_text(rng: &mut StdRng, status: &str, kategori_id: i64) -> String {
    let list: &[&str] = match status {
        BELUM_TERVERIFIKASI => &[
            "Mohon maaf, laporan Anda belum dapat kami verifikasi. Mohon lengkapi lokasi kejadian secara rinci (nama jalan dan patokan terdekat).",
            "Terima kasih atas laporan Anda. Mohon lampirkan foto pendukung agar laporan dapat segera diverifikasi.",
        ],
        DITOLAK => &[
            "Laporan tidak dapat ditindaklanjuti karena bukan kewenangan Pemerintah Kota Malang. Silakan menghubungi instansi terkait.",
            "Laporan ditolak karena informasi yang disampaikan tidak lengkap dan pelapor tidak memberikan konfirmasi.",
        ],
        DIARSIPKAN => &[
            "Laporan diarsipkan karena tidak ada tanggapan lanjutan dari pelapor.",
            "Laporan diarsipkan karena merupakan duplikasi dari laporan yang sudah ditangani.",
        ],
        _ => by_topic(kategori_id),
    };
    list.choose(rng)
        .copied()
        .unwrap_or("Laporan sedang ditindaklanjuti.")
        .to_string()
}

fn by_topic(kategori_id: i64) -> &'static [&'static str] {
    use crate::reference::*;
    let top = if kategori_id >= 100 {
        kategori_id / 100
    } else {
        kategori_id
    };
    match (kategori_id, top) {
        (KATEGORI_PARKIR_LIAR, _) => &[
            "Terima kasih atas laporannya. Petugas Dinas Perhubungan telah melakukan penertiban juru parkir liar di lokasi dan akan melakukan pengawasan rutin.",
        ],
        (KATEGORI_PKL, _) => &[
            "Satpol PP telah melakukan penertiban pedagang kaki lima di lokasi dan memberikan pembinaan agar tidak berjualan di trotoar.",
        ],
        (KATEGORI_PJU, _) => &[
            "Tim PJU telah melakukan pengecekan dan penggantian lampu penerangan jalan yang padam. Terima kasih atas partisipasinya.",
        ],
        (_, KATEGORI_INFRASTRUKTUR) => &[
            "Terima kasih atas laporan Anda. Tim telah melakukan survei lokasi dan perbaikan dijadwalkan dalam minggu ini sesuai antrean pekerjaan.",
            "Perbaikan jalan berlubang di lokasi yang dilaporkan telah selesai dikerjakan oleh tim pemeliharaan.",
            "Saluran drainase telah dibersihkan dari sedimen dan sampah. Mohon partisipasi warga untuk tidak membuang sampah ke saluran.",
        ],
        (_, KATEGORI_ADMINDUK) => &[
            "Dokumen kependudukan Anda sudah selesai dicetak dan dapat diambil di kantor Dispendukcapil dengan membawa bukti pengajuan.",
            "Mohon maaf atas keterlambatan. Blangko sudah tersedia kembali dan permohonan Anda sedang diproses.",
        ],
        (_, KATEGORI_LINGKUNGAN_HIDUP) => &[
            "Petugas kebersihan telah mengangkut tumpukan sampah di lokasi. Jadwal pengangkutan di wilayah tersebut akan ditambah.",
        ],
        (_, KATEGORI_KESEHATAN) => &[
            "Dinas Kesehatan telah berkoordinasi dengan puskesmas setempat untuk menindaklanjuti keluhan pelayanan yang disampaikan.",
        ],
        (_, KATEGORI_AIR_BERSIH) => &[
            "Gangguan aliran air disebabkan perbaikan pipa distribusi. Aliran sudah kembali normal. Mohon maaf atas ketidaknyamanannya.",
        ],
        _ => &[
            "Terima kasih atas laporan Anda. Laporan telah ditindaklanjuti oleh perangkat daerah terkait.",
            "Laporan Anda sedang dalam proses penanganan. Perkembangan akan kami sampaikan melalui kanal ini.",
        ],
    }
}

/// Background simulator: ticks until the mock is gone.
pub async fn run(shared: Weak<Shared>, period: Duration) {
    let mut interval = tokio::time::interval(period);
    interval.tick().await; // the first tick is immediate; complaints deserve a moment
    loop {
        interval.tick().await;
        let Some(shared) = shared.upgrade() else {
            return;
        };
        shared.lock().lifecycle_tick();
    }
}
