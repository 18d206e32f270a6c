//! The Debian package's generated and maintainer files: completions and man pages from the
//! CLI (scripts/gen-package-files.sh), every generated file an asset of the package, the
//! postinst's user creation without systemd-sysusers (adduser, else useradd), and what
//! `dpkg --purge` removes and says it keeps.

use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_lapor-bridge");

fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

/// The visible subcommands, as the binary's help lists them.
const SUBCOMMANDS: &[&str] = &[
    "run",
    "check-config",
    "dead-letters",
    "status",
    "show",
    "dry-run",
    "report",
    "privacy",
];

#[test]
fn the_generated_man_pages_and_completions_cover_every_subcommand() {
    let out = tempfile::tempdir().unwrap();
    let st = Command::new("sh")
        .arg(repo("scripts/gen-package-files.sh"))
        .env("LAPOR_BRIDGE_BIN", BIN)
        .env("OUT", out.path())
        .status()
        .unwrap();
    assert!(st.success());
    let gunzip = |p: &Path| {
        let o = Command::new("gzip").arg("-dc").arg(p).output().unwrap();
        assert!(o.status.success(), "{}", p.display());
        String::from_utf8(o.stdout).unwrap()
    };
    let main = gunzip(&out.path().join("man/lapor-bridge.1.gz"));
    assert!(main.contains(".TH lapor-bridge 1"), "{main}");
    let bash = std::fs::read_to_string(out.path().join("completions/lapor-bridge")).unwrap();
    let zsh = std::fs::read_to_string(out.path().join("completions/_lapor-bridge")).unwrap();
    let fish = std::fs::read_to_string(out.path().join("completions/lapor-bridge.fish")).unwrap();
    for sub in SUBCOMMANDS {
        // roff escapes '-' as '\-'.
        let roff = format!("lapor\\-bridge\\-{}(1)", sub.replace('-', "\\-"));
        assert!(main.contains(&roff), "{roff} not in the man page:\n{main}");
        let page = gunzip(&out.path().join(format!("man/lapor-bridge-{sub}.1.gz")));
        assert!(page.contains(".SH SYNOPSIS"), "{sub}: {page}");
        assert!(bash.contains(sub), "{sub} not in the bash completion");
        assert!(
            zsh.contains(sub) && fish.contains(sub),
            "{sub} not in zsh/fish"
        );
    }
    // A subcommand's own options are completed (dead-letters' actions).
    assert!(bash.contains("acknowledge") && bash.contains("--store"));
    // Hidden commands are not advertised.
    for hidden in ["completions", "manpage", "demo", "bench"] {
        assert!(
            !main.contains(&format!("lapor\\-bridge\\-{hidden}(1)")),
            "{hidden}"
        );
    }
    // The page for `dead-letters` documents its options.
    let dl = gunzip(&out.path().join("man/lapor-bridge-dead-letters.1.gz"));
    assert!(dl.contains("\\-\\-store"), "{dl}");
}

