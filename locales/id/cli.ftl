# cli texts (id). Terms: common.ftl; glossary: locales/GLOSSARY.md.
# Setiap baris yang dicetak perintah muat dalam 100 kolom: pesan singkat, yang panjang dipecah dua.

## Bersama untuk perintah operator (src/cli/mod.rs, main.rs)

cli-no-store = Penyimpanan { $path } tidak ada: periksa store.path atau berikan --store
cli-cannot-open-store = Penyimpanan { $path } tidak dapat dibuka: { $error }
cli-cannot-read-config = { $path } tidak dapat dibaca: { $error }
cli-config-not-toml = { $path } bukan TOML yang sah: { $error }
cli-dry-run-checking = dry-run (memeriksa contoh)
cli-store-unused =
    --store bukan opsi `{ $command }`: perintah ini memakai store.path dari konfigurasi
    (ganti dengan LAPOR_BRIDGE__STORE__PATH)
cli-moved-to-tools =
    `lapor-bridge { $command }` tidak termasuk dalam program layanan: ada di alat pengembang
    (paket lapor-tools), dari kode sumber `cargo tools { $command } ...` (demo: `cargo demo`)
cli-no-runtime = Runtime async tidak dapat dijalankan: { $error }
cli-record-not-a-key = "{ $record }" bukan <kanal>:<id lokal>, mis. sambat:12345
cli-record-empty-id = "{ $record }" tidak memiliki id lokal; tulis { -aduan } sebagai <kanal>:<id lokal>
cli-record-bad-channel =
    "{ $record }": nama { -kanal } "{ $channel }" harus 1 sampai 50 karakter a-z, 0-9, '_' atau '-'
cli-no-record = Tidak ada { -aduan } { $record }
cli-store-too-new =
    Skema penyimpanan versi { $found }, lebih baru daripada yang dikenal lapor-bridge ini ({ $known });
    perbarui lapor-bridge atau pulihkan { -cadangan } yang sesuai
cli-not-on-postgres = { $part } sementara ini hanya berjalan pada store SQLite, sedangkan store ini PostgreSQL ([store] url): jalankan pada mesin dengan store SQLite, atau lihat INSTALL.md §11a untuk bagian yang sudah berjalan pada PostgreSQL.
cli-database-error = Kesalahan basis data: { $error }
cli-cannot-read-confirmation = Konfirmasi tidak dapat dibaca: { $error }

## Rentang waktu dan kode penyimpanan (src/cli/labels.rs)

span-seconds = { $n } dtk
span-minutes = { $n } mnt
span-hours = { $n } jam
span-days = { $n } hari
span-ago = { $span } lalu

event-reported = dilaporkan
event-received = { -diterima }
event-held = { -ditahan }
event-forwarded = diteruskan
event-dead = { -gagal-terkirim }
event-attempt-failed = percobaan gagal
event-edited = diubah
event-edited-after-forward = diubah setelah diteruskan
event-requeued-by-edit = diantrekan lagi karena diubah
event-dry-run-checked = diperiksa { -uji-coba }
event-retried = dikirim ulang
event-acknowledged = { -sudah-ditinjau }
event-lapor-status = status LAPOR!
event-tanggapan = { -tanggapan }
event-update-not-applied = pembaruan tidak diterapkan
event-written-back = { -dikirim-ke-kanal }
event-writeback-failed = gagal dikirim ke kanal
event-writeback-dead = ditolak kanal asal
event-erased = data pribadi dihapus
event-personal-data-purged = data pribadi dibersihkan

writeback-pending = { -menunggu }
writeback-done = terkirim
writeback-dead = { -gagal-terkirim }

## status

