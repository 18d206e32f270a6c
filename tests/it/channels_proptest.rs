//! Property tests for the new channel kinds: the CSV reader, the webhook body parser and
//! signature check, and declarative mapping. No input panics; every record that maps gives a
//! payload the contract accepts, and every one that does not has a reason.

use lapor_bridge::config::{self, ChannelKind, DeclMapping};
use lapor_bridge::domain::RecordKey;
use lapor_bridge::mapping::declarative::map_decl;
use lapor_bridge::mapping::{check_payload, ReferenceIds};
use lapor_bridge::wire::{csv as wire_csv, webhook};
use lapor_tools::demo::DEMO_TOML;
use proptest::prelude::*;
use serde_json::{json, Value};

fn mapping(channel: &str) -> DeclMapping {
    let c = config::load_from_str(DEMO_TOML, &[]).unwrap();
    let ch = c
        .channels
        .into_iter()
        .find(|c| c.name.as_str() == channel)
        .unwrap();
    match ch.kind {
        ChannelKind::Webhook(w) => w.mapping,
        ChannelKind::CsvFolder(f) => f.mapping,
        ChannelKind::Sambat(_) => unreachable!(),
    }
}

fn columns() -> Vec<String> {
    [
        "no",
        "tanggal",
        "nama",
        "telepon",
        "kecamatan",
        "kelurahan",
        "kategori",
        "uraian",
        "opd_tujuan",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// Text with the characters that break CSV and mapping: delimiters, quotes, line breaks,
/// non-ASCII, control characters.
fn nasty() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just(";".to_owned()),
            Just(",".to_owned()),
            Just("\"".to_owned()),
            Just("\n".to_owned()),
            Just("\r\n".to_owned()),
            Just(" ".to_owned()),
            Just("é".to_owned()),
            Just("\u{0}".to_owned()),
            "[a-zA-Z0-9/:.@+-]{1,12}",
        ],
        0..12,
    )
    .prop_map(|v| v.concat())
}