#[test]
fn every_generated_file_is_a_package_asset() {
    let cargo: toml::Table =
        toml::from_str(&std::fs::read_to_string(repo("Cargo.toml")).unwrap()).unwrap();
    let assets = cargo["package"]["metadata"]["deb"]["assets"]
        .as_array()
        .unwrap();
    let pairs: Vec<(String, String)> = assets
        .iter()
        .map(|a| {
            (
                a[0].as_str().unwrap().to_owned(),
                a[1].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for (src, dst) in [
        (
            "target/package/completions/lapor-bridge",
            "usr/share/bash-completion/completions/lapor-bridge",
        ),
        (
            "target/package/completions/_lapor-bridge",
            "usr/share/zsh/vendor-completions/_lapor-bridge",
        ),
        (
            "target/package/completions/lapor-bridge.fish",
            "usr/share/fish/vendor_completions.d/lapor-bridge.fish",
        ),
        ("target/package/man/*.1.gz", "usr/share/man/man1/"),
    ] {
        assert!(
            pairs.contains(&(src.to_owned(), dst.to_owned())),
            "{src} → {dst} missing in {pairs:?}"
        );
    }
}

/// A PATH with stubs: each records its arguments in `calls`; `getent` finds no user.
fn stub_path(dir: &Path, with_adduser: bool) -> String {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let calls = dir.join("calls");
    let mut tools = vec!["getent", "useradd", "systemd-tmpfiles", "install"];
    if with_adduser {
        tools.push("adduser");
    }
    for t in tools {
        let rc = if t == "getent" { 2 } else { 0 };
        let p = bin.join(t);
        std::fs::write(
            &p,
            format!(
                "#!/bin/sh\necho \"{t} $*\" >>'{}'\nexit {rc}\n",
                calls.display()
            ),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    // Only the stubs and the shell's own basics: no system adduser or useradd.
    let sh_dir = dir.join("sh");
    std::fs::create_dir_all(&sh_dir).unwrap();
    std::os::unix::fs::symlink("/bin/sh", sh_dir.join("sh")).unwrap();
    format!("{}:{}", bin.display(), sh_dir.display())
}

fn run_postinst(with_adduser: bool) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = stub_path(dir.path(), with_adduser);
    let st = Command::new("/bin/sh")
        .arg(repo("config/debian/postinst"))
        .arg("configure")
        .env_clear()
        .env("PATH", path)
        .status()
        .unwrap();
    assert!(st.success());
    std::fs::read_to_string(dir.path().join("calls")).unwrap()
}

#[test]
fn postinst_creates_the_user_with_adduser_or_else_useradd() {
    let calls = run_postinst(true);
    let add = calls
        .lines()
        .find(|l| l.starts_with("adduser "))
        .expect(&calls);
    for opt in [
        "--system",
        "--group",
        "--home /var/lib/lapor-bridge",
        "--no-create-home",
        "--shell /usr/sbin/nologin",
    ] {
        assert!(add.contains(opt), "{opt} missing: {add}");
    }
    assert!(add.ends_with(" lapor-bridge"), "{add}");
    assert!(!calls.contains("useradd"), "{calls}");
    assert!(
        calls.contains("install -d -m 0750 -o lapor-bridge -g lapor-bridge /var/lib/lapor-bridge"),
        "{calls}"
    );

    let calls = run_postinst(false);
    let add = calls
        .lines()
        .find(|l| l.starts_with("useradd "))
        .expect(&calls);
    for opt in [
        "--system",
        "--user-group",
        "--home-dir /var/lib/lapor-bridge",
        "--no-create-home",
        "--shell /usr/sbin/nologin",
    ] {
        assert!(add.contains(opt), "{opt} missing: {add}");
    }
}

#[test]
fn postrm_purge_removes_the_credentials_and_says_what_it_keeps() {
    let root = tempfile::tempdir().unwrap();
    let creds = root.path().join("etc/lapor-bridge/credentials");
    std::fs::create_dir_all(&creds).unwrap();
    std::fs::write(creds.join("lapor-client-secret"), "rahasia").unwrap();
    let store = root.path().join("var/lib/lapor-bridge");
    std::fs::create_dir_all(&store).unwrap();
    std::fs::write(store.join("lapor-bridge.db"), "x").unwrap();
    let run = |arg: &str| {
        let o = Command::new("/bin/sh")
            .arg(repo("config/debian/postrm"))
            .arg(arg)
            .env("LAPOR_BRIDGE_ROOT", root.path())
            .output()
            .unwrap();
        assert!(o.status.success());
        String::from_utf8(o.stderr).unwrap()
    };
    // remove: nothing touched, nothing said.
    assert_eq!(run("remove"), "");
    assert!(creds.join("lapor-client-secret").exists());
    let said = run("purge");
    assert!(!creds.exists(), "credentials kept");
    assert!(
        !root.path().join("etc/lapor-bridge").exists(),
        "empty /etc/lapor-bridge kept"
    );
    assert!(
        store.join("lapor-bridge.db").exists(),
        "the store must stay"
    );
    assert!(
        said.contains("removed the credentials in /etc/lapor-bridge/credentials"),
        "{said}"
    );
    assert!(said.contains("kept /var/lib/lapor-bridge"), "{said}");
    assert!(said.contains("rm -r /var/lib/lapor-bridge"), "{said}");
    assert!(!said.contains("rahasia"));
}
