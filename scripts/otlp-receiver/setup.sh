#!/usr/bin/env bash
# Installs the OpenTelemetry protocol definitions from PyPI (opentelemetry-proto, with protobuf)
# into scripts/otlp-receiver/.venv (once), for receiver.py.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
version="1.45.2"
if "$here/.venv/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('opentelemetry-proto') != '$version')" 2>/dev/null; then
    exit 0
fi
python3 -m venv "$here/.venv"
"$here/.venv/bin/pip" install --quiet --disable-pip-version-check "opentelemetry-proto==$version"
