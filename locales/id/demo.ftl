# demo texts (id). Terms: common.ftl; glossary: locales/GLOSSARY.md.
# Every line must fit 100 columns (a test runs the demo and checks).

demo-title = lapor-bridge demo: { $records } { -aduan } SAMBAT Online; mock LAPOR! dengan 5% galat server
demo-faults =   dan 3% koneksi terputus setelah { -aduan } dibuat
demo-other-channels = { -kanal } lain: { $deliveries } kiriman Call Center 112 dan media sosial
demo-other-detail =   ({ $duplicates } kiriman ulang, { $ignored } di luar kategori { -aduan }, { $refused } palsu dan ditolak)
demo-ngombe-dropped =   ekspor Ngombe { $rows } baris (+1 baris rusak) diletakkan di inbox
demo-progress = { $secs } dtk  { -diterima } { $received }  diteruskan { $forwarded }  { -ditahan } { $held }  { -gagal-terkirim } { $dead }  LAPOR! terbuka { $open }  ke { -kanal } { $writebacks }
demo-summary-channel = { -kanal }
demo-summary-received = { -diterima }
demo-summary-forwarded = diteruskan
demo-summary-held = { -ditahan }
demo-summary-dead = { -gagal-terkirim }
demo-summary-pending = { -menunggu }
demo-summary-total = jumlah
demo-call112-ignored = call112: { $n } tiket di luar kategori { -aduan } diterima dan tidak diteruskan
demo-ngombe-processed = ngombe: berkas yang sudah diproses dan laporan barisnya yang ditolak ada di
demo-writebacks-title = status dan { -tanggapan } { -dikirim-ke-kanal } (selesai / { -menunggu } / { -gagal-terkirim }):
demo-updates-read = pembaruan LAPOR! yang dibaca: { $list }
demo-channels-view = tampilan { -kanal }: SAMBAT { $sambat } { -tanggapan }, 112 { $notes } catatan tiket, media sosial { $replies } balasan
demo-status-file =   berkas status Ngombe: { $path } ({ $rows } baris)
demo-timeline-title = { -riwayat } satu { -aduan } (`lapor-bridge show { $key } --store FILE`):
demo-lapor-counters = mock LAPOR!: { $created } { -aduan } dibuat dari { $requests } permintaan; { $replayed } diulang,
demo-lapor-counters-2 =   { $conflicts } konflik, { $invalid } gagal validasi, { $over } melebihi kuota
demo-edit-recorded = Suntingan admin atas { -aduan } yang sudah diteruskan dicatat dan tidak dikirim ulang.
demo-hint-dead-letters = { -aduan } yang { -ditahan } dan { -alasan }nya: lapor-bridge dead-letters --store { $store } list
demo-hint-temporary = (penyimpanan demo bersifat sementara dan sudah dihapus; pakai --store FILE untuk menyimpannya,
demo-hint-temporary-2 =   lalu lihat { -aduan } yang { -ditahan }: lapor-bridge dead-letters --store FILE list)
demo-finished = selesai dalam { $secs } detik
demo-not-finished = demo tidak selesai dalam { $secs } detik
demo-failed = demo gagal: { $error }
