# dryrun texts (id). Terms: common.ftl; glossary: locales/GLOSSARY.md.
# `lapor-bridge dry-run` (memeriksa contoh) dan `dry-run report`; keluaran JSON tidak diterjemahkan.

dryrun-report-no-check-options = --channel, --input dan --compare untuk memeriksa contoh; `dry-run report` menampilkan catatan daemon { -uji-coba }: hapus opsi tersebut
dryrun-needs-options = dry-run memerlukan --config, --channel dan --input (atau subperintah report)
dryrun-channel-not-configured = { -kanal } { $channel } tidak ada di konfigurasi { $config }; { -kanal } yang dikonfigurasi: { $known }
dryrun-compare-not-configured = --compare: { -kanal } { $channel } tidak ada di konfigurasi { $config }

## Memeriksa contoh
dryrun-verdict-valid = sah
dryrun-verdict-invalid = tidak sah
dryrun-verdict-ignored = diabaikan
dryrun-no-id = (tanpa id)
dryrun-at-line = { " " }(baris { $line })
dryrun-record = { -aduan } { $index }{ $at }  { $key }  { $verdict }
dryrun-ignored = diabaikan: { $why }
dryrun-note = catatan: { $note }
dryrun-payload = isi kiriman:
dryrun-payload-none = isi kiriman: tidak ada ({ -aduan } tidak dapat dipetakan)
dryrun-compared = dibandingkan dengan { $path } (sebelumnya { $was }):
dryrun-old-unmappable = konfigurasi lama tidak dapat memetakannya
dryrun-no-changes = tidak ada perubahan field isi kiriman
dryrun-summary = { $channel }: { $n } { -aduan }, { $valid } sah, { $invalid } tidak sah, { $ignored } diabaikan

## dry-run report
dryrun-report-live-store = penyimpanan { $path } adalah penyimpanan operasional; laporan { -uji-coba } hanya untuk penyimpanan uji coba (lihat `lapor-bridge dead-letters list` untuk penyimpanan operasional)
dryrun-store-unreadable = penyimpanan { $path } tidak dapat dibaca: { $error }
dryrun-col-record = { -aduan }
dryrun-col-rev = rev
dryrun-col-verdict = hasil
dryrun-col-checked-at = diperiksa (WIB)
dryrun-col-reasons = { -alasan }
dryrun-report-summary = { $n } { -aduan }: { $valid } sah, { $invalid } tidak sah, { $waiting } belum diperiksa
dryrun-report-earlier = { " " }(* = hasil revisi sebelumnya; perubahan menunggu pemeriksaan)
