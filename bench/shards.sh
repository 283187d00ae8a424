#!/usr/bin/env bash
# Measures a sharded run against one unsharded, same workload, same server, in one script: the
# default workload at c = AGENTS against `serve-sim` (real latency model), first as one process,
# then as SHARDS shard processes started together (--start-at) and merged. Prints, for each,
# wall time, model calls/s, steps/s, achieved concurrency, task latency p50/p95 and the peak RSS
# of the largest process. Release build (AGENTPERF_BIN overrides the binary).
#
#   [SERVE_SIM_FLAGS=--zero-latency] bench/shards.sh [AGENTS] [SHARDS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
agents="${1:-256}"
shards="${2:-4}"
seconds="${3:-20}"
bin="${AGENTPERF_BIN:-}"
if [ -z "$bin" ]; then
    swift build -c release --product agentperf >/dev/null
    bin="$(swift build -c release --show-bin-path)/agentperf"
fi
work="$(mktemp -d)"
export AGENTPERF_HISTORY="$work/history.sqlite"
# SERVE_SIM_FLAGS=--zero-latency makes the server instant, so the client side is what is measured.
# shellcheck disable=SC2086
"$bin" serve-sim --port 0 ${SERVE_SIM_FLAGS:-} >"$work/server.out" 2>"$work/server.err" &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do grep -q 'http://' "$work/server.err" 2>/dev/null && break; sleep 0.1; done
endpoint="$(grep -o 'http://127.0.0.1:[0-9]*/v1' "$work/server.err")"
load=(--concurrency "$agents" --duration "${seconds}s" --warmup 5s --quiet --no-history --endpoint "$endpoint")

figures() { # summary.json → the figures, one line
    python3 - "$1" <<'PY'
import json, sys
level = json.load(open(sys.argv[1]))["levels"][0]
window = level["window_seconds"]
steps = level["steps"]
latency = level["task_latency"]
print(f"calls/s {steps['model_per_second']:.1f}  steps/s {steps['per_second']:.1f}  "
      f"achieved concurrency {level['achieved_concurrency']:.1f}  "
      f"p50 {latency['p50']:.2f} s  p95 {latency['p95']:.2f} s  window {window:.1f} s  attempts {level['attempts']['total']}")
PY
}
rss() { awk '/Maximum resident set size/ {print $6}' "$@" | sort -n | tail -1; }

start=$(date +%s.%N)
/usr/bin/time -v "$bin" run "${load[@]}" --out "$work/whole" >/dev/null 2>"$work/whole.time"
whole=$(python3 -c "import time; print(f'{time.time() - $start:.1f}')")
echo "one process,  c=$agents: wall $whole s, peak RSS $(( $(rss "$work/whole.time") / 1024 )) MiB; $(figures "$work/whole/summary.json")"

at=$(date -u -d '+5 seconds' +%Y-%m-%dT%H:%M:%SZ)
start=$(date +%s.%N)
for i in $(seq 0 $((shards - 1))); do
    /usr/bin/time -v "$bin" run "${load[@]}" --shard "$i/$shards" --start-at "$at" --out "$work/s$i" >/dev/null 2>"$work/s$i.time" &
done
wait $(jobs -p | grep -v "^$server$") 2>/dev/null || true
"$bin" merge $(for i in $(seq 0 $((shards - 1))); do echo "$work/s$i"; done) --out "$work/merged" --no-history --quiet >/dev/null 2>"$work/merge.err" || { cat "$work/merge.err" >&2; exit 1; }
sharded=$(python3 -c "import time; print(f'{time.time() - $start:.1f}')")
echo "$shards shards,    c=$agents: wall $sharded s (5 s of it waiting for --start-at), largest shard's peak RSS $(( $(rss "$work"/s*.time) / 1024 )) MiB; $(figures "$work/merged/summary.json")"
