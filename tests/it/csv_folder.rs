//! The Ngombe CSV folder over real files: one look at the inbox at a time, with the clock
//! passed in, and the forwarder stepped by the test.

use crate::common;

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use common::Env;
use lapor_bridge::domain::RecordKey;
use lapor_bridge::intake::csv_folder::{rejects_path, CsvFolder, ScanReport};
use lapor_bridge::pipeline::Pipeline;
use lapor_bridge::store::OutboxState;
use lapor_mocks::lapor::LaporMockConfig;

const HEADER: &str = "no;tanggal;nama;telepon;kecamatan;kelurahan;kategori;uraian;opd_tujuan";

fn row(no: u32, kategori: &str, uraian: &str) -> String {
    format!(
        "{no};29/07/2024;Budi Santoso;0812-3456-7{no:03};Klojen;Kauman;{kategori};\"{uraian}\";DLH"
    )
}

struct T {
    env: Env,
    p: Pipeline,
    t0: SystemTime,
}

impl T {
    async fn start() -> T {
        T::start_with(&[]).await
    }
    /// The rejects reports in English, which these tests read; the Indonesian one has its own
    /// test (`the_rejects_report_speaks_the_configured_language`).
    async fn start_with(extra: &[(&'static str, String)]) -> T {
        let mut extra = extra.to_vec();
        extra.push(("LAPOR_BRIDGE__UI__LANGUAGE", "en".to_string()));
        T::start_in(&extra).await
    }
    async fn start_in(extra: &[(&'static str, String)]) -> T {
        let env = Env::start(LaporMockConfig {
            quota_per_minute: None,
            ..LaporMockConfig::default()
        })
        .await;
        let p = env.pipeline(extra);
        T {
            env,
            p,
            t0: SystemTime::now(),
        }
    }
    fn folder(&self) -> &CsvFolder {
        &self.p.csv_folders[0]
    }
    fn drop_file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let inbox = self.folder().inbox().to_owned();
        std::fs::create_dir_all(&inbox).unwrap();
        let path = inbox.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }
    /// Two looks `stable_for` apart: the file is processed on the second.
    fn settle(&mut self) -> lapor_bridge::intake::csv_folder::ScanReport {
        let first = self.folder().scan_once(self.t0).unwrap();
        assert_eq!(first.files, 0, "a file is never read on first sight");
        self.t0 += Duration::from_secs(2);
        let r = self.folder().scan_once(self.t0).unwrap();
        self.t0 += Duration::from_secs(2);
        r
    }
    async fn forward_all(&self) {
        for _ in 0..20 {
            if self.p.forwarder.step().await.unwrap().claimed == 0 {
                return;
            }
        }
        panic!("the forwarder kept claiming");
    }
    fn keys(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .env
            .lapor
            .complaints()
            .into_iter()
            .map(|c| c.id_eksternal)
            .collect();
        v.sort();
        v
    }
}

fn processed(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

const URAIAN: &str = "Sampah menumpuk di TPS Kauman, sudah tiga hari tidak diangkut petugas";

#[tokio::test]
async fn a_half_written_file_is_read_only_once_it_is_stable() {
    let t = T::start().await;
    let full = format!(
        "{HEADER}\n{}\n{}\n{}\n",
        row(1, "Sampah", URAIAN),
        row(2, "Sampah", URAIAN),
        row(3, "Sampah", URAIAN)
    );
    let half = &full.as_bytes()[..full.len() / 2];
    let path = t.drop_file("ngombe-juli.csv", half);
    let r = t.folder().scan_once(t.t0).unwrap();
    assert_eq!((r.files, r.waiting), (0, 1));
    // The copy goes on: the file grew, so it is not stable, however long ago it was first seen.
    std::fs::write(&path, full.as_bytes()).unwrap();
    let r = t
        .folder()
        .scan_once(t.t0 + Duration::from_secs(10))
        .unwrap();
    assert_eq!((r.files, r.waiting), (0, 1));
    assert_eq!(common::counts(&t.p.store).received, 0);
    // Unchanged, but not yet for stable_secs (1 s).
    let r = t
        .folder()
        .scan_once(t.t0 + Duration::from_millis(10_500))
        .unwrap();
    assert_eq!((r.files, r.waiting), (0, 1));
    let r = t
        .folder()
        .scan_once(t.t0 + Duration::from_secs(12))
        .unwrap();
    assert_eq!((r.files, r.new, r.rejected), (1, 3, 0), "{r:?}");
    assert!(!path.exists());
    assert_eq!(processed(t.folder().processed_dir()), ["ngombe-juli.csv"]);
}

#[tokio::test]
async fn semicolons_a_bom_and_quoted_newlines_are_read() {
    let mut t = T::start().await;
    let uraian = "Saluran air tersumbat; air meluap ke jalan\nsetiap hujan deras, mohon \"\"segera\"\" dibersihkan";
    let text = format!("\u{FEFF}{HEADER}\r\n{}\r\n", row(7, "Drainase", uraian));
    t.drop_file("bom.csv", text.as_bytes());
    let r = t.settle();
    assert_eq!((r.files, r.new, r.rejected, r.held), (1, 1, 0, 0), "{r:?}");
    t.forward_all().await;
    let c = t.env.lapor.complaints().pop().unwrap();
    assert!(
        c.id_eksternal.starts_with("ngombe:7-20240729-"),
        "{}",
        c.id_eksternal
    );
    let isi = c.body["isi"].as_str().unwrap();
    assert!(
        isi.contains("tersumbat; air meluap ke jalan\nsetiap hujan"),
        "{isi}"
    );
    assert!(isi.contains("\"segera\""));
    assert_eq!(c.body["kategori_id"], 103);
    assert_eq!(c.body["instansi_id"], 357305);
    assert_eq!(c.body["lokasi"]["kode_wilayah"], "35.73.02");
    assert_eq!(c.body["lokasi"]["alamat"], "Kauman, Klojen");
    assert_eq!(c.body["waktu_lapor"], "2024-07-29T00:00:00+07:00");
    assert_eq!(c.body["pelapor"]["telepon"], "+6281234567007");
}

#[tokio::test]
async fn bad_rows_are_reported_by_line_and_the_good_ones_go_through() {
    let mut t = T::start().await;
    let text = [
        HEADER.to_owned(),
        row(1, "Sampah", URAIAN), // line 2: good
        row(2, "Banjir", URAIAN), // line 3: kategori not mapped → held
        format!(";29/07/2024;Ani;;Sukun;Gadang;Sampah;\"{URAIAN}\";DLH"), // line 4: no `no`
        "4;29/07/2024;Ani;0811".to_owned(), // line 5: too few fields
        format!("5;2024-07-29;Ani;;Sukun;Gadang;Sampah;\"{URAIAN}\";DLH"), // line 6: date format
        row(6, "Sampah", "terlalu pendek"), // line 7: isi too short → held
        row(8, "Sampah", URAIAN), // line 8: good
    ]
    .join("\n");
    t.drop_file("campur.csv", text.as_bytes());
    let r = t.settle();
    // Line 6's tanggal is not a date: the row is identified, held, and reported.
    assert_eq!((r.files, r.new, r.held, r.rejected), (1, 5, 3, 2), "{r:?}");
    let dest = t.folder().processed_dir().join("campur.csv");
    let report = std::fs::read_to_string(rejects_path(&dest)).unwrap();
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines[0], "baris;alasan");
    let starts: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.split(';').next().unwrap())
        .collect();
    assert_eq!(starts, ["3", "4", "5", "6", "7"], "{report}");
    assert!(
        lines[1].contains("kategori") && lines[1].contains("held"),
        "{report}"
    );
    assert!(lines[2].contains("column no is empty"), "{report}");
    assert!(lines[3].contains("fields"), "{report}");
    assert!(lines[4].contains("DD/MM/YYYY"), "{report}");
    assert!(lines[5].contains("isi"), "{report}");
    assert!(
        !report.contains("Budi") && !report.contains("0812"),
        "no personal data in the report"
    );
    t.forward_all().await;
    assert_eq!(t.keys().len(), 2);
}

#[tokio::test]
async fn the_same_file_twice_or_a_corrected_re_export_never_duplicates_a_row() {
    let mut t = T::start().await;
    let v1 = format!(
        "{HEADER}\n{}\n{}\n",
        row(1, "Sampah", URAIAN),
        row(2, "Banjir", URAIAN)
    );
    t.drop_file("ngombe.csv", v1.as_bytes());
    let r = t.settle();
    assert_eq!((r.new, r.held), (2, 1));
    t.forward_all().await;
    assert_eq!(t.keys().len(), 1);

    // The same file dropped again: nothing new, and both copies are kept.
    t.drop_file("ngombe.csv", v1.as_bytes());
    let r = t.settle();
    assert_eq!((r.files, r.new, r.unchanged), (1, 0, 2), "{r:?}");
    assert_eq!(
        processed(t.folder().processed_dir()),
        [
            "ngombe.2.csv",
            "ngombe.2.csv.rejects.csv",
            "ngombe.csv",
            "ngombe.csv.rejects.csv"
        ]
    );

    // A corrected re-export, with `;` → `,`, other spacing and the held row's kategori fixed;
    // the forwarded row's text corrected too.
    let fixed = URAIAN.replace("petugas", "petugas kebersihan");
    let v2 = format!(
        "{}\n{}\n{}\n",
        HEADER.replace(';', ","),
        row(1, "Sampah", &fixed)
            .replace(';', ",")
            .replace("Budi Santoso", "budi  santoso"),
        row(2, "Drainase", URAIAN).replace(';', ",")
    );
    t.drop_file("ngombe-koreksi.csv", v2.as_bytes());
    let r = t.settle();
    assert_eq!(
        (r.new, r.updated, r.edited_after_forward, r.held),
        (0, 1, 1, 0),
        "{r:?}"
    );
    t.forward_all().await;
    let keys = t.keys();
    assert_eq!(keys.len(), 2, "{keys:?}");
    let k1 = RecordKey::parse(&keys[0]).unwrap();
    let d = t.p.store.detail(&k1).unwrap();
    assert_eq!(d.state, OutboxState::Forwarded);
    assert!(d.events.iter().any(|e| e.kind == "edited_after_forward"));
}

fn read_report(path: &Path) -> String {
    std::fs::read_to_string(rejects_path(path)).unwrap()
}

/// Runs one scan on another thread and waits for it with a deadline: a scan that opened a FIFO
/// would block forever, and the test must fail rather than hang.
fn scan_with_deadline(t: &T, at: SystemTime) -> ScanReport {
    std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::channel();
        let folder = t.folder();
        s.spawn(move || {
            let _ = tx.send(folder.scan_once(at).unwrap());
        });
        rx.recv_timeout(Duration::from_secs(20))
            .expect("the scan finished (did it open the FIFO?)")
    })
}

