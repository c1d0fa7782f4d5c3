#!/usr/bin/env bash
# The CPU cost of placing CAP polygons on the comuni's boundaries (issue 14: an 80,000-point
# polygon cost 3.2 s of CPU). Release build; prints wall and CPU time per document and the
# ratio to a 5-point polygon measured in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --release -q -p piazza-web --example poligoni
