#!/usr/bin/env python3
"""Writes the malformed-input corpus: Tests/Fixtures/malformed/<reader>/<case> plus manifest.json.

Every case is input a user could hand AgentPerf by mistake or on purpose: broken syntax, numbers
past every range, alias bombs, binary bytes, truncated lines, wrong types. The manifest says how
each is fed to the real binary and what must happen (MalformedCorpusTests runs it): exit 2, the
file named with a line or field, no crash, peak memory under 512 MiB.

Run it after changing the cases; the output is committed (issue 14, "Done when").
"""
import json
import os
import shutil

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "malformed")
BIG = str(2**63 - 1)

TINY_TASK = """tasks:
  - name: answer
    task_prompt_tokens: 20
    pass_probability: {small: 0.5}
    steps:
      - model: {tier: small, output_tokens: 6}
"""

RUN_LINE = '{"record":"run","schema_version":1,"run_id":"r","agentperf_version":"t","workload":"w"}'


def step(**fields):
    record = {"record": "step", "schema_version": 1, "run_id": "r", "attempt_id": "a", "step_id": "s",
              "step_index": 0, "gen_ai.operation.name": "chat", "use_class": "act"}
    record.update(fields)
    return json.dumps(record)


def alias_bomb():
    text = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n"
    for level in range(1, 10):
        text += f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]\n"
    return text


cases = []


def case(reader, name, content, command, mentions, *, binary=False, status=2):
    """One input; `command` uses {file} for its path; `mentions` must all appear on stderr."""
    directory = os.path.join(ROOT, reader)
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, name)
    with open(path, "wb") as handle:
        handle.write(content if binary else content.encode("utf-8"))
    cases.append({"file": f"{reader}/{name}", "arguments": command, "mentions": mentions, "status": status})


def workload(name, text, mentions):
    case("workload", name, text, ["run", "{file}", "--virtual-time", "--no-history", "--quiet", "--out", "{out}"],
         [name] + mentions)


def fleet(name, text, mentions):
    case("fleet", name, text, ["simulate", "--fleet", "{file}", "--no-history", "--quiet", "--out", "{out}"],
         [name] + mentions)


def traces(reader, name, text, mentions, *, binary=False, status=2):
    case(reader, name, text, ["analyze", "{file}", "--format", reader], [name] + mentions, binary=binary, status=status)


if os.path.isdir(ROOT):
    shutil.rmtree(ROOT)

# Workload files (`run`).
workload("not-yaml.yaml", "name: [unclosed\n", [":1:", "invalid YAML"])
workload("duplicate-key.yaml", "name: a\nseed: 1\nname: b\n" + TINY_TASK, [":1:", "appears more than once"])
workload("negative-output.yaml", "name: a\nload: {concurrency: [1], attempts: 1}\n" + TINY_TASK.replace("output_tokens: 6", "output_tokens: -6"),
         ["output_tokens"])
workload("huge-output.yaml", "name: a\nload: {concurrency: [1], attempts: 1}\n" + TINY_TASK.replace("output_tokens: 6", f"output_tokens: {BIG}"),
         ["output_tokens"])
workload("huge-duration.yaml", "name: a\nload: {duration: 1e20s}\n" + TINY_TASK, ["duration"])
workload("huge-warmup.yaml", "name: a\nload: {warmup: 99999999999999h}\n" + TINY_TASK, ["warmup"])
workload("wrong-type.yaml", "name: a\nload: {concurrency: lots}\n" + TINY_TASK, ["concurrency"])
workload("unknown-field.yaml", "name: a\nspeed: fast\n" + TINY_TASK, ["speed"])
workload("alias-bomb.yaml", alias_bomb() + "name: a\n" + TINY_TASK, ["expands to more than"])
case("workload", "latin1.yaml", b"name: caf\xe9\n" + TINY_TASK.encode(),
     ["run", "{file}", "--virtual-time", "--no-history", "--quiet", "--out", "{out}"],
     ["latin1.yaml", ":1:", "not UTF-8"], binary=True)