#[tokio::test]
async fn a_file_over_max_file_bytes_is_refused_whole_and_moved_aside() {
    let mut t = T::start_with(&[(
        "LAPOR_BRIDGE__CHANNELS__NGOMBE__MAX_FILE_BYTES",
        "4096".into(),
    )])
    .await;
    let rows: Vec<String> = (1..=60).map(|n| row(n, "Sampah", URAIAN)).collect();
    let text = format!("{HEADER}\n{}\n", rows.join("\n"));
    assert!(text.len() > 4096);
    let path = t.drop_file("besar.csv", text.as_bytes());
    let r = t.settle();
    assert_eq!(
        (r.refused, r.files, r.new, r.rejected),
        (1, 0, 0, 0),
        "{r:?}"
    );
    assert_eq!(common::counts(&t.p.store).received, 0, "not a row taken in");
    assert!(!path.exists());
    let rejected = t.folder().rejected_dir().to_owned();
    assert_eq!(processed(&rejected), ["besar.csv", "besar.csv.rejects.csv"]);
    // Moved untouched.
    assert_eq!(
        std::fs::read(rejected.join("besar.csv")).unwrap(),
        text.as_bytes()
    );
    let report = read_report(&rejected.join("besar.csv"));
    assert!(report.starts_with("baris;alasan\n1;"), "{report}");
    assert!(
        report.contains("max_file_bytes") && report.contains("4096") && report.contains("split"),
        "{report}"
    );
    assert!(
        !t.folder().processed_dir().exists() || processed(t.folder().processed_dir()).is_empty()
    );
    // Later scans do not see it again.
    let r = t.folder().scan_once(t.t0).unwrap();
    assert_eq!(r, ScanReport::default());
}

