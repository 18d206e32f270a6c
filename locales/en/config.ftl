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
config-log-format = { $value } is not a log format; use "text" or "json"
config-log-level = { $value } is not a log filter ({ $error }); use a level such as "info" or directives such as "info,lapor_bridge=debug"
config-log-level-empty = is empty; use a level such as "info"
