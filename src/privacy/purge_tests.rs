use rusqlite::params;

use super::*;
use crate::domain::RecordKey;
use crate::privacy::scrub::scrub_record;
use crate::store::testing::{intake_one, temp_store};

fn record(store: &Store, n: u32, status: Option<&str>, at: Option<Timestamp>) -> i64 {
    let key = RecordKey::parse(&format!("sambat:{n}")).unwrap();
    intake_one(
        store,
        &key,
        &serde_json::json!({"id": n, "pelapor": {"nik": "3573012345670001"}}),
        Timestamp::now(),
    );
    store
        .with_conn(|c| {
            c.execute(
                "UPDATE records SET lapor_status = ?2, lapor_status_at = ?3 WHERE local_id = ?1",
                params![n.to_string(), status, at.map(crate::time::db)],
            )?;
            c.query_row(
                "SELECT id FROM records WHERE local_id = ?1",
                [n.to_string()],
                |r| r.get(0),
            )
        })
        .unwrap()
}

#[test]
fn only_complaints_final_longer_than_the_retention_qualify() {
    let (_dir, store) = temp_store();
    let now: Timestamp = "2025-06-01T00:00:00Z".parse().unwrap();
    let day = SignedDuration::from_hours(24);
    let old = now - day * 400;
    let selesai_old = record(&store, 1, Some("selesai"), Some(old));
    let ditolak_old = record(&store, 2, Some("ditolak"), Some(old));
    let diarsipkan_edge = record(&store, 3, Some("diarsipkan"), Some(now - day * 365));
    let _selesai_recent = record(&store, 4, Some("selesai"), Some(now - day * 364));
    let _open_old = record(&store, 5, Some("ditindaklanjuti"), Some(old));
    let _never_forwarded = record(&store, 6, None, None);
    let got = qualifying(&store, cutoff(now, 365)).unwrap();
    assert_eq!(got, vec![selesai_old, ditolak_old, diarsipkan_edge]);

    // Scrubbed ones are not taken again.
    store
        .with_tx(|tx| scrub_record(tx, selesai_old).map(|_| ()))
        .unwrap();
    let got = qualifying(&store, cutoff(now, 365)).unwrap();
    assert_eq!(got, vec![ditolak_old, diarsipkan_edge]);
    // 0 days: everything final up to now.
    assert_eq!(qualifying(&store, cutoff(now, 0)).unwrap().len(), 3);
}

#[test]
fn execute_scrubs_deletes_old_files_and_records_the_purge() {
    let (dir, store) = temp_store();
    let now = Timestamp::now();
    let id = record(
        &store,
        1,
        Some("selesai"),
        Some(now - SignedDuration::from_hours(24)),
    );
    let processed = dir.path().join("processed");
    std::fs::create_dir(&processed).unwrap();
    std::fs::write(processed.join("a.csv"), "no;telepon\n1;081234567890\n").unwrap();
    std::fs::create_dir(processed.join("sub")).unwrap();
    let folders = vec![
        ("ngombe".to_string(), processed.clone()),
        ("ngombe".to_string(), dir.path().join("missing")),
    ];
    // Not old enough: the file (just written) and the record (final one day) stay.
    let p = plan(&store, &folders, 2, now).unwrap();
    assert!(p.records.is_empty() && p.files.is_empty(), "{p:?}");
    let p = plan(&store, &folders, 0, now + SignedDuration::from_secs(5)).unwrap();
    assert_eq!(p.records, vec![id]);
    assert_eq!(p.files, vec![processed.join("a.csv")]);
    let out = execute(&store, &p).unwrap();
    assert_eq!(out.records, 1);
    assert_eq!(out.files_deleted, 1);
    assert!(out.compacted);
    assert!(!processed.join("a.csv").exists());
    assert!(processed.join("sub").exists(), "folders are never deleted");
    let kinds: Vec<String> = store
        .with_conn(|c| {
            let mut st = c.prepare("SELECT kind FROM events WHERE record_id = ?1")?;
            let r = st.query_map([id], |r| r.get(0))?;
            r.collect()
        })
        .unwrap();
    assert!(
        kinds.contains(&"personal_data_purged".to_string()),
        "{kinds:?}"
    );
}
