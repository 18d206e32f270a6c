//! SP4N-LAPOR! request and response bodies, as fixed by the integration contract.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Contract limits, in characters after trimming.
pub mod limits {
    pub const JUDUL_MIN: usize = 10;
    pub const JUDUL_MAX: usize = 150;
    pub const ISI_MIN: usize = 20;
    pub const ISI_MAX: usize = 5000;
    pub const ALAMAT_MAX: usize = 500;
    pub const NAMA_MAX: usize = 100;
    pub const ID_EKSTERNAL_MAX: usize = 100;
    pub const LAMPIRAN_MAX: usize = 5;
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Klasifikasi {
    #[default]
    Pengaduan,
    Aspirasi,
    PermintaanInformasi,
}

/// `POST /laporan` body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateLaporan {
    pub id_eksternal: String,
    pub kanal: String,
    pub klasifikasi: Klasifikasi,
    pub judul: String,
    pub isi: String,
    pub kategori_id: i64,
    pub instansi_id: i64,
    pub tanggal_kejadian: Option<String>,
    pub lokasi: Option<Lokasi>,
    pub anonim: bool,
    pub rahasia: bool,
    /// Absent (not null) when `anonim` is true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pelapor: Option<Pelapor>,
    pub lampiran: Vec<Lampiran>,
    pub waktu_lapor: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lokasi {
    pub alamat: String,
    pub kode_wilayah: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

/// Personal data: its `Debug` shows only which fields are present, so it is safe in logs.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pelapor {
    pub nama: String,
    pub nik: Option<String>,
    pub telepon: Option<String>,
    pub email: Option<String>,
}

impl fmt::Debug for Pelapor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = |o: &Option<String>| if o.is_some() { "<redacted>" } else { "none" };
        f.debug_struct("Pelapor")
            .field("nama", &"<redacted>")
            .field("nik", &shown(&self.nik))
            .field("telepon", &shown(&self.telepon))
            .field("email", &shown(&self.email))
            .finish()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lampiran {
    pub nama_file: String,
    pub tipe: String,
    pub url: String,
}

/// A Kemendagri region code of a kecamatan (`35.73.02`) or a desa/kelurahan (`35.73.02.1007`).
pub fn is_kode_wilayah(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    let widths: &[usize] = match parts.len() {
        3 => &[2, 2, 2],
        4 => &[2, 2, 2, 4],
        _ => return false,
    };
    parts
        .iter()
        .zip(widths)
        .all(|(p, w)| p.len() == *w && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Attachment types the contract accepts.
pub const LAMPIRAN_TIPE: [&str; 4] = ["image/jpeg", "image/png", "application/pdf", "video/mp4"];

/// 200/201 body of `POST /laporan`.
#[derive(Clone, Debug, Deserialize)]
pub struct Created {
    pub tracking_id: String,
    #[serde(default)]
    pub status: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    #[serde(default = "default_expiry")]
    pub expires_in: u64,
}

fn default_expiry() -> u64 {
    3600
}

/// Any error body: `{"error": "...", "detail": [...], "tracking_id": "..."}`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ErrorBody {
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub detail: Vec<FieldError>,
    #[serde(default)]
    pub tracking_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// `GET /laporan/{tracking_id}` and the items of `GET /laporan?id_eksternal=`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Laporan {
    pub tracking_id: String,
    pub id_eksternal: String,
    #[serde(default)]
    pub kanal: Option<String>,
    pub status: String,
    #[serde(default)]
    pub dibuat_pada: Option<String>,
    #[serde(default)]
    pub diperbarui_pada: Option<String>,
    #[serde(default)]
    pub tindak_lanjut: Vec<TindakLanjut>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TindakLanjut {
    pub id: serde_json::Value,
    pub isi: String,
    pub oleh: String,
    pub waktu: String,
}

#[derive(Clone, Debug, Deserialize)]
pub struct LaporanList {
    pub data: Vec<Laporan>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kategori {
    pub id: i64,
    #[serde(default)]
    pub induk_id: i64,
    pub nama: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instansi {
    pub id: i64,
    pub nama: String,
}

/// `GET /pembaruan` page.
#[derive(Clone, Debug, Deserialize)]
pub struct PembaruanPage {
    pub data: Vec<Pembaruan>,
    pub kursor_berikut: Option<String>,
    #[serde(default)]
    pub ada_lagi: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pembaruan {
    pub id_pembaruan: String,
    pub tracking_id: String,
    pub id_eksternal: String,
    pub status: String,
    pub tanggapan: Option<Tanggapan>,
    pub waktu: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tanggapan {
    pub isi: String,
    pub oleh: String,
}
