//! Reference data of the LAPOR! mock: category and instansi ids, and how the SAMBAT
//! mock's local names map onto them.
//!
//! Real LAPOR! ids are whatever `GET /kategori` and `GET /instansi` return; the mock uses
//! these. The bridge's demo configuration is written against the constants below, so
//! change them only together with that config.

use crate::lapor::{Instansi, Kategori};

// Top-level categories (induk_id 0).
pub const KATEGORI_INFRASTRUKTUR: i64 = 1;
pub const KATEGORI_KETERTIBAN_UMUM: i64 = 2;
pub const KATEGORI_ADMINDUK: i64 = 3;
pub const KATEGORI_LINGKUNGAN_HIDUP: i64 = 4;
pub const KATEGORI_KESEHATAN: i64 = 5;
pub const KATEGORI_AIR_BERSIH: i64 = 6;
pub const KATEGORI_TRANSPORTASI: i64 = 7;
pub const KATEGORI_KETENAGAKERJAAN_PERIZINAN: i64 = 8;
pub const KATEGORI_TIK: i64 = 13;

// Children: id = parent * 100 + n.
pub const KATEGORI_JALAN_JEMBATAN: i64 = 101;
pub const KATEGORI_PJU: i64 = 102;
pub const KATEGORI_DRAINASE: i64 = 103;
pub const KATEGORI_PARKIR_LIAR: i64 = 201;
pub const KATEGORI_PKL: i64 = 202;
pub const KATEGORI_EKTP: i64 = 301;
pub const KATEGORI_KARTU_KELUARGA: i64 = 302;
pub const KATEGORI_AKTA_KELAHIRAN: i64 = 303;
pub const KATEGORI_SAMPAH: i64 = 401;
pub const KATEGORI_TAMAN_KOTA: i64 = 402;
pub const KATEGORI_LALU_LINTAS: i64 = 701;
pub const KATEGORI_RAMBU_MARKA: i64 = 702;

pub const INSTANSI_PEMKOT_MALANG: i64 = 3573;
pub const INSTANSI_DISHUB: i64 = 357301;
pub const INSTANSI_DISPENDUKCAPIL: i64 = 357302;
pub const INSTANSI_SATPOL_PP: i64 = 357303;
pub const INSTANSI_DPUPRPKP: i64 = 357304;
pub const INSTANSI_DLH: i64 = 357305;
pub const INSTANSI_DINKES: i64 = 357306;
pub const INSTANSI_TUGU_TIRTA: i64 = 357307;
pub const INSTANSI_DPMPTSP_NAKER: i64 = 357308;

/// (id, induk_id, nama) of the default `GET /kategori` answer.
pub const KATEGORI: &[(i64, i64, &str)] = &[
    (KATEGORI_INFRASTRUKTUR, 0, "Infrastruktur"),
    (
        KATEGORI_JALAN_JEMBATAN,
        KATEGORI_INFRASTRUKTUR,
        "Jalan dan Jembatan",
    ),
    (
        KATEGORI_PJU,
        KATEGORI_INFRASTRUKTUR,
        "Penerangan Jalan Umum",
    ),
    (
        KATEGORI_DRAINASE,
        KATEGORI_INFRASTRUKTUR,
        "Drainase dan Saluran Air",
    ),
    (KATEGORI_KETERTIBAN_UMUM, 0, "Ketertiban Umum"),
    (
        KATEGORI_PARKIR_LIAR,
        KATEGORI_KETERTIBAN_UMUM,
        "Parkir Liar",
    ),
    (KATEGORI_PKL, KATEGORI_KETERTIBAN_UMUM, "Pedagang Kaki Lima"),
    (KATEGORI_ADMINDUK, 0, "Administrasi Kependudukan"),
    (KATEGORI_EKTP, KATEGORI_ADMINDUK, "e-KTP"),
    (KATEGORI_KARTU_KELUARGA, KATEGORI_ADMINDUK, "Kartu Keluarga"),
    (KATEGORI_AKTA_KELAHIRAN, KATEGORI_ADMINDUK, "Akta Kelahiran"),
    (KATEGORI_LINGKUNGAN_HIDUP, 0, "Lingkungan Hidup"),
    (KATEGORI_SAMPAH, KATEGORI_LINGKUNGAN_HIDUP, "Sampah"),
    (KATEGORI_TAMAN_KOTA, KATEGORI_LINGKUNGAN_HIDUP, "Taman Kota"),
    (KATEGORI_KESEHATAN, 0, "Kesehatan"),
    (KATEGORI_AIR_BERSIH, 0, "Air Bersih"),
    (KATEGORI_TRANSPORTASI, 0, "Transportasi"),
    (KATEGORI_LALU_LINTAS, KATEGORI_TRANSPORTASI, "Lalu Lintas"),
    (
        KATEGORI_RAMBU_MARKA,
        KATEGORI_TRANSPORTASI,
        "Rambu dan Marka",
    ),
    (
        KATEGORI_KETENAGAKERJAAN_PERIZINAN,
        0,
        "Ketenagakerjaan dan Perizinan",
    ),
    (KATEGORI_TIK, 0, "Teknologi Informasi dan Komunikasi"),
];

