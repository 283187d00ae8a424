#!/usr/bin/env bash
# Measures `agentperf analyze` on a large Claude-Code-style JSONL next to `wc -l` and `jq` on the
# same file, in the same run, at two sizes, so that both throughput and the growth of peak memory
# with input size are visible. Release build. Needs jq, python3 and GNU time (/usr/bin/time).
#
#   bench/analyze-throughput.sh [size-MiB] [repeats]
#
# The input comes from bench/make-claude-code-jsonl.py (deterministic; seed 42), at size-MiB
# (default 1024) and at an eighth of it. Before timing, the file is read once so that every tool
# reads it from the page cache. For each tool and size the script reports the median wall time over
# the repeats, MB/s (10^6 bytes per second of wall time) and the peak resident set size. Ratios:
# AgentPerf's MB/s ÷ wc -l's and ÷ jq's at the large size.
#
# What each does with every line:
#   wc -l       counts newlines (a floor: no parsing).
#   jq          parses every line and prints the usage of assistant records
#               (jq -c 'select(.type == "assistant") | .message.usage').
#   agentperf   `analyze FILE --json`: detects the format, parses every line, deduplicates
#               messages, builds steps and attempts, prices them and computes the metric family.
set -euo pipefail
cd "$(dirname "$0")/.."
size="${1:-1024}"
repeats="${2:-1}"
for tool in jq python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "error: $tool is not installed" >&2; exit 2; }
done

build_log="$(mktemp)"
swift build -c release --product agentperf >"$build_log" 2>&1 || { cat "$build_log" >&2; exit 1; }
bin="$(swift build -c release --show-bin-path)/agentperf"
rm -f "$build_log"
data="${AGENTPERF_BENCH_DATA:-${TMPDIR:-/tmp}/agentperf-bench}"
mkdir -p "$data"
timing="$(mktemp)"
trap 'rm -f "$timing"' EXIT

# Prints "seconds peak-KiB" for one run of a command (its output discarded).
measure() {
  /usr/bin/time -f "%e %M" -o "$timing" "$@" >/dev/null
  cat "$timing"
}

# Median wall time and the largest peak RSS over the repeats: "seconds peak-KiB".
measure_repeated() {
  local results=()
  for _ in $(seq "$repeats"); do results+=("$(measure "$@")"); done
  printf '%s\n' "${results[@]}" | sort -n | awk '{ s[NR] = $1; if ($2 > m) m = $2 } END { print s[int((NR + 1) / 2)], m }'
}

echo "machine: $(nproc) cores, $(uname -sr); $(swift --version 2>/dev/null | head -1)"
echo "jq: $(jq --version); repeats: $repeats"
printf '%-10s %9s %9s %9s %12s\n' tool "size MB" seconds "MB/s" "peak RSS MiB"
declare -A rate
for mib in $((size / 8)) "$size"; do
  file="$data/claude-code-${mib}MiB.jsonl"
  [ -s "$file" ] || python3 bench/make-claude-code-jsonl.py "$file" "$mib" >&2
  cat "$file" >/dev/null  # into the page cache
  bytes=$(stat -c %s "$file")
  for tool in wc jq agentperf; do
    case "$tool" in
      wc) result=$(measure_repeated wc -l "$file") ;;
      jq) result=$(measure_repeated jq -c 'select(.type == "assistant") | .message.usage' "$file") ;;
      agentperf) result=$(measure_repeated "$bin" analyze "$file" --json) ;;
    esac
    read -r seconds kib <<<"$result"
    mbps=$(awk -v b="$bytes" -v s="$seconds" 'BEGIN { printf "%.1f", (s > 0 ? b / s / 1e6 : 0) }')
    rate[$tool]=$mbps
    printf '%-10s %9.0f %9.2f %9s %12.1f\n' "$tool" "$(awk -v b="$bytes" 'BEGIN { print b / 1e6 }')" "$seconds" "$mbps" \
      "$(awk -v k="$kib" 'BEGIN { print k / 1024 }')"
  done
done
awk -v a="${rate[agentperf]}" -v w="${rate[wc]}" -v j="${rate[jq]}" \
  'BEGIN { printf "agentperf analyze at the large size: %.3f × wc -l, %.2f × jq\n", a / w, a / j }'
