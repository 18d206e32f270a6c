# config texts (id). Terms: common.ftl; glossary: locales/GLOSSARY.md.
# Masalah konfigurasi. Jalur kunci (lapor.rate_limit.per_minute) tidak diterjemahkan; nilai dari
# berkas operator sudah diberi tanda kutip bila teks menampilkannya berkutip.

config-set-by-env = { " " }(diatur oleh variabel lingkungan { $var })

## Tipe dan kunci
config-unknown-key-none = kunci tidak dikenal; tabel ini tidak menerima kunci di sini
config-unknown-key = kunci tidak dikenal; gunakan salah satu dari: { $expected }
config-unknown-key-suggest = kunci tidak dikenal (maksudnya `{ $best }`?); gunakan salah satu dari: { $expected }
config-wrong-type-table = tipe salah: seharusnya tabel
config-wrong-type = tipe salah: { $found }, seharusnya { $expected }
config-invalid-value = nilai tidak sah: { $found }, seharusnya { $expected }
config-found-string = teks { $value }
config-found-integer = bilangan bulat { $value }
config-found-float = bilangan desimal { $value }
config-found-boolean = boolean { $value }
config-found-map = tabel
config-found-sequence = daftar
config-found-null = kosong
config-expected-u64 = bilangan bulat ≥ 0
config-expected-u32 = bilangan bulat ≥ 0 (paling besar 4294967295)
config-expected-i64 = bilangan bulat
config-expected-string = teks (dalam tanda kutip)
config-expected-map = tabel
config-expected-boolean = boolean (true atau false)
config-expected-sequence = daftar

## Values shared by several sections (checks.rs)
config-url-missing = tidak ada; isi URL dasar, mis. { $example }
config-url-invalid = { $value } bukan URL ({ $error }); isi URL http(s) lengkap, mis. { $example }
config-url-scheme = { $value } memakai skema { $scheme }; hanya http dan https yang didukung
config-url-no-host = { $value } tidak memiliki nama host
config-url-credentials = memuat kredensial pengguna; hapus dari URL (akan tercatat di log) dan gunakan pengaturan rahasia
config-url-query = { $value } memuat query atau fragmen; isi URL dasarnya saja, mis. { $example }
config-positive = harus lebih besar dari 0
config-out-of-range = { $value } di luar rentang; gunakan nilai { $min } sampai { $max }
config-secret-missing = tidak ada; isi sumber rahasianya, mis. { $name } = { $example }
config-at-least-one = paling sedikit 1 ({ $what })
config-klasifikasi = { $value } bukan klasifikasi LAPOR!; gunakan "pengaduan", "aspirasi" atau "permintaan_informasi"
config-empty = kosong

## [lapor]
config-lapor-missing = bagian [lapor] tidak ada; paling sedikit perlu base_url, client_id dan client_secret
config-lapor-client-id-missing = tidak ada; isi client id yang diberikan LAPOR! kepada { -instansi } ini, mis. "pemkot-malang"
config-what-per-minute = permintaan per menit untuk semua panggilan LAPOR! bersama; kuota bawaan 60
config-what-burst = permintaan yang boleh sekaligus

