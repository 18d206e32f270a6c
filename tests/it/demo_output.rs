//! The quick start's output, in both languages: it finishes, every line fits 100 columns, it
//! speaks the language asked for, and its closing hints point only at stores that exist.

use lapor_bridge::i18n::Lang;
use lapor_tools::demo::{demo, DemoArgs, Out};

async fn run_demo(lang: Lang, store: Option<std::path::PathBuf>) -> (bool, String) {
    let args = DemoArgs {
        records: 40,
        store,
        timeout_secs: 240,
        quiet: false,
        lang: Some(lang),
    };
    let mut buf: Vec<u8> = Vec::new();
    let done = {
        let mut out = Out::new(&mut buf, false);
        demo(args, &mut out).await.expect("the demo runs")
    };
    (done, String::from_utf8(buf).expect("UTF-8 output"))
}

fn assert_fits(text: &str) {
    for line in text.lines() {
        let width = line.chars().count();
        assert!(width <= 100, "{width} columns: {line:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_demo_speaks_indonesian_within_100_columns() {
    let (done, text) = run_demo(Lang::Id, None).await;
    assert!(done, "the demo did not finish:\n{text}");
    assert_fits(&text);
    assert!(text.contains(" dtk  diterima "), "{text}");
    assert!(text.contains("gagal terkirim"), "{text}");
    assert!(
        !text.contains("received"),
        "English in the Indonesian demo:\n{text}"
    );
    // The temporary store is gone: no hint names its path.
    assert!(!text.contains("demo.db"), "{text}");
    assert!(text.contains("--store FILE"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_demo_in_english_points_at_the_store_it_kept() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("kept.db");
    let (done, text) = run_demo(Lang::English, Some(store.clone())).await;
    assert!(done, "the demo did not finish:\n{text}");
    assert_fits(&text);
    assert!(text.contains("  received "), "{text}");
    assert!(store.exists());
    let hint = format!("dead-letters --store {} list", store.display());
    assert!(text.contains(&hint), "{text}");
}
