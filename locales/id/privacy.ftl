# privacy texts (id). Terms: common.ftl; glossary: locales/GLOSSARY.md.

## privacy report (src/privacy/held.rs)

privacy-held-title = Data pribadi yang disimpan, per { -kanal } (jumlah { -aduan } yang memuat tiap jenis)
privacy-held-empty = (penyimpanan tidak memuat { -aduan })
privacy-col-channel = { -kanal }
privacy-col-records = { -aduan }
privacy-col-name = nama
privacy-col-phone = telepon
privacy-col-email = e-mail
privacy-col-free-text = teks bebas
privacy-col-oldest = terlama (WIB)

## privacy erase

privacy-empty-reason = --reason kosong: tulis mengapa data dihapus (mis. nomor surat permohonan)
privacy-kind-phone = nomor telepon
privacy-kind-email = alamat e-mail
privacy-kind-record = { -aduan }
privacy-nothing-to-erase = Tidak ada { -aduan } yang cocok dengan { $kind } ini: tidak ada yang dihapus
privacy-nothing-erased = Tidak ada yang dihapus
privacy-no-terminal =
    { $count } { -aduan } cocok; tidak dihapus tanpa konfirmasi: jalankan di terminal,
    atau berikan --yes
privacy-confirm-title = Data pribadi { -aduan } berikut akan dihapus:
privacy-confirm-in-lapor = { $record } (di LAPOR! sebagai { $tracking }: LAPOR! tetap menyimpan salinannya)
privacy-confirm-not-forwarded = { $record } (belum diteruskan: akan ditutup dan tidak pernah dikirim)
privacy-confirm-prompt = Ketik 'hapus' untuk mengonfirmasi:

## privacy purge

purge-plan =
    { $records } { -aduan } yang final di LAPOR! lebih dari { $days } hari memuat data pribadi
      (final pada atau sebelum { $cutoff })
    { $files } berkas CSV yang sudah diproses atau laporan penolakan lebih tua dari itu
purge-dry-run = Uji coba: tidak ada yang diubah; jalankan tanpa --dry-run untuk menghapusnya
purge-nothing = Tidak ada yang perlu dibersihkan
purge-no-terminal =
    Tidak dibersihkan: stdin bukan terminal untuk konfirmasi; berikan --yes untuk membersihkan tanpa
    bertanya (atau --dry-run untuk menghitung saja)
purge-confirm = Hapus data pribadi ini untuk selamanya? Ketik ya:
purge-not-confirmed = Tidak dibersihkan: tidak dikonfirmasi
purge-cannot-plan = Pembersihan { $store } tidak dapat direncanakan: { $error }
purge-stopped = Pembersihan { $store } terhenti: { $error }
purge-done =
    Data pribadi { $records } { -aduan } dihapus ({ $rows } baris ditulis ulang);
    { $files } berkas dihapus
purge-compacted = Penyimpanan dipadatkan (WAL di-checkpoint dan dipotong)
purge-not-deleted = Tidak terhapus: { $error }; periksa izin aksesnya lalu jalankan lagi
