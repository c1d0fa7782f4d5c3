#!/usr/bin/env bash
# Runs the browser specs against `piazza demo` (release build) on a fresh data directory.
# Usage: e2e/run.sh   (after `cargo build --release -p piazza` and `npm ci` in e2e/)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
bin="${PIAZZA_BIN:-$root/target/release/piazza}"
port="${PIAZZA_E2E_PORT:-8090}"
data="$(mktemp -d)"
log="$data/server.log"

env -u DATABASE_URL "$bin" --data-dir "$data" demo --bind "127.0.0.1:$port" >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$data"' EXIT

for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then break; fi
  if ! kill -0 $server 2>/dev/null; then echo "piazza demo exited:"; cat "$log"; exit 1; fi
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { echo "piazza demo did not become ready"; cat "$log"; exit 1; }

cd "$here"
PIAZZA_URL="http://127.0.0.1:$port" node --test --test-concurrency=1 tests/
