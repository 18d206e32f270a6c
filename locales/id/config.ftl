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
