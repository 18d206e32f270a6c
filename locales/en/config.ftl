# config texts (en). Terms: common.ftl; glossary: locales/GLOSSARY.md.
# Configuration problems: the English catalog holds the English text of every problem (logs
# carry it), so change a text here, not in the code. Key paths are never translated; values
# from the operator's file arrive already quoted when the text shows them quoted.

config-set-by-env = { " " }(set by environment variable { $var })

## Types and keys (serde's messages, reworded)
config-unknown-key-none = unknown key; this table takes no keys here
config-unknown-key = unknown key; expected one of: { $expected }
config-unknown-key-suggest = unknown key (did you mean `{ $best }`?); expected one of: { $expected }
config-wrong-type-table = wrong type: expected a table
config-wrong-type = wrong type: { $found }, expected { $expected }
config-invalid-value = invalid value: { $found }, expected { $expected }
config-found-string = string { $value }
config-found-integer = integer { $value }
config-found-float = floating point { $value }
config-found-boolean = boolean { $value }
config-found-map = map
config-found-sequence = sequence
config-found-null = null
config-expected-u64 = a whole number ≥ 0
config-expected-u32 = a whole number ≥ 0 (at most 4294967295)
config-expected-i64 = a whole number
config-expected-string = a string (in quotes)
config-expected-map = a table
config-expected-boolean = a boolean
config-expected-sequence = a sequence

## Values shared by several sections (checks.rs)
config-url-missing = missing; set the base URL, e.g. { $example }
config-url-invalid = { $value } is not a URL ({ $error }); give an absolute http(s) URL, e.g. { $example }
config-url-scheme = { $value } uses scheme { $scheme }; only http and https are supported
config-url-no-host = { $value } has no host
config-url-credentials = contains user credentials; remove them from the URL (they would be logged) and use the secret settings instead
config-url-query = { $value } has a query or fragment; give only the base URL, e.g. { $example }
config-positive = must be greater than 0
config-out-of-range = { $value } is out of range; use a value from { $min } to { $max }
config-secret-missing = missing; give the secret's source, e.g. { $name } = { $example }
config-at-least-one = must be at least 1 ({ $what })
config-klasifikasi = { $value } is not a LAPOR! klasifikasi; use "pengaduan", "aspirasi" or "permintaan_informasi"
config-empty = is empty

## [lapor]
config-lapor-missing = missing section [lapor]; it needs at least base_url, client_id and client_secret
config-lapor-client-id-missing = missing; set the client id LAPOR! issued to this instansi, e.g. "pemkot-malang"
config-what-per-minute = requests per minute for all LAPOR! calls together; the default quota is 60
config-what-burst = requests allowed at once

## Secrets (secret.rs)
config-secret-env-unset = environment variable { $var } is not set; set it in the daemon's environment or choose another secret source
config-secret-no-credentials-dir = systemd credential { $name } needs CREDENTIALS_DIRECTORY, which is not set; add `LoadCredential={ $name }:/path/to/secret` to the service unit, or use {"{"} file = "..." {"}"} / {"{"} env = "..." {"}"} when not running under systemd
config-secret-credential = systemd credential { $name }: { $error }
config-secret-empty = the secret from { $source } is empty
config-secret-source-env = environment variable { $var }
config-secret-source-file = file { $path }
config-secret-source-credential = systemd credential { $name }
config-secret-source-value = inline value
config-secret-file-unreadable = cannot read secret file { $path }: { $error }
config-secret-found-string = a bare string (value not shown)
config-secret-found-number = a number (value not shown)
config-secret-found-boolean = a boolean
config-secret-found-array = an array
config-secret-found-other = something else
config-secret-not-table = must be a table, one of { $shapes }; found { $found }
config-secret-unknown-key = unknown secret source key; expected exactly one of { $shapes }
config-secret-not-string = must be a string (value not shown)
config-secret-none = no secret source given; use one of { $shapes }
config-secret-env-empty = the environment variable name is empty
config-secret-path-empty = the path is empty
config-secret-credential-name = { $value } is not a credential name: give the plain name used in LoadCredential= (no '/')
config-secret-several = several secret sources given ({ $keys }); keep exactly one
config-secret-shapes = {"{"} credential = "name" {"}"} (systemd LoadCredential), {"{"} env = "VARIABLE" {"}"}, {"{"} file = "/path/to/file" {"}"} or {"{"} value = "..." {"}"} (inline, for demos)

