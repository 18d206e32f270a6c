//! The running bridge: the store, the forwarder and one intake loop per channel, built from
//! a validated configuration. `lapor-bridge run`, the demo and the benchmark all use it.
//! Every working loop is a [`Stage`](crate::runtime::Stage): built here, registered with the
//! watchdog under its name, and run by [`crate::runtime::run`].

use std::sync::Arc;

use jiff::Timestamp;
use tracing::{info, warn};

use crate::channel::Mappers;
use crate::config::{ChannelKind, Config};
use crate::forward::{reference, Forwarder};
use crate::intake::csv_folder::{CsvFolder, Scanner};
use crate::intake::sambat::SambatPoller;
use crate::intake::webhook::WebhookReceiver;
use crate::runtime::{Liveness, Task};
use crate::shutdown::Shutdown;
use crate::store::{Store, StoreError};
use crate::sync::{Sweep, Sync};
use crate::wire::lapor::{LaporClient, LaporError};
use crate::wire::sambat::SambatError;
use crate::writeback::WritebackWorker;

#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error("cannot open the store: {0}")]
    Store(#[from] StoreError),
    #[error(transparent)]
    Lapor(#[from] LaporError),
    #[error(transparent)]
    Sambat(#[from] SambatError),
    #[error("cannot listen for webhooks on {addr}: {source}")]
    Listen {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    /// A dry-run store started live, or the reverse.
    #[error("{0}")]
    StoreMode(String),
    #[error(transparent)]
    Writeback(#[from] crate::writeback::WritebackError),
}

pub struct Pipeline {
    pub cfg: Config,
    pub store: Store,
    pub forwarder: Arc<Forwarder>,
    pub pollers: Vec<Arc<SambatPoller>>,
    /// The listener of the webhook channels, if any is configured.
    pub webhooks: Option<Arc<WebhookReceiver>>,
    pub csv_folders: Vec<Arc<CsvFolder>>,
    /// Reads LAPOR!'s updates back; `None` in dry-run or with `sync.enabled = false`.
    pub sync: Option<Arc<Sync>>,
    /// One per channel that takes write-backs (live mode only).
    pub writebacks: Vec<Arc<WritebackWorker>>,
    /// Heartbeats of the loops, for the systemd watchdog and `/healthz`.
    pub liveness: Liveness,
    /// Every loop but the forwarder's, which [`Pipeline::run`] runs itself.
    stages: Vec<Task>,
    forwarding: Task,
}

impl Pipeline {
    pub fn build(cfg: Config) -> Result<Self, PipelineError> {
        let store = Store::from_config(&cfg.store)?;
        Self::with_store(cfg, store)
    }

    pub fn with_store(cfg: Config, store: Store) -> Result<Self, PipelineError> {
        if store.is_postgres() {
            warn!(
                "the store is PostgreSQL: intake, forwarding, sync, write-backs and the daily \
                 privacy purge run on it; SLA and chat alerts, reports and the dashboard need the \
                 SQLite store so far and report that they cannot run (INSTALL.md §11a)"
            );
        }
        crate::dryrun::prepare_store(&store, &cfg).map_err(PipelineError::StoreMode)?;
        // The configuration may have been fixed since these were held: map them again.
        let released = store.release_held(Timestamp::now())?;
        if released > 0 {
            info!(released, "held records queued again for mapping");
        }
        let client = Arc::new(LaporClient::new(&cfg.lapor)?);
        let mappers = Mappers::from_config(&cfg);
        let forwarder = Arc::new(
            Forwarder::new(
                store.clone(),
                client,
                cfg.forwarder.clone(),
                mappers.clone(),
            )
            .with_mode(cfg.mode),
        );
        let mut pollers = Vec::new();
        let mut csv_folders = Vec::new();
        for ch in &cfg.channels {
            match &ch.kind {
                ChannelKind::Sambat(s) => {
                    let p = SambatPoller::new(
                        ch.name.clone(),
                        s.clone(),
                        store.clone(),
                        mappers.clone(),
                    )?
                    .with_waker(forwarder.waker());
                    pollers.push(Arc::new(p));
                }
                ChannelKind::CsvFolder(f) => {
                    let c =
                        CsvFolder::new(ch.name.clone(), f.clone(), store.clone(), mappers.clone())
                            .with_waker(forwarder.waker())
                            .with_lang(cfg.ui.language);
                    csv_folders.push(Arc::new(c));
                }
                ChannelKind::Webhook(_) => {}
            }
        }
        let webhooks = WebhookReceiver::bind(
            &cfg,
            store.clone(),
            mappers.clone(),
            Some(forwarder.waker()),
        )
        .map_err(|source| PipelineError::Listen {
            addr: cfg.webhooks.listen,
            source,
        })?
        .map(Arc::new);
        let live = cfg.mode == crate::config::Mode::Live;
        let mut writebacks = Vec::new();
        if live {
            for ch in &cfg.channels {
                if let Some(w) = WritebackWorker::for_channel(ch, store.clone())? {
                    writebacks.push(Arc::new(w));
                }
            }
        }
        let sync = (live && cfg.sync.enabled).then(|| {
            let wakers = writebacks
                .iter()
                .map(|w| (w.channel().to_string(), w.waker()))
                .collect();
            Arc::new(Sync::new(
                store.clone(),
                forwarder.client().clone(),
                cfg.sync.clone(),
                wakers,
            ))
        });
        let mut stages = Vec::new();
        if let Some(s) = &sync {
            stages.push(Task::new(s.clone(), s.heartbeat.clone()));
            stages.push(Task::new(
                Arc::new(Sweep(s.clone())),
                s.sweep_heartbeat.clone(),
            ));
        }
        for w in &writebacks {
            stages.push(Task::new(w.clone(), w.heartbeat.clone()).with_wake(w.waker()));
        }
        // Reporters' personal data past `[privacy] retention_days`, once a day (both modes:
        // a dry-run store holds the same data). On PostgreSQL it is leased below like every
        // stage (lease `privacy-purge`), so one replica at a time purges.
        let purge = Arc::new(crate::privacy::purge::PurgeStage::new(store.clone(), &cfg));
        stages.push(Task::new(purge.clone(), purge.heartbeat.clone()));
        let forwarding =
            Task::new(forwarder.clone(), forwarder.heartbeat.clone()).with_wake(forwarder.waker());
        let mut intake = Vec::new();
        let refresh = Arc::new(reference::Refresh::new(
            forwarder.client().clone(),
            store.clone(),
            cfg.clone(),
        ));
        intake.push(Task::new(refresh.clone(), refresh.heartbeat.clone()));
        for p in &pollers {
            intake.push(Task::new(p.clone(), p.heartbeat.clone()));
        }
        for c in &csv_folders {
            intake.push(Task::new(Arc::new(Scanner(c.clone())), c.heartbeat.clone()));
        }
        let (mut stages, mut forwarding) = (stages, forwarding);
        if store.is_postgres() {
            // Several replicas may share this store: each loop runs where its lease is held.
            for t in stages
                .iter_mut()
                .chain([&mut forwarding])
                .chain(&mut intake)
            {
                t.stage = Arc::new(crate::runtime::lease::Leased::new(
                    t.stage.clone(),
                    store.clone(),
                ));
            }
        }
        let liveness = Liveness::default();
        for t in stages.iter().chain([&forwarding]).chain(&intake) {
            liveness.register(t.stage.name(), t.heartbeat.clone());
        }
        stages.extend(intake);
        Ok(Self {
            cfg,
            store,
            forwarder,
            pollers,
            webhooks,
            csv_folders,
            sync,
            writebacks,
            liveness,
            stages,
            forwarding,
        })
    }

    /// Runs every loop until shutdown. Intake stops first; the forwarder finishes the step
    /// in flight, records it, and returns.
    pub async fn run(&self, shutdown: Shutdown) {
        let mut tasks = tokio::task::JoinSet::new();
        for t in &self.stages {
            tasks.spawn(t.clone().run(shutdown.clone()));
        }
        if let Some(w) = &self.webhooks {
            let w = w.clone();
            let s = shutdown.clone();
            tasks.spawn(async move { w.run(s).await });
        }
        self.forwarding.clone().run(shutdown).await;
        while tasks.join_next().await.is_some() {}
    }
}
