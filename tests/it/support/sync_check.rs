//! What each local channel must show once LAPOR!'s lifecycle has run: worked out from the
//! updates the LAPOR! mock emitted, compared with what the channel mocks received.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};

use lapor_mocks::lapor::{FeedUpdate, LaporMock};
use lapor_mocks::sambat::SambatMock;
use lapor_tools::demo::writeback::ChannelMocks;

fn rank(s: &str) -> u8 {
    match s {
        "belum_terverifikasi" => 0,
        "terverifikasi" => 1,
        "terdisposisi" => 2,
        "ditindaklanjuti" => 3,
        _ => 4,
    }
}

/// One write-back the channel must get: the status after the update, and its response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expected {
    pub status: String,
    pub response: Option<String>,
}

/// Per tracking id: the id_eksternal and the write-backs due, in order. An update applies
/// when it moves the status forward or brings a response not seen before.
pub fn expected(lapor: &LaporMock) -> BTreeMap<String, (String, Vec<Expected>)> {
    let mut by: BTreeMap<String, (String, Vec<FeedUpdate>)> = BTreeMap::new();
    for u in lapor.feed_updates() {
        by.entry(u.tracking_id.clone())
            .or_insert_with(|| (u.id_eksternal.clone(), Vec::new()))
            .1
            .push(u);
    }
    by.into_iter()
        .map(|(t, (ext, ups))| {
            let mut cur: Option<String> = None;
            let mut seen: BTreeSet<(String, String, String)> = BTreeSet::new();
            let mut out = Vec::new();
            for u in ups {
                let moves = cur
                    .as_deref()
                    .is_none_or(|c| rank(c) < 4 && rank(&u.status) > rank(c));
                let new_resp = u
                    .tanggapan
                    .as_ref()
                    .is_some_and(|(i, o)| seen.insert((i.clone(), o.clone(), u.waktu.clone())));
                if moves {
                    cur = Some(u.status.clone());
                }
                if moves || new_resp {
                    out.push(Expected {
                        status: cur.clone().unwrap(),
                        response: u.tanggapan.clone().filter(|_| new_resp).map(|t| t.0),
                    });
                }
            }
            (t, (ext, out))
        })
        .collect()
}

fn sambat_word(s: &str) -> &'static str {
    match s {
        "belum_terverifikasi" => "baru",
        "terverifikasi" => "diverifikasi",
        "terdisposisi" => "didisposisi",
        "ditindaklanjuti" => "diproses",
        "ditolak" => "ditolak",
        _ => "selesai",
    }
}

