#!/usr/bin/env python3
"""An OTLP/HTTP JSON receiver for testing AgentPerf's export against the official protocol
definitions (opentelemetry-proto from PyPI): every request body is parsed strictly into
ExportTraceServiceRequest / ExportMetricsServiceRequest (an unknown field, a wrong type or a
malformed id is a 400 with the parser's message), then appended as one line to
OUT/traces.jsonl or OUT/metrics.jsonl, the form AgentPerf's OTLP importer reads.

OTLP/JSON differs from protobuf's JSON mapping in one way that matters here: trace and span ids
are hex, not base64 (opentelemetry-proto's docs). They are converted before parsing.

    receiver.py OUT [--require-header NAME=VALUE] [--reject-spans N]
Prints the port it listens on, then serves until killed.
"""
import base64
import json
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from google.protobuf import json_format
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
required = None
reject = 0
args = sys.argv[2:]
while args:
    flag, value, args = args[0], args[1], args[2:]
    if flag == "--require-header":
        required = tuple(value.split("=", 1))
    elif flag == "--reject-spans":
        reject = int(value)


def hex_ids_to_base64(request):
    for resource in request.get("resourceSpans", []):
        for scope in resource.get("scopeSpans", []):
            for span in scope.get("spans", []):
                for key in ("traceId", "spanId", "parentSpanId"):
                    if key in span:
                        raw = bytes.fromhex(span[key])
                        expected = 16 if key == "traceId" else 8
                        if len(raw) != expected:
                            raise ValueError(f"{key} {span[key]!r} is {len(raw)} bytes, expected {expected}")
                        span[key] = base64.b64encode(raw).decode()
    return request


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if required and self.headers.get(required[0]) != required[1]:
            # Echoes what it got, as some receivers do: the client must not repeat it.
            return self.reply(401, {"message": f"wrong {required[0]}: got {self.headers.get(required[0])!r}"})
        try:
            if self.path == "/v1/traces":
                document = hex_ids_to_base64(json.loads(body))
                json_format.ParseDict(document, ExportTraceServiceRequest(), ignore_unknown_fields=False)
                name = "traces.jsonl"
            elif self.path == "/v1/metrics":
                json_format.ParseDict(json.loads(body), ExportMetricsServiceRequest(), ignore_unknown_fields=False)
                name = "metrics.jsonl"
            else:
                return self.reply(404, {"message": "no such path " + self.path})
        except Exception as error:  # the parser's own message, for the test to show
            return self.reply(400, {"message": f"{type(error).__name__}: {error}"})
        with open(out / name, "ab") as file:
            file.write(body.replace(b"\n", b"") + b"\n")
        if self.path == "/v1/traces" and reject:
            return self.reply(200, {"partialSuccess": {"rejectedSpans": str(reject), "errorMessage": "over quota"}})
        self.reply(200, {})

    def reply(self, status, document):
        data = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


# A parent that ignores SIGTERM (a test runner) would pass that on: stop on it regardless.
signal.signal(signal.SIGTERM, signal.SIG_DFL)
server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
print(server.server_address[1], flush=True)
server.serve_forever()