case("workload", "binary.yaml", bytes(range(256)) * 8,
     ["run", "{file}", "--virtual-time", "--no-history", "--quiet", "--out", "{out}"], ["binary.yaml"], binary=True)
workload("empty.yaml", "", ["empty"])
workload("deep-nesting.yaml", "name: a\nx: " + "[" * 20000 + "]" * 20000 + "\n" + TINY_TASK, ["deep-nesting.yaml"])

# Fleet files (`simulate --fleet`).
fleet("huge-kv.yaml", f"deployments:\n  - {{name: sim-small, model: llama-3.1-8b, hardware: h100-sxm, kv_capacity_tokens: {BIG}}}\n",
      ["kv_capacity_tokens"])
fleet("huge-overhead.yaml", "deployments:\n  - {name: sim-small, model: llama-3.1-8b, hardware: h100-sxm, cpu_overhead: 1e30s}\n",
      ["cpu_overhead"])
fleet("unknown-model.yaml", "deployments:\n  - {name: sim-small, model: gpt-17, hardware: h100-sxm}\n", ["gpt-17"])
fleet("zero-replicas.yaml", "deployments:\n  - {name: sim-small, model: llama-3.1-8b, hardware: h100-sxm, replicas: 0}\n",
      ["replicas"])

# Price tables (`analyze --prices`).
good_trace = RUN_LINE + "\n" + step(**{"gen_ai.usage.input_tokens": 10, "gen_ai.usage.output_tokens": 2}) + "\n"
os.makedirs(os.path.join(ROOT, "prices"), exist_ok=True)
with open(os.path.join(ROOT, "prices", "trace.txt"), "w") as handle:  # a valid trace the price cases read
    handle.write(good_trace)
for name, text, mention in [
    ("not-json.json", "{ prices", "not-json.json"),
    ("bare-wrong-type.json", '{"m": {"input_cost_per_token": "cheap"}}', "no entry carries a token price"),
    ("wrong-type.json", '{"models": {"m": {"input_cost_per_token": "cheap"}}}', "input_cost_per_token"),
    ("negative.json", '{"models": {"m": {"input_cost_per_token": -1}}}', "input_cost_per_token"),
]:
    case("prices", name, text, ["analyze", "{dir}/trace.txt", "--prices", "{file}"], [name, mention])

# AgentPerf traces.
traces("agentperf", "huge-tokens.jsonl", RUN_LINE + "\n" + step(**{"gen_ai.usage.input_tokens": int(BIG)}) + "\n",
       [":2", "gen_ai.usage.input_tokens"])
traces("agentperf", "exponent.jsonl", RUN_LINE + "\n" + step(**{"gen_ai.usage.input_tokens": 10}).replace(
    '"gen_ai.usage.input_tokens": 10', '"gen_ai.usage.input_tokens": 1e400') + "\n", [":2", "out of range"])
traces("agentperf", "fraction.jsonl", RUN_LINE + "\n" + step(**{"gen_ai.usage.output_tokens": 12.5}) + "\n",
       [":2", "gen_ai.usage.output_tokens"])
# A run killed mid-write ends in half a record: a warning, the rest read (exit 0).
traces("agentperf", "truncated.jsonl", RUN_LINE + "\n" + step()[:-20], [":2", "incomplete last record"], status=0)
traces("agentperf", "not-json.jsonl", RUN_LINE + "\nthis is not json\n", [":2"])
traces("agentperf", "binary.jsonl", RUN_LINE.encode() + b"\n" + bytes(range(1, 256)) + b"\n", [":2"], binary=True)

# Each importer, with --format so detection is not what fails.
traces("claude-code", "huge-usage.jsonl",
       json.dumps({"type": "assistant", "sessionId": "s", "timestamp": "2026-01-01T00:00:00Z", "requestId": "r",
                   "message": {"id": "m", "model": "claude-x", "role": "assistant", "content": [],
                               "usage": {"input_tokens": int(BIG), "output_tokens": 1}}}) + "\n", [":1"])