status-title = Status lapor-bridge
status-store = penyimpanan { $path }
status-cannot-read = Penyimpanan { $path } tidak dapat dibaca: { $error }
status-daemon = layanan
status-daemon-never = belum pernah memberi kabar (sudahkah `lapor-bridge run` berjalan dengan penyimpanan ini?)
status-daemon-running = berjalan
status-pid = pid { $pid }
status-up-for = aktif { $span }
status-reported = kabar terakhir { $ago }
status-admin = admin http://{ $address }
status-daemon-stopped = berhenti { $ago } (dihentikan dengan normal)
status-daemon-silent = TIDAK BERJALAN atau tidak memberi kabar: kabar terakhir { $ago }
status-lapor-up = { -aktif } (jawaban terakhir { $ago })
status-lapor-down = TIDAK TERJANGKAU sejak { $since } (jawaban terakhir { $last })
status-lapor-unknown = belum dihubungi
status-never = belum pernah
status-paused = penerusan DIJEDA sampai { $until }
status-as-last-reported = (menurut kabar terakhir)
status-wedged-label = MACET
status-wedged = { $stages } (tidak ada kemajuan; watchdog systemd akan memulai ulang)
status-col-channel = { -kanal }
status-col-kind = jenis
status-col-received = { -diterima }
status-col-pending = { -menunggu }
status-col-oldest = terlama
status-col-held = { -ditahan }
status-col-dead = gagal
status-col-forwarded = diteruskan
status-col-last = terakhir berhasil
status-col-written = terkirim
status-last-poll = ditarik { $ago }
status-last-record = { -aduan } { $ago }
status-total = jumlah
status-stuck =
    { $dead } { -gagal-terkirim }, { $held } { -ditahan }: alasannya di `lapor-bridge dead-letters list` ({ $acknowledged } { -sudah-ditinjau })
status-none-stuck = Tidak ada { -aduan } { -gagal-terkirim } atau { -ditahan } ({ $acknowledged } { -sudah-ditinjau })
status-dry-run = { $count } { -aduan } diperiksa dalam { -uji-coba }: hasilnya di `lapor-bridge dry-run report`
status-writebacks = Status dan { -tanggapan } LAPOR! yang { -dikirim-ke-kanal }

## show

show-tracking-id = Tracking ID { $id }
show-lapor-status = status LAPOR! { $status }
show-forwarding = penerusan { $state }
show-on-channel = di { -kanal } { $channel }
show-mapping-notes = Catatan pemetaan:
show-writebacks = Pengiriman ke { -kanal } asal ({ $count }):
show-col-state = keadaan
show-col-lapor-status = status LAPOR!
show-col-response = { -tanggapan }
show-col-attempts = percobaan
show-col-result = hasil
show-col-tracking-id = Tracking ID

## dead-letters

dl-none = Tidak ada { -aduan } yang { -perlu-tindakan }
dl-title = Perlu tindakan: { -aduan } { -gagal-terkirim } dan { -ditahan }, terlama lebih dulu
dl-col-record = ADUAN
dl-col-state = KEADAAN
dl-col-attempts = PERCOBAAN
dl-col-reason = ALASAN
dl-writebacks =
    Pengiriman yang ditolak { -kanal } asal ({ $count }; { -riwayat } di `lapor-bridge show <aduan>`):
dl-record = { -aduan }
dl-state = keadaan
dl-attempts = percobaan
dl-received = { -diterima }
dl-reported = dilaporkan
dl-forwarded = diteruskan
dl-next-attempt = percobaan berikutnya
dl-revision = revisi
dl-in-doubt = belum pasti
dl-in-doubt-why = satu percobaan mungkin sampai ke LAPOR!; percobaan berikutnya memeriksanya dulu
dl-last-error = kesalahan terakhir
dl-divergence = selisih
dl-problem = masalah
dl-note = catatan
dl-timeline = Riwayat
dl-verb-retried = dikirim ulang
dl-verb-acknowledged = ditandai { -sudah-ditinjau }
dl-which =
    Aduan yang mana? sebutkan satu sebagai <kanal>:<id lokal> (mis. sambat:12345), atau pilihan:
    --all, --channel C, --reason TEKS, --since WAKTU (tidak ada yang { $verb })
dl-match = { $count } { -aduan } { -gagal-terkirim } atau { -ditahan } cocok
dl-more = ... dan { $count } lainnya
dl-nothing = Tidak ada yang { $verb }
dl-partial = { $done } { -aduan } { $verb }; { $failed } tidak:
dl-no-terminal =
    { $count } { -aduan } cocok; tidak ada yang { $verb } tanpa konfirmasi: jalankan di terminal,
    atau berikan --yes
