#!/usr/bin/env bash
# The openai-SDK agent through AgentPerf's recording gateway on the built-in fleet, at c = 1, 16, 64.
# Usage: examples/openai-agent/run.sh [more `agentperf run` flags]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/setup.sh"
cd "$here/../.."
swift build -c release --product agentperf >&2
exec .build/release/agentperf run "$here/workload.yaml" "$@"
