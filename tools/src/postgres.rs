//! A throwaway PostgreSQL cluster for tests and benchmarks: Debian's server binaries
//! (`scripts/ensure-postgres.sh` installs them when missing), a data folder in a temporary
//! directory, a free port on 127.0.0.1, and password authentication for TCP, so the bridge's
//! tests connect the way a city's server does. Stopped and removed on drop. No container and
//! no system service. The server is this process's child and dies with it.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The superuser of the test cluster and its password (a test cluster on loopback only).
pub const USER: &str = "lapor";
pub const PASSWORD: &str = "uji-sandi-lokal";

pub struct TestPostgres {
    /// The server, started directly (not daemonised by pg_ctl), so it cannot outlive the
    /// test: killed on drop, and by the kernel if the test process dies first.
    server: Option<std::process::Child>,
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    /// Debian's `postgres` user, when the tests run as root (initdb and postgres refuse root).
    owner: Option<(u32, u32)>,
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
        let owner = if unsafe { libc::geteuid() } == 0 {
            Some(give_to_postgres(dir.path(), &data, &pwfile)?)
        } else {
            None
        };
        let port = free_port()?;
        let mut cluster = TestPostgres {
            server: None,
            dir,
            bin,
            port,
            owner,
        };
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
        let log = cluster.dir.path().join("server.log");
        let log_file = std::fs::File::create(&log).map_err(|e| e.to_string())?;
        if let Some((uid, gid)) = owner {
            let _ = std::os::unix::fs::chown(&log, Some(uid), Some(gid));
        }
        let mut cmd = cluster.command("postgres");
        // fsync off: a test kills the bridge's processes, never the machine.
        cmd.args(["-D", &path_str(&data), "-k", &path_str(cluster.dir.path())])
            .args([
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                &format!("port={port}"),
            ])
            .args(["-c", "fsync=off", "-c", "synchronous_commit=off"])
            .args(["-c", "full_page_writes=off", "-c", "max_connections=200"])
            .stdout(log_file.try_clone().map_err(|e| e.to_string())?)
            .stderr(log_file);
        // The kernel kills the server when the thread that started it ends (the test's
        // thread, or the bench's runtime worker): never start one from a short-lived thread.
        // SAFETY: prctl is async-signal-safe; nothing else runs between fork and exec.
        unsafe {
            use std::os::unix::process::CommandExt;
            cmd.pre_exec(|| {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        cluster.server = Some(
            cmd.spawn()
                .map_err(|e| format!("cannot start postgres: {e}"))?,
        );
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let ready = cluster
                .command("pg_isready")
                .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-q"])
                .status()
                .is_ok_and(|s| s.success());
            if ready {
                break;
            }
            let exited = cluster
                .server
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten());
            if exited.is_some() || std::time::Instant::now() > deadline {
                let server_log = std::fs::read_to_string(&log).unwrap_or_default();
                return Err(format!(
                    "postgres did not accept connections ({exited:?})\nserver log:\n{server_log}"
                ));
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Ok(cluster)
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

    /// A client of the database at `url` (one of [`Self::create_database`]'s), with the
    /// cluster's password, its connection driven on the current runtime.
    pub async fn connect(url: &str) -> tokio_postgres::Client {
        let mut config: tokio_postgres::Config = url.parse().expect("a cluster address");
        config.password(PASSWORD);
        let (client, conn) = config
            .connect(tokio_postgres::NoTls)
            .await
            .expect("the test cluster accepts its own user");
        tokio::spawn(conn);
        client
    }

    /// One of the server's programs, as the cluster's owner.
    fn command(&self, tool: &str) -> Command {
        use std::os::unix::process::CommandExt;
        let mut cmd = Command::new(self.bin.join(tool));
        if let Some((uid, gid)) = self.owner {
            cmd.uid(uid).gid(gid);
        }
        cmd.current_dir(self.dir.path()).stdin(Stdio::null());
        cmd
    }

    fn run(&self, tool: &str, args: &[&str]) -> Result<(), String> {
        let out = self
            .command(tool)
            .args(args)
            .output()
            .map_err(|e| format!("cannot run {tool}: {e}"))?;
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
        if let Some(mut server) = self.server.take() {
            // SIGQUIT: PostgreSQL's immediate shutdown, which also ends its backends.
            // SAFETY: a signal to our own child, which has not been waited for yet.
            unsafe {
                libc::kill(server.id() as libc::pid_t, libc::SIGQUIT);
            }
            let _ = server.wait();
        }
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

fn give_to_postgres(dir: &Path, data: &Path, pwfile: &Path) -> Result<(u32, u32), String> {
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
        .map_err(|e| e.to_string())?;
    Ok((uid, gid))
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}
