# report texts (en). Terms: common.ftl; glossary: locales/GLOSSARY.md.

## `report`: the rekap of a period
report-title = Complaints reported { $from } to { $to }
report-as-of = As of { $as_of }
report-target = Target { $year }: { $ytd } of { $annual } complaints year to date ({ $progress })
report-target-label = Annual target
report-response-note = Response time: report to first { -tanggapan }, in { -hari-kerja }
report-calendar-note = (WIB; weekends, { -libur-nasional }s and { -cuti-bersama } excluded)
report-warning = Warning: { $text }

col-channel = Channel
col-instansi = Agency
col-received = Received
col-forwarded = Forwarded
col-responded = Responded
col-rate = Response
    rate
col-mean = Mean
col-median = Median
col-closed = Closed
col-rejected = Rejected

row-all-channels = All channels
row-no-instansi = (no agency)
row-no-instansi-note = (no agency): complaints { -ditahan } before they were mapped to an { -instansi }

head-from = From
head-to = To
head-as-of = As of (WIB)
head-made = Made (WIB)
head-group = Group
head-name = Name
head-instansi-id = Agency code
head-received = Received
head-forwarded = Forwarded to SP4N-LAPOR!
head-responded = Responded
head-rate = Response rate
head-rate-pct = Response rate (%)
head-mean = Mean response time (working days)
head-median = Median response time (working days)
head-closed = Closed
head-rejected = Rejected
head-target = Annual target { $year }
head-ytd = Complaints since 1 January
head-progress = Progress against target
head-figure = Figure
head-value = Value
group-total = Total
group-channel = Channel
group-opd = Agency

sheet-summary = Summary
sheet-channel = By channel
sheet-opd = By agency
sheet-sla = Service levels
xlsx-title = SP4N-LAPOR! complaints report
xlsx-needs-output = --format xlsx writes a binary file: name it with --output FILE.xlsx
xlsx-sla-use-report = The xlsx workbook already holds the service-level list: use `lapor-bridge report --format xlsx --output FILE.xlsx`
xlsx-written = Report written to { $path }
output-failed = Cannot write { $path }: { $error }
from-to-not-for-sla = --from and --to are for the KPI table of a period; `report sla` lists the complaints open at --as-of (default now): leave them out

sla-title = LAPOR! service levels as of { $as_of }
sla-note = In { -hari-kerja }; at risk from { $margin } working day(s) before a { -tenggat }.
sla-none = No complaint is at risk or past a deadline.
sla-section = { $state } ({ $count })
sla-col-rule = Service level
sla-col-days = Days
sla-col-ok = Open
    ok
sla-col-at-risk = At
    risk
sla-col-breached = Breached
sla-col-met = Met
sla-col-met-late = Met
    late
sla-col-record = Complaint
sla-col-tracking = Tracking ID
sla-col-instansi = Agency
sla-col-since = Since (WIB)
sla-col-deadline = Deadline (WIB)
sla-col-elapsed = Working
    days
head-state = State
head-rule = Service level
head-record-id = Record number
head-channel = Channel
head-local-id = Channel id
head-tracking = Tracking ID
head-since = Since (WIB)
head-at-risk-from = At risk from (WIB)
head-deadline = Deadline (WIB)
head-done = Done at (WIB)
head-elapsed = Working days elapsed
rule-verifikasi = verification
rule-tindak-lanjut = follow-up
rule-penutupan = closure
rule-all = all
sla-state-ok = ok
sla-state-at-risk = { -hampir-lewat }
sla-state-breached = { -lewat-tenggat }
sla-state-met = met
sla-state-met-late = met late
sla-heading-at-risk = At risk
sla-heading-breached = Breached
