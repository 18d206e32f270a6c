//! Word lists of the SAMBAT generator: real Kota Malang places, the OPD that handle
//! complaints, and complaint texts as citizens write them.

/// Every `kategori` value the generator emits.
pub const KATEGORI: &[&str] = &[
    "Jalan Rusak",
    "Penerangan Jalan",
    "Parkir Liar",
    "Sampah",
    "Drainase",
    "Administrasi Kependudukan",
    "Air Bersih",
    "PKL",
    "Kesehatan",
    "Perizinan",
    "Lalu Lintas",
    "Taman Kota",
];

/// Every `opd` value the generator emits (SAMBAT uses short names).
pub const OPD: &[&str] = &[
    "Dishub",
    "Dispendukcapil",
    "Satpol PP",
    "DPUPRPKP",
    "DLH",
    "Dinkes",
    "Perumda Tugu Tirta",
    "DPMPTSP",
];

/// A kecamatan: its name, its Kemendagri code, and its kelurahan as (name, code).
pub type Kecamatan = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

/// (kecamatan, Kemendagri code, (kelurahan, Kemendagri code)) of Kota Malang, from
/// Kepmendagri No. 300.2.2-2138 Tahun 2025. BPS numbers the kecamatan in another order; these
/// are the codes LAPOR! takes.
pub const KECAMATAN: &[Kecamatan] = &[
    (
        "Kedungkandang",
        "35.73.03",
        &[
            ("Kotalama", "35.73.03.1001"),
            ("Mergosono", "35.73.03.1002"),
            ("Bumiayu", "35.73.03.1003"),
            ("Wonokoyo", "35.73.03.1004"),
            ("Buring", "35.73.03.1005"),
            ("Kedungkandang", "35.73.03.1006"),
            ("Lesanpuro", "35.73.03.1007"),
            ("Sawojajar", "35.73.03.1008"),
            ("Madyopuro", "35.73.03.1009"),
            ("Cemorokandang", "35.73.03.1010"),
            ("Arjowinangun", "35.73.03.1011"),
            ("Tlogowaru", "35.73.03.1012"),
        ],
    ),
    (
        "Sukun",
        "35.73.04",
        &[
            ("Ciptomulyo", "35.73.04.1001"),
            ("Gadang", "35.73.04.1002"),
            ("Kebonsari", "35.73.04.1003"),
            ("Bandungrejosari", "35.73.04.1004"),
            ("Sukun", "35.73.04.1005"),
            ("Tanjungrejo", "35.73.04.1006"),
            ("Pisangcandi", "35.73.04.1007"),
            ("Bandulan", "35.73.04.1008"),
            ("Karangbesuki", "35.73.04.1009"),
            ("Mulyorejo", "35.73.04.1010"),
            ("Bakalankrajan", "35.73.04.1011"),
        ],
    ),
    (
        "Klojen",
        "35.73.02",
        &[
            ("Klojen", "35.73.02.1001"),
            ("Rampal Celaket", "35.73.02.1002"),
            ("Samaan", "35.73.02.1003"),
            ("Kiduldalem", "35.73.02.1004"),
            ("Sukoharjo", "35.73.02.1005"),
            ("Kasin", "35.73.02.1006"),
            ("Kauman", "35.73.02.1007"),
            ("Oro-oro Dowo", "35.73.02.1008"),
            ("Bareng", "35.73.02.1009"),
            ("Gadingkasri", "35.73.02.1010"),
            ("Penanggungan", "35.73.02.1011"),
        ],
    ),
    (
        "Blimbing",
        "35.73.01",
        &[
            ("Balearjosari", "35.73.01.1001"),
            ("Arjosari", "35.73.01.1002"),
            ("Polowijen", "35.73.01.1003"),
            ("Purwodadi", "35.73.01.1004"),
            ("Blimbing", "35.73.01.1005"),
            ("Pandanwangi", "35.73.01.1006"),
            ("Purwantoro", "35.73.01.1007"),
            ("Bunulrejo", "35.73.01.1008"),
            ("Kesatrian", "35.73.01.1009"),
            ("Polehan", "35.73.01.1010"),
            ("Jodipan", "35.73.01.1011"),
        ],
    ),
    (
        "Lowokwaru",
        "35.73.05",
        &[
            ("Tunggulwulung", "35.73.05.1001"),
            ("Merjosari", "35.73.05.1002"),
            ("Tlogomas", "35.73.05.1003"),
            ("Dinoyo", "35.73.05.1004"),
            ("Sumbersari", "35.73.05.1005"),
            ("Ketawanggede", "35.73.05.1006"),
            ("Jatimulyo", "35.73.05.1007"),
            ("Tunjungsekar", "35.73.05.1008"),
            ("Mojolangu", "35.73.05.1009"),
            ("Tulusrejo", "35.73.05.1010"),
            ("Lowokwaru", "35.73.05.1011"),
            ("Tasikmadu", "35.73.05.1012"),
        ],
    ),
];

