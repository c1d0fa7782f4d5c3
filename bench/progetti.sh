#!/usr/bin/env bash
# bench/progetti: server time of the project portfolio and of the year's timeline (Gantt) on
# `piazza demo --scale large` (5,000 generated projects with 50,000 milestones and deliverables
# on top of the demo portfolio), one connection at a time with wrk (Debian package) on
# loopback, logged in as the demo reader; /healthz and the logged-in home page measured the same
# way in the same run as baselines. Target: portfolio and Gantt under 50 ms on average.
# Usage: bench/progetti.sh [seconds per endpoint, default 10]   (builds the release binary)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
secs="${1:-10}"
port="${PIAZZA_BENCH_PORT:-8093}"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk"; exit 1; }
(cd "$root" && cargo build --release -p piazza -q)
bin="$root/target/release/piazza"
data="$(mktemp -d)"
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$data"' EXIT

t0=$(date +%s%N)
env -u DATABASE_URL PIAZZA_LOG=warn "$bin" --data-dir "$data" demo --scale large --bind "127.0.0.1:$port" >"$data/log" 2>&1 &
server=$!
until curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do
  kill -0 $server 2>/dev/null || { cat "$data/log"; exit 1; }
  sleep 0.05
done
echo "piazza demo --scale large ready in $(( ($(date +%s%N) - t0) / 1000000 )) ms: $(grep -o '[0-9]* progetti e [0-9]* scadenze generati' "$data/log")"

# Log in as the demo reader (viewer of Progetti): the session cookie goes to wrk.
jar="$data/cookies"
curl -fsS -o /dev/null -c "$jar" -H "Origin: http://127.0.0.1:$port" \
  --data "email=lettore%40piazza.demo&password=piazza-demo-2026" "http://127.0.0.1:$port/login"
cookie="piazza_session=$(awk '$6 == "piazza_session" {print $7}' "$jar")"

single() { # path -> "avg_ms p99_ms"
  wrk -t1 -c1 -d"${secs}s" --latency -H "Cookie: $cookie" "http://127.0.0.1:$port$1" | awk '
    function ms(v) { if (v ~ /us$/) { sub(/us$/, "", v); return v / 1000 } if (v ~ /ms$/) { sub(/ms$/, "", v); return v } sub(/s$/, "", v); return v * 1000 }
    $1 == "Latency" && $2 != "Distribution" { avg = ms($2) } $1 == "99%" { p99 = ms($2) } END { print avg, p99 }'
}

paths=(
  "/progetti"
  "/progetti?anno=2022&stato=in_corso"
  "/progetti?comune=048017&pagina=2"
  "/progetti/gantt?anno=2022"
  "/progetti/gantt?anno=2022&pagina=10"
)
for p in /healthz / "${paths[@]}"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "http://127.0.0.1:$port$p")
  [ "$code" = 200 ] || { echo "$p answered $code"; exit 1; }
done
read -r h_avg h_p99 < <(single /healthz)
read -r home_avg home_p99 < <(single /)
printf "%-40s avg %6.2f ms  p99 %6.2f ms  (baseline)\n" /healthz "$h_avg" "$h_p99"
printf "%-40s avg %6.2f ms  p99 %6.2f ms  (baseline: a logged-in page)\n" / "$home_avg" "$home_p99"
status=0
for p in "${paths[@]}"; do
  read -r avg p99 < <(single "$p")
  ok=$(awk -v a="$avg" 'BEGIN {print (a < 50) ? "ok" : "MISS"}')
  [ "$ok" = ok ] || status=1
  ratio=$(awk -v a="$avg" -v b="$home_avg" 'BEGIN {printf "%.1f", a/b}')
  bytes=$(curl -fsS -H "Cookie: $cookie" "http://127.0.0.1:$port$p" | wc -c)
  printf "%-40s avg %6.2f ms  p99 %6.2f ms  %5sx the home page  %7s bytes  %s\n" "$p" "$avg" "$p99" "$ratio" "$bytes" "$ok"
done
echo "target: portfolio and Gantt of a year under 50 ms average server time (one connection)"
exit $status
