# Istilah: the glossary (locales/GLOSSARY.md) as Fluent terms. Other catalog files use
# { -aduan }, { -tanggapan }, ... so that a term changed here changes everywhere.
# Terms are lower case; a heading that starts with one writes the capital itself.

-aduan = aduan
-laporan-lapor = laporan LAPOR!
-rekap = rekap
-diterima = diterima
-diteruskan = diteruskan ke SP4N-LAPOR!
-menunggu = menunggu
-ditahan = ditahan
-alasan = alasan
-gagal-terkirim = gagal terkirim
-perlu-tindakan = perlu tindakan
-sudah-ditinjau = sudah ditinjau
-kirim-ulang = kirim ulang
-baca-ulang = baca ulang
-tanggapan = tanggapan
-tindak-lanjut = tindak lanjut
-ditanggapi = ditanggapi
-tingkat-tanggapan = tingkat tanggapan
-waktu-tanggapan = waktu tanggapan
-rata-rata = rata-rata
-median = median
-hari-kerja = hari kerja
-libur-nasional = libur nasional
-cuti-bersama = cuti bersama
-instansi = instansi
-opd = perangkat daerah (OPD)
-kategori = kategori
-pelapor = pelapor
-anonim = anonim
-rahasia = rahasia
-kanal = kanal
-dikirim-ke-kanal = dikirim ke kanal asal
-riwayat = riwayat
-uji-coba = uji coba (tanpa mengirim)
-tenggat = tenggat
-batas-waktu = batas waktu layanan
-hampir-lewat = hampir lewat tenggat
-lewat-tenggat = lewat tenggat
-target-tahunan = target tahunan
-capaian = capaian
-periode = periode
-dari = dari
-sampai = sampai
-dasbor = dasbor
-cadangan = cadangan
-kondisi-layanan = kondisi layanan
-aktif = aktif
-tidak-terjangkau = tidak terjangkau

# The states of a complaint in the store, as people read them.
state-pending = { -menunggu }
state-held = { -ditahan }
state-forwarded = diteruskan
state-dead = { -gagal-terkirim }
state-acknowledged = { -sudah-ditinjau }
state-dry-run-checked = diperiksa { -uji-coba }

# LAPOR!'s statuses, as SP4N-LAPOR! shows them.
lapor-status-belum-terverifikasi = Belum Terverifikasi
lapor-status-terverifikasi = Terverifikasi
lapor-status-terdisposisi = Terdisposisi
lapor-status-ditindaklanjuti = Ditindaklanjuti
lapor-status-selesai = Selesai
lapor-status-ditolak = Ditolak
lapor-status-diarsipkan = Diarsipkan

yes = ya
no = tidak
none = tidak ada
no-data-for-period = Tidak ada data untuk periode ini
times-in-wib = semua waktu dalam WIB
