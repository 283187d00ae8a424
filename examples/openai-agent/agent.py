#!/usr/bin/env python3
"""A small tool-using agent written on the official openai Python SDK.

It knows nothing about AgentPerf: it reads the task from standard input, talks to whatever
OPENAI_BASE_URL and OPENAI_API_KEY say (AgentPerf points them at its recording gateway), runs
its own tools, and prints its final answer on standard output. AGENTPERF_MODEL names the model
(any other agent would hard-code it or read its own setting).
"""
import ast
import json
import operator
import os
import sys

from openai import OpenAI

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "calculator",
            "description": "Evaluates an arithmetic expression (+ - * / ** and parentheses).",
            "parameters": {
                "type": "object",
                "properties": {"expression": {"type": "string"}},
                "required": ["expression"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "lookup",
            "description": "Looks a fact up in the agent's notes.",
            "parameters": {"type": "object", "properties": {"key": {"type": "string"}}, "required": ["key"]},
        },
    },
]

NOTES = {"capital of france": "Paris", "boiling point of water": "100 °C at sea level"}
OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
             ast.Pow: operator.pow, ast.USub: operator.neg}
MAX_STEPS = 8


def evaluate(node):
    if isinstance(node, ast.Expression):
        return evaluate(node.body)
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in OPERATORS:
        return OPERATORS[type(node.op)](evaluate(node.left), evaluate(node.right))
    if isinstance(node, ast.UnaryOp) and type(node.op) in OPERATORS:
        return OPERATORS[type(node.op)](evaluate(node.operand))
    raise ValueError("unsupported expression")


def run_tool(name, arguments):
    try:
        args = json.loads(arguments or "{}")
        if name == "calculator":
            return str(evaluate(ast.parse(str(args["expression"]), mode="eval")))
        if name == "lookup":
            return NOTES.get(str(args["key"]).lower(), "no note on that")
        return f"unknown tool {name}"
    except Exception as error:  # the model sees the error and may try again
        return f"error: {error}"


def main():
    client = OpenAI()
    model = os.environ.get("AGENTPERF_MODEL", "gpt-4o-mini")
    messages = [
        {"role": "system", "content": "You are a careful assistant. Use the tools, then answer briefly."},
        {"role": "user", "content": sys.stdin.read()},
    ]
    for _ in range(MAX_STEPS):
        content, calls = "", {}
        stream = client.chat.completions.create(model=model, messages=messages, tools=TOOLS, stream=True)
        for chunk in stream:
            if not chunk.choices:
                continue
            delta = chunk.choices[0].delta
            content += delta.content or ""
            for call in delta.tool_calls or []:
                entry = calls.setdefault(call.index, {"id": "", "name": "", "arguments": ""})
                entry["id"] = call.id or entry["id"]
                if call.function:
                    entry["name"] += call.function.name or ""
                    entry["arguments"] += call.function.arguments or ""
        if not calls:
            print(content)
            return 0
        ordered = [calls[index] for index in sorted(calls)]
        messages.append({
            "role": "assistant", "content": content or None,
            "tool_calls": [{"id": c["id"], "type": "function",
                            "function": {"name": c["name"], "arguments": c["arguments"]}} for c in ordered],
        })
        for call in ordered:
            messages.append({"role": "tool", "tool_call_id": call["id"], "content": run_tool(call["name"], call["arguments"])})
    print("no answer within the step limit", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
