# report texts (id). Terms: common.ftl; glossary: locales/GLOSSARY.md.
# Headings start with a capital written here; prose uses the terms.

## `report`: the rekap of a period
report-title = Rekap { -aduan } { $from } s.d. { $to }
report-as-of = Data per { $as_of }
report-target = Target tahunan { $year }: { $ytd } dari { $annual } { -aduan } sejak 1 Januari ({ -capaian } { $progress })
report-target-label = Target tahunan
report-response-note = Waktu tanggapan: dari { -aduan } dilaporkan sampai { -tanggapan } pertama, dalam { -hari-kerja }
report-calendar-note = (WIB; tanpa Sabtu, Minggu, { -libur-nasional } dan { -cuti-bersama })
report-warning = Peringatan: { $text }

# The KPI columns: two lines where the words are long (a table line fits 100 columns).
col-channel = Kanal
col-instansi = Instansi
col-received = Diterima
col-forwarded = Diteruskan
col-responded = Ditanggapi
col-rate = Tingkat
    tanggapan
col-mean = Rata-rata
col-median = Median
col-closed = Selesai
col-rejected = Ditolak

row-all-channels = Semua kanal
row-no-instansi = (tanpa instansi)
row-no-instansi-note = (tanpa instansi): { -aduan } yang { -ditahan } sebelum dipetakan ke { -instansi }

## CSV and xlsx headers (one line each)
head-from = Dari
head-to = Sampai
head-as-of = Data per (WIB)
head-made = Dibuat (WIB)
head-group = Kelompok
head-name = Nama
head-instansi-id = Kode instansi
head-received = Diterima
head-forwarded = Diteruskan ke SP4N-LAPOR!
head-responded = Ditanggapi
head-rate = Tingkat tanggapan
head-rate-pct = Tingkat tanggapan (%)
head-mean = Rata-rata waktu tanggapan (hari kerja)
head-median = Median waktu tanggapan (hari kerja)
head-closed = Selesai
head-rejected = Ditolak
head-target = Target tahunan { $year }
head-ytd = Aduan sejak 1 Januari
head-progress = Capaian target
head-figure = Angka
head-value = Nilai
group-total = Total
group-channel = Kanal
group-opd = Instansi

## xlsx sheets (at most 31 characters)
sheet-summary = Ringkasan
sheet-channel = Per kanal
sheet-opd = Per instansi
sheet-sla = Batas waktu
xlsx-title = Rekap aduan SP4N-LAPOR!
xlsx-needs-output = --format xlsx menulis berkas biner: sebutkan tujuannya dengan --output BERKAS.xlsx
xlsx-sla-use-report = Buku kerja xlsx sudah memuat daftar batas waktu: gunakan `lapor-bridge report --format xlsx --output BERKAS.xlsx`
xlsx-written = Rekap ditulis ke { $path }
output-failed = Tidak dapat menulis { $path }: { $error }
from-to-not-for-sla = --from dan --to hanya untuk rekap suatu periode; `report sla` memuat { -aduan } yang masih terbuka pada --as-of (bawaan: sekarang): hapus keduanya

## `report sla`
sla-title = Batas waktu layanan SP4N-LAPOR! per { $as_of }
sla-note = Dalam { -hari-kerja }; { -hampir-lewat } mulai { $margin } { -hari-kerja } sebelum { -tenggat }.
sla-none = Tidak ada { -aduan } yang { -hampir-lewat } atau { -lewat-tenggat }.
sla-section = { $state } ({ $count })
sla-col-rule = Batas waktu
sla-col-days = Hari kerja
sla-col-ok = Aman
sla-col-at-risk = Hampir
    lewat
sla-col-breached = Lewat
    tenggat
sla-col-met = Tepat
    waktu
sla-col-met-late = Terlambat
sla-col-record = Aduan
sla-col-tracking = Tracking ID
sla-col-instansi = Instansi
sla-col-since = Mulai (WIB)
sla-col-deadline = Tenggat (WIB)
sla-col-elapsed = Hari kerja
    berlalu
head-state = Keadaan
head-rule = Batas waktu
head-record-id = Nomor rekaman
head-channel = Kanal
head-local-id = ID di kanal
head-tracking = Tracking ID
head-since = Mulai (WIB)
head-at-risk-from = Hampir lewat mulai (WIB)
head-deadline = Tenggat (WIB)
head-done = Selesai pada (WIB)
head-elapsed = Hari kerja berlalu
rule-verifikasi = verifikasi
rule-tindak-lanjut = tindak lanjut
rule-penutupan = penutupan
rule-all = semua
sla-state-ok = aman
sla-state-at-risk = { -hampir-lewat }
sla-state-breached = { -lewat-tenggat }
sla-state-met = tepat waktu
sla-state-met-late = terlambat
sla-heading-at-risk = Hampir lewat tenggat
sla-heading-breached = Lewat tenggat
