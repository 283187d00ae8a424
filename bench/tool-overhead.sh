#!/usr/bin/env bash
# Measures what a tool call costs an agent beyond its work, per kind of tool, in one run:
# a 0 ms simulated tool (AgentPerf's own floor), a call to a shared MCP server over stdio, and a
# fresh python3 process per call (bench/tool-overhead.yaml). Release build; zero-latency fleet.
# Needs python3 and jq.
#
#   bench/tool-overhead.sh [attempts-per-level]
#
# Reports, per concurrency level and tool kind, the tool step latency (sent → end, as recorded in
# the traces) p50 / p95 / max over all measured tool steps, and each kind's p50 ÷ the simulated
# floor's p50 measured in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
attempts="${1:-24}"
for tool in python3 jq; do
  command -v "$tool" >/dev/null || { echo "error: $tool is not installed" >&2; exit 2; }
done
build_log="$(mktemp)"
swift build -c release --product agentperf >"$build_log" 2>&1 || { cat "$build_log" >&2; exit 1; }
bin="$(swift build -c release --show-bin-path)/agentperf"
out="$(mktemp -d)"
trap 'rm -rf "$out" "$build_log"' EXIT

"$bin" run bench/tool-overhead.yaml --attempts "$attempts" --quiet --out "$out/run" >/dev/null
jq -r 'select(.record == "step" and ."gen_ai.operation.name" == "execute_tool")
       | [.attempt_id, ."gen_ai.tool.name", (.end_ns - .sent_ns)] | @tsv' "$out/run/traces.jsonl" >"$out/steps.tsv"
jq -r 'select(.record == "attempt" and .warmup == false) | .attempt_id' "$out/run/traces.jsonl" >"$out/measured.txt"
python3 - "$out/steps.tsv" "$out/measured.txt" <<'PY'
import sys
measured = set(open(sys.argv[2]).read().split())
by = {}
for line in open(sys.argv[1]):
    attempt, tool, ns = line.rstrip("\n").split("\t")
    if attempt not in measured:
        continue
    level = attempt[1:].split("-")[0]  # attempt ids are c<level>-<sequence>
    by.setdefault((level, tool), []).append(int(ns) / 1e6)
def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]
print(f"{'level':>6} {'tool':<14} {'calls':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'p50 / floor':>12}")
for level in sorted({l for l, _ in by}, key=int):
    floor = pct(by.get((level, "via_simulated"), [float("nan")]), 0.5)
    for tool in ["via_simulated", "via_mcp", "via_command"]:
        values = by.get((level, tool), [])
        if not values:
            continue
        p50 = pct(values, 0.5)
        print(f"c={level:>4} {tool:<14} {len(values):>6} {p50:>8.2f} {pct(values, 0.95):>8.2f} {max(values):>8.2f} {p50 / floor:>11.1f}x")
PY
