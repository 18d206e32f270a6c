# privacy texts (en). Terms: common.ftl; glossary: locales/GLOSSARY.md.

## privacy report (src/privacy/held.rs)

privacy-held-title = Personal data held, per { -kanal } (records holding each kind)
privacy-held-empty = (the store holds no records)
privacy-col-channel = { -kanal }
privacy-col-records = records
privacy-col-name = nama
privacy-col-phone = phone
privacy-col-email = e-mail
privacy-col-free-text = free text
privacy-col-oldest = oldest (WIB)

## privacy erase

privacy-empty-reason = --reason is empty: say why the data is erased (e.g. the request's reference)
privacy-kind-phone = phone number
privacy-kind-email = e-mail address
privacy-kind-record = record
privacy-nothing-to-erase = no record matches this { $kind }: nothing to erase
privacy-nothing-erased = nothing erased
privacy-no-terminal =
    { $count } record(s) match; not erasing without confirmation: run it in a terminal,
    or pass --yes
privacy-confirm-title = These records will lose their personal data:
privacy-confirm-in-lapor = { $record } (in LAPOR! as { $tracking }: LAPOR! keeps its copy)
privacy-confirm-not-forwarded = { $record } (not forwarded: it will be closed and never sent)
privacy-confirm-prompt = Type 'erase' to confirm:

## privacy purge

purge-plan =
    { $records } complaint(s) final in LAPOR! for over { $days } day(s) hold personal data
      (final at or before { $cutoff })
    { $files } processed CSV file(s) or rejects report(s) are older than that
purge-dry-run = dry run: nothing changed; run without --dry-run to remove them
purge-nothing = nothing to purge
purge-no-terminal =
    not purging: stdin is not a terminal to confirm on; pass --yes to purge without asking
    (or --dry-run to only count)
purge-confirm = Remove this personal data for good? Type yes:
purge-not-confirmed = not purging: not confirmed
purge-cannot-plan = cannot plan the purge of { $store }: { $error }
purge-stopped = purge of { $store } stopped: { $error }
purge-done =
    removed the personal data of { $records } complaint(s) ({ $rows } row(s) rewritten);
    deleted { $files } file(s)
purge-compacted = store compacted (WAL checkpointed and truncated)
purge-not-deleted = not deleted: { $error }; check its permissions and run again
