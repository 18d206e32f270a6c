# cli texts (en). Terms: common.ftl; glossary: locales/GLOSSARY.md.
# Every line a command prints fits 100 columns: keep messages short, break long ones in two.

## Shared by the operator commands (src/cli/mod.rs, main.rs)

cli-no-store = no store at { $path }: check store.path or pass --store
cli-cannot-open-store = cannot open the store { $path }: { $error }
cli-cannot-read-config = cannot read { $path }: { $error }
cli-config-not-toml = { $path } is not valid TOML: { $error }
cli-dry-run-checking = dry-run (checking samples)
cli-store-unused =
    --store is not an option of `{ $command }`: it uses the configuration's store.path
    (override it with LAPOR_BRIDGE__STORE__PATH)
cli-moved-to-tools =
    `lapor-bridge { $command }` is not part of the service binary: it is in the developer tools
    (package lapor-tools), from a source checkout `cargo tools { $command } ...` (the demo: `cargo demo`)
cli-no-runtime = cannot start the async runtime: { $error }
cli-record-not-a-key = "{ $record }" is not <channel>:<local id>, e.g. sambat:12345
cli-record-empty-id = "{ $record }" has an empty local id; give the record as <channel>:<local id>
cli-record-bad-channel =
    "{ $record }": channel name "{ $channel }" must be 1 to 50 characters of a-z, 0-9, '_' or '-'
cli-no-record = no record { $record }
cli-store-too-new =
    the store's schema is version { $found }, newer than this lapor-bridge knows ({ $known });
    upgrade lapor-bridge or restore a matching backup
cli-not-on-postgres = { $part } works on the SQLite store only so far, and this store is PostgreSQL ([store] url): run it on a machine with a SQLite store, or see INSTALL.md §11a for what runs on PostgreSQL.
cli-database-error = database error: { $error }
cli-cannot-read-confirmation = cannot read the confirmation: { $error }

## Spans of time and the store's codes (src/cli/labels.rs)

span-seconds = { $n }s
span-minutes = { $n }m
span-hours = { $n }h
span-days = { $n }d
span-ago = { $span } ago

event-reported = reported
event-received = received
event-held = held
event-forwarded = forwarded
event-dead = dead
event-attempt-failed = attempt failed
event-edited = edited
event-edited-after-forward = edited after forwarding
event-requeued-by-edit = requeued by an edit
event-dry-run-checked = checked in { -uji-coba }
event-retried = retried
event-acknowledged = acknowledged
event-lapor-status = LAPOR! status
event-tanggapan = { -tanggapan }
event-update-not-applied = update not applied
event-written-back = { -dikirim-ke-kanal }
event-writeback-failed = write-back failed
event-writeback-dead = refused by the channel
event-erased = personal data erased
event-personal-data-purged = personal data purged

writeback-pending = { -menunggu }
writeback-done = written
writeback-dead = { -gagal-terkirim }

## status

