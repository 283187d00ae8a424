#!/usr/bin/env python3
"""Writes a synthetic RouterBench-shaped wide table: ITEMS rows × MODELS models.

Columns as RouterBench's released CSV has them: sample_id, prompt, eval_name, then per model
<model> (True/False or a 0-1 score), <model>|model_response, <model>|total_cost, and
oracle_model_to_route_to. Prompts and replies hold commas, quotes and newlines, so the reader's
quoting is exercised. Seeded: the same arguments give the same file.

usage: make-routing-table.py OUT.csv [ITEMS=40000] [MODELS=11]
"""
import csv
import random
import sys

out = sys.argv[1]
items = int(sys.argv[2]) if len(sys.argv) > 2 else 40_000
models = int(sys.argv[3]) if len(sys.argv) > 3 else 11
rng = random.Random(20260601)
names = [f"model-{m:02d}" for m in range(models)]
# Bigger models: higher pass rates, higher prices.
skill = [0.35 + 0.5 * m / max(models - 1, 1) for m in range(models)]
price = [0.0002 * (1.6**m) for m in range(models)]
with open(out, "w", newline="") as f:
    w = csv.writer(f)
    header = ["sample_id", "prompt", "eval_name"]
    for n in names:
        header += [n, f"{n}|model_response", f"{n}|total_cost"]
    w.writerow(header + ["oracle_model_to_route_to"])
    for i in range(items):
        difficulty = rng.random()
        row = [f"bench.{i}", f'Question {i}: "why", exactly?\nExplain, briefly.', "synthetic"]
        best = None
        for m, n in enumerate(names):
            passed = rng.random() < skill[m] * (1.2 - difficulty)
            if passed and best is None:
                best = n
            cost = price[m] * (0.5 + rng.random())
            row += ["True" if passed else "False", f"Answer {i}, model {m}:\n\"{passed}\"", f"{cost:.8f}"]
        w.writerow(row + [best or names[-1]])
