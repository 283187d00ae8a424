#!/usr/bin/env bash
# Measures AgentPerf's own ceiling against the simulated fleet in zero-latency mode, next to
# wrk on the same endpoint with the same request, in the same run. Release build.
# Needs wrk (apt-get install wrk), curl and python3. Run it on an otherwise idle machine.
#
#   bench/harness-ceiling.sh [seconds-per-measurement] [repeats]
#
# Each repeat measures, in turn: wrk at 1 and 64 connections, then AgentPerf at concurrency 1
# and 64 (a one-call task: bench/ceiling.yaml). Reported (median over repeats, min–max):
#   - model calls/s at c=64 and c=1, AgentPerf ÷ wrk;
#   - client-added latency at c=1: AgentPerf task latency p50 (one model call per task) minus
#     wrk request latency p50. At c=64 both sides saturate the machine, so their latencies
#     follow their throughputs (Little's law) and are not compared;
#   - AgentPerf's achieved concurrency at c=64 (below 64: workers waiting for CPU between calls).
# Resolution: wrk's latency histogram is in µs; AgentPerf's HDR histograms keep 3 significant digits.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
repeats="${2:-3}"
for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "error: $tool is not installed" >&2; exit 2; }
done

build_log="$(mktemp)"
swift build -c release --product agentperf >"$build_log" 2>&1 || { cat "$build_log" >&2; exit 1; }
bin="$(swift build -c release --show-bin-path)/agentperf"
work="$(mktemp -d)"
trap 'kill "${server:-}" 2>/dev/null || true; rm -rf "$work" "$build_log"' EXIT

port=$((20000 + RANDOM % 20000))
"$bin" serve-sim --zero-latency --port "$port" 2>"$work/server.log" &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
url="http://127.0.0.1:$port/v1"

wrk_run() { # connections
  wrk -t"$(( $1 < 2 ? 1 : 2 ))" -c"$1" -d"${seconds}s" --latency -s bench/chat-request.lua "$url/chat/completions" \
    | grep WRK_RESULT
}
echo "machine: $(nproc) cores, $(uname -sr); $(swift --version 2>/dev/null | head -1)"
for r in $(seq "$repeats"); do
  echo "repeat $r/$repeats: wrk c=1, c=64; agentperf c=1, c=64 (${seconds}s each)" >&2
  wrk_run 1 >"$work/wrk1-$r"
  wrk_run 64 >"$work/wrk64-$r"
  "$bin" run bench/ceiling.yaml --endpoint "$url" --duration "${seconds}s" --out "$work/run-$r" --quiet --json \
    >"$work/agentperf-$r.json" 2>/dev/null
done

python3 - "$work" "$repeats" <<'PY'
import json, re, statistics, sys
work, repeats = sys.argv[1], int(sys.argv[2])
def wrk(path):
    return {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", open(path).read())}
rows = {k: [] for k in ("r64", "r1", "w64", "a64", "w1", "a1", "wl1", "al1", "add1", "conc64")}
errors = 0
for r in range(1, repeats + 1):
    w1, w64 = wrk(f"{work}/wrk1-{r}"), wrk(f"{work}/wrk64-{r}")
    levels = {l["concurrency"]: l for l in json.load(open(f"{work}/agentperf-{r}.json"))["levels"]}
    a1, a64 = levels[1], levels[64]
    errors += int(w1["errors"] + w64["errors"]) + a1["attempts"]["errored"] + a64["attempts"]["errored"]
    rows["w64"].append(w64["requests_per_second"]); rows["a64"].append(a64["steps"]["model_per_second"])
    rows["w1"].append(w1["requests_per_second"]); rows["a1"].append(a1["steps"]["model_per_second"])
    rows["r64"].append(rows["a64"][-1] / rows["w64"][-1]); rows["r1"].append(rows["a1"][-1] / rows["w1"][-1])
    rows["wl1"].append(w1["p50_us"] / 1000); rows["al1"].append(a1["task_latency"]["p50"] * 1000)
    rows["add1"].append(rows["al1"][-1] - rows["wl1"][-1]); rows["conc64"].append(a64["achieved_concurrency"])
def cell(key, fmt):
    values = rows[key]
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}–{fmt.format(max(values))})"
print(f"\nmedian (min–max) over {repeats} repeats; errors in all runs: {errors}\n")
print("| figure | wrk | agentperf | agentperf ÷ wrk |")
print("|---|---|---|---|")
print(f"| model calls/s at c=64 | {cell('w64', '{:.0f}')} | {cell('a64', '{:.0f}')} | {cell('r64', '{:.2f}')} |")
print(f"| model calls/s at c=1 | {cell('w1', '{:.0f}')} | {cell('a1', '{:.0f}')} | {cell('r1', '{:.2f}')} |")
print(f"| latency p50 at c=1 (ms) | {cell('wl1', '{:.2f}')} | {cell('al1', '{:.2f}')} | |")
print(f"| client-added latency p50 at c=1 (ms) | | {cell('add1', '{:+.2f}')} | |")
print(f"| achieved concurrency at c=64 | | {cell('conc64', '{:.1f}')} | |")
PY