/// Checks every channel; returns the number of write-backs checked.
pub fn check_all(
    lapor: &LaporMock,
    sambat: &SambatMock,
    mocks: &ChannelMocks,
    status_file: &std::path::Path,
) -> usize {
    let exp = expected(lapor);
    let mut checked = 0;
    let sambat_wb = sambat.writebacks();
    let notes = mocks.call112.notes();
    let replies = mocks.desk.replies();
    let csv = std::fs::read_to_string(status_file).expect("the Ngombe status file exists");
    let mut rows: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut lines = csv.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split(';')
        .map(str::to_owned)
        .collect();
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    // Responses hold no ';' or newline in the mock's texts, so a split is enough here.
    for l in lines {
        let f: Vec<String> = l
            .split(';')
            .map(|s| s.trim_matches('"').to_owned())
            .collect();
        rows.insert(f[col("tracking_id")].clone(), f);
    }
    for (tracking, (ext, want)) in &exp {
        let (channel, local) = ext.split_once(':').unwrap();
        let fin = want
            .last()
            .expect("every complaint has its first status")
            .status
            .clone();
        // SAMBAT records "this exact response" once (409 for a repeat): a response repeated
        // word for word under the same status is expected there once.
        let mut seen_sambat = BTreeSet::new();
        let responses: Vec<&String> = want
            .iter()
            .filter(|e| {
                channel != "sambat"
                    || seen_sambat.insert((sambat_word(&e.status), e.response.clone()))
            })
            .filter_map(|e| e.response.as_ref())
            .collect();
        // (status word, text, write-back key) as the channel received them.
        let got: Vec<(String, String, String)> = match channel {
            "sambat" => sambat_wb
                .iter()
                .filter(|w| w.aduan_id.to_string() == local)
                .map(|w| (w.status.clone(), w.isi.clone(), String::new()))
                .collect(),
            "call112" => notes
                .iter()
                .filter(|n| n.ticket_id == local)
                .map(|n| {
                    let key = n.idempotency_key.clone().unwrap_or_default();
                    (n.status.clone(), n.text.clone(), key)
                })
                .collect(),
            "sosmed" => {
                let (platform, post) = local.split_once(':').unwrap();
                replies
                    .iter()
                    .filter(|r| r.platform == platform && r.post_id == post)
                    .map(|r| {
                        let key = r.idempotency_key.clone().unwrap_or_default();
                        (String::new(), r.text.clone(), key)
                    })
                    .collect()
            }
            "ngombe" => {
                let row = rows
                    .get(tracking)
                    .unwrap_or_else(|| panic!("{ext} has no row in the status file"));
                let label = match fin.as_str() {
                    "selesai" => "Selesai",
                    "ditolak" => "Ditolak",
                    "diarsipkan" => "Diarsipkan",
                    other => panic!("{ext} ended at {other}"),
                };
                assert_eq!(row[col("status")], label, "{ext}: status file");
                let last = responses.last().map(|s| s.as_str()).unwrap_or("");
                assert_eq!(row[col("tanggapan")], last, "{ext}: latest response");
                checked += 1;
                continue;
            }
            other => panic!("unexpected channel {other}"),
        };
        // None twice: SAMBAT by content (its 409), the others by the write-back's key (every
        // request carries one; a repeat after a crash reuses it and is dropped).
        if channel != "sambat" {
            let keys: BTreeSet<&String> = got.iter().map(|g| &g.2).collect();
            assert_eq!(
                keys.len(),
                got.len(),
                "{ext}: a write-back key repeated: {got:#?}"
            );
        }
        let distinct: BTreeSet<&(String, String, String)> = got.iter().collect();
        assert_eq!(
            distinct.len(),
            got.len(),
            "{ext}: a write-back arrived twice: {got:#?}"
        );
        // Every response, in order: each expected response appears in exactly one write-back,
        // and they appear in the expected order.
        let mut pos = 0;
        for r in &responses {
            let hits: Vec<usize> = got
                .iter()
                .enumerate()
                .filter(|(_, g)| g.1.contains(r.as_str()))
                .map(|(i, _)| i)
                .collect();
            assert!(!hits.is_empty(), "{ext}: response missing: {r}\n{got:#?}");
            let after: Vec<usize> = hits.into_iter().filter(|&i| i >= pos).collect();
            assert!(
                !after.is_empty(),
                "{ext}: response out of order: {r}\n{got:#?}"
            );
            pos = after[0] + 1;
        }
        // Exactly the statuses, in order (SAMBAT drops an exact repeat with 409, so compare
        // after removing those).
        match channel {
            "sambat" => {
                let mut want_words: Vec<(String, Option<String>)> = Vec::new();
                for e in want {
                    let w = (sambat_word(&e.status).to_owned(), e.response.clone());
                    if !want_words.contains(&w) {
                        want_words.push(w);
                    }
                }
                let words: Vec<&str> = got.iter().map(|g| g.0.as_str()).collect();
                let want_w: Vec<&str> = want_words.iter().map(|w| w.0.as_str()).collect();
                assert_eq!(words, want_w, "{ext}: SAMBAT statuses");
            }
            "call112" => {
                let words: Vec<&str> = got.iter().map(|g| g.0.as_str()).collect();
                let want_w: Vec<&str> = want.iter().map(|e| e.status.as_str()).collect();
                assert_eq!(words, want_w, "{ext}: 112 note statuses");
            }
            _ => assert_eq!(got.len(), want.len(), "{ext}: replies"),
        }
        assert!(
            got.last().is_some_and(|g| match channel {
                "sambat" => g.0 == sambat_word(&fin),
                "call112" => g.0 == fin,
                _ => true,
            }),
            "{ext}: the last write-back carries the final status {fin}"
        );
        checked += got.len();
    }
    checked
}