/// Streets by kecamatan (same order as [`KECAMATAN`]).
pub const JALAN: &[&[&str]] = &[
    &[
        "Jl. Ki Ageng Gribig",
        "Jl. Danau Toba",
        "Jl. Mayjen Sungkono",
        "Jl. Muharto",
        "Jl. Ranugrati",
    ],
    &[
        "Jl. S. Supriadi",
        "Jl. Kolonel Sugiono",
        "Jl. Raya Gadang",
        "Jl. Keben",
        "Jl. Janti",
    ],
    &[
        "Jl. Basuki Rahmat (Kayutangan)",
        "Jl. Ijen",
        "Jl. Kawi",
        "Jl. Semeru",
        "Jl. Zainul Arifin",
        "Jl. Merdeka Selatan",
    ],
    &[
        "Jl. Letjen Sutoyo",
        "Jl. Ahmad Yani",
        "Jl. Borobudur",
        "Jl. LA Sucipto",
        "Jl. Raden Intan",
    ],
    &[
        "Jl. Soekarno-Hatta",
        "Jl. MT Haryono",
        "Jl. Gajayana",
        "Jl. Bendungan Sutami",
        "Jl. Candi Panggung",
    ],
];

pub const PATOKAN: &[&str] = &[
    "masjid",
    "SD negeri",
    "minimarket",
    "pos kamling",
    "warung bakso",
    "gang buntu",
    "jembatan kecil",
    "pangkalan ojek",
];

pub const NAMA: &[&str] = &[
    "Budi Santoso",
    "Siti Aminah",
    "Agus Prasetyo",
    "Dewi Lestari",
    "Rudi Hartono",
    "Sri Wahyuni",
    "Eko Saputro",
    "Nur Hidayah",
    "Bambang Sutrisno",
    "Rina Marlina",
    "Ahmad Fauzi",
    "Yuliana Putri",
    "Hendra Wijaya",
    "Fitri Handayani",
    "Dwi Cahyono",
    "Lilik Suharti",
    "Moch. Arifin",
    "Wahyu Nugroho",
    "Endang Susilowati",
    "Slamet Riyadi",
];

/// A complaint topic: SAMBAT category, the OPD it is routed to, titles and texts
/// (`judul[i]` is the title of `isi[i]`).
/// `{jalan}`, `{kelurahan}`, `{kecamatan}` and `{patokan}` are filled in.
pub struct Topic {
    pub kategori: &'static str,
    pub opd: &'static str,
    pub judul: &'static [&'static str],
    pub isi: &'static [&'static str],
}

