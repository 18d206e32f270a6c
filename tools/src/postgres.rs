//! A throwaway PostgreSQL cluster for tests and benchmarks: Debian's server binaries
//! (`scripts/ensure-postgres.sh` installs them when missing), a data folder in a temporary
//! directory, a free port on 127.0.0.1, and password authentication for TCP, so the bridge's
//! tests connect the way a city's server does. Stopped and removed on drop. No container and
//! no system service.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The superuser of the test cluster and its password (a test cluster on loopback only).
pub const USER: &str = "lapor";
pub const PASSWORD: &str = "uji-sandi-lokal";

pub struct TestPostgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
}

impl TestPostgres {
    /// Starts a cluster and waits until it accepts connections. `Err` says what failed, with
    /// the server's own log when it did not start.
    pub fn start() -> Result<TestPostgres, String> {
        let bin = server_binaries()?;
        let dir = tempfile::Builder::new()
            .prefix("lapor-pg-")
            .tempdir()
            .map_err(|e| format!("cannot make a folder for the cluster: {e}"))?;
        let data = dir.path().join("data");
        std::fs::create_dir(&data).map_err(|e| e.to_string())?;
        let pwfile = dir.path().join("pwfile");
        std::fs::write(&pwfile, PASSWORD).map_err(|e| e.to_string())?;
        let as_root = unsafe { libc::geteuid() } == 0;
        if as_root {
            // initdb and postgres refuse to run as root: the cluster belongs to Debian's
            // `postgres` user, who must be able to reach the folder.
            give_to_postgres(dir.path(), &data, &pwfile)?;
        }
        let port = free_port()?;
        let cluster = TestPostgres { dir, bin, port };
        cluster.run(
            "initdb",
            &[
                "-D",
                &path_str(&data),
                "-U",
                USER,
                "--pwfile",
                &path_str(&pwfile),
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ],
        )?;
        // fsync off: a test kills the bridge's processes, never the machine.
        let options = format!(
            "-c listen_addresses=127.0.0.1 -c port={port} -k {} -c fsync=off \
             -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
            path_str(cluster.dir.path())
        );
        let log = cluster.dir.path().join("server.log");
        if let Err(e) = cluster.run(
            "pg_ctl",
            &[
                "-D",
                &path_str(&data),
                "-l",
                &path_str(&log),
                "-o",
                &options,
                "-w",
                "-t",
                "60",
                "start",
            ],
        ) {
            let server_log = std::fs::read_to_string(&log).unwrap_or_default();
            return Err(format!("{e}\nserver log:\n{server_log}"));
        }
        Ok(cluster)
    }

    /// The address of the cluster's `postgres` database, without the password.
    pub fn url(&self) -> String {
        format!("postgres://{USER}@127.0.0.1:{}/postgres", self.port)
    }

    /// A new empty database in the cluster, and its address (without the password).
    pub fn create_database(&self, name: &str) -> Result<String, String> {
        self.run(
            "createdb",
            &[
                "-h",
                &path_str(self.dir.path()),
                "-p",
                &self.port.to_string(),
                "-U",
                USER,
                name,
            ],
        )?;
        Ok(format!("postgres://{USER}@127.0.0.1:{}/{name}", self.port))
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    fn run(&self, tool: &str, args: &[&str]) -> Result<(), String> {
        let exe = self.bin.join(tool);
        let mut cmd = if unsafe { libc::geteuid() } == 0 {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&exe);
            c
        } else {
            Command::new(&exe)
        };
        let out = cmd
            .args(args)
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{tool} failed ({}): {}{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }
}

impl Drop for TestPostgres {
    fn drop(&mut self) {
        let data = path_str(&self.dir.path().join("data"));
        let _ = self.run("pg_ctl", &["-D", &data, "-m", "immediate", "-w", "stop"]);
    }
}

fn path_str(p: &Path) -> String {
    p.display().to_string()
}

/// The folder of initdb, pg_ctl and postgres, installing Debian's package when missing.
fn server_binaries() -> Result<PathBuf, String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/ensure-postgres.sh");
    let out = Command::new("sh")
        .arg(&script)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
    if !out.status.success() {
        return Err(format!(
            "{} could not provide PostgreSQL's server binaries",
            script.display()
        ));
    }
    Ok(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
}

fn give_to_postgres(dir: &Path, data: &Path, pwfile: &Path) -> Result<(), String> {
    use std::ffi::CString;
    use std::os::unix::fs::PermissionsExt;
    let user = CString::new("postgres").expect("no NUL");
    // SAFETY: getpwnam with a valid C string; the result is read at once, before any other
    // call that could reuse its static buffer.
    let (uid, gid) = unsafe {
        let pw = libc::getpwnam(user.as_ptr());
        if pw.is_null() {
            return Err(
                "there is no `postgres` user (Debian's postgresql package makes it)".into(),
            );
        }
        ((*pw).pw_uid, (*pw).pw_gid)
    };
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| e.to_string())?;
    for p in [dir, data, pwfile] {
        std::os::unix::fs::chown(p, Some(uid), Some(gid))
            .map_err(|e| format!("cannot give {} to postgres: {e}", p.display()))?;
    }
    std::fs::set_permissions(data, std::fs::Permissions::from_mode(0o700))
        .map_err(|e| e.to_string())
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}
