# dashboard texts (en). Terms: common.ftl; glossary: locales/GLOSSARY.md.
# The page: src/service/dashboard_page.rs, dashboard_charts.rs and dashboard_sections.rs; the
# charts' words are sent to dashboard.js in the page (dash-chart-*).

dash-title = lapor-bridge { -dasbor } · SP4N-LAPOR! { -batas-waktu }s
dash-heading = SP4N-LAPOR! service levels · lapor-bridge
dash-from = From
dash-to = to
# The shape of a date typed in the period's inputs.
dash-date-format = yyyy-mm-dd
dash-show = Show
dash-print-view = Print view
dash-print = Print
dash-back = Back to the { -dasbor }
dash-other-language = Bahasa Indonesia
dash-period = Period: { $from } – { $to }
dash-as-of = as of { $when }
dash-made-at = Made { $when }
dash-note =
    Complaints reported in the period (WIB dates). Response time: from the report to the first { -tanggapan }, in { -hari-kerja } (Saturdays, Sundays,
    { -libur-nasional }s and { -cuti-bersama } excluded). Closed = Done or Archived;
    rejected = Rejected.

dash-key-figures = Key figures
dash-kpi-received = Complaints { -diterima }
dash-kpi-forwarded = Forwarded to SP4N-LAPOR!
dash-kpi-responded = Responded (first { -tanggapan })
dash-kpi-response-rate = Response rate
dash-kpi-mean = Mean { -waktu-tanggapan } ({ -hari-kerja })
dash-kpi-median = Median { -waktu-tanggapan } ({ -hari-kerja })
dash-kpi-closed = Closed
dash-kpi-rejected = Rejected
dash-kpi-target = { $year } { -target-tahunan } { -capaian }: { $done } of { $annual } complaints since 1 January

dash-weekly-title = Complaints per week per { -kanal }
dash-weekly-table = Figures per week
dash-week = Week starting (Monday)
dash-total = Total
dash-response-title = Response time distribution
dash-bucket = Response time ({ -hari-kerja })
dash-bucket-range = { $from }–{ $to }
dash-bucket-open = ≥ { $from }
dash-complaints = Complaints
dash-no-responses = No complaint of this period has been { -ditanggapi } to yet.
dash-chart-weekly-axis = week starting Monday (WIB)
dash-chart-response-axis = { -hari-kerja } from the report to the first { -tanggapan }
dash-chart-series = complaints

dash-by-channel = By { -kanal }
dash-by-opd = By { -opd }
dash-col-channel = Channel
dash-col-instansi = Agency
dash-col-received = Received
dash-col-forwarded = Forwarded
dash-col-responded = Responded
dash-col-rate = Response rate
dash-col-mean = Mean ({ -hari-kerja })
dash-col-median = Median ({ -hari-kerja })
dash-col-closed = Closed
dash-col-rejected = Rejected
dash-no-instansi = (no agency)
dash-no-instansi-note =
    (no agency): complaints { -ditahan } before mapping, or not forwarded yet, so they have
    no OPD yet. The list: lapor-bridge dead-letters list.

dash-sla-title = SP4N-LAPOR! { -batas-waktu }s
dash-sla-note =
    Verification and disposition within 3 { -hari-kerja } of forwarding; the { -instansi }'s
    { -tindak-lanjut } within 5 { -hari-kerja } of disposition; closure within 10
    { -hari-kerja } of the { -tindak-lanjut }. At risk: only the last { $margin }
    { -hari-kerja } left.
dash-sla-rule = Stage
dash-sla-days = Working days
dash-sla-ok = Open, on time
dash-sla-met = Met
dash-sla-met-late = Met late
dash-rule-verifikasi = Verification
dash-rule-tindak-lanjut = Follow-up
dash-rule-penutupan = Closure
dash-rule-all = All stages
dash-sla-none = No complaint is { -hampir-lewat } or { -lewat-tenggat }.
dash-sla-list = At risk or { -lewat-tenggat } ({ $count })
dash-sla-more = { $count } more; the full list:
dash-state = State
dash-state-at-risk = { -hampir-lewat }
dash-state-breached = { -lewat-tenggat }
dash-col-at-risk = At risk
dash-col-breached = Breached
dash-col-local-id = Id in the { -kanal }
dash-col-tracking = Tracking ID
dash-col-since = Since (WIB)
dash-col-deadline = Deadline (WIB)
dash-col-elapsed = Working days elapsed

dash-health-title = Service health
dash-ready = Ready
dash-lapor = SP4N-LAPOR!
dash-up = { -aktif }
dash-down = { -tidak-terjangkau }
dash-unknown = not contacted yet
dash-col-pending = Pending
dash-col-held = Held
dash-col-dead = Dead letters
dash-col-oldest = Oldest pending
dash-col-last-forwarded = Last forwarded (WIB)
dash-age-seconds = { $n } s
dash-age-minutes = { $n } min
dash-age-hours = { $n } h
dash-age-days = { $n } d