fn check_verdict(
    r: Result<lapor_bridge::mapping::Mapped, Vec<lapor_bridge::domain::FieldProblem>>,
) -> Result<(), TestCaseError> {
    match r {
        Ok(m) => {
            let problems = check_payload(&m.payload);
            prop_assert!(
                problems.is_empty(),
                "mapped payload breaks the contract: {problems:?}"
            );
            // And it serialises as the create body.
            prop_assert!(serde_json::to_vec(&m.payload).is_ok());
        }
        Err(problems) => prop_assert!(!problems.is_empty(), "held without a reason"),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn the_csv_reader_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let _ = wire_csv::read(&bytes, &columns());
        let _ = wire_csv::read(&bytes, &[]);
    }

    #[test]
    fn csv_fields_round_trip_whatever_they_hold(
        delim in prop_oneof![Just(b';'), Just(b',')],
        bom in any::<bool>(),
        rows in prop::collection::vec(prop::collection::vec(nasty(), 9), 1..6),
    ) {
        let mut all = vec![columns()];
        all.extend(rows.iter().cloned());
        let mut bytes = if bom { b"\xEF\xBB\xBF".to_vec() } else { Vec::new() };
        bytes.extend(wire_csv::write(delim, &all));
        let f = wire_csv::read(&bytes, &columns()).unwrap();
        prop_assert_eq!(f.delimiter, delim);
        // Blank rows (every field whitespace) are skipped; every other row comes back.
        let expected: Vec<&Vec<String>> = rows
            .iter()
            .filter(|r| !r.iter().all(|x| x.bytes().all(|b| b.is_ascii_whitespace())))
            .collect();
        prop_assert_eq!(f.rows.len() + f.errors.len(), expected.len());
        for (got, want) in f.rows.iter().zip(expected) {
            for (i, c) in columns().iter().enumerate() {
                prop_assert_eq!(&got.fields[c], want[i].trim());
            }
        }
        // Line numbers only grow.
        let lines: Vec<u64> = f.rows.iter().map(|r| r.line).collect();
        prop_assert!(lines.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn the_webhook_body_parser_and_signature_check_never_panic(
        body in prop::collection::vec(any::<u8>(), 0..400),
        ts in prop::option::of("[0-9-]{0,14}"),
        sig in prop::option::of("(sha256=)?[0-9a-fA-F]{0,70}"),
    ) {
        let ids = vec!["/ticket_id".to_owned()];
        let _ = webhook::parse_body(&body, &ids);
        let _ = webhook::verify(b"k", ts.as_deref(), sig.as_deref(), &body, 1_700_000_000, 300);
    }

    #[test]
    fn json_bodies_parse_or_name_the_problem(v in arb_json()) {
        let ids = vec!["/ticket_id".to_owned()];
        let bytes = serde_json::to_vec(&v).unwrap();
        match webhook::parse_body(&bytes, &ids) {
            Ok((parsed, id)) => {
                prop_assert_eq!(&parsed, &v);
                prop_assert!(!id.is_empty());
            }
            Err(e) => prop_assert!(!e.message.is_empty()),
        }
    }

    #[test]
    fn any_112_ticket_maps_to_a_valid_payload_or_is_held_with_a_reason(
        summary in nasty(), notes in nasty(), name in nasty(), phone in nasty(),
        category in prop_oneof![Just("keluhan-layanan/sampah".to_owned()), Just("keluhan-layanan/x".to_owned()), nasty()],
        call_time in prop_oneof![Just("2024-07-29T08:15:00+07:00".to_owned()), Just("2099-01-01T00:00:00Z".to_owned()), nasty()],
        lat in prop::option::of(-200.0f64..200.0), lon in prop::option::of(-200.0f64..200.0),
        address in nasty(),
        with_location in any::<bool>(),
    ) {
        let m = mapping("call112");
        let raw = json!({
            "ticket_id": "112-1", "call_time": call_time,
            "caller": {"name": name, "phone": phone}, "category": category,
            "summary": summary, "notes": notes,
            "location": if with_location { json!({"address": address, "lat": lat, "lon": lon}) } else { Value::Null },
            "agent": "op"
        });
        let key = RecordKey::parse("call112:112-1").unwrap();
        check_verdict(map_decl(&key, &raw, &m, &ReferenceIds::default(), jiff::Timestamp::now()))?;
    }

    #[test]
    fn any_post_maps_to_a_valid_payload_or_is_held_with_a_reason(
        text in nasty(), handle in nasty(),
        media in prop::collection::vec(prop_oneof![Just("https://x.example/a.jpg".to_owned()), Just("https://x.example/v.mp4".to_owned()), nasty()], 0..8),
        posted_at in prop_oneof![Just("2024-07-29T08:15:00+07:00".to_owned()), nasty()],
    ) {
        let m = mapping("sosmed");
        let raw = json!({"platform": "x", "post_id": "1", "author": {"handle": handle, "name": null},
                         "text": text, "media": media, "posted_at": posted_at, "permalink": ""});
        let key = RecordKey::parse("sosmed:x:1").unwrap();
        check_verdict(map_decl(&key, &raw, &m, &ReferenceIds::default(), jiff::Timestamp::now()))?;
    }

    #[test]
    fn any_csv_row_maps_to_a_valid_payload_or_is_held_with_a_reason(fields in prop::collection::vec(nasty(), 9)) {
        let m = mapping("ngombe");
        let raw = Value::Object(columns().into_iter().zip(fields).map(|(k, v)| (k, Value::String(v))).collect());
        let key = RecordKey::parse("ngombe:20240729-1-abcd").unwrap();
        check_verdict(map_decl(&key, &raw, &m, &ReferenceIds::default(), jiff::Timestamp::now()))?;
    }
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|i| json!(i)),
        nasty().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![Just("ticket_id".to_owned()), "[a-z]{1,6}"],
                inner,
                0..4
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}
