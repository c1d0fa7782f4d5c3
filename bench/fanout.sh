#!/usr/bin/env bash
# bench/fanout: a red alert over six alert zones reaches N web-push subscribers (100,000 by
# default; --milione for 1,000,000) and then M e-mail subscribers (100,000 by default) through
# the real path: notifier, outbox fan-out on SQLite, the engine's workers, RFC 8291 + VAPID to
# a push service on loopback, SMTP to aiosmtpd on loopback. Prints the time to the first
# delivery, the throughput, the encryption bound measured in the same run and the ratio, the
# e-mail figures and the peak RSS. Needs Python 3 with aiosmtpd (Debian: python3-aiosmtpd).
# Usage: bench/fanout.sh [--milione] [--push N] [--email M]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root" && cargo run --release -q -p piazza-web --example fanout -- "$@"