## [forwarder], [service], listeners, [logging], [store], [ui], [webhooks], [admin]
config-backoff-max-short = { $max } s is shorter than backoff_initial_ms ({ $initial } ms); the maximum must be at least the initial backoff
config-ui-language = { $value } is not a language lapor-bridge speaks; use "id" (Bahasa Indonesia) or "en" (English)
config-listen = { $value } is not an address and port, e.g. { $example }
config-admin-token-empty = is empty; leave `token` out to allow requests without one
config-store-path-empty = is empty; give the SQLite database file, e.g. "/var/lib/lapor-bridge/lapor-bridge.db"
config-store-path-and-url = gives both path and url; a store is either a SQLite file (path) or a PostgreSQL database (url): remove one
config-store-password-without-url = is a password for a PostgreSQL store, but [store] names no url: add url = "postgres://USER@HOST:PORT/DATABASE" or remove password
config-store-url = { $why }
config-log-format = { $value } is not a log format; use "text" or "json"
config-log-level = { $value } is not a log filter ({ $error }); use a level such as "info" or directives such as "info,lapor_bridge=debug"
config-log-level-empty = is empty; use a level such as "info"

## [report], [report.sla_webhook], [report.telegram], mode
config-report-margin = { $value } is out of range; use 0 (no warnings), 1 (the last working day before a deadline) or 2 (the shortest rule has 3 working days)
config-report-calendar-empty = is empty; leave it out to use the shipped calendar only
config-sla-webhook-url-missing = is required in [report.sla_webhook], e.g. "https://chat.example/hooks/sla"
config-not-http-url = { $value } is not an http(s) URL
config-telegram-api-base = { $value } is not an http(s) URL; leave it out for { $default }
config-telegram-chat-missing = is required in [report.telegram], the group's id, e.g. "-1001234567890"
config-telegram-chat-invalid = must be the group's id (e.g. "-1001234567890") or "@channelname"
config-telegram-token-missing = is required in [report.telegram]: the token @BotFather gave, e.g. bot_token = {"{"} credential = "telegram-bot-token" {"}"}
config-mode = { $value } is not a mode; use "live" or "dry-run"
config-file-unreadable = cannot read the configuration file: { $error }
config-toml-at = not valid TOML at line { $line }, column { $column }: { $error }
config-toml = not valid TOML: { $error }
config-merge-env = cannot merge the file with the environment: { $error }

## Channels ([channels.<name>])
config-channel-name = channel name { $value } must be 1 to 50 characters of a-z, 0-9, '_' or '-'; the table name is the LAPOR! `kanal`, e.g. [channels.sambat]
config-channel-not-table = must be a table, e.g. [channels.{ $name }] with kind = "sambat"; known kinds: { $known }
config-channel-kind-missing = missing; set the channel's kind, one of: { $known }
config-channel-kind-unknown = unknown channel kind { $value }; known kinds: { $known }
config-channel-kind-type = wrong type: { $found }, expected a string, one of: { $known }
config-channel-same-source = channel { $other } already polls { $url } with kind { $kind }; the same source twice would forward every complaint twice — remove one of them
config-channel-same-route = { $route } is already channel { $other }'s route; give each webhook channel its own path
config-channel-same-inbox = { $inbox } is already channel { $other }'s inbox; give each CSV channel its own folder
config-sambat-start-from = { $value } is not a WIB wall-clock time; use "YYYY-MM-DD HH:MM:SS" without an offset, e.g. "2024-01-01 00:00:00"