# Year 9999 is past Int64 nanoseconds: not a time, never a trap (every importer shares the reader).
traces("claude-code", "year-9999.jsonl",
       json.dumps({"type": "user", "sessionId": "s", "timestamp": "9999-12-31T23:59:59Z",
                   "message": {"role": "user", "content": "hi"}}) + "\n"
       + json.dumps({"type": "assistant", "sessionId": "s", "timestamp": "0001-01-01T00:00:00Z", "requestId": "r",
                     "message": {"id": "m", "model": "claude-x", "role": "assistant", "content": [],
                                 "usage": {"input_tokens": 1, "output_tokens": "many"}}}) + "\n", [":2", "output_tokens"])
traces("claude-code", "garbage-line.jsonl", '{"type":"user","sessionId":"s"}\n{nope\n', [":2"])
traces("codex", "huge-usage.jsonl",
       json.dumps({"timestamp": "2026-01-01T00:00:00Z", "type": "session_meta", "payload": {"id": "s"}}) + "\n"
       + json.dumps({"timestamp": "2026-01-01T00:00:01Z", "type": "event_msg", "payload": {"type": "token_count", "info": {
           "total_token_usage": {"input_tokens": int(BIG), "output_tokens": 1},
           "last_token_usage": {"input_tokens": int(BIG), "output_tokens": 1}}}}) + "\n", [":2", "input_tokens"])
traces("codex", "no-session-meta.jsonl", '{"id":"x","timestamp":"2025-08-01T00:00:00Z","instructions":null}\n',
       ["no session_meta line"])
traces("gemini-cli", "huge-usage.jsonl",
       json.dumps({"sessionId": "s", "projectHash": "p", "startTime": "2026-01-01T00:00:00Z"}) + "\n"
       + json.dumps({"id": "g", "timestamp": "2026-01-01T00:00:01Z", "type": "gemini", "content": "",
                     "tokens": {"input": 1e30, "output": 1}}) + "\n", [":2", "input"])
traces("gemini-cli", "no-session.json", '{"messages": 3}', ["no-session.json"])
traces("otlp", "not-json.jsonl", '{"resourceSpans": [\n', ["line 2, column 1"])
traces("inspect", "wrong-type.json", '{"eval": {"task": 3}, "samples": "many"}', ["wrong-type.json"])
case("inspect-eval", "not-a-zip.eval", b"PK\x03\x04 this is not really a zip archive" * 10,
     ["analyze", "{file}", "--format", "inspect-eval"], ["not-a-zip.eval"], binary=True)
traces("openhands", "wrong-shape.json", '[{"id": "x", "action": 7}]', ["wrong-shape.json"])
traces("openhands", "huge-usage.json", json.dumps([{"id": 1, "timestamp": "2026-01-01T00:00:00", "source": "agent",
       "action": "run", "tool_call_metadata": {"model_response": {"id": "r", "usage": {
           "prompt_tokens": int(BIG), "completion_tokens": 1}}}}]), ["huge-usage.json", "prompt_tokens"])
traces("otlp", "huge-usage.jsonl", json.dumps({"resourceSpans": [{"scopeSpans": [{"spans": [{
    "traceId": "t", "spanId": "s", "name": "chat", "startTimeUnixNano": "1", "endTimeUnixNano": "2",
    "attributes": [{"key": "gen_ai.operation.name", "value": {"stringValue": "chat"}},
                   {"key": "gen_ai.usage.input_tokens", "value": {"doubleValue": 1e30}}]}]}]}]}) + "\n",
       ["huge-usage.jsonl", "not whole numbers from 0 to"])
traces("swe-agent", "huge-stats.traj",
       json.dumps({"trajectory": [], "info": {"model_stats": {"tokens_sent": int(BIG), "tokens_received": 1}}}),
       ["huge-stats.traj", "tokens_sent"])
traces("tau-bench", "wrong-shape.json", '{"simulations": [{"task_id": []}]}', ["wrong-shape.json"])

with open(os.path.join(ROOT, "manifest.json"), "w") as handle:
    json.dump({"about": __doc__.strip().splitlines()[0], "cases": cases}, handle, indent=1)
    handle.write("\n")
print(f"{len(cases)} cases in {os.path.relpath(ROOT)}")
