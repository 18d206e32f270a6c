# demo texts (en). Terms: common.ftl; glossary: locales/GLOSSARY.md.
# Every line must fit 100 columns (a test runs the demo and checks).

demo-title = lapor-bridge demo: { $records } SAMBAT Online records; LAPOR! mock with 5% server errors
demo-faults =   and 3% connections reset after a create
demo-other-channels = other channels: { $deliveries } Call Center 112 and social media deliveries
demo-other-detail =   ({ $duplicates } a re-delivery, { $ignored } outside the complaint category, { $refused } forged and refused)
demo-ngombe-dropped =   an Ngombe export of { $rows } rows (+1 bad row) dropped in the inbox
demo-progress = { $secs } s  received { $received }  forwarded { $forwarded }  held { $held }  dead { $dead }  open in LAPOR! { $open }  write-backs waiting { $writebacks }
demo-summary-channel = { -kanal }
demo-summary-received = { -diterima }
demo-summary-forwarded = forwarded
demo-summary-held = { -ditahan }
demo-summary-dead = dead-lettered
demo-summary-pending = { -menunggu }
demo-summary-total = total
demo-call112-ignored = call112: { $n } ticket(s) outside the complaint category acknowledged and not forwarded
demo-ngombe-processed = ngombe: processed files and their rejects report in
demo-writebacks-title = statuses and responses written back (done / waiting / dead-lettered):
demo-updates-read = LAPOR! updates read: { $list }
demo-channels-view = channels' own view: SAMBAT { $sambat } responses, 112 { $notes } ticket notes, social desk { $replies } replies
demo-status-file =   Ngombe status file: { $path } ({ $rows } rows)
demo-timeline-title = one complaint's { -riwayat } (`lapor-bridge show { $key } --store FILE`):
demo-lapor-counters = LAPOR! mock: { $created } complaints created from { $requests } create requests; { $replayed } replays,
demo-lapor-counters-2 =   { $conflicts } conflicts, { $invalid } validation failures, { $over } over quota
demo-edit-recorded = An admin edit of a forwarded complaint was recorded and not sent again.
demo-hint-dead-letters = Held records and their reasons: lapor-bridge dead-letters --store { $store } list
demo-hint-temporary = (the demo store was temporary and is gone; pass --store FILE to keep it,
demo-hint-temporary-2 =   then see the held records with lapor-bridge dead-letters --store FILE list)
demo-finished = finished in { $secs } s
demo-not-finished = demo did not finish within { $secs } s
demo-failed = demo failed: { $error }
