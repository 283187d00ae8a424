#!/usr/bin/env python3
"""Compares two runs' token counts attempt by attempt: for every attempt id both traces hold, are
the per-step input and output token counts the same? (Same seed, same workload: they should be,
whatever the clock or the timing; the cached/uncached split may differ where agents race.)

    bench/compare-tokens.py RUN_A/traces.jsonl RUN_B/traces.jsonl

Prints the attempts of each side, the attempts in common and how many have identical counts;
exits 1 if any attempt in common differs.
"""
import json
import sys


def steps(path):
    attempts = {}
    with open(path, encoding="utf-8") as trace:
        for line in trace:
            record = json.loads(line)
            if record.get("record") == "step":
                attempts.setdefault(record["attempt_id"], []).append(
                    (record["step_id"], record.get("gen_ai.usage.input_tokens"), record.get("gen_ai.usage.output_tokens")))
    return {attempt: sorted(counts) for attempt, counts in attempts.items()}


a, b = steps(sys.argv[1]), steps(sys.argv[2])
common = sorted(set(a) & set(b))
same = [attempt for attempt in common if a[attempt] == b[attempt]]
print(f"attempts: {len(a)} and {len(b)}; in common {len(common)}; identical token counts {len(same)}")
for attempt in [x for x in common if a[x] != b[x]][:5]:
    print(f"differs: {attempt}")
sys.exit(0 if len(same) == len(common) else 1)
