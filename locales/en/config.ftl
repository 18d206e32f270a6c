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
