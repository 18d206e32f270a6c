//! Loopback mocks of the remote systems lapor-bridge talks to: the SP4N-LAPOR!
//! integration API ([`lapor`]), SAMBAT Online ([`sambat`]), and the write-back APIs of
//! the pushed channels: the Call Center 112 note API ([`call112`]) and the social-media
//! desk's reply API ([`desk`]). They run in-process on an ephemeral port (tests, `demo`,
//! `bench`) or as the `lapor-mock` / `sambat-mock` / `channel-mocks` binaries.

pub mod call112;
mod channel;
pub mod clock;
pub mod desk;
pub mod lapor;
pub mod reference;
pub mod sambat;
mod server;
pub mod telegram;

pub use call112::{Call112Counters, Call112Mock, Call112MockConfig, Note, NotesFaults};
pub use channel::{ChannelCounters, ChannelFaults};
pub use desk::{DeskCounters, DeskFaults, DeskMock, DeskMockConfig, Reply};
pub use lapor::{
    Faults, FeedUpdate, Instansi, Kategori, LaporCounters, LaporMock, LaporMockConfig,
    LifecycleConfig, MockComplaint,
};
pub use sambat::{SambatCounters, SambatFaults, SambatMock, SambatMockConfig, WriteBack};
pub use telegram::{
    SentMessage, TelegramCounters, TelegramFault, TelegramMock, TelegramMockConfig,
};

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