pub const TOPICS: &[Topic] = &[
    Topic {
        kategori: "Jalan Rusak",
        opd: "DPUPRPKP",
        judul: &["Jalan berlubang di {jalan}", "Aspal rusak parah dekat {patokan}"],
        isi: &[
            "Jalan di {jalan} dekat {patokan}, Kelurahan {kelurahan}, berlubang cukup dalam dan sudah ada pengendara motor yang jatuh. Mohon segera diperbaiki sebelum musim hujan.",
            "Aspal di {jalan} mengelupas sepanjang kurang lebih 50 meter, kalau hujan lubangnya tertutup genangan sehingga tidak kelihatan. Mohon ditambal.",
        ],
    },
    Topic {
        kategori: "Penerangan Jalan",
        opd: "DPUPRPKP",
        judul: &["Lampu PJU mati di {jalan}", "Lampu jalan padam dua minggu"],
        isi: &[
            "Sudah dua minggu lampu penerangan jalan di {jalan} dekat {patokan} mati total sehingga jalan gelap dan rawan kejahatan di malam hari.",
            "Tiga tiang lampu PJU di Kelurahan {kelurahan} tidak menyala sejak awal bulan, warga takut lewat setelah magrib. Mohon dicek.",
        ],
    },
    Topic {
        kategori: "Parkir Liar",
        opd: "Dishub",
        judul: &["Parkir liar di {jalan}", "Jukir liar minta tarif tinggi"],
        isi: &[
            "Banyak kendaraan parkir di bahu jalan {jalan} sampai memakan setengah badan jalan, juru parkir menarik tarif Rp5.000 tanpa karcis.",
            "Juru parkir liar di depan {patokan} Kelurahan {kelurahan} memaksa pengunjung membayar dua kali lipat dan marah kalau ditanya karcis.",
        ],
    },
    Topic {
        kategori: "Sampah",
        opd: "DLH",
        judul: &["Sampah menumpuk di TPS {kelurahan}", "Pembuangan sampah liar di {kelurahan}"],
        isi: &[
            "Sampah di TPS dekat {jalan} sudah menumpuk tiga hari tidak diangkut, baunya menyengat sampai ke rumah warga dan banyak lalat.",
            "Ada pembuangan sampah liar di lahan kosong dekat {patokan}, Kelurahan {kelurahan}. Sampah dibakar malam hari dan asapnya mengganggu.",
        ],
    },
    Topic {
        kategori: "Drainase",
        opd: "DPUPRPKP",
        judul: &["Saluran air tersumbat di {jalan}", "Gorong-gorong ambrol di {kelurahan}"],
        isi: &[
            "Setiap hujan deras air meluap dari selokan di {jalan} karena saluran tersumbat sampah dan lumpur, banjir sampai masuk rumah warga.",
            "Gorong-gorong dekat {patokan} di Kelurahan {kelurahan} ambrol sehingga air tidak mengalir dan menggenang berhari-hari.",
        ],
    },
    Topic {
        kategori: "Administrasi Kependudukan",
        opd: "Dispendukcapil",
        judul: &["e-KTP belum jadi setelah 3 bulan", "Akta kelahiran anak belum terbit"],
        isi: &[
            "Saya sudah melakukan perekaman e-KTP di kantor Kecamatan {kecamatan} sejak tiga bulan lalu tetapi sampai sekarang belum jadi, setiap ditanya jawabannya blangko habis.",
            "Pengajuan akta kelahiran dan perubahan Kartu Keluarga secara online sudah sebulan statusnya masih verifikasi. Mohon kejelasan.",
        ],
    },
    Topic {
        kategori: "Air Bersih",
        opd: "Perumda Tugu Tirta",
        judul: &["Air PDAM mati sejak kemarin", "Air PDAM keruh di {kelurahan}"],
        isi: &[
            "Air PDAM di wilayah Kelurahan {kelurahan} mati sejak kemarin pagi tanpa pemberitahuan, warga kesulitan untuk mandi dan memasak.",
            "Air dari PDAM di {jalan} keruh kecoklatan dan berbau sejak tiga hari terakhir, tidak bisa dipakai untuk minum.",
        ],
    },
    Topic {
        kategori: "PKL",
        opd: "Satpol PP",
        judul: &["PKL berjualan di trotoar {jalan}", "Trotoar dipakai pedagang"],
        isi: &[
            "Pedagang kaki lima menggelar dagangan di trotoar {jalan} sehingga pejalan kaki terpaksa berjalan di badan jalan, membahayakan anak sekolah.",
            "Lapak PKL di dekat {patokan} Kelurahan {kelurahan} makin banyak dan menutup saluran air, sampahnya dibuang sembarangan.",
        ],
    },
    Topic {
        kategori: "Kesehatan",
        opd: "Dinkes",
        judul: &["Antrean puskesmas terlalu lama", "Petugas puskesmas kurang ramah"],
        isi: &[
            "Antrean di Puskesmas {kecamatan} sangat lama, saya datang jam 7 pagi baru dilayani jam 12 siang padahal membawa anak yang sedang demam.",
            "Petugas pendaftaran puskesmas di Kelurahan {kelurahan} kurang ramah dan obat yang diresepkan sering kosong.",
        ],
    },
    Topic {
        kategori: "Perizinan",
        opd: "DPMPTSP",
        judul: &["Izin usaha tidak kunjung terbit", "Izin reklame dipersulit"],
        isi: &[
            "Pengajuan NIB dan izin usaha mikro saya melalui OSS sudah lebih dari sebulan statusnya masih diproses, mohon kejelasan dari DPMPTSP Kota Malang.",
            "Saya mengurus izin reklame untuk toko di {jalan} tetapi berkas dikembalikan berkali-kali tanpa penjelasan yang jelas.",
        ],
    },
    Topic {
        kategori: "Lalu Lintas",
        opd: "Dishub",
        judul: &["Lampu lalu lintas mati di {jalan}", "Marka jalan pudar di {jalan}"],
        isi: &[
            "Traffic light di simpang {jalan} mati sejak pagi sehingga terjadi kemacetan panjang dan hampir terjadi tabrakan.",
            "Marka zebra cross di depan {patokan} {jalan} sudah tidak terlihat, anak-anak kesulitan menyeberang saat jam sekolah.",
        ],
    },
    Topic {
        kategori: "Taman Kota",
        opd: "DLH",
        judul: &["Taman kota kotor dan tidak terawat", "Fasilitas taman rusak"],
        isi: &[
            "Taman di dekat {jalan} kotor, banyak sampah plastik, rumput tinggi dan lampu taman mati. Mohon dirawat karena sering dipakai anak-anak bermain.",
            "Ayunan dan bangku di taman Kelurahan {kelurahan} patah dan berbahaya untuk anak-anak. Mohon segera diperbaiki.",
        ],
    },
];
