#!/usr/bin/env bash
# Reading office documents (issue 17): a 300-page PDF and a 300-page DOCX written in the same
# run, with a one-page document of each kind as the baseline. Prints wall time, CPU time of the
# reading thread (per page too) and the peak memory of the reading; exits non-zero if a
# 300-page document takes more than 10 s or 256 MB.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p piazza-office --example misura_documenti
bin=target/release/examples/misura_documenti
for tipo in pdf docx; do
  base=$("$bin" "$tipo" 1)
  grande=$("$bin" "$tipo" 300)
  echo "$base"
  echo "$grande"
  ms() { sed -E 's/.*: ([0-9.]+) ms, CPU ([0-9.]+) ms.*/\2/' <<<"$1"; }
  mb() { sed -E 's/.*picco ([0-9]+) MB.*/\1/' <<<"$1"; }
  b=$(ms "$base"); g=$(ms "$grande")
  awk -v b="$b" -v g="$g" -v t="$tipo" 'BEGIN { printf "%s: CPU per page %.3f ms at 300 pages, %.3f ms at 1 page (ratio %.2f)\n", t, g/300, b, (g/300)/(b>0?b:1e-9) }'
  awk -v g="$g" -v m="$(mb "$grande")" -v t="$tipo" 'BEGIN { if (g > 10000 || m > 256) { print t ": over target (10 s, 256 MB)"; exit 1 } }'
done
