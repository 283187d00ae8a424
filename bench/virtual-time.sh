#!/usr/bin/env bash
# Times the bundled workload in virtual time against the same workload in real time, measured in
# the same run. Release build.
#
#   bench/virtual-time.sh [repeats]
#
# Reports, for `agentperf run --virtual-time` (medians over repeats, min–max):
#   - wall seconds and CPU seconds of the whole process (build excluded);
#   - simulated seconds: from the run's origin to the end of its last window's drain, read from
#     its own traces;
#   - speed-up: simulated seconds ÷ wall seconds;
# and, once, the real-time run's wall seconds (the reference: the same levels, seed and fleet
# over a loopback socket), with the ratio of the two wall times. Also checks that two virtual runs
# wrote the same traces apart from their run ids.
set -euo pipefail
cd "$(dirname "$0")/.."
repeats="${1:-5}"
command -v python3 >/dev/null || { echo "error: python3 is not installed" >&2; exit 2; }

build_log="$(mktemp)"
swift build -c release --product agentperf >"$build_log" 2>&1 || { cat "$build_log" >&2; exit 1; }
bin="$(swift build -c release --show-bin-path)/agentperf"
work="$(mktemp -d)"
trap 'rm -rf "$work" "$build_log"' EXIT

timed() { # output-directory, extra arguments…: prints "wall cpu"
  local out="$1"; shift
  local start end
  start=$(date +%s.%N)
  /usr/bin/time -f "%U %S" -o "$work/time" "$bin" run --quiet --out "$out" "$@" >/dev/null 2>"$work/stderr"
  end=$(date +%s.%N)
  python3 -c "import sys; u,s=open('$work/time').read().split(); print(f'{$end-$start:.3f} {float(u)+float(s):.3f}')"
}
simulated() { # output-directory: seconds from the origin to the last drain end
  python3 - "$1/traces.jsonl" <<'PY'
import json, sys
end = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("record") == "window":
        end = max(end, r.get("drain_end_ns", r["end_ns"]), r["end_ns"])
print(f"{end / 1e9:.3f}")
PY
}

echo "machine: $(nproc) cores, $(uname -sr); $(swift --version 2>/dev/null | head -1)"
for i in $(seq "$repeats"); do
  read -r wall cpu < <(timed "$work/virtual-$i" --virtual-time)
  echo "virtual $i: wall ${wall}s cpu ${cpu}s simulated $(simulated "$work/virtual-$i")s"
done | tee "$work/virtual.txt"
read -r real_wall real_cpu < <(timed "$work/real")
echo "real-time reference: wall ${real_wall}s cpu ${real_cpu}s simulated $(simulated "$work/real")s"

python3 - "$work/virtual.txt" "$real_wall" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
wall = [float(r[3].rstrip("s")) for r in rows]
cpu = [float(r[5].rstrip("s")) for r in rows]
sim = [float(r[7].rstrip("s")) for r in rows]
speed = [s / w for s, w in zip(sim, wall)]
def m(xs): return f"{statistics.median(xs):.3f} (min {min(xs):.3f}, max {max(xs):.3f})"
print(f"virtual time, {len(rows)} runs: wall {m(wall)} s; cpu {m(cpu)} s; simulated {m(sim)} s")
print(f"speed-up (simulated / wall): {m(speed)}x")
print(f"real-time wall / virtual-time wall: {float(sys.argv[2]) / statistics.median(wall):.1f}x")
PY

strip() { grep -v '"record":"run"' "$1/traces.jsonl" | sed 's/"run_id":"[^"]*"//'; }
if cmp -s <(strip "$work/virtual-1") <(strip "$work/virtual-2" 2>/dev/null || true); then
  echo "determinism: runs 1 and 2 wrote the same records (run ids aside)"
else
  echo "determinism: runs 1 and 2 differ" >&2; exit 1
fi