## Mapping tables
config-mapping-name-empty = the name is empty
config-mapping-same-name = { $name } and { $first } are the same name once case, spaces (and for places hyphens) are ignored ({ $normalised }); keep only one of them
config-mapping-default-instansi = { $value } is not a LAPOR! instansi id; ids are positive integers
config-mapping-id = { $value } is not a LAPOR! { $what } id; ids are positive integers from GET /{ $what }
config-mapping-kecamatan-code = { $value } is not a Kemendagri kecamatan code; use NN.NN.NN, e.g. "35.73.02" for Klojen
config-mapping-kelurahan-code = { $value } is not a Kemendagri kelurahan code; use NN.NN.NN.NNNN, e.g. "35.73.02.1007" for Kauman, Klojen
config-mapping-kelurahan-outside = { $value } starts with { $prefix }, which is no kecamatan of the kecamatan table ({ $known }): a kelurahan code starts with its kecamatan's code

## Declarative mapping sources
config-source-not-pointer = { $path } is not a JSON pointer; write it like "/caller/name"
config-source-not-field = { $path } is not one of this channel's fields ({ $fields })
config-source-not-column = { $path } is not a column of this export ({ $columns })
config-source-join-path = expected a path (a string)
config-source-table = { $value } is not a lookup table; use "kategori", "opd" or "wilayah"
config-source-format = { $value } is not a date format; use "rfc3339", "DD/MM/YYYY" or "YYYY-MM-DD HH:MM:SS"
config-source-key-type = wrong type for this key
config-source-unknown-key = unknown key; a source takes path, join, sep, value, default, table, format
config-source-this = this
config-source-invalid = { $value } is not a source; give a path ("/field" or a column) or {"{"} value = … {"}"}
config-source-empty = gives neither a path nor a value
config-source-both = has both a path and a value; a constant is `value` alone

## Webhook and CSV folder channels
config-out-of-range-short = { $value } is out of range; use { $min } to { $max }
config-webhook-route = { $value } is not a route; use an absolute path like "/webhooks/{ $name }"
config-webhook-id-missing = missing; the JSON pointer of the delivery's stable id, e.g. "/ticket_id"
config-webhook-id-type = expected a JSON pointer (a string) or a list of them, e.g. "/ticket_id"
config-csv-inbox-missing = missing; the folder exports are dropped in, e.g. "/var/lib/lapor-bridge/ngombe/inbox"
config-csv-inbox-empty = is empty; give the folder exports are dropped in
config-csv-folder-empty = is empty; leave it out for { $default }
config-csv-row-too-large = { $value } is larger than max_file_bytes ({ $max_file }): no file could hold such a row
config-csv-stable-zero = must be greater than 0: a file being copied must not be read
config-csv-columns-missing = missing; the export's header in order, e.g. ["no", "tanggal", "nama", …]
config-csv-column-repeated = { $value } is empty or repeated
config-csv-id-missing = missing; the columns that identify a row, e.g. ["no", "tanggal"]

## Declarative mappings (webhook and CSV channels)
config-decl-filter = a filter needs both path and prefix, e.g. {"{"} path = "/category", prefix = "keluhan-layanan/" {"}"}
config-decl-mapping-missing = missing; a webhook or CSV channel needs a [mapping] with at least isi, kategori, instansi and waktu_lapor
config-decl-reporter = { $value } is not a reporter rule; use "named", "handle" or "anonymous"
config-decl-field-missing = missing; where LAPOR! { $name } comes from, e.g. { $name } = "/field" or {"{"} value = … {"}"}
config-decl-wilayah-code = { $value } is not a Kemendagri code like "35.73.02" or "35.73.02.1007"
config-decl-lampiran-type = { $value } is not a type LAPOR! accepts ({ $types })
config-decl-wrong-table = { $name } looks up in the { $table } table, not { $given }
config-decl-table-empty = the { $table } table is empty; add [{ $key }.tables.{ $table }]
config-decl-needs-table = a path for { $name } needs table = "{ $table }" (LAPOR! wants an id, the record has a name)
config-decl-id-value = { $value } is not a valid { $name } (a positive LAPOR! id, or a Kemendagri code for kode_wilayah)
config-decl-format-missing = missing; the date format: "rfc3339", "DD/MM/YYYY" or "YYYY-MM-DD HH:MM:SS"
config-decl-handle-needs-name = reporter = "handle" needs pelapor_nama: the path of the public handle, e.g. "/author/handle"
config-reference-unknown-id = { $what }_id { $id } is not in LAPOR!'s /{ $what }
config-reference-cached = { $problem } (reference data cached in { $path })

