#!/usr/bin/env bash
# bench/eventi: the registration rush of issue 20 — N public registrations (default 2000) to one
# event over loopback, then their N confirmations at once (seat or waitlist, no overbooking), then
# check-in scans one at a time — each next to /healthz measured in the same run, with the server's
# CPU time per request. Driven by bench/eventi.py (Python 3, standard library only).
# Usage: bench/eventi.sh [registrations, default 2000]   (builds the release binary)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
n="${1:-2000}"
port="${PIAZZA_BENCH_PORT:-8094}"
(cd "$root" && cargo build --release -p piazza -q)
bin="$root/target/release/piazza"
data="$(mktemp -d)"
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$data"' EXIT

# No SMTP server: the confirmation e-mails stay in the queue, where the driver reads their links.
# The per-address limits are raised: every simulated person comes from 127.0.0.1.
env -u DATABASE_URL -u PIAZZA_SMTP_URL PIAZZA_LOG=warn PIAZZA_REGISTRAZIONI_BURST=1000000 \
  PIAZZA_LOGIN_BURST=1000000 PIAZZA_PUBLIC_URL="http://127.0.0.1:$port" \
  "$bin" --data-dir "$data" demo --bind "127.0.0.1:$port" >"$data/log" 2>&1 &
server=$!
until curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do
  kill -0 $server 2>/dev/null || { cat "$data/log"; exit 1; }
  sleep 0.05
done
python3 "$root/bench/eventi.py" "$port" "$data/piazza.db" "$server" "$n"
