#!/usr/bin/env bash
# The recording gateway's cost: calls/s ceiling and added latency per streamed call, against
# direct calls to the same upstream, in the same run. Release build. Upstream: the neutral
# std-only responder in ../shared/tools/sse-mock (16 SSE chunks plus usage per call); load: wrk
# with the same streamed request, direct and through the gateway, alternating.
# Needs cargo, wrk, curl and python3. Run it on an otherwise idle machine.
#
#   bench/gateway.sh [seconds-per-measurement] [repeats] [connections]
#
# Reported (median over repeats, min–max):
#   - calls/s at c=connections against an instant upstream (DELAY_MS=0): through the gateway ÷ direct;
#   - added latency p50 and p99 at c=connections against an upstream that waits 20 ms before
#     answering (DELAY_MS=20, so neither side is saturated): gateway minus direct, in ms.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
repeats="${2:-3}"
connections="${3:-16}"
for tool in cargo wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "error: $tool is not installed" >&2; exit 2; }
done

build_log="$(mktemp)"
swift build -c release --product agentperf >"$build_log" 2>&1 || { cat "$build_log" >&2; exit 1; }
cargo build --release --quiet --manifest-path ../shared/tools/sse-mock/Cargo.toml --target-dir .build-sse-mock \
  >"$build_log" 2>&1 || { cat "$build_log" >&2; exit 1; }
bin="$(swift build -c release --show-bin-path)/agentperf"
work="$(mktemp -d)"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work" "$build_log"' EXIT

wait_for() { for _ in $(seq 100); do curl -sf "$1" >/dev/null 2>&1 && return; sleep 0.1; done; echo "error: $1 did not come up" >&2; exit 1; }
start_pair() { # delay-ms → sets mock_url, gateway_url
  local mock_port=$((20000 + RANDOM % 10000)) gateway_port=$((30000 + RANDOM % 10000))
  PORT="$mock_port" CHUNKS=16 DELAY_MS="$1" .build-sse-mock/release/sse-mock >"$work/mock.log" 2>&1 &
  pids+=($!)
  wait_for "http://127.0.0.1:$mock_port/v1/models"
  "$bin" gateway --upstream "http://127.0.0.1:$mock_port/v1" --listen "127.0.0.1:$gateway_port" \
    --out "$work/gateway-$1-$RANDOM" --json >"$work/gateway.out" 2>"$work/gateway.log" &
  pids+=($!)
  wait_for "http://127.0.0.1:$gateway_port/health"
  mock_url="http://127.0.0.1:$mock_port/v1/chat/completions"
  gateway_url="http://127.0.0.1:$gateway_port/v1/chat/completions"
}
wrk_run() { # url
  wrk -t2 -c"$connections" -d"${seconds}s" --latency -s bench/chat-request.lua "$1" | grep WRK_RESULT
}
echo "machine: $(nproc) cores, $(uname -sr); c=$connections, ${seconds}s per measurement"
start_pair 0
for r in $(seq "$repeats"); do
  echo "repeat $r/$repeats: instant upstream, direct then gateway" >&2
  wrk_run "$mock_url" >"$work/direct0-$r"
  wrk_run "$gateway_url" >"$work/gateway0-$r"
done
kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; pids=()
start_pair 20
for r in $(seq "$repeats"); do
  echo "repeat $r/$repeats: 20 ms upstream, direct then gateway" >&2
  wrk_run "$mock_url" >"$work/direct20-$r"
  wrk_run "$gateway_url" >"$work/gateway20-$r"
done

python3 - "$work" "$repeats" "$connections" <<'PY'
import re, statistics, sys
work, repeats, connections = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def wrk(path):
    return {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", open(path).read())}
rows = {k: [] for k in ("d", "g", "ratio", "dp50", "gp50", "add50", "dp99", "gp99", "add99")}
errors = 0
for r in range(1, repeats + 1):
    d0, g0 = wrk(f"{work}/direct0-{r}"), wrk(f"{work}/gateway0-{r}")
    d20, g20 = wrk(f"{work}/direct20-{r}"), wrk(f"{work}/gateway20-{r}")
    errors += int(d0["errors"] + g0["errors"] + d20["errors"] + g20["errors"])
    rows["d"].append(d0["requests_per_second"]); rows["g"].append(g0["requests_per_second"])
    rows["ratio"].append(rows["g"][-1] / rows["d"][-1])
    rows["dp50"].append(d20["p50_us"] / 1000); rows["gp50"].append(g20["p50_us"] / 1000)
    rows["dp99"].append(d20["p99_us"] / 1000); rows["gp99"].append(g20["p99_us"] / 1000)
    rows["add50"].append(rows["gp50"][-1] - rows["dp50"][-1]); rows["add99"].append(rows["gp99"][-1] - rows["dp99"][-1])
def cell(key, fmt):
    values = rows[key]
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}–{fmt.format(max(values))})"
print(f"\nmedian (min–max) over {repeats} repeats; errors in all runs: {errors}\n")
print(f"| figure at c={connections} | direct | through the gateway | gateway − direct (or ÷) |")
print("|---|---|---|---|")
print(f"| calls/s, instant upstream | {cell('d', '{:.0f}')} | {cell('g', '{:.0f}')} | ÷ {cell('ratio', '{:.2f}')} |")
print(f"| latency p50 (ms), 20 ms upstream | {cell('dp50', '{:.2f}')} | {cell('gp50', '{:.2f}')} | {cell('add50', '{:+.2f}')} |")
print(f"| latency p99 (ms), 20 ms upstream | {cell('dp99', '{:.2f}')} | {cell('gp99', '{:.2f}')} | {cell('add99', '{:+.2f}')} |")
PY