## Secrets (secret.rs)
config-secret-env-unset = variabel lingkungan { $var } tidak diatur; atur di lingkungan daemon atau pilih sumber rahasia lain
config-secret-no-credentials-dir = kredensial systemd { $name } memerlukan CREDENTIALS_DIRECTORY, yang tidak diatur; tambahkan `LoadCredential={ $name }:/path/to/secret` ke unit layanan, atau gunakan {"{"} file = "..." {"}"} / {"{"} env = "..." {"}"} bila tidak berjalan di bawah systemd
config-secret-credential = kredensial systemd { $name }: { $error }
config-secret-empty = rahasia dari { $source } kosong
config-secret-source-env = variabel lingkungan { $var }
config-secret-source-file = berkas { $path }
config-secret-source-credential = kredensial systemd { $name }
config-secret-source-value = nilai langsung
config-secret-file-unreadable = berkas rahasia { $path } tidak dapat dibaca: { $error }
config-secret-found-string = teks biasa (nilai tidak ditampilkan)
config-secret-found-number = angka (nilai tidak ditampilkan)
config-secret-found-boolean = boolean
config-secret-found-array = daftar
config-secret-found-other = nilai lain
config-secret-not-table = harus berupa tabel, salah satu dari { $shapes }; yang ditemukan { $found }
config-secret-unknown-key = kunci sumber rahasia tidak dikenal; gunakan tepat satu dari { $shapes }
config-secret-not-string = harus berupa teks (nilai tidak ditampilkan)
config-secret-none = sumber rahasia tidak diisi; gunakan salah satu dari { $shapes }
config-secret-env-empty = nama variabel lingkungan kosong
config-secret-path-empty = jalur berkas kosong
config-secret-credential-name = { $value } bukan nama kredensial: isi nama yang dipakai di LoadCredential= (tanpa '/')
config-secret-several = beberapa sumber rahasia diisi ({ $keys }); sisakan tepat satu
config-secret-shapes = {"{"} credential = "name" {"}"} (LoadCredential systemd), {"{"} env = "VARIABLE" {"}"}, {"{"} file = "/path/to/file" {"}"} atau {"{"} value = "..." {"}"} (langsung, untuk demo)

## [forwarder], [service], listeners, [logging], [store], [ui], [webhooks], [admin]
config-backoff-max-short = { $max } s lebih pendek dari backoff_initial_ms ({ $initial } ms); nilai maksimum harus paling sedikit sama dengan backoff awal
config-ui-language = { $value } bukan bahasa yang dikenal lapor-bridge; gunakan "id" (Bahasa Indonesia) atau "en" (English)
config-listen = { $value } bukan alamat dan port, mis. { $example }
config-admin-token-empty = kosong; hapus `token` untuk mengizinkan permintaan tanpa token
config-store-path-empty = kosong; isi berkas basis data SQLite, mis. "/var/lib/lapor-bridge/lapor-bridge.db"
config-store-path-and-url = berisi path dan url sekaligus; store berupa berkas SQLite (path) atau basis data PostgreSQL (url): hapus salah satunya
config-store-password-without-url = adalah kata sandi store PostgreSQL, tetapi [store] tidak berisi url: tambahkan url = "postgres://USER@HOST:PORT/DATABASE" atau hapus password
config-store-url = { $why }
config-log-format = { $value } bukan format log; gunakan "text" atau "json"
config-log-level = { $value } bukan filter log ({ $error }); gunakan level seperti "info" atau arahan seperti "info,lapor_bridge=debug"
config-log-level-empty = kosong; gunakan level seperti "info"

## [report], [report.sla_webhook], [report.telegram], mode
config-report-margin = { $value } di luar rentang; gunakan 0 (tanpa peringatan), 1 ({ -hari-kerja } terakhir sebelum { -tenggat }) atau 2 (aturan terpendek 3 { -hari-kerja })
config-report-calendar-empty = kosong; hapus kunci ini untuk memakai kalender bawaan saja
config-sla-webhook-url-missing = wajib diisi di [report.sla_webhook], mis. "https://chat.example/hooks/sla"
config-not-http-url = { $value } bukan URL http(s)
config-telegram-api-base = { $value } bukan URL http(s); hapus kunci ini untuk memakai { $default }
config-telegram-chat-missing = wajib diisi di [report.telegram], id grupnya, mis. "-1001234567890"
config-telegram-chat-invalid = harus berupa id grup (mis. "-1001234567890") atau "@namakanal"
config-telegram-token-missing = wajib diisi di [report.telegram]: token dari @BotFather, mis. bot_token = {"{"} credential = "telegram-bot-token" {"}"}
config-mode = { $value } bukan mode; gunakan "live" atau "dry-run"
config-file-unreadable = berkas konfigurasi tidak dapat dibaca: { $error }
config-toml-at = bukan TOML yang sah di baris { $line }, kolom { $column }: { $error }
config-toml = bukan TOML yang sah: { $error }
config-merge-env = berkas tidak dapat digabung dengan variabel lingkungan: { $error }