status-title = lapor-bridge status
status-store = store { $path }
status-cannot-read = cannot read the store { $path }: { $error }
status-daemon = daemon
status-daemon-never = never reported (has `lapor-bridge run` started with this store?)
status-daemon-running = running
status-pid = pid { $pid }
status-up-for = up { $span }
status-reported = reported { $ago }
status-admin = admin http://{ $address }
status-daemon-stopped = stopped { $ago } (clean stop)
status-daemon-silent = NOT RUNNING or not reporting: last report { $ago }
status-lapor-up = { -aktif } (last answer { $ago })
status-lapor-down = DOWN since { $since } (last answer { $last })
status-lapor-unknown = not contacted yet
status-never = never
status-paused = forwarding PAUSED until { $until }
status-as-last-reported = (as last reported)
status-wedged-label = WEDGED
status-wedged = { $stages } (no progress; systemd's watchdog will restart it)
status-col-channel = { -kanal }
status-col-kind = kind
status-col-received = { -diterima }
status-col-pending = { -menunggu }
status-col-oldest = oldest
status-col-held = { -ditahan }
status-col-dead = dead
status-col-forwarded = forwarded
status-col-last = last success
status-col-written = written
status-last-poll = poll { $ago }
status-last-record = record { $ago }
status-total = total
status-stuck =
    { $dead } dead letter(s), { $held } held: `lapor-bridge dead-letters list` shows why ({ $acknowledged } { -sudah-ditinjau })
status-none-stuck = no dead letters or held records ({ $acknowledged } { -sudah-ditinjau })
status-dry-run =
    { $count } record(s) checked by the dry run (validated, not sent):
    `lapor-bridge dry-run report` shows the verdicts
status-writebacks = write-backs to the channels (LAPOR!'s statuses and responses)

## show

show-tracking-id = tracking id { $id }
show-lapor-status = LAPOR! status { $status }
show-forwarding = forwarding { $state }
show-on-channel = on channel { $channel }
show-mapping-notes = mapping notes:
show-writebacks = write-backs ({ $count }):
show-col-state = state
show-col-lapor-status = LAPOR! status
show-col-response = { -tanggapan }
show-col-attempts = attempts
show-col-result = result
show-col-tracking-id = tracking id

## dead-letters

dl-none = no dead letters
dl-title = Needs action: dead letters and held records, oldest first
dl-col-record = RECORD
dl-col-state = STATE
dl-col-attempts = ATTEMPTS
dl-col-reason = REASON
dl-writebacks =
    write-backs the channel refused ({ $count }; `lapor-bridge show <record>` has the timeline):
dl-record = record
dl-state = state
dl-attempts = attempts
dl-received = { -diterima }
dl-reported = reported
dl-forwarded = forwarded
dl-next-attempt = next attempt
dl-revision = revision
dl-in-doubt = in doubt
dl-in-doubt-why = an attempt may have reached LAPOR!; the next one looks it up first
dl-last-error = last error
dl-divergence = divergence
dl-problem = problem
dl-note = note
dl-timeline = { -riwayat }
dl-verb-retried = retried
dl-verb-acknowledged = acknowledged
dl-which =
    which records? give one as <channel>:<local id> (e.g. sambat:12345), or a selection:
    --all, --channel C, --reason TEXT, --since TIME (nothing { $verb })
dl-match = { $count } dead or held record(s) match
dl-more = ... and { $count } more
dl-nothing = nothing { $verb }
dl-partial = { $done } record(s) { $verb }; { $failed } not:
dl-no-terminal =
    { $count } record(s) match; none { $verb } without confirmation: run it in a terminal,
    or pass --yes
dl-confirm = These { $count } record(s) will be { $verb }. Proceed? [y/N]
dl-queued-one = { $record } queued again; the running bridge sends it on its next step
dl-queued-many = { $count } record(s) queued again; the running bridge sends them on its next steps
dl-acknowledged-one = { $record } { -sudah-ditinjau }
dl-acknowledged-many = { $count } record(s) { -sudah-ditinjau }
dl-empty-note =
    --note is empty: say why the record needs no more work,
    e.g. --note "duplicate of sambat:12"

## backup

backup-keep-needs-folder =
    --keep prunes dated copies in a folder: --output { $output } is not an existing folder
    (create it, or drop --keep to write one file)
backup-failed = { -cadangan } of { $store } not made: { $error }
backup-done = backed up { $store } to { $copy } ({ $records } records, { $bytes } bytes, mode 0600)
backup-removed = removed the older copy { $copy }
backup-not-pruned = the copy was made, but older copies were not pruned: { $error }

## replay

replay-bad-channel =
    --channel { $channel }: a channel name is 1 to 50 characters of a-z, 0-9, '_' or '-'
replay-pushed-channel =
    channel { $channel } is a { $kind } channel: its sender pushes deliveries, there is nothing
    to re-read; ask the sender to deliver again (duplicates are recognised).
    replay is for sambat and csv_folder channels
replay-no-channel = no channel { $channel } in { $config }: check --channel against [channels.*]
replay-bad-since =
    --since "{ $since }" is not a time: use WIB `YYYY-MM-DD HH:MM:SS`, `YYYY-MM-DD`,
    `DD/MM/YYYY HH:MM`, or RFC 3339 with an offset
replay-future = --since { $since } is in the future: nothing to re-read
replay-not-requested = { -baca-ulang } of { $channel } not requested: { $error }
replay-requested =
    { -baca-ulang } of { $channel } from { $since } requested (by { $by });
    the running daemon takes it on the channel's next poll or scan
replay-wait-hint = `lapor-bridge replay ... --wait` waits for it and prints what it found
replay-files = { $count } files,
replay-done =
    { -baca-ulang } of { $channel } done at { $at }:
      { $files }{ $new } new, { $updated } updated before forwarding, { $edited } edited after forwarding
      (recorded as revisions), { $requeued } requeued, { $unchanged } unchanged
replay-outcome-unreadable = cannot read the replay's outcome: { $error }
replay-timeout =
    the { -baca-ulang } of { $channel } was not done within { $secs } s: is lapor-bridge running
    (systemctl status lapor-bridge)? The request stays and is taken when it runs

## store migrate

store-migrate-bad-address = --to: { $error }
store-migrate-no-password-file = cannot read the password file { $path }: { $error }
store-migrate-start = moving the store { $store } into { $target } (one transaction: nothing is kept if any check fails)
store-migrate-table = { $table }: { $rows } rows copied
store-migrate-done =
    committed: { $complaints } complaints moved into { $target } in { $seconds } s; every table's count
    and the counts { $counts } checked equal
store-migrate-failed = the store { $store } was not moved into { $target }: { $error }
