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
config-log-format = { $value } bukan format log; gunakan "text" atau "json"
config-log-level = { $value } bukan filter log ({ $error }); gunakan level seperti "info" atau arahan seperti "info,lapor_bridge=debug"
config-log-level-empty = kosong; gunakan level seperti "info"
