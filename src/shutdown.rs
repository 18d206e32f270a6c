//! Graceful shutdown: one trigger, many listeners; every loop checks it between steps.

use std::time::Duration;

use tokio::sync::watch;

/// Held by each working loop.
#[derive(Clone, Debug)]
pub struct Shutdown {
    rx: watch::Receiver<bool>,
}

/// Held by whoever decides to stop (signal handler, demo, test).
#[derive(Clone, Debug)]
pub struct Trigger {
    tx: std::sync::Arc<watch::Sender<bool>>,
}

pub fn channel() -> (Trigger, Shutdown) {
    let (tx, rx) = watch::channel(false);
    (
        Trigger {
            tx: std::sync::Arc::new(tx),
        },
        Shutdown { rx },
    )
}

impl Trigger {
    pub fn trigger(&self) {
        self.tx.send_replace(true);
    }
    pub fn subscribe(&self) -> Shutdown {
        Shutdown {
            rx: self.tx.subscribe(),
        }
    }
}

impl Shutdown {
    pub fn is_shutdown(&self) -> bool {
        *self.rx.borrow()
    }

    /// Resolves once shutdown has been triggered (at once if it already has).
    pub async fn recv(&mut self) {
        // An error means every trigger is gone: nobody can ask to stop any more, so stop.
        let _ = self.rx.wait_for(|stop| *stop).await;
    }

    /// Sleeps for `d` unless shutdown comes first; returns true if it did.
    pub async fn sleep(&mut self, d: Duration) -> bool {
        tokio::select! {
            _ = self.recv() => true,
            _ = tokio::time::sleep(d) => self.is_shutdown(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sleep_ends_early_on_shutdown() {
        let (trigger, mut s) = channel();
        assert!(!s.is_shutdown());
        let waiter = tokio::spawn(async move { s.sleep(Duration::from_secs(3600)).await });
        trigger.trigger();
        let woke = tokio::time::timeout(Duration::from_secs(5), waiter)
            .await
            .expect("sleep must end when shutdown is triggered")
            .unwrap();
        assert!(woke);
    }
}