## Write-backs ([channels.<name>.writeback])
config-wb-not-used = not used by a { $kind } channel: { $why }
config-wb-why-sambat = SAMBAT write-backs go to its own API at the channel's base_url
config-wb-why-webhook = a webhook channel writes back over HTTP (url, token, body)
config-wb-why-csv = a CSV channel writes back to its status_file
config-wb-unknown-var = unknown; use one of { $vars } or a field of the record as a JSON pointer, e.g. {"{"}/ticket_id{"}"}
config-wb-unknown-body-var = unknown; use text, { $vars } or a record field like {"{"}/ticket_id{"}"}
config-wb-template-unclosed = unclosed placeholder {"{"}{ $name }; write {"{{"} for a literal brace
config-wb-template-lone-brace = a lone {"}"}; write {"}}"} for a literal brace
config-wb-template-placeholder = placeholder {"{"}{ $name }{"}"}: { $why }
config-wb-sambat-status = { $value } is not a SAMBAT status; use one of { $statuses }
config-wb-backoff-short = must not be shorter than backoff_initial_ms
config-wb-not-status = not a LAPOR! status; the statuses are { $statuses }
config-wb-empty = must not be empty
config-wb-url-missing = missing; the URL to POST to, with record fields as placeholders, e.g. "https://112.example/api/tickets/{"{"}/ticket_id{"}"}/notes"
config-wb-url-invalid = { $value } is not an absolute http(s) URL
config-wb-body-missing = missing; the JSON fields to send, e.g. body = {"{"} text = "{"{"}text{"}"}", status = "{"{"}status{"}"}", tracking_id = "{"{"}tracking_id{"}"}" {"}"}
config-wb-body-empty = must have at least one field
config-wb-status-file-missing = missing; the status file the forum team reads, e.g. "/var/lib/lapor-bridge/ngombe/outbox/ngombe-status.csv"
config-wb-delimiter = { $value }; use ";", "," or "auto" (the inbox's)
config-wb-columns-empty = must list at least one column

## check-config's own report (src/config/summary.rs, src/cli/check_config.rs)
check-ok = config OK: { $channels }; mode { $mode }; store { $store }
check-channels = { $n ->
    [0] no channels (nothing will be polled)
    [one] 1 channel
   *[other] { $n } channels
    }
check-lapor = LAPOR! { $url } as client { $client }; rate limit { $per_minute }/min, burst { $burst }
check-sync-on = updates feed every { $secs }s
check-sync-off = no status sync
check-channel-sambat = { $name } (sambat, { $url } every { $secs }s; mapping: { $kategori } kategori, { $opd } opd, { $kecamatan } kecamatan, { $kelurahan } kelurahan)
check-channel-webhook = { $name } (webhook, POST { $listen }{ $route }; { $filters ->
    [one] 1 filter
   *[other] { $filters } filters
    })
check-channel-csv = { $name } (csv_folder, inbox { $inbox })
check-writeback-none = no write-back
check-writeback-sambat = write-back: SAMBAT tanggapan
check-writeback-post = write-back: POST { $url }
check-writeback-file = write-back: { $path }
check-problems-header = config { $path } has { $n ->
    [one] 1 problem
   *[other] { $n } problems
    }:
check-warnings-header = { $n ->
    [one] 1 warning
   *[other] { $n } warnings
    }:
check-warning = warning: { $problem }
check-strict-note = (warnings are errors with --strict)
check-reference-unchecked = the LAPOR! kategori and instansi ids of the mappings are not checked: no reference data is cached in { $path } yet; run `lapor-bridge check-config --fetch-reference` to fetch GET /kategori and GET /instansi (or start the service once) and check again
check-placeholder-url = { $url } is a placeholder address; set the real one before going live
check-pointer-outside-fields = placeholder {"{"}{ $pointer }{"}"} is not one of this channel's fields ({ $fields }): it would be written as empty text
