//! No secret, NIK, phone number, e-mail or name in any log line at any level: the real
//! `lapor-bridge run` at TRACE, through forwarding, holds, dead letters, resets and retries.

use crate::common;

use std::time::{Duration, Instant};

use common::{counts, Env};
use lapor_mocks::lapor::{Faults, LaporMockConfig};
use serde_json::json;

const NIK: &str = "3573014407850003";
const PHONE_DIGITS: &str = "81357924680";
const EMAIL: &str = "dewi.lestari.pelapor@example.id";
const NAME: &str = "Dewi Lestari Wulandari";

fn personal(kategori: &str, hp: &str) -> serde_json::Value {
    json!({
        "judul": "Sampah menumpuk di pinggir jalan",
        "isi": "Sampah menumpuk di pinggir Jl. Mayjen Panjaitan sudah seminggu tidak diangkut petugas.",
        "kategori": kategori, "opd": "DLH", "kecamatan": "Klojen", "kelurahan": "Penanggungan",
        "alamat": "Jl. Mayjen Panjaitan", "anonim": false, "rahasia": true, "foto": [],
        "pelapor": {"nama": NAME, "nik": NIK, "hp": hp, "email": EMAIL}, "status": "baru"
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_at_trace_carry_no_secrets_and_no_personal_data() {
    let env = Env::start(LaporMockConfig {
        quota_per_minute: None,
        faults: Faults {
            reset_after_create_probability: 0.3,
            error_5xx_probability: 0.2,
            ..Faults::default()
        },
        ..LaporMockConfig::default()
    })
    .await;
    for hp in [
        "0813-5792-4680",
        "+62 813 5792 4680",
        "6281357924680",
        "not-a-phone 0813579",
    ] {
        env.sambat.insert(personal("Sampah", hp));
    }
    env.sambat
        .insert(personal("Kategori Tak Dikenal", "081357924680"));
    // LAPOR! refuses this one (422), so its field errors are logged.
    env.sambat.insert(personal("Drainase", "081357924680"));
    let log_path = env.dir.path().join("trace.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let extra = [(
        "LAPOR_BRIDGE__CHANNELS__SAMBAT__MAPPING__KATEGORI__DRAINASE",
        "999999".into(),
    )];
    let mut child = common::bridge_run(&env, &extra, &log)
        .env("RUST_LOG", "trace")
        .spawn()
        .unwrap();
    let store = common::open_store(&env.store_path());
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let c = counts(&store);
        if c.received == 6 && c.pending == 0 {
            // The Drainase record is held (its kategori is not in LAPOR!'s cached list) or,
            // when it is sent before the first reference fetch, dead with LAPOR!'s 422.
            assert_eq!((c.forwarded, c.held + c.dead), (4, 2), "{c:?}");
            break;
        }
        assert!(Instant::now() < deadline, "records did not settle: {c:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(child.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    child.wait().unwrap();

    let text = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        text.lines().count() > 50,
        "a trace log was written ({} lines)",
        text.lines().count()
    );
    assert!(text.contains("forwarded"), "the log is about the records");
    let digits_only: String = text.chars().filter(|c| c.is_ascii_digit()).collect();
    for (what, needle) in [
        ("NIK", NIK),
        ("e-mail", EMAIL),
        ("name", NAME),
        ("LAPOR! client secret", "rahasia-demo"),
        ("SAMBAT API key", "sambat-demo-key"),
        ("phone", "0813-5792-4680"),
        ("phone", "813 5792 4680"),
    ] {
        assert!(!text.contains(needle), "the log contains a {what}");
    }
    assert!(
        !digits_only.contains(PHONE_DIGITS),
        "the log contains a phone number's digits"
    );
    assert!(
        !digits_only.contains(NIK),
        "the log contains a NIK's digits"
    );
}