#[tokio::test]
async fn a_symlink_and_a_fifo_are_reported_once_and_never_read() {
    let t = T::start().await;
    let good = format!(
        "{HEADER}\n{}\n{}\n",
        row(1, "Sampah", URAIAN),
        row(2, "Sampah", URAIAN)
    );
    t.drop_file("baik.csv", good.as_bytes());
    let inbox = t.folder().inbox().to_owned();
    let outside = t.env.dir.path().join("di-luar.csv");
    let elsewhere = format!("{HEADER}\n{}\n", row(9, "Sampah", URAIAN));
    std::fs::write(&outside, elsewhere.as_bytes()).unwrap();
    std::os::unix::fs::symlink(&outside, inbox.join("tautan.csv")).unwrap();
    nix::unistd::mkfifo(
        &inbox.join("pipa.csv"),
        nix::sys::stat::Mode::from_bits_truncate(0o600),
    )
    .unwrap();

    let r = scan_with_deadline(&t, t.t0);
    assert_eq!((r.not_regular, r.waiting, r.files), (2, 1, 0), "{r:?}");
    let r = scan_with_deadline(&t, t.t0 + Duration::from_secs(2));
    assert_eq!(
        (r.not_regular, r.files, r.new),
        (0, 1, 2),
        "reported once: {r:?}"
    );
    let r = scan_with_deadline(&t, t.t0 + Duration::from_secs(4));
    assert_eq!(r, ScanReport::default());
    assert_eq!(
        common::counts(&t.p.store).received,
        2,
        "row 9 behind the link is not read"
    );

    // Left where they are, and reported.
    assert!(inbox.join("pipa.csv").exists());
    assert!(std::fs::symlink_metadata(inbox.join("tautan.csv"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(std::fs::read(&outside).unwrap(), elsewhere.as_bytes());
    let rejected = t.folder().rejected_dir().to_owned();
    let link = read_report(&rejected.join("tautan.csv"));
    assert!(
        link.contains("symbolic link") && link.contains("not read"),
        "{link}"
    );
    let fifo = read_report(&rejected.join("pipa.csv"));
    assert!(fifo.contains("FIFO"), "{fifo}");
    assert_eq!(processed(t.folder().processed_dir()), ["baik.csv"]);
}

#[tokio::test]
async fn a_huge_cell_refuses_its_row_with_a_reason_and_is_not_stored() {
    let mut t = T::start().await;
    let huge = "x".repeat(1024 * 1024);
    let text = format!(
        "{HEADER}\n{}\n{}\n{}\n",
        row(1, "Sampah", URAIAN),
        row(2, "Sampah", &huge),
        row(3, "Sampah", URAIAN)
    );
    t.drop_file("sel.csv", text.as_bytes());
    let r = t.settle();
    assert_eq!((r.files, r.new, r.rejected), (1, 2, 1), "{r:?}");
    assert_eq!(common::counts(&t.p.store).received, 2);
    let report = read_report(&t.folder().processed_dir().join("sel.csv"));
    assert!(
        report.len() < 1024,
        "the cell is not copied into the report"
    );
    let line = report.lines().nth(1).unwrap();
    assert!(
        line.starts_with("3;") && line.contains("baris 3:"),
        "{report}"
    );
    assert!(
        line.contains("max_row_bytes") && line.contains("65536") && line.contains("column uraian"),
        "{report}"
    );
}

#[tokio::test]
async fn a_file_of_100k_rows_is_processed_completely() {
    let mut t = T::start().await;
    const N: u32 = 100_000;
    let mut text = String::with_capacity(N as usize * 140);
    text.push_str(HEADER);
    text.push('\n');
    for n in 1..=N {
        text.push_str(&row(n, "Sampah", URAIAN));
        text.push('\n');
    }
    // The last line is short: its line number is counted across the whole stream.
    text.push_str("0;29/07/2024;Ani\n");
    t.drop_file("setahun.csv", text.as_bytes());
    let r = t.settle();
    assert_eq!((r.files, r.new, r.rejected, r.held), (1, N, 1, 0), "{r:?}");
    assert_eq!(common::counts(&t.p.store).received, u64::from(N));
    let report = read_report(&t.folder().processed_dir().join("setahun.csv"));
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines.len(), 2, "{report}");
    assert!(lines[1].starts_with(&format!("{};", N + 2)), "{report}");
}

/// `lapor-bridge replay` of a CSV folder: the processed files modified since the requested
/// time are read again in place, through the same identity: a corrected row is an edit of
/// the forwarded record, a row added to the file is new, the rest unchanged; an older
/// processed file is not read.
#[tokio::test]
async fn a_replay_rereads_processed_files_modified_since_the_time() {
    let mut t = T::start().await;
    t.drop_file(
        "ngombe-juli.csv",
        format!(
            "{HEADER}\n{}\n{}\n",
            row(1, "Sampah", URAIAN),
            row(2, "Sampah", URAIAN)
        )
        .as_bytes(),
    );
    let r = t.settle();
    assert_eq!((r.files, r.new), (1, 2), "{r:?}");
    t.forward_all().await;
    assert_eq!(t.env.lapor.complaints().len(), 2);

    let processed_dir = t.folder().processed_dir().to_owned();
    // An old processed file with a row the store does not have: older than --since.
    let old = processed_dir.join("ngombe-juni.csv");
    std::fs::write(&old, format!("{HEADER}\n{}\n", row(9, "Sampah", URAIAN))).unwrap();
    let f = std::fs::File::options().write(true).open(&old).unwrap();
    f.set_modified(SystemTime::now() - Duration::from_secs(3 * 86_400))
        .unwrap();
    drop(f);
    // The July file as it should have been read: row 1 corrected, row 3 added.
    std::fs::write(
        processed_dir.join("ngombe-juli.csv"),
        format!(
            "{HEADER}\n{}\n{}\n{}\n",
            row(
                1,
                "Sampah",
                "Sampah menumpuk di TPS Kauman, kini meluber ke jalan"
            ),
            row(2, "Sampah", URAIAN),
            row(3, "Sampah", URAIAN)
        ),
    )
    .unwrap();

    let channel = lapor_bridge::domain::ChannelName::parse("ngombe").unwrap();
    let since = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(1);
    t.p.store
        .request_replay(&channel, since, "operator-uji", jiff::Timestamp::now())
        .unwrap();
    let r = t.folder().scan_once(t.t0).unwrap();
    assert_eq!(r.files, 0, "the inbox is empty: {r:?}");
    let done =
        t.p.store
            .replay_done(&channel)
            .unwrap()
            .expect("replay done");
    assert_eq!(
        (
            done.files,
            done.new,
            done.edited_after_forward,
            done.unchanged
        ),
        (1, 1, 1, 1),
        "{done:?}"
    );
    assert_eq!(t.p.store.replay_request(&channel).unwrap(), None);
    // The file stays where it is; no second copy of it in processed/.
    assert_eq!(
        processed(&processed_dir)
            .iter()
            .filter(|n| n.starts_with("ngombe-juli"))
            .count(),
        1,
        "{:?}",
        processed(&processed_dir)
    );
    t.forward_all().await;
    let keys = t.keys();
    assert_eq!(keys.len(), 3, "each complaint once: {keys:?}");
    let mut dedup = keys.clone();
    dedup.dedup();
    assert_eq!(dedup, keys);
    assert_eq!(common::counts(&t.p.store).received, 3);
}

/// With the shipped default language the forum's team reads its rejects report in Bahasa
/// Indonesia: line numbers as `baris N`, a held row as `ditahan`, a repeated row explained.
#[tokio::test]
async fn the_rejects_report_speaks_the_configured_language() {
    let mut t = T::start_in(&[]).await;
    let text = [
        HEADER.to_owned(),
        row(1, "Sampah", URAIAN),           // line 2: good
        row(1, "Sampah", URAIAN),           // line 3: the same row again
        row(2, "Sampah", "terlalu pendek"), // line 4: isi too short → held
    ]
    .join("\n");
    t.drop_file("id.csv", text.as_bytes());
    let r = t.settle();
    assert_eq!((r.files, r.new, r.held, r.rejected), (1, 2, 1, 1), "{r:?}");
    let report = read_report(&t.folder().processed_dir().join("id.csv"));
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines[0], "baris;alasan");
    // A reason holding the delimiter is quoted, as a spreadsheet expects.
    assert_eq!(
        lines[1],
        "3;\"baris 3: baris yang sama (no, tanggal, pelapor) dengan baris 2; hanya yang pertama diambil\""
    );
    assert!(
        lines[2].starts_with("4;\"baris 4: ditahan, tidak dikirim ke SP4N-LAPOR!: isi: "),
        "{report}"
    );
}
