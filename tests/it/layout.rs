//! The shape the architecture promises: no source file over 600 lines (test files aside), and
//! no import circle between the crate's top-level modules or between the files of `config/`
//! (`scripts/module-graph.py` draws the graph from the `crate::` paths).

use std::path::{Path, PathBuf};
use std::process::Command;

const LIMIT: usize = 600;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn is_test_file(path: &Path) -> bool {
    let name = path.file_name().unwrap().to_string_lossy();
    name == "tests.rs"
        || name.ends_with("_tests.rs")
        || path.components().any(|c| c.as_os_str() == "tests")
}

#[test]
fn no_source_file_is_over_600_lines() {
    let mut files = Vec::new();
    for dir in ["src", "mocks/src", "tools/src"] {
        rust_files(&root().join(dir), &mut files);
    }
    assert!(files.len() > 100, "found only {} source files", files.len());
    let over: Vec<String> = files
        .iter()
        .filter(|f| !is_test_file(f))
        .filter_map(|f| {
            let n = std::fs::read_to_string(f).unwrap().lines().count();
            (n > LIMIT).then(|| format!("{}: {n} lines", f.display()))
        })
        .collect();
    assert!(over.is_empty(), "over {LIMIT} lines: {over:#?}");
}

#[test]
fn no_import_circle_between_modules_or_inside_config() {
    for args in [&[][..], &["--sub", "config"][..]] {
        let out = Command::new("python3")
            .arg(root().join("scripts/module-graph.py"))
            .args(args)
            .output()
            .expect("python3 runs scripts/module-graph.py");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "module-graph.py {args:?}:\n{text}");
        assert!(text.contains("no import circle"), "{text}");
    }
}
