# intake texts (id): the rejects report `<file>.rejects.csv` beside a CSV channel's processed
# file, read by the forum's team. Columns: baris (line), alasan (reason).

rejects-on-line = baris { $line }: { $why }
rejects-too-big = baris 1: berkas berukuran { $size } bita, melebihi batas { $limit } bita (max_file_bytes): tidak ada isinya yang diambil; pecah ekspor menjadi berkas yang lebih kecil lalu letakkan lagi, atau naikkan max_file_bytes
rejects-duplicate = baris yang sama (no, tanggal, { -pelapor }) dengan baris { $first }; hanya yang pertama diambil
rejects-held = { -ditahan }, tidak dikirim ke SP4N-LAPOR!: { $why }
rejects-not-regular = baris 1: { $name } { $what ->
        [symlink] adalah tautan simbolik
        [fifo] adalah FIFO (named pipe)
        [socket] adalah soket
        [device] adalah perangkat
       *[other] adalah jenis berkas lain
    }, bukan berkas biasa: tidak dibaca; salin berkas ekspornya sendiri ke inbox