dl-confirm = { $count } { -aduan } ini akan { $verb }. Lanjutkan? [y/T]
dl-queued-one = { $record } diantrekan lagi; lapor-bridge yang berjalan mengirimnya pada langkah berikutnya
dl-queued-many = { $count } { -aduan } diantrekan lagi; lapor-bridge yang berjalan mengirimnya segera
dl-acknowledged-one = { $record } ditandai { -sudah-ditinjau }
dl-acknowledged-many = { $count } { -aduan } ditandai { -sudah-ditinjau }
dl-empty-note =
    --note kosong: tulis mengapa { -aduan } ini tidak perlu ditangani lagi,
    mis. --note "duplikat sambat:12"

## backup

backup-keep-needs-folder =
    --keep memangkas salinan bertanggal dalam folder: --output { $output } bukan folder yang ada
    (buat foldernya, atau hapus --keep untuk menulis satu berkas)
backup-failed = Cadangan { $store } tidak dibuat: { $error }
backup-done = Cadangan { $store } dibuat di { $copy } ({ $records } { -aduan }, { $bytes } bita, mode 0600)
backup-removed = Salinan lama { $copy } dihapus
backup-not-pruned = Salinan dibuat, tetapi salinan lama tidak dipangkas: { $error }

## replay

replay-bad-channel =
    --channel { $channel }: nama { -kanal } terdiri atas 1 sampai 50 karakter a-z, 0-9, '_' atau '-'
replay-pushed-channel =
    Kanal { $channel } berjenis { $kind }: pengirimnya yang mengirim data, tidak ada yang dapat
    dibaca ulang; minta pengirim mengirim lagi (duplikat dikenali).
    replay hanya untuk kanal sambat dan csv_folder
replay-no-channel = Tidak ada { -kanal } { $channel } di { $config }: periksa --channel dengan [channels.*]
replay-bad-since =
    --since "{ $since }" bukan waktu: gunakan WIB `DD/MM/YYYY HH:MM`, `DD/MM/YYYY`,
    `YYYY-MM-DD HH:MM:SS`, atau RFC 3339 dengan selisih zona
replay-future = --since { $since } ada di masa depan: tidak ada yang dibaca ulang
replay-not-requested = Permintaan { -baca-ulang } { $channel } tidak tercatat: { $error }
replay-requested =
    Permintaan { -baca-ulang } { $channel } sejak { $since } dicatat (oleh { $by });
    layanan yang berjalan mengerjakannya pada penarikan atau pemindaian { -kanal } berikutnya
replay-wait-hint = `lapor-bridge replay ... --wait` menunggu hingga selesai dan mencetak hasilnya
replay-files = { $count } berkas,
replay-done =
    Baca ulang { $channel } selesai pada { $at }:
      { $files }{ $new } baru, { $updated } diubah sebelum diteruskan, { $edited } diubah setelah diteruskan
      (dicatat sebagai revisi), { $requeued } diantrekan lagi, { $unchanged } tidak berubah
replay-outcome-unreadable = Hasil { -baca-ulang } tidak dapat dibaca: { $error }
replay-timeout =
    Baca ulang { $channel } belum selesai dalam { $secs } detik: apakah lapor-bridge berjalan
    (systemctl status lapor-bridge)? Permintaan tetap tercatat dan dikerjakan saat layanan berjalan

## store migrate

store-migrate-bad-address = --to: { $error }
store-migrate-no-password-file = Berkas kata sandi { $path } tidak dapat dibaca: { $error }
store-migrate-start = Memindahkan penyimpanan { $store } ke { $target } (satu transaksi: tidak ada yang disimpan bila satu pemeriksaan gagal)
store-migrate-table = { $table }: { $rows } baris disalin
store-migrate-done =
    Disimpan: { $complaints } { -aduan } dipindahkan ke { $target } dalam { $seconds } detik; jumlah baris
    setiap tabel dan hitungan { $counts } diperiksa sama
store-migrate-failed = Penyimpanan { $store } tidak dipindahkan ke { $target }: { $error }
