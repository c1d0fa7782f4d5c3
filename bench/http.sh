#!/usr/bin/env bash
# bench/http: throughput and p99 latency of the main pages against /healthz, measured in the same
# run with wrk (Debian package) on loopback, 64 connections, on the demo data; and the time
# `piazza demo` takes from an empty data directory to answering /healthz.
# Usage: bench/http.sh [seconds per endpoint, default 10]   (builds the release binary)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
secs="${1:-10}"
port="${PIAZZA_BENCH_PORT:-8091}"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk"; exit 1; }
(cd "$root" && cargo build --release -p piazza -q)
bin="$root/target/release/piazza"
data="$(mktemp -d)"
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$data"' EXIT

t0=$(date +%s%N)
env -u DATABASE_URL PIAZZA_LOG=warn "$bin" --data-dir "$data" demo --bind "127.0.0.1:$port" >"$data/log" 2>&1 &
server=$!
until curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do
  kill -0 $server 2>/dev/null || { cat "$data/log"; exit 1; }
  sleep 0.01
done
t1=$(date +%s%N)
ready_ms=$(( (t1 - t0) / 1000000 ))
echo "piazza demo, empty data dir -> /healthz 200: ${ready_ms} ms (target < 2000 ms)"

measure() { # path -> "req/s p99_ms"
  local out rps p99
  out=$(wrk -t2 -c64 -d"${secs}s" --latency "http://127.0.0.1:$port$1")
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}; print v}' <<<"$out")
  echo "$rps $p99"
}

# Warm up (map caches, connection pool).
for p in /healthz /comuni /comuni/048017 /mappa /piano/2020; do curl -fsS -o /dev/null "http://127.0.0.1:$port$p"; done
read -r base_rps base_p99 < <(measure /healthz)
printf "%-16s %10s req/s  p99 %7s ms  (baseline)\n" /healthz "$base_rps" "$base_p99"
status=0
for p in /comuni /comuni/048017 /mappa; do
  read -r rps p99 < <(measure "$p")
  ratio=$(awk -v a="$rps" -v b="$base_rps" 'BEGIN {printf "%.1f", 100*a/b}')
  ok=$(awk -v r="$ratio" -v p="$p99" 'BEGIN {print (r >= 25 && p < 50) ? "ok" : "MISS"}')
  [ "$ok" = ok ] || status=1
  bytes=$(curl -fsS "http://127.0.0.1:$port$p" | wc -c)
  printf "%-16s %10s req/s  p99 %7s ms  %5s%% of /healthz  %7s bytes  %s\n" "$p" "$rps" "$p99" "$ratio" "$bytes" "$ok"
done
[ "$ready_ms" -lt 2000 ] || status=1
echo "targets: each page >= 25% of /healthz throughput and p99 < 50 ms; demo ready < 2000 ms"

# The public plan page: server time, one connection at a time (no queueing), against /healthz.
single() { # path -> "avg_ms p99_ms"
  wrk -t1 -c1 -d"${secs}s" --latency "http://127.0.0.1:$port$1" | awk '
    function ms(v) { if (v ~ /us$/) { sub(/us$/, "", v); return v / 1000 } if (v ~ /ms$/) { sub(/ms$/, "", v); return v } sub(/s$/, "", v); return v * 1000 }
    $1 == "Latency" && $2 != "Distribution" { avg = ms($2) } $1 == "99%" { p99 = ms($2) } END { print avg, p99 }'
}
read -r h_avg h_p99 < <(single /healthz)
read -r p_avg p_p99 < <(single /piano/2020)
ok=$(awk -v a="$p_avg" 'BEGIN {print (a < 20) ? "ok" : "MISS"}')
[ "$ok" = ok ] || status=1
printf "%-16s avg %6.2f ms  p99 %6.2f ms  (one connection; /healthz avg %.2f ms, p99 %.2f ms)  target avg < 20 ms  %s\n" /piano/2020 "$p_avg" "$p_p99" "$h_avg" "$h_p99" "$ok"
exit $status
