#!/usr/bin/env bash
# Fuzzes every reader with libFuzzer and AddressSanitizer for SECONDS each (default 60):
#   scripts/fuzz.sh [SECONDS] [TARGET…]
# Builds agentperf-fuzz (Fuzz/) with -sanitize=fuzzer,address -DFUZZING into .build/fuzz, seeds
# each target's corpus from Tests/Fixtures (real files and the malformed corpus) and examples/,
# and prints one line per target: executions, run time, and the crash files it left (none is the
# goal; a crash file reproduces with `.build/debug/agentperf-fuzz TARGET FILE` in a normal build).
# Not part of CI: a sanitized build of the graph takes minutes, and the figures go to docs/FUZZING.md.
set -euo pipefail
seconds="${1:-60}"
shift || true
root="$(cd "$(dirname "$0")/.." && pwd)"
scratch="$root/.build/fuzz"
work="${FUZZ_WORK:-$(mktemp -d /tmp/agentperf-fuzz.XXXXXX)}"
swift build --package-path "$root" --scratch-path "$scratch" --product agentperf-fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -use-ld=lld >&2  # gold crashes on this link
binary="$scratch/debug/agentperf-fuzz"
if [ "$#" -gt 0 ]; then
  targets="$*"
else
  targets="$("$binary" 2>&1 | sed -n 's/.*targets: //p' | tr -d ',')" || true
fi
fixtures="$root/Tests/Fixtures"
seed() {  # seed TARGET DIR: copy the files that fit TARGET
  local target="$1" corpus="$2"
  mkdir -p "$corpus"
  case "$target" in
    sse) cp "$fixtures"/real/sse/* "$fixtures"/docs/*.sse "$corpus"/ ;;
    json) find "$fixtures/real" -name '*.json' -size -2M -exec cp {} "$corpus"/ \; ;;
    workload) cp "$root"/examples/*.yaml "$fixtures"/malformed/workload/* "$corpus"/ 2>/dev/null || true ;;
    import-agentperf) cp "$fixtures"/malformed/agentperf/* "$corpus"/ ;;
    import-claude-code) cp "$fixtures"/real/claude-code/* "$fixtures"/malformed/claude-code/* "$corpus"/ ;;
    import-codex) cp "$fixtures"/real/codex/* "$fixtures"/malformed/codex/* "$corpus"/ ;;
    import-gemini-cli) cp "$fixtures"/real/gemini/* "$fixtures"/malformed/gemini-cli/* "$corpus"/ ;;
    import-otlp) cp "$fixtures"/malformed/otlp/* "$corpus"/ ;;
    import-inspect) cp "$fixtures"/real/inspect/*.json "$fixtures"/malformed/inspect/* "$corpus"/ ;;
    import-inspect-eval) cp "$fixtures"/real/inspect/*.eval "$fixtures"/malformed/inspect-eval/* "$corpus"/ ;;
    import-openhands) cp "$fixtures"/real/openhands/* "$fixtures"/malformed/openhands/* "$corpus"/ ;;
    import-swe-agent) cp "$fixtures"/real/swe-agent/* "$fixtures"/malformed/swe-agent/* "$corpus"/ ;;
    import-tau-bench) cp "$fixtures"/malformed/tau-bench/* "$corpus"/ ;;
  esac
}
printf '%-22s %12s %8s %s\n' target executions seconds crashes
for target in $targets; do
  corpus="$work/$target/corpus"
  seed "$target" "$corpus"
  log="$work/$target/log"
  # Leaks are not findings here: Foundation's FileManager leaks a path buffer per call under ASan.
  ASAN_OPTIONS=detect_leaks=0 "$binary" "$target" "$corpus" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 -detect_leaks=0 -artifact_prefix="$work/$target/" > "$log" 2>&1 || true
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  took="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)"
  crashes="$(find "$work/$target" -maxdepth 1 -name 'crash-*' -o -maxdepth 1 -name 'leak-*' -o -maxdepth 1 -name 'oom-*' -o -maxdepth 1 -name 'timeout-*' | wc -l)"
  printf '%-22s %12s %8s %s\n' "$target" "${runs:-?}" "$seconds" "$crashes (execs/s ${took:-?}; log $log)"
done
