//! The catalogs: both languages define the same ids, every id the code asks for exists, and
//! every term a message uses is in the glossary.

use std::collections::BTreeSet;
use std::path::Path;

use fluent_bundle::FluentResource;
use fluent_syntax::ast;

use super::catalog::sources;
use super::Lang;

fn parse(lang: Lang, area: &str, text: &str) -> FluentResource {
    match FluentResource::try_new(text.to_string()) {
        Ok(r) => r,
        Err((_, errors)) => panic!(
            "locales/{}/{area}.ftl does not parse: {errors:?}",
            lang.code()
        ),
    }
}

/// Message ids and term ids (`-name`) of one file.
fn entries(res: &FluentResource) -> BTreeSet<String> {
    res.entries()
        .filter_map(|e| match e {
            ast::Entry::Message(m) => Some(m.id.name.to_string()),
            ast::Entry::Term(t) => Some(format!("-{}", t.id.name)),
            _ => None,
        })
        .collect()
}

#[test]
fn every_id_of_each_catalog_exists_in_the_other_in_the_same_file() {
    let (id, en) = (sources(Lang::Id), sources(Lang::English));
    assert_eq!(id.len(), en.len());
    let mut all = BTreeSet::new();
    for ((area, id_text), (en_area, en_text)) in id.iter().zip(en) {
        assert_eq!(area, en_area);
        // English help is clap's own (src/cli/help.rs checks the Indonesian is complete).
        if *area == "help" {
            continue;
        }
        let a = entries(&parse(Lang::Id, area, id_text));
        let b = entries(&parse(Lang::English, area, en_text));
        let only_id: Vec<_> = a.difference(&b).collect();
        let only_en: Vec<_> = b.difference(&a).collect();
        assert!(
            only_id.is_empty() && only_en.is_empty(),
            "{area}.ftl: only in id: {only_id:?}; only in en: {only_en:?}"
        );
        for e in a {
            assert!(
                all.insert(e.clone()),
                "{e} is defined in two files (second: {area}.ftl)"
            );
        }
    }
}

fn terms_in_pattern(p: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
    for el in &p.elements {
        if let ast::PatternElement::Placeable { expression } = el {
            terms_in_expression(expression, out);
        }
    }
}

fn terms_in_expression(e: &ast::Expression<&str>, out: &mut BTreeSet<String>) {
    match e {
        ast::Expression::Inline(i) => terms_in_inline(i, out),
        ast::Expression::Select { selector, variants } => {
            terms_in_inline(selector, out);
            for v in variants {
                terms_in_pattern(&v.value, out);
            }
        }
    }
}

fn terms_in_inline(i: &ast::InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match i {
        ast::InlineExpression::TermReference { id, .. } => {
            out.insert(format!("-{}", id.name));
        }
        ast::InlineExpression::Placeable { expression } => terms_in_expression(expression, out),
        _ => {}
    }
}

#[test]
fn every_term_a_message_uses_is_defined() {
    for lang in Lang::ALL {
        let mut defined = BTreeSet::new();
        let mut used = BTreeSet::new();
        for (area, text) in sources(lang) {
            let res = parse(lang, area, text);
            defined.extend(entries(&res));
            for e in res.entries() {
                let pattern = match e {
                    ast::Entry::Message(m) => m.value.as_ref(),
                    ast::Entry::Term(t) => Some(&t.value),
                    _ => None,
                };
                if let Some(p) = pattern {
                    terms_in_pattern(p, &mut used);
                }
            }
        }
        let missing: Vec<_> = used.difference(&defined).collect();
        assert!(missing.is_empty(), "{lang}: undefined terms {missing:?}");
    }
}

/// The string literal that follows `t!(<lang>, ` in `source`, for every such call.
fn ids_used(source: &str) -> Vec<String> {
    let mut out = vec![];
    for (at, _) in source.match_indices("t!(") {
        // `t!(` inside another identifier (e.g. `print!(`) is not ours.
        if at > 0 {
            let prev = source.as_bytes()[at - 1];
            if prev.is_ascii_alphanumeric() || prev == b'_' {
                continue;
            }
        }
        let rest = &source[at + 3..];
        let Some(q) = rest.find('"') else { continue };
        // Only literal ids directly after the language argument.
        if rest[..q].contains(';') || rest[..q].matches(',').count() != 1 {
            continue;
        }
        let Some(end) = rest[q + 1..].find('"') else {
            continue;
        };
        out.push(rest[q + 1..q + 1 + end].to_string());
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn every_id_the_code_uses_exists_in_both_catalogs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![];
    for dir in ["src", "tools/src"] {
        rust_files(&root.join(dir), &mut files);
    }
    let mut missing = vec![];
    let mut seen = 0;
    // This module's own tests hold made-up ids.
    files.retain(|f| !f.starts_with(root.join("src/i18n")));
    files.push(root.join("src/i18n/catalog.rs"));
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for id in ids_used(&text) {
            seen += 1;
            for lang in Lang::ALL {
                if !super::has(lang, &id) {
                    missing.push(format!("{}: {id} ({lang})", f.display()));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "ids missing from a catalog:\n{}",
        missing.join("\n")
    );
    let _ = seen;
}

#[test]
fn the_scan_finds_literal_ids_only() {
    let src = r#"t!(lang, "a-b"); t!(Lang::Id, "c", n = 1); print!("x"); t!(l, id_var);"#;
    assert_eq!(ids_used(src), ["a-b", "c"]);
}

#[test]
fn messages_take_numbers_the_languages_way() {
    // The formatter writes numbers passed to a message, so catalogs need no NUMBER() calls.
    let n = crate::t!(Lang::Id, "state-pending");
    assert_eq!(n, "menunggu");
    let mut args = super::FluentArgs::new();
    args.set("n", 1367);
    let id = super::message(Lang::Id, "test-count", Some(&args));
    let en = super::message(Lang::English, "test-count", Some(&args));
    assert_eq!(id, "test-count", "unknown ids come back as themselves");
    assert_eq!(en, "test-count");
    assert_eq!(
        super::catalog::format_number_for_test(Lang::Id, 1367.0, None),
        "1.367"
    );
    assert_eq!(
        super::catalog::format_number_for_test(Lang::English, 99.5, Some(1)),
        "99.5"
    );
    assert_eq!(
        super::catalog::format_number_for_test(Lang::Id, 99.5, Some(1)),
        "99,5"
    );
}

#[test]
fn lang_parses_codes_and_regions_and_names_the_fix() {
    assert_eq!(Lang::parse("id").unwrap(), Lang::Id);
    assert_eq!(Lang::parse("ID-id").unwrap(), Lang::Id);
    assert_eq!(Lang::parse("en_US").unwrap(), Lang::English);
    let e = Lang::parse("jv").unwrap_err().to_string();
    assert!(e.contains("\"id\"") && e.contains("\"en\""), "{e}");
    assert_eq!(Lang::default(), Lang::Id);
}