## Channels ([channels.<name>])
config-channel-name = nama { -kanal } { $value } harus 1 sampai 50 karakter a-z, 0-9, '_' atau '-'; nama tabel adalah `kanal` LAPOR!, mis. [channels.sambat]
config-channel-not-table = harus berupa tabel, mis. [channels.{ $name }] dengan kind = "sambat"; jenis yang dikenal: { $known }
config-channel-kind-missing = tidak ada; isi jenis { -kanal }, salah satu dari: { $known }
config-channel-kind-unknown = jenis { -kanal } { $value } tidak dikenal; jenis yang dikenal: { $known }
config-channel-kind-type = tipe salah: { $found }, seharusnya teks, salah satu dari: { $known }
config-channel-same-source = { -kanal } { $other } sudah membaca { $url } dengan jenis { $kind }; sumber yang sama dua kali akan meneruskan setiap { -aduan } dua kali — hapus salah satunya
config-channel-same-route = { $route } sudah menjadi rute { -kanal } { $other }; beri setiap { -kanal } webhook jalurnya sendiri
config-channel-same-inbox = { $inbox } sudah menjadi folder masuk { -kanal } { $other }; beri setiap { -kanal } CSV foldernya sendiri
config-sambat-start-from = { $value } bukan waktu WIB; gunakan "YYYY-MM-DD HH:MM:SS" tanpa selisih zona, mis. "2024-01-01 00:00:00"

## Mapping tables
config-mapping-name-empty = nama kosong
config-mapping-same-name = { $name } dan { $first } adalah nama yang sama bila huruf besar/kecil, spasi (dan untuk tempat tanda hubung) diabaikan ({ $normalised }); sisakan salah satunya
config-mapping-default-instansi = { $value } bukan id { -instansi } LAPOR!; id berupa bilangan bulat positif
config-mapping-id = { $value } bukan id { $what } LAPOR!; id berupa bilangan bulat positif dari GET /{ $what }
config-mapping-kecamatan-code = { $value } bukan kode kecamatan Kemendagri; gunakan NN.NN.NN, mis. "35.73.02" untuk Klojen
config-mapping-kelurahan-code = { $value } bukan kode kelurahan Kemendagri; gunakan NN.NN.NN.NNNN, mis. "35.73.02.1007" untuk Kauman, Klojen
config-mapping-kelurahan-outside = { $value } diawali { $prefix }, yang bukan kecamatan dalam tabel kecamatan ({ $known }): kode kelurahan diawali kode kecamatannya

## Declarative mapping sources
config-source-not-pointer = { $path } bukan JSON pointer; tulis seperti "/caller/name"
config-source-not-field = { $path } bukan salah satu field { -kanal } ini ({ $fields })
config-source-not-column = { $path } bukan kolom ekspor ini ({ $columns })
config-source-join-path = seharusnya jalur (teks)
config-source-table = { $value } bukan tabel pencarian; gunakan "kategori", "opd" atau "wilayah"
config-source-format = { $value } bukan format tanggal; gunakan "rfc3339", "DD/MM/YYYY" atau "YYYY-MM-DD HH:MM:SS"
config-source-key-type = tipe salah untuk kunci ini
config-source-unknown-key = kunci tidak dikenal; sumber menerima path, join, sep, value, default, table, format
config-source-this = nilai ini
config-source-invalid = { $value } bukan sumber; isi jalur ("/field" atau kolom) atau {"{"} value = … {"}"}
config-source-empty = tidak memberi jalur maupun nilai
config-source-both = memiliki jalur dan nilai sekaligus; konstanta cukup `value` saja

