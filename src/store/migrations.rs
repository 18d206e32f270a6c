//! Versioned schema migrations on `PRAGMA user_version`: migration N brings the schema from
//! version N-1 to N, inside one transaction with the version bump.

use rusqlite::Connection;

use super::StoreError;

const MIGRATIONS: &[&str] = &[
    // 1: records, their forwarding outbox, edits, timeline, cursors, reference cache.
    r#"
    CREATE TABLE records (
        id            INTEGER PRIMARY KEY,
        channel       TEXT NOT NULL,
        local_id      TEXT NOT NULL,
        raw           TEXT NOT NULL,      -- the payload as the channel sent it, latest revision
        content_hash  TEXT NOT NULL,
        revision      INTEGER NOT NULL DEFAULT 1,
        reported_at   TEXT,               -- when the citizen reported, UTC
        received_at   TEXT NOT NULL,      -- first committed here, UTC
        updated_at    TEXT NOT NULL,
        tracking_id   TEXT,               -- LAPOR! tracking id once the complaint exists
        UNIQUE (channel, local_id)
    );
    CREATE TABLE outbox (
        record_id        INTEGER PRIMARY KEY REFERENCES records(id),
        state            TEXT NOT NULL CHECK (state IN
                           ('pending', 'held', 'forwarded', 'dead', 'acknowledged')),
        attempts         INTEGER NOT NULL DEFAULT 0,
        next_attempt_at  TEXT,            -- UTC; meaningful while pending
        in_doubt         INTEGER NOT NULL DEFAULT 0, -- a create may have reached LAPOR!
        last_error       TEXT,
        problems         TEXT,            -- JSON [{field, message}] for held and dead records
        notes            TEXT,            -- JSON [string]: mapping notes of the last mapping
        payload          TEXT,            -- JSON of the last payload sent, for audit
        forwarded_at     TEXT,
        divergence       TEXT             -- why LAPOR! holds a different body (409, replay)
    );
    CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
    CREATE TABLE revisions (
        id            INTEGER PRIMARY KEY,
        record_id     INTEGER NOT NULL REFERENCES records(id),
        revision      INTEGER NOT NULL,
        raw           TEXT NOT NULL,
        content_hash  TEXT NOT NULL,
        received_at   TEXT NOT NULL,
        sent          INTEGER NOT NULL    -- 0: arrived after forwarding, recorded only
    );
    CREATE TABLE events (
        id         INTEGER PRIMARY KEY,
        record_id  INTEGER NOT NULL REFERENCES records(id),
        at         TEXT NOT NULL,
        kind       TEXT NOT NULL,
        detail     TEXT
    );
    CREATE INDEX events_record ON events (record_id, id);
    CREATE TABLE cursors (
        channel     TEXT PRIMARY KEY,
        value       TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    );
    CREATE TABLE reference (
        kind            TEXT NOT NULL,    -- 'kategori' | 'instansi'
        id              INTEGER NOT NULL,
        nama            TEXT NOT NULL,
        induk_id        INTEGER,
        missing_fetches INTEGER NOT NULL DEFAULT 0,
        fetched_at      TEXT NOT NULL,
        PRIMARY KEY (kind, id)
    );
    CREATE TABLE settings (
        key    TEXT PRIMARY KEY,
        value  TEXT NOT NULL
    );
    "#,
    // 2: dry run. The outbox gains the state `dry_run_checked` (SQLite cannot alter a CHECK,
    // so the table is rebuilt), each dry-run check of a record is a verdict row, and a store
    // that already holds records is marked live (only live mode existed before).
    r#"
    CREATE TABLE outbox_v2 (
        record_id        INTEGER PRIMARY KEY REFERENCES records(id),
        state            TEXT NOT NULL CHECK (state IN
                           ('pending', 'held', 'forwarded', 'dead', 'acknowledged',
                            'dry_run_checked')),
        attempts         INTEGER NOT NULL DEFAULT 0,
        next_attempt_at  TEXT,
        in_doubt         INTEGER NOT NULL DEFAULT 0,
        last_error       TEXT,
        problems         TEXT,
        notes            TEXT,
        payload          TEXT,
        forwarded_at     TEXT,
        divergence       TEXT
    );
    INSERT INTO outbox_v2 (record_id, state, attempts, next_attempt_at, in_doubt, last_error,
                           problems, notes, payload, forwarded_at, divergence)
        SELECT record_id, state, attempts, next_attempt_at, in_doubt, last_error,
               problems, notes, payload, forwarded_at, divergence FROM outbox;
    DROP TABLE outbox;
    ALTER TABLE outbox_v2 RENAME TO outbox;
    CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
    CREATE TABLE dry_run_verdicts (
        id          INTEGER PRIMARY KEY,
        record_id   INTEGER NOT NULL REFERENCES records(id),
        revision    INTEGER NOT NULL,   -- the record revision that was checked
        verdict     TEXT NOT NULL CHECK (verdict IN ('valid', 'invalid')),
        payload     TEXT,               -- JSON of the would-be request; NULL if unmappable
        reasons     TEXT NOT NULL,      -- JSON [{field, rule, message}]
        notes       TEXT NOT NULL,      -- JSON [string]
        checked_at  TEXT NOT NULL
    );
    CREATE INDEX dry_run_verdicts_record ON dry_run_verdicts (record_id, id);
    INSERT INTO settings (key, value)
        SELECT 'store.mode', 'live' WHERE EXISTS (SELECT 1 FROM records)
        ON CONFLICT (key) DO NOTHING;
    "#,
    // 3: status sync back. Every update read from LAPOR! (the feed, or a look-up) is a row,
    // applied or not, and each applied one queues one write-back to the record's channel.
    r#"
    ALTER TABLE records ADD COLUMN lapor_status TEXT;     -- latest applied LAPOR! status
    ALTER TABLE records ADD COLUMN lapor_status_at TEXT;  -- its effective time, UTC
    ALTER TABLE records ADD COLUMN checked_at TEXT;       -- last GET /laporan/{id}, UTC
    CREATE INDEX records_tracking ON records (tracking_id);
    CREATE TABLE lapor_updates (
        id              INTEGER PRIMARY KEY,
        id_pembaruan    TEXT NOT NULL UNIQUE,  -- the feed's id; 'lookup:…' when read by look-up
        record_id       INTEGER REFERENCES records(id), -- NULL: a tracking id not in this store
        tracking_id     TEXT NOT NULL,
        status          TEXT NOT NULL,
        tanggapan_isi   TEXT,
        tanggapan_oleh  TEXT,
        waktu           TEXT NOT NULL,         -- as LAPOR! gave it, UTC
        effective_at    TEXT NOT NULL,         -- waktu, but never before forwarding, UTC
        content_key     TEXT NOT NULL,         -- digest of tracking id, status, tanggapan, waktu
        effect          TEXT NOT NULL CHECK (effect IN
                          ('status', 'tanggapan', 'status_tanggapan', 'stale', 'same_content',
                           'unknown_record')),
        source          TEXT NOT NULL CHECK (source IN ('feed', 'lookup')),
        received_at     TEXT NOT NULL
    );
    CREATE INDEX lapor_updates_record ON lapor_updates (record_id, id);
    CREATE INDEX lapor_updates_content ON lapor_updates (content_key);
    CREATE TABLE writebacks (
        id               INTEGER PRIMARY KEY,  -- also the order of one record's write-backs
        record_id        INTEGER NOT NULL REFERENCES records(id),
        update_id        INTEGER NOT NULL UNIQUE REFERENCES lapor_updates(id),
        channel          TEXT NOT NULL,
        state            TEXT NOT NULL CHECK (state IN ('pending', 'done', 'dead', 'acknowledged')),
        lapor_status     TEXT NOT NULL,        -- the record's status once the update applied
        attempts         INTEGER NOT NULL DEFAULT 0,
        next_attempt_at  TEXT NOT NULL,
        last_error       TEXT,
        outcome          TEXT,                 -- how the channel took it, for audit
        created_at       TEXT NOT NULL,
        done_at          TEXT
    );
    CREATE INDEX writebacks_due ON writebacks (channel, state, next_attempt_at);
    CREATE INDEX writebacks_record ON writebacks (record_id, id);
    "#,
    // 4: service-level alerts. One row per complaint, rule and level once the SLA watch has
    // seen it at risk or breached; `posted_at` is set when the alert webhook accepted it, so
    // each alert is posted once, across restarts.
    r#"
    CREATE TABLE sla_alerts (
        record_id      INTEGER NOT NULL REFERENCES records(id),
        rule           TEXT NOT NULL CHECK (rule IN ('verifikasi', 'tindak_lanjut', 'penutupan')),
        level          TEXT NOT NULL CHECK (level IN ('at_risk', 'breached')),
        deadline       TEXT NOT NULL,        -- UTC, end of the rule's last working day
        first_seen_at  TEXT NOT NULL,        -- UTC, when the watch first saw it
        attempts       INTEGER NOT NULL DEFAULT 0,
        last_error     TEXT,
        posted_at      TEXT,                 -- UTC; NULL until the webhook answered 2xx
        PRIMARY KEY (record_id, rule, level)
    );
    "#,
    // 5: personal data (UU PDP). When a record's reporter identity and personal free text were
    // removed from every table (retention purge or erasure); NULL while the store holds them.
    r#"
    ALTER TABLE records ADD COLUMN personal_data_removed_at TEXT;
    "#,
    // 6: alerts sent to a chat sink (Telegram): one row per sink and event (an SLA level of a
    // complaint, a LAPOR! outage, a dead letter, a channel's silence); `sent_at` is set once
    // the sink accepted it, so each event is sent once, across restarts.
    r#"
    CREATE TABLE chat_alerts (
        sink           TEXT NOT NULL,
        event_key      TEXT NOT NULL,
        text           TEXT NOT NULL,
        first_seen_at  TEXT NOT NULL,        -- UTC
        attempts       INTEGER NOT NULL DEFAULT 0,
        last_error     TEXT,
        sent_at        TEXT,                 -- UTC; NULL until the sink accepted it
        PRIMARY KEY (sink, event_key)
    );
    "#,
    // 7: queue figures kept as the outbox changes, so the status line and /metrics read a few
    // rows instead of joining every record: records and attempts per channel and state, and
    // each channel's last receipt and forward, maintained by triggers (so every writer, raw
    // SQL included, keeps them), back-filled from the tables. Records and outbox rows are never
    // deleted and a record's channel never changes; forwarded_at is set once per record.
    r#"
    CREATE TABLE queue_counts (
        channel   TEXT NOT NULL,
        state     TEXT NOT NULL,
        records   INTEGER NOT NULL,
        attempts  INTEGER NOT NULL,
        PRIMARY KEY (channel, state)
    ) WITHOUT ROWID;
    CREATE TABLE channel_times (
        channel            TEXT PRIMARY KEY,
        last_received_at   TEXT,
        last_forwarded_at  TEXT
    ) WITHOUT ROWID;
    INSERT INTO queue_counts (channel, state, records, attempts)
        SELECT r.channel, o.state, COUNT(*), COALESCE(SUM(o.attempts), 0)
        FROM records r JOIN outbox o ON o.record_id = r.id GROUP BY r.channel, o.state;
    INSERT INTO channel_times (channel, last_received_at, last_forwarded_at)
        SELECT r.channel, MAX(r.received_at), MAX(o.forwarded_at)
        FROM records r JOIN outbox o ON o.record_id = r.id GROUP BY r.channel;
    CREATE TRIGGER queue_counts_insert AFTER INSERT ON outbox
    BEGIN
        INSERT INTO queue_counts (channel, state, records, attempts)
            VALUES ((SELECT channel FROM records WHERE id = NEW.record_id), NEW.state, 1,
                    NEW.attempts)
            ON CONFLICT (channel, state) DO UPDATE
            SET records = records + 1, attempts = attempts + excluded.attempts;
        INSERT INTO channel_times (channel, last_received_at, last_forwarded_at)
            SELECT channel, received_at, NEW.forwarded_at FROM records WHERE id = NEW.record_id
            ON CONFLICT (channel) DO UPDATE SET
              last_received_at = COALESCE(MAX(last_received_at, excluded.last_received_at),
                                          last_received_at, excluded.last_received_at),
              last_forwarded_at = COALESCE(MAX(last_forwarded_at, excluded.last_forwarded_at),
                                           last_forwarded_at, excluded.last_forwarded_at);
    END;
    CREATE TRIGGER queue_counts_update AFTER UPDATE OF state, attempts ON outbox
    BEGIN
        UPDATE queue_counts SET records = records - 1, attempts = attempts - OLD.attempts
            WHERE channel = (SELECT channel FROM records WHERE id = OLD.record_id)
              AND state = OLD.state;
        INSERT INTO queue_counts (channel, state, records, attempts)
            VALUES ((SELECT channel FROM records WHERE id = NEW.record_id), NEW.state, 1,
                    NEW.attempts)
            ON CONFLICT (channel, state) DO UPDATE
            SET records = records + 1, attempts = attempts + excluded.attempts;
    END;
    CREATE TRIGGER channel_times_forwarded AFTER UPDATE OF forwarded_at ON outbox
        WHEN NEW.forwarded_at IS NOT NULL
    BEGIN
        UPDATE channel_times SET last_forwarded_at =
                COALESCE(MAX(last_forwarded_at, NEW.forwarded_at), NEW.forwarded_at)
            WHERE channel = (SELECT channel FROM records WHERE id = NEW.record_id);
    END;
    -- The same for write-backs per channel and state, and stored updates per effect (for
    -- /metrics); neither table's rows are deleted, an update's effect never changes.
    CREATE TABLE writeback_counts (
        channel  TEXT NOT NULL,
        state    TEXT NOT NULL,
        n        INTEGER NOT NULL,
        PRIMARY KEY (channel, state)
    ) WITHOUT ROWID;
    CREATE TABLE update_effect_counts (
        effect  TEXT PRIMARY KEY,
        n       INTEGER NOT NULL
    ) WITHOUT ROWID;
    INSERT INTO writeback_counts (channel, state, n)
        SELECT channel, state, COUNT(*) FROM writebacks GROUP BY channel, state;
    INSERT INTO update_effect_counts (effect, n)
        SELECT effect, COUNT(*) FROM lapor_updates GROUP BY effect;
    CREATE TRIGGER writeback_counts_insert AFTER INSERT ON writebacks
    BEGIN
        INSERT INTO writeback_counts (channel, state, n) VALUES (NEW.channel, NEW.state, 1)
            ON CONFLICT (channel, state) DO UPDATE SET n = n + 1;
    END;
    CREATE TRIGGER writeback_counts_update AFTER UPDATE OF state, channel ON writebacks
    BEGIN
        UPDATE writeback_counts SET n = n - 1 WHERE channel = OLD.channel AND state = OLD.state;
        INSERT INTO writeback_counts (channel, state, n) VALUES (NEW.channel, NEW.state, 1)
            ON CONFLICT (channel, state) DO UPDATE SET n = n + 1;
    END;
    CREATE TRIGGER update_effect_counts_insert AFTER INSERT ON lapor_updates
    BEGIN
        INSERT INTO update_effect_counts (effect, n) VALUES (NEW.effect, 1)
            ON CONFLICT (effect) DO UPDATE SET n = n + 1;
    END;
    "#,
    // 8: the indexes the reports read through (issue 16, point 3). See REPORT_INDEXES.
    REPORT_INDEXES,
];

