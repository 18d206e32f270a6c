//! The demo's other side of the sync: the Call Center 112 and social-media desk mocks that
//! take write-backs, the configuration pointing at them, and the write-back summary.

use lapor_mocks::call112::{Call112Mock, Call112MockConfig};
use lapor_mocks::desk::{DeskMock, DeskMockConfig};

use lapor_bridge::store::Store;

pub struct ChannelMocks {
    pub call112: Call112Mock,
    pub desk: DeskMock,
}

impl ChannelMocks {
    /// Starts both; the 112 mock knows the tickets the demo will send (`n_112` of them).
    pub async fn start(n_112: usize) -> Result<Self, String> {
        let call112 = Call112Mock::start(Call112MockConfig::default())
            .await
            .map_err(|e| format!("112 mock: {e}"))?;
        for i in 0..n_112 {
            if let Some(id) = super::channels::ticket(i)["ticket_id"].as_str() {
                call112.add_ticket(id);
            }
        }
        let desk = DeskMock::start(DeskMockConfig::default())
            .await
            .map_err(|e| format!("desk mock: {e}"))?;
        Ok(Self { call112, desk })
    }

    /// Configuration overrides turning the 112 and desk write-backs on, at these mocks.
    pub fn overrides(&self) -> Vec<(&'static str, String)> {
        vec![
            (
                "LAPOR_BRIDGE__CHANNELS__CALL112__WRITEBACK__ENABLED",
                "true".into(),
            ),
            (
                "LAPOR_BRIDGE__CHANNELS__CALL112__WRITEBACK__URL",
                format!("{}/tickets/{{/ticket_id}}/notes", self.call112.base_url()),
            ),
            (
                "LAPOR_BRIDGE__CHANNELS__SOSMED__WRITEBACK__ENABLED",
                "true".into(),
            ),
            (
                "LAPOR_BRIDGE__CHANNELS__SOSMED__WRITEBACK__URL",
                format!("{}/replies", self.desk.base_url()),
            ),
        ]
    }

    pub async fn shutdown(self) {
        self.call112.shutdown().await;
        self.desk.shutdown().await;
    }
}

/// (done, pending, dead) write-backs of every channel, from the store.
pub fn per_channel(store: &Store) -> Vec<(String, u64, u64, u64)> {
    let mut out: Vec<(String, u64, u64, u64)> = Vec::new();
    for c in store.writeback_counts().unwrap_or_default() {
        if out.last().is_none_or(|l| l.0 != c.channel) {
            out.push((c.channel.clone(), 0, 0, 0));
        }
        let row = out.last_mut().expect("pushed above");
        match c.state.as_str() {
            "done" => row.1 += c.count,
            "pending" => row.2 += c.count,
            "dead" => row.3 += c.count,
            _ => {}
        }
    }
    out
}

pub fn pending(store: &Store) -> u64 {
    per_channel(store).iter().map(|r| r.2).sum()
}
