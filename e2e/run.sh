#!/usr/bin/env bash
# Runs the browser specs against `piazza demo` on a fresh data directory.
# Usage: e2e/run.sh   (after `cargo build --release -p piazza` and `npm ci` in e2e/);
# PIAZZA_BIN=target/debug/piazza e2e/run.sh runs them on the test profile's binary (CI does).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
bin="${PIAZZA_BIN:-$root/target/release/piazza}"
port="${PIAZZA_E2E_PORT:-8090}"
data="$(mktemp -d)"
log="$data/server.log"

# The SMTP server of the e-mail spec: aiosmtpd on loopback, writing a Maildir.
py=""
for c in "${PIAZZA_PYTHON:-}" /usr/bin/python3 python3; do
  if [ -n "$c" ] && "$c" -c 'import aiosmtpd' 2>/dev/null; then py="$c"; break; fi
done
[ -n "$py" ] || { echo "serve Python 3 con aiosmtpd (Debian: python3-aiosmtpd)"; exit 1; }
smtp_port="${PIAZZA_E2E_SMTP_PORT:-8025}"
maildir="$data/maildir"
"$py" -m aiosmtpd -n -l "127.0.0.1:$smtp_port" -c aiosmtpd.handlers.Mailbox "$maildir" >"$data/smtp.log" 2>&1 &
smtp=$!

env -u DATABASE_URL PIAZZA_ATTESA_ELABORAZIONE_MS=0 PIAZZA_SMTP_URL="smtp://127.0.0.1:$smtp_port" PIAZZA_PUBLIC_URL="http://127.0.0.1:$port" \
  "$bin" --data-dir "$data" demo --bind "127.0.0.1:$port" >"$log" 2>&1 &
server=$!
trap 'kill $server $smtp 2>/dev/null || true; wait $server $smtp 2>/dev/null || true; rm -rf "$data"' EXIT

for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then break; fi
  if ! kill -0 $server 2>/dev/null; then echo "piazza demo exited:"; cat "$log"; exit 1; fi
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { echo "piazza demo did not become ready"; cat "$log"; exit 1; }

cd "$here"
PIAZZA_MAILDIR="$maildir" PIAZZA_URL="http://127.0.0.1:$port" node --test --test-concurrency=1 ${PIAZZA_E2E_SPECS:-tests/}
