#!/bin/sh
# Generates the files the Debian package installs besides the binary, from the CLI itself:
# shell completions (bash, zsh, fish) and the man pages (lapor-bridge.1 and one per command).
# Run before `cargo deb` (the assets in Cargo.toml's [package.metadata.deb] point here):
#
#     scripts/gen-package-files.sh && cargo deb
#
# LAPOR_BRIDGE_BIN: the binary to ask (default: builds and uses target/release/lapor-bridge).
# OUT: where to write (default target/package).
set -eu
cd "$(dirname "$0")/.."
OUT=${OUT:-target/package}
if [ -z "${LAPOR_BRIDGE_BIN:-}" ]; then
    cargo build --release --locked -p lapor-bridge
    LAPOR_BRIDGE_BIN=target/release/lapor-bridge
fi
rm -rf "$OUT/completions" "$OUT/man"
mkdir -p "$OUT/completions" "$OUT/man"
"$LAPOR_BRIDGE_BIN" completions bash >"$OUT/completions/lapor-bridge"
"$LAPOR_BRIDGE_BIN" completions zsh >"$OUT/completions/_lapor-bridge"
"$LAPOR_BRIDGE_BIN" completions fish >"$OUT/completions/lapor-bridge.fish"
"$LAPOR_BRIDGE_BIN" manpage --dir "$OUT/man"
# Debian policy: man pages compressed with gzip -9, no timestamp (-n) for reproducibility.
gzip -9nf "$OUT"/man/*.1
echo "package files in $OUT: $(find "$OUT/completions" "$OUT/man" -type f | wc -l) files" >&2
