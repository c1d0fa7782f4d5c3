#!/usr/bin/env bash
# bench/push: the bound of web-push delivery on this machine, the encryption alone — P-256
# key generation + ECDH + HKDF + AES-128-GCM per message (RFC 8291, `piazza-push` on ring) —
# on one core and on all of them. The fan-out benchmark of issue 6 measures its end-to-end
# throughput against this figure.
# Usage: bench/push.sh [messages, default 20000]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root" && cargo run --release -q -p piazza-push --example limite -- "${1:-20000}"