## Webhook and CSV folder channels
config-out-of-range-short = { $value } di luar rentang; gunakan { $min } sampai { $max }
config-webhook-route = { $value } bukan rute; gunakan jalur absolut seperti "/webhooks/{ $name }"
config-webhook-id-missing = tidak ada; isi JSON pointer id tetap kiriman, mis. "/ticket_id"
config-webhook-id-type = seharusnya JSON pointer (teks) atau daftarnya, mis. "/ticket_id"
config-csv-inbox-missing = tidak ada; isi folder tempat ekspor diletakkan, mis. "/var/lib/lapor-bridge/ngombe/inbox"
config-csv-inbox-empty = kosong; isi folder tempat ekspor diletakkan
config-csv-folder-empty = kosong; hapus kunci ini untuk memakai { $default }
config-csv-row-too-large = { $value } lebih besar dari max_file_bytes ({ $max_file }): tidak ada berkas yang dapat memuat baris sebesar itu
config-csv-stable-zero = harus lebih besar dari 0: berkas yang sedang disalin tidak boleh dibaca
config-csv-columns-missing = tidak ada; isi judul kolom ekspor secara berurutan, mis. ["no", "tanggal", "nama", …]
config-csv-column-repeated = { $value } kosong atau berulang
config-csv-id-missing = tidak ada; isi kolom yang mengenali satu baris, mis. ["no", "tanggal"]

## Declarative mappings (webhook and CSV channels)
config-decl-filter = filter memerlukan path dan prefix, mis. {"{"} path = "/category", prefix = "keluhan-layanan/" {"}"}
config-decl-mapping-missing = tidak ada; { -kanal } webhook atau CSV memerlukan [mapping] dengan paling sedikit isi, kategori, instansi dan waktu_lapor
config-decl-reporter = { $value } bukan aturan { -pelapor }; gunakan "named", "handle" atau "anonymous"
config-decl-field-missing = tidak ada; isi asal { $name } LAPOR!, mis. { $name } = "/field" atau {"{"} value = … {"}"}
config-decl-wilayah-code = { $value } bukan kode Kemendagri seperti "35.73.02" atau "35.73.02.1007"
config-decl-lampiran-type = { $value } bukan tipe yang diterima LAPOR! ({ $types })
config-decl-wrong-table = { $name } dicari di tabel { $table }, bukan { $given }
config-decl-table-empty = tabel { $table } kosong; tambahkan [{ $key }.tables.{ $table }]
config-decl-needs-table = jalur untuk { $name } memerlukan table = "{ $table }" (LAPOR! meminta id, data { -kanal } berisi nama)
config-decl-id-value = { $value } bukan { $name } yang sah (id LAPOR! positif, atau kode Kemendagri untuk kode_wilayah)
config-decl-format-missing = tidak ada; isi format tanggal: "rfc3339", "DD/MM/YYYY" atau "YYYY-MM-DD HH:MM:SS"
config-decl-handle-needs-name = reporter = "handle" memerlukan pelapor_nama: jalur nama akun publik, mis. "/author/handle"
config-reference-unknown-id = { $what }_id { $id } tidak ada di /{ $what } LAPOR!
config-reference-cached = { $problem } (data referensi tersimpan di { $path })

