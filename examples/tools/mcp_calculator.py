#!/usr/bin/env python3
"""A small MCP server over stdio, with no dependencies beyond Python 3.

Speaks MCP's stdio transport (JSON-RPC 2.0, one message per line) and offers two tools:
`calculate`, which evaluates an arithmetic expression safely (numbers, + - * / // % ** and
parentheses; no names, no calls), and `unit_price`, which divides a total by a quantity. Used by
the examples and by AgentPerf's own tests as a real MCP server to start, list and call.
"""
import ast
import json
import operator
import sys

OPERATORS = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow,
    ast.USub: operator.neg, ast.UAdd: operator.pos,
}

TOOLS = [
    {
        "name": "calculate",
        "description": "Evaluates an arithmetic expression: numbers, + - * / // % ** and parentheses.",
        "inputSchema": {
            "type": "object",
            "properties": {"expression": {"type": "string", "description": "For example (17 + 4) * 3"}},
            "required": ["expression"],
        },
    },
    {
        "name": "unit_price",
        "description": "Divides a total price by a quantity, rounded to cents.",
        "inputSchema": {
            "type": "object",
            "properties": {"total": {"type": "number"}, "quantity": {"type": "number"}},
            "required": ["total", "quantity"],
        },
    },
]


def evaluate(node):
    if isinstance(node, ast.Expression):
        return evaluate(node.body)
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in OPERATORS:
        left, right = evaluate(node.left), evaluate(node.right)
        if isinstance(node.op, ast.Pow) and abs(right) > 64:
            raise ValueError("exponent too large")
        return OPERATORS[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp) and type(node.op) in OPERATORS:
        return OPERATORS[type(node.op)](evaluate(node.operand))
    raise ValueError("only numbers and arithmetic operators are allowed")


def call(name, arguments):
    if name == "calculate":
        value = evaluate(ast.parse(str(arguments["expression"]), mode="eval"))
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value)
    if name == "unit_price":
        return f"{float(arguments['total']) / float(arguments['quantity']):.2f}"
    raise KeyError(name)


def answer(message):
    method, params = message.get("method"), message.get("params") or {}
    if method == "initialize":
        return {
            "protocolVersion": params.get("protocolVersion", "2025-06-18"),
            "capabilities": {"tools": {}},
            "serverInfo": {"name": "agentperf-calculator", "version": "1.0.0"},
        }
    if method == "ping":
        return {}
    if method == "tools/list":
        return {"tools": TOOLS}
    if method == "tools/call":
        try:
            text = call(params.get("name"), params.get("arguments") or {})
            return {"content": [{"type": "text", "text": text}], "isError": False}
        except KeyError as missing:
            return {"content": [{"type": "text", "text": f"missing or unknown: {missing}"}], "isError": True}
        except (ValueError, SyntaxError, ZeroDivisionError, TypeError) as problem:
            return {"content": [{"type": "text", "text": f"error: {problem}"}], "isError": True}
    raise LookupError(method)


for line in sys.stdin:
    if not line.strip():
        continue
    message = json.loads(line)
    if "id" not in message:
        continue  # a notification, such as notifications/initialized
    try:
        reply = {"jsonrpc": "2.0", "id": message["id"], "result": answer(message)}
    except LookupError as unknown:
        reply = {"jsonrpc": "2.0", "id": message["id"], "error": {"code": -32601, "message": f"unknown method {unknown}"}}
    sys.stdout.write(json.dumps(reply) + "\n")
    sys.stdout.flush()
