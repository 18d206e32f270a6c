# dryrun texts (en). Terms: common.ftl; glossary: locales/GLOSSARY.md.
# `lapor-bridge dry-run` (checking samples) and `dry-run report`; JSON output is not translated.
# The reasons come from the mapping and the LAPOR! schema checks, in English.

dryrun-report-no-check-options = --channel, --input and --compare are for checking samples; `dry-run report` lists what a dry-run daemon recorded: leave them out
dryrun-needs-options = dry-run needs --config, --channel and --input (or the report subcommand)
dryrun-channel-not-configured = channel { $channel } is not configured in { $config }; configured channels: { $known }
dryrun-compare-not-configured = --compare: channel { $channel } is not configured in { $config }

## Checking samples
dryrun-verdict-valid = valid
dryrun-verdict-invalid = invalid
dryrun-verdict-ignored = ignored
dryrun-no-id = (no id)
dryrun-at-line = { " " }(line { $line })
dryrun-record = record { $index }{ $at }  { $key }  { $verdict }
dryrun-ignored = ignored: { $why }
dryrun-note = note: { $note }
dryrun-payload = payload:
dryrun-payload-none = payload: none (the record cannot be mapped)
dryrun-compared = compared with { $path } (was { $was }):
dryrun-old-unmappable = the old configuration could not map it
dryrun-no-changes = no payload field changes
dryrun-summary = { $channel }: { $n ->
        [one] 1 record
       *[other] { $n } records
    }, { $valid } valid, { $invalid } invalid, { $ignored } ignored

## dry-run report
dryrun-report-live-store = store { $path } is a live store; the dry-run report lists dry-run stores only (see `lapor-bridge dead-letters list` for a live store)
dryrun-store-unreadable = cannot read the store { $path }: { $error }
dryrun-col-record = record
dryrun-col-rev = rev
dryrun-col-verdict = verdict
dryrun-col-checked-at = checked at (WIB)
dryrun-col-reasons = reasons
dryrun-report-summary = { $n ->
        [one] 1 record
       *[other] { $n } records
    }: { $valid } valid, { $invalid } invalid, { $waiting } not checked yet
dryrun-report-earlier = { " " }(* = verdict of an earlier revision; the edit waits for its check)
