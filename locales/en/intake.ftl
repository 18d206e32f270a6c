# intake texts (en): the rejects report `<file>.rejects.csv` beside a CSV channel's processed
# file. Its columns keep their Indonesian names (baris, alasan) in both languages: the forum's
# spreadsheets know them.

rejects-on-line = baris { $line }: { $why }
rejects-too-big = baris 1: the file is { $size } bytes, over the limit of { $limit } bytes (max_file_bytes): nothing in it was taken in; split the export into smaller files and drop them again, or raise max_file_bytes
rejects-duplicate = the same row (no, tanggal, reporter) as line { $first }; only the first is taken
rejects-held = held, not sent to LAPOR!: { $why }
rejects-not-regular = baris 1: { $name } is { $what ->
        [symlink] a symbolic link
        [fifo] a FIFO (named pipe)
        [socket] a socket
        [device] a device
       *[other] something else
    }, not a regular file: it is not read; copy the export itself into the inbox
