#!/usr/bin/env bash
# bench/allerte: the public alert pages under an alert storm. Starts `piazza demo` (which has a
# red alert in force on the Serchio), then measures with wrk (Debian package) on loopback,
# 2 threads and 256 connections, `/healthz` as the baseline and in the same run `/allerte`
# (the map of every comune and the alerts in force), `/allerte.json` (open data) and
# `/allerte/cap.atom` (the CAP index), each as browsers ask for it (gzip) and plain.
# Target: `/allerte` at least 5,000 requests/s at 256 connections.
# Usage: bench/allerte.sh [seconds per endpoint, default 10]   (builds the release binary)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
secs="${1:-10}"
port="${PIAZZA_BENCH_PORT:-8094}"
conns="${PIAZZA_BENCH_CONNECTIONS:-256}"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk"; exit 1; }
(cd "$root" && cargo build --release -p piazza -q)
bin="$root/target/release/piazza"
data="$(mktemp -d)"
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$data"' EXIT
ulimit -n 4096 2>/dev/null || true

env -u DATABASE_URL PIAZZA_LOG=warn "$bin" --data-dir "$data" demo --bind "127.0.0.1:$port" >"$data/log" 2>&1 &
server=$!
until curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do
  kill -0 $server 2>/dev/null || { cat "$data/log"; exit 1; }
  sleep 0.05
done
rossi=$(curl -fsS "http://127.0.0.1:$port/allerte.json" | grep -o '"livello":"rosso"' | wc -l)
echo "demo ready; comuni in red now: $rossi"
[ "$rossi" -gt 0 ] || { echo "no red alert in force: the benchmark needs one"; exit 1; }

measure() { # path [header] -> "req/s p99_ms"
  local out rps p99
  if [ -n "${2:-}" ]; then
    out=$(wrk -t2 -c"$conns" -d"${secs}s" --latency -H "$2" "http://127.0.0.1:$port$1")
  else
    out=$(wrk -t2 -c"$conns" -d"${secs}s" --latency "http://127.0.0.1:$port$1")
  fi
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; print v}' <<<"$out")
  errors=$(awk '/Non-2xx or 3xx responses:/ {print $5}' <<<"$out")
  [ -z "$errors" ] || { echo "$1: $errors non-2xx responses"; exit 1; }
  echo "$rps $p99"
}

for p in /healthz /allerte /allerte.json /allerte/cap.atom; do curl -fsS -o /dev/null "http://127.0.0.1:$port$p"; done
read -r base_rps base_p99 < <(measure /healthz)
printf "%-28s %10s req/s  p99 %8s ms  (baseline, %s connections)\n" /healthz "$base_rps" "$base_p99" "$conns"
status=0
for spec in "/allerte|gzip" "/allerte|" "/allerte.json|gzip" "/allerte/cap.atom|gzip"; do
  p="${spec%|*}"; enc="${spec#*|}"
  if [ -n "$enc" ]; then
    read -r rps p99 < <(measure "$p" "Accept-Encoding: $enc")
    bytes=$(curl -fsS -H "Accept-Encoding: $enc" "http://127.0.0.1:$port$p" | wc -c)
  else
    read -r rps p99 < <(measure "$p")
    bytes=$(curl -fsS "http://127.0.0.1:$port$p" | wc -c)
  fi
  ratio=$(awk -v a="$rps" -v b="$base_rps" 'BEGIN {printf "%.1f", 100*a/b}')
  ok=ok
  if [ "$p" = /allerte ]; then
    ok=$(awk -v r="$rps" 'BEGIN {print (r >= 5000) ? "ok" : "MISS"}')
    [ "$ok" = ok ] || status=1
  fi
  printf "%-28s %10s req/s  p99 %8s ms  %5s%% of /healthz  %7s bytes  %s\n" "$p ${enc:+($enc)}" "$rps" "$p99" "$ratio" "$bytes" "$ok"
done
echo "target: /allerte >= 5000 req/s at $conns connections (gzip and plain)"
exit $status