/// (id, nama) of the default `GET /instansi` answer.
pub const INSTANSI: &[(i64, &str)] = &[
    (INSTANSI_PEMKOT_MALANG, "Pemerintah Kota Malang"),
    (INSTANSI_DISHUB, "Dinas Perhubungan Kota Malang"),
    (
        INSTANSI_DISPENDUKCAPIL,
        "Dinas Kependudukan dan Pencatatan Sipil Kota Malang",
    ),
    (INSTANSI_SATPOL_PP, "Satuan Polisi Pamong Praja Kota Malang"),
    (
        INSTANSI_DPUPRPKP,
        "Dinas Pekerjaan Umum, Penataan Ruang, Perumahan dan Kawasan Permukiman Kota Malang",
    ),
    (INSTANSI_DLH, "Dinas Lingkungan Hidup Kota Malang"),
    (INSTANSI_DINKES, "Dinas Kesehatan Kota Malang"),
    (
        INSTANSI_TUGU_TIRTA,
        "Perumda Air Minum Tugu Tirta Kota Malang",
    ),
    (
        INSTANSI_DPMPTSP_NAKER,
        "Dinas Tenaga Kerja, Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kota Malang",
    ),
];

/// Every SAMBAT category name ([`crate::sambat::KATEGORI`]) and the LAPOR! category it
/// maps to in the demo.
pub const SAMBAT_KATEGORI_TO_LAPOR: &[(&str, i64)] = &[
    ("Jalan Rusak", KATEGORI_JALAN_JEMBATAN),
    ("Penerangan Jalan", KATEGORI_PJU),
    ("Parkir Liar", KATEGORI_PARKIR_LIAR),
    ("Sampah", KATEGORI_SAMPAH),
    ("Drainase", KATEGORI_DRAINASE),
    ("Administrasi Kependudukan", KATEGORI_ADMINDUK),
    ("Air Bersih", KATEGORI_AIR_BERSIH),
    ("PKL", KATEGORI_PKL),
    ("Kesehatan", KATEGORI_KESEHATAN),
    ("Perizinan", KATEGORI_KETENAGAKERJAAN_PERIZINAN),
    ("Lalu Lintas", KATEGORI_LALU_LINTAS),
    ("Taman Kota", KATEGORI_TAMAN_KOTA),
];

/// Every SAMBAT OPD short name ([`crate::sambat::OPD`]) and its LAPOR! instansi.
pub const SAMBAT_OPD_TO_INSTANSI: &[(&str, i64)] = &[
    ("Dishub", INSTANSI_DISHUB),
    ("Dispendukcapil", INSTANSI_DISPENDUKCAPIL),
    ("Satpol PP", INSTANSI_SATPOL_PP),
    ("DPUPRPKP", INSTANSI_DPUPRPKP),
    ("DLH", INSTANSI_DLH),
    ("Dinkes", INSTANSI_DINKES),
    ("Perumda Tugu Tirta", INSTANSI_TUGU_TIRTA),
    ("DPMPTSP", INSTANSI_DPMPTSP_NAKER),
];

pub fn default_kategori() -> Vec<Kategori> {
    KATEGORI
        .iter()
        .map(|&(id, induk_id, nama)| Kategori {
            id,
            induk_id,
            nama: nama.to_string(),
        })
        .collect()
}

pub fn default_instansi() -> Vec<Instansi> {
    INSTANSI
        .iter()
        .map(|&(id, nama)| Instansi {
            id,
            nama: nama.to_string(),
        })
        .collect()
}

/// The OPD that answers a complaint of this category when it was sent to the city as a
/// whole (instansi 3573): the lifecycle simulator signs its responses with it.
pub fn responder_for_kategori(kategori_id: i64) -> i64 {
    let top = if kategori_id >= 100 {
        kategori_id / 100
    } else {
        kategori_id
    };
    match (kategori_id, top) {
        (KATEGORI_PARKIR_LIAR, _) => INSTANSI_DISHUB,
        (KATEGORI_PKL, _) => INSTANSI_SATPOL_PP,
        (KATEGORI_TAMAN_KOTA | KATEGORI_SAMPAH, _) => INSTANSI_DLH,
        (_, KATEGORI_INFRASTRUKTUR) => INSTANSI_DPUPRPKP,
        (_, KATEGORI_KETERTIBAN_UMUM) => INSTANSI_SATPOL_PP,
        (_, KATEGORI_ADMINDUK) => INSTANSI_DISPENDUKCAPIL,
        (_, KATEGORI_LINGKUNGAN_HIDUP) => INSTANSI_DLH,
        (_, KATEGORI_KESEHATAN) => INSTANSI_DINKES,
        (_, KATEGORI_AIR_BERSIH) => INSTANSI_TUGU_TIRTA,
        (_, KATEGORI_TRANSPORTASI) => INSTANSI_DISHUB,
        (_, KATEGORI_KETENAGAKERJAAN_PERIZINAN) => INSTANSI_DPMPTSP_NAKER,
        _ => INSTANSI_PEMKOT_MALANG,
    }
}