## Write-backs ([channels.<name>.writeback])
config-wb-not-used = tidak dipakai { -kanal } { $kind }: { $why }
config-wb-why-sambat = { -tanggapan } untuk SAMBAT dikirim ke API-nya sendiri di base_url { -kanal }
config-wb-why-webhook = { -kanal } webhook dikirimi lewat HTTP (url, token, body)
config-wb-why-csv = { -kanal } CSV dikirimi lewat status_file-nya
config-wb-unknown-var = tidak dikenal; gunakan salah satu dari { $vars } atau field data { -aduan } sebagai JSON pointer, mis. {"{"}/ticket_id{"}"}
config-wb-unknown-body-var = tidak dikenal; gunakan text, { $vars } atau field data { -aduan } seperti {"{"}/ticket_id{"}"}
config-wb-template-unclosed = placeholder {"{"}{ $name } tidak ditutup; tulis {"{{"} untuk kurung kurawal biasa
config-wb-template-lone-brace = {"}"} tanpa pasangan; tulis {"}}"} untuk kurung kurawal biasa
config-wb-template-placeholder = placeholder {"{"}{ $name }{"}"}: { $why }
config-wb-sambat-status = { $value } bukan status SAMBAT; gunakan salah satu dari { $statuses }
config-wb-backoff-short = tidak boleh lebih pendek dari backoff_initial_ms
config-wb-not-status = bukan status LAPOR!; statusnya adalah { $statuses }
config-wb-empty = tidak boleh kosong
config-wb-url-missing = tidak ada; isi URL tujuan POST, dengan field data { -aduan } sebagai placeholder, mis. "https://112.example/api/tickets/{"{"}/ticket_id{"}"}/notes"
config-wb-url-invalid = { $value } bukan URL http(s) lengkap
config-wb-body-missing = tidak ada; isi field JSON yang dikirim, mis. body = {"{"} text = "{"{"}text{"}"}", status = "{"{"}status{"}"}", tracking_id = "{"{"}tracking_id{"}"}" {"}"}
config-wb-body-empty = paling sedikit satu field
config-wb-status-file-missing = tidak ada; isi berkas status yang dibaca tim forum, mis. "/var/lib/lapor-bridge/ngombe/outbox/ngombe-status.csv"
config-wb-delimiter = { $value }; gunakan ";", "," atau "auto" (mengikuti folder masuk)
config-wb-columns-empty = paling sedikit satu kolom

## Laporan check-config sendiri
check-ok = konfigurasi OK: { $channels }; mode { $mode }; penyimpanan { $store }
check-channels = { $n ->
    [0] tidak ada { -kanal } (tidak ada yang dibaca)
   *[other] { $n } { -kanal }
    }
check-lapor = LAPOR! { $url } sebagai klien { $client }; batas { $per_minute }/menit, sekaligus { $burst }
check-sync-on = pembaruan status dibaca setiap { $secs } detik
check-sync-off = tanpa sinkronisasi status
check-channel-sambat = { $name } (sambat, { $url } setiap { $secs } detik; pemetaan: { $kategori } kategori, { $opd } OPD, { $kecamatan } kecamatan, { $kelurahan } kelurahan)
check-channel-webhook = { $name } (webhook, POST { $listen }{ $route }; { $filters } filter)
check-channel-csv = { $name } (csv_folder, folder masuk { $inbox })
check-writeback-none = tidak { -dikirim-ke-kanal }
check-writeback-sambat = { -dikirim-ke-kanal }: { -tanggapan } SAMBAT
check-writeback-post = { -dikirim-ke-kanal }: POST { $url }
check-writeback-file = { -dikirim-ke-kanal }: { $path }
check-problems-header = konfigurasi { $path } memiliki { $n } masalah:
check-warnings-header = { $n } peringatan:
check-warning = peringatan: { $problem }
check-strict-note = (dengan --strict, peringatan dianggap kesalahan)
check-reference-unchecked = id kategori dan { -instansi } LAPOR! dalam pemetaan belum diperiksa: belum ada data referensi tersimpan di { $path }; jalankan `lapor-bridge check-config --fetch-reference` untuk mengambil GET /kategori dan GET /instansi (atau jalankan layanan sekali) lalu periksa lagi
check-placeholder-url = { $url } adalah alamat contoh; isi alamat sebenarnya sebelum beroperasi
check-pointer-outside-fields = placeholder {"{"}{ $pointer }{"}"} bukan salah satu field { -kanal } ini ({ $fields }): akan tertulis sebagai teks kosong
