#!/usr/bin/env python3
"""Write a deterministic, Claude-Code-shaped session JSONL of a given size for the analyze benchmark.

    bench/make-claude-code-jsonl.py OUT.jsonl SIZE_MB [--seed N]

The records follow the shape of the real transcripts in Tests/Fixtures/real/claude-code (see
docs/IMPORTERS.md): a queue-operation line, the user's prompt, then assistant messages written as
one line per content block (text, tool_use), each line repeating the message's usage with the
partial output count of a stream in progress, tool_result lines with realistic payload sizes,
prompt-cache reads and 5m writes, and, in one session in five, a `Task` call whose sub-agent
writes sidechain lines. Sessions reuse a pool of 40 prompts so that tasks repeat (pass@k, per-task
figures). The same seed and size give the same bytes.
"""

import argparse
import datetime
import json
import random
import uuid

MODELS = ["claude-opus-4-5-20251101", "claude-sonnet-4-5-20250929", "claude-haiku-4-5-20251001"]
TOOLS = [
    ("Read", lambda r: {"file_path": f"/repo/src/module_{r.randrange(200)}.py"}),
    ("Grep", lambda r: {"pattern": f"def handler_{r.randrange(50)}", "path": "/repo"}),
    ("Glob", lambda r: {"pattern": "**/*.py"}),
    ("Edit", lambda r: {"file_path": f"/repo/src/module_{r.randrange(200)}.py", "old_string": "x = 1", "new_string": "x = 2"}),
    ("Bash", lambda r: {"command": r.choice(["pytest -q", "python -m pytest tests/", "git status", "ls -la", "make lint"])}),
    ("Write", lambda r: {"file_path": f"/repo/tests/test_{r.randrange(100)}.py", "content": "def test_ok():\n    assert True\n"}),
]
WORDS = ("the function returns value when input config error test file module path line import class "
         "self data result assert check update fix call case list dict none true false raise").split()


def text(rng: random.Random, n_words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n_words))


EPOCH = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)


def iso(ms: int) -> str:
    moment = EPOCH + datetime.timedelta(milliseconds=ms)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


class Session:
    def __init__(self, rng: random.Random, prompts: list[str], clock_ms: int):
        self.rng = rng
        self.id = str(uuid.UUID(int=rng.getrandbits(128)))
        self.prompt = rng.choice(prompts)
        self.model = rng.choices(MODELS, weights=[3, 5, 2])[0]
        self.clock = clock_ms
        self.context = rng.randrange(12_000, 20_000)
        self.parent = None
        self.lines: list[str] = []

    def base(self, kind: str, sidechain: bool, agent: str | None) -> dict:
        record = {
            "parentUuid": self.parent, "isSidechain": sidechain, "userType": "external", "cwd": "/repo",
            "sessionId": self.id, "version": "2.1.14", "gitBranch": "main", "type": kind,
            "uuid": str(uuid.UUID(int=self.rng.getrandbits(128))), "timestamp": iso(self.clock),
        }
        if agent:
            record["agentId"] = agent
        self.parent = record["uuid"]
        return record

    def emit(self, record: dict) -> None:
        self.lines.append(json.dumps(record, separators=(",", ":")))

    def assistant(self, sidechain: bool, agent: str | None, tool: tuple | None) -> str | None:
        """One assistant message: a text block and maybe a tool_use block, one line each."""
        rng = self.rng
        message_id = f"msg_{rng.getrandbits(96):024x}"
        request_id = f"req_{rng.getrandbits(96):024x}"
        written = rng.randrange(200, 3_000)
        output = rng.randrange(40, 900)
        blocks = [{"type": "text", "text": text(rng, rng.randrange(10, 60))}]
        tool_id = None
        if tool:
            tool_id = f"toolu_{rng.getrandbits(96):024x}"
            blocks.append({"type": "tool_use", "id": tool_id, "name": tool[0], "input": tool[1]})
        for position, block in enumerate(blocks):
            self.clock += rng.randrange(300, 4_000)
            usage = {
                "input_tokens": rng.randrange(1, 9), "cache_creation_input_tokens": written,
                "cache_read_input_tokens": self.context,
                "cache_creation": {"ephemeral_5m_input_tokens": written, "ephemeral_1h_input_tokens": 0},
                "output_tokens": output if position == len(blocks) - 1 else rng.randrange(1, 8),
                "service_tier": "standard",
            }
            record = self.base("assistant", sidechain, agent)
            record["message"] = {
                "model": self.model, "id": message_id, "type": "message", "role": "assistant", "content": [block],
                "stop_reason": None, "stop_sequence": None, "usage": usage,
            }
            record["requestId"] = request_id
            self.emit(record)
        self.context += written + output
        return tool_id

    def tool_result(self, tool_id: str, sidechain: bool, agent: str | None, payload_words: int) -> None:
        self.clock += self.rng.randrange(50, 8_000)
        record = self.base("user", sidechain, agent)
        record["message"] = {"role": "user", "content": [{
            "tool_use_id": tool_id, "type": "tool_result", "content": text(self.rng, payload_words),
            "is_error": self.rng.random() < 0.05,
        }]}
        self.emit(record)

    def run(self) -> list[str]:
        rng = self.rng
        self.emit({"type": "queue-operation", "operation": "dequeue", "timestamp": iso(self.clock), "sessionId": self.id})
        record = self.base("user", False, None)
        record["message"] = {"role": "user", "content": self.prompt}
        self.emit(record)
        delegates = rng.random() < 0.2
        for turn in range(rng.randrange(8, 40)):
            if delegates and turn == 3:
                name, tool_input = "Task", {"description": "explore", "prompt": text(rng, 30), "subagent_type": "Explore"}
                task_id = self.assistant(False, None, (name, tool_input))
                agent = f"{rng.getrandbits(32):08x}"
                for _ in range(rng.randrange(3, 10)):
                    tool = rng.choice(TOOLS)
                    sub_id = self.assistant(True, agent, (tool[0], tool[1](rng)))
                    self.tool_result(sub_id, True, agent, rng.randrange(50, 600))
                self.tool_result(task_id, False, None, rng.randrange(100, 400))
                continue
            tool = rng.choice(TOOLS)
            tool_id = self.assistant(False, None, (tool[0], tool[1](rng)))
            self.tool_result(tool_id, False, None, rng.randrange(50, 900))
        self.assistant(False, None, None)
        return self.lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("size_mb", type=float)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    prompts = [f"Task {i}: " + text(rng, 25) for i in range(40)]
    target = int(args.size_mb * 1024 * 1024)
    written = sessions = 0
    clock = 0
    with open(args.out, "w", encoding="utf-8") as out:
        while written < target:
            session = Session(rng, prompts, clock)
            chunk = "\n".join(session.run()) + "\n"
            out.write(chunk)
            written += len(chunk.encode())
            clock = session.clock + 60_000
            sessions += 1
    print(f"{args.out}: {written / 1024 / 1024:.1f} MiB, {sessions} sessions")


if __name__ == "__main__":
    main()