/// Migration 8. `IF NOT EXISTS` throughout, so that moving it to another position in the
/// list (renumbering on a merge) is harmless even on a store that already has it.
/// - `records_report_time`: the KPI period, by report time (the channel's, else the
///   bridge's receipt), the exact expression `report::kpi` filters on;
/// - `records_sla_open`: the complaints without a final LAPOR! status, which are all the SLA
///   watch can find at risk or breached; `records_final_at`: the final ones by the time they
///   ended, for a watch as of an earlier time;
/// - `lapor_updates_timeline`: each record's applied updates in timeline order, covering, so
///   a report streams the updates of a range of records without touching the table.
const REPORT_INDEXES: &str = r#"
    CREATE INDEX IF NOT EXISTS records_report_time
        ON records (coalesce(reported_at, received_at));
    CREATE INDEX IF NOT EXISTS records_sla_open ON records (id)
        WHERE lapor_status IS NULL OR lapor_status NOT IN ('selesai', 'ditolak', 'diarsipkan');
    CREATE INDEX IF NOT EXISTS records_final_at ON records (lapor_status_at)
        WHERE lapor_status IN ('selesai', 'ditolak', 'diarsipkan');
    CREATE INDEX IF NOT EXISTS lapor_updates_timeline
        ON lapor_updates (record_id, effective_at, id, effect, status);
"#;

pub const LATEST: i64 = MIGRATIONS.len() as i64;

pub fn run(conn: &mut Connection) -> Result<(), StoreError> {
    // One migration per write transaction, the version read inside it: two processes opening
    // the same new store at once (the daemon and an operator command) take turns instead of
    // both running migration 1.
    loop {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let current: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if current > LATEST {
            return Err(StoreError::TooNew {
                found: current,
                known: LATEST,
            });
        }
        if current == LATEST {
            return Ok(());
        }
        let version = current + 1;
        tx.execute_batch(MIGRATIONS[current as usize])?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
        tracing::info!(version, "store migrated");
    }
}
