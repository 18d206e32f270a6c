//! Loopback mocks of the two remote systems lapor-bridge talks to: the SP4N-LAPOR!
//! integration API ([`lapor`]) and SAMBAT Online ([`sambat`]). They run in-process on
//! an ephemeral port (tests, `demo`, `bench`) or as the `lapor-mock` / `sambat-mock`
//! binaries.

pub mod clock;
pub mod lapor;
pub mod reference;
pub mod sambat;
mod server;

pub use lapor::{
    Faults, Instansi, Kategori, LaporCounters, LaporMock, LaporMockConfig, LifecycleConfig,
    MockComplaint,
};
pub use sambat::{SambatCounters, SambatFaults, SambatMock, SambatMockConfig, WriteBack};

/// Resolves on Ctrl-C or (on Unix) SIGTERM; used by the mock binaries.
///
/// The handlers are installed when this is called, not when first polled, so a binary
/// can call it before printing its `listening` line: whoever reads that line and sends
/// SIGTERM at once gets a clean shutdown rather than the default kill.
pub fn wait_for_termination() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let term = signal(SignalKind::terminate());
        let int = signal(SignalKind::interrupt());
        async move {
            match (term, int) {
                (Ok(mut term), Ok(mut int)) => {
                    tokio::select! {
                        _ = term.recv() => {}
                        _ = int.recv() => {}
                    }
                }
                _ => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
