# dashboard texts (id). Terms: common.ftl; glossary: locales/GLOSSARY.md.
# The page: src/service/dashboard_page.rs, dashboard_charts.rs and dashboard_sections.rs; the
# charts' words are sent to dashboard.js in the page (dash-chart-*).

dash-title = Dasbor lapor-bridge · { -batas-waktu } SP4N-LAPOR!
dash-heading = Dasbor layanan SP4N-LAPOR! · lapor-bridge
dash-from = Dari
dash-to = Sampai
# The shape of a date typed in the period's inputs.
dash-date-format = hh/bb/tttt
dash-show = Tampilkan
dash-print-view = Versi cetak
dash-print = Cetak
dash-back = Kembali ke { -dasbor }
# The link to the page in the other language, written in that language.
dash-other-language = English
dash-period = Periode: { $from } – { $to }
dash-as-of = keadaan per { $when }
dash-made-at = Dibuat { $when }
dash-note =
    Aduan yang dilaporkan pada periode ini (tanggal WIB). Waktu tanggapan: dari
    pelaporan sampai { -tanggapan } pertama, dalam { -hari-kerja } (Sabtu, Minggu,
    { -libur-nasional } dan { -cuti-bersama } tidak dihitung). Selesai = Selesai atau
    Diarsipkan; ditolak = Ditolak.

dash-key-figures = Angka utama
dash-kpi-received = Aduan { -diterima }
dash-kpi-forwarded = Diteruskan ke SP4N-LAPOR!
dash-kpi-responded = Ditanggapi ({ -tanggapan } pertama)
dash-kpi-response-rate = Tingkat tanggapan
dash-kpi-mean = Rata-rata { -waktu-tanggapan } ({ -hari-kerja })
dash-kpi-median = Median { -waktu-tanggapan } ({ -hari-kerja })
dash-kpi-closed = Selesai
dash-kpi-rejected = Ditolak
dash-kpi-target = Capaian { -target-tahunan } { $year }: { $done } dari { $annual } { -aduan } sejak 1 Januari

dash-weekly-title = Aduan per minggu per { -kanal }
dash-weekly-table = Angka per minggu
dash-week = Minggu mulai (Senin)
dash-total = Jumlah
dash-response-title = Sebaran { -waktu-tanggapan }
dash-bucket = Waktu tanggapan ({ -hari-kerja })
dash-bucket-range = { $from }–{ $to }
dash-bucket-open = ≥ { $from }
dash-complaints = Aduan
dash-no-responses = Belum ada { -aduan } yang { -ditanggapi } pada periode ini.
dash-chart-weekly-axis = minggu mulai Senin (WIB)
dash-chart-response-axis = { -hari-kerja } dari pelaporan sampai { -tanggapan } pertama
dash-chart-series = { -aduan }

dash-by-channel = Per { -kanal }
dash-by-opd = Per { -opd }
dash-col-channel = Kanal
dash-col-instansi = Instansi
dash-col-received = Diterima
dash-col-forwarded = Diteruskan
dash-col-responded = Ditanggapi
dash-col-rate = Tingkat tanggapan
dash-col-mean = Rata-rata ({ -hari-kerja })
dash-col-median = Median ({ -hari-kerja })
dash-col-closed = Selesai
dash-col-rejected = Ditolak
dash-no-instansi = (tanpa instansi)
dash-no-instansi-note =
    (tanpa instansi): { -aduan } yang { -ditahan } sebelum dipetakan, atau belum diteruskan,
    sehingga belum ada OPD tujuan. Daftarnya: lapor-bridge dead-letters list.

dash-sla-title = Batas waktu layanan SP4N-LAPOR!
dash-sla-note =
    Verifikasi dan disposisi paling lambat 3 { -hari-kerja } setelah diteruskan; { -tindak-lanjut }
    { -instansi } paling lambat 5 { -hari-kerja } setelah disposisi; penutupan paling lambat
    10 { -hari-kerja } setelah { -tindak-lanjut }. Hampir lewat tenggat: tinggal { $margin }
    { -hari-kerja } terakhir.
dash-sla-rule = Tahap
dash-sla-days = Hari kerja
dash-sla-ok = Berjalan, aman
dash-sla-met = Tepat waktu
dash-sla-met-late = Terlambat
dash-rule-verifikasi = Verifikasi
dash-rule-tindak-lanjut = Tindak lanjut
dash-rule-penutupan = Penutupan
dash-rule-all = Semua tahap
dash-sla-none = Tidak ada { -aduan } yang { -hampir-lewat } atau { -lewat-tenggat }.
dash-sla-list = Hampir lewat tenggat atau { -lewat-tenggat } ({ $count })
dash-sla-more = { $count } lainnya; daftar lengkap:
dash-state = Keadaan
dash-state-at-risk = { -hampir-lewat }
dash-state-breached = { -lewat-tenggat }
dash-col-at-risk = Hampir lewat tenggat
dash-col-breached = Lewat tenggat
dash-col-local-id = ID di { -kanal }
dash-col-tracking = Tracking ID
dash-col-since = Sejak (WIB)
dash-col-deadline = Tenggat (WIB)
dash-col-elapsed = Hari kerja berjalan

dash-health-title = Kondisi layanan
dash-ready = Siap
dash-lapor = SP4N-LAPOR!
dash-up = { -aktif }
dash-down = { -tidak-terjangkau }
dash-unknown = belum dihubungi
dash-col-pending = Menunggu
dash-col-held = Ditahan
dash-col-dead = Gagal terkirim
dash-col-oldest = Menunggu terlama
dash-col-last-forwarded = Terakhir diteruskan (WIB)
dash-age-seconds = { $n } detik
dash-age-minutes = { $n } menit
dash-age-hours = { $n } jam
dash-age-days = { $n } hari
