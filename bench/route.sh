#!/usr/bin/env bash
# Measures `agentperf route` on a RouterBench-shaped wide table of 40,000 items × 11 models (the
# routing issue's bound: under 2 s, release build) next to Python's C csv reader on the same file,
# in the same run. Needs python3 and GNU time (/usr/bin/time).
#
#   bench/route.sh [items] [models] [repeats]
#
# The table comes from bench/make-routing-table.py (deterministic): per model a True/False score,
# a reply and a total cost; prompts and replies hold quotes, commas and newlines. The file is read
# once before timing, so that both tools read it from the page cache. Reported: the median wall
# time over the repeats and the peak resident set size of each, and AgentPerf's time ÷ Python's.
#
# What each does:
#   python csv  csv.reader over every record, summing each model's score column (a floor: parsing
#               and one float per cell, no evaluation).
#   agentperf   `route FILE --json`: parses every record, builds the outcome table, and computes
#               every figure of docs/ROUTING.md (frontier, AIQ, oracle, hindsight, random, the
#               weak→strong cascade, RouteLLM sweeps for the random and optimal routers, regret).
set -euo pipefail
cd "$(dirname "$0")/.."
items="${1:-40000}"
models="${2:-11}"
repeats="${3:-5}"
for tool in python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "error: $tool is not installed" >&2; exit 2; }
done

build_log="$(mktemp)"
swift build -c release --product agentperf >"$build_log" 2>&1 || { cat "$build_log" >&2; exit 1; }
bin="$(swift build -c release --show-bin-path)/agentperf"
rm -f "$build_log"
data="${AGENTPERF_BENCH_DATA:-${TMPDIR:-/tmp}/agentperf-bench}"
mkdir -p "$data"
file="$data/routing-${items}x${models}.csv"
[ -s "$file" ] || python3 bench/make-routing-table.py "$file" "$items" "$models"
cat "$file" >/dev/null
timing="$(mktemp)"
reference="$(mktemp --suffix .py)"
trap 'rm -f "$timing" "$reference"' EXIT
cat >"$reference" <<'PY'
import csv, sys
with open(sys.argv[1], newline="") as f:
    rows = csv.reader(f)
    header = next(rows)
    models = [i for i, name in enumerate(header) if "|" not in name and f"{name}|total_cost" in header]
    sums = [0.0] * len(models)
    for row in rows:
        for k, i in enumerate(models):
            sums[k] += 1.0 if row[i] == "True" else 0.0
print(len(models), sums[0])
PY

measure_repeated() {
  local results=()
  for _ in $(seq "$repeats"); do
    /usr/bin/time -f "%e %M" -o "$timing" "$@" >/dev/null
    results+=("$(cat "$timing")")
  done
  printf '%s\n' "${results[@]}" | sort -n | awk '{ s[NR] = $1; if ($2 > m) m = $2 } END { print s[int((NR + 1) / 2)], m }'
}

echo "machine: $(nproc) cores, $(uname -sr); $(swift --version 2>/dev/null | head -1)"
echo "input: $file ($(($(stat -c %s "$file") / 1000000)) MB, $items items × $models models); repeats: $repeats"
read -r py_s py_kib < <(measure_repeated python3 "$reference" "$file")
read -r ap_s ap_kib < <(measure_repeated "$bin" route "$file" --json)
printf '%-12s %9s %14s\n' tool seconds "peak RSS MiB"
printf '%-12s %9s %14s\n' "python csv" "$py_s" "$((py_kib / 1024))"
printf '%-12s %9s %14s\n' agentperf "$ap_s" "$((ap_kib / 1024))"
awk -v a="$ap_s" -v p="$py_s" 'BEGIN { printf "agentperf ÷ python csv: %.2f× the time\n", a / p }'
awk -v a="$ap_s" 'BEGIN { if (a >= 2) { print "over the 2 s bound" > "/dev/stderr"; exit 1 } }'
