#!/usr/bin/env bash
# Installs the official openai Python SDK from PyPI into examples/openai-agent/.venv (once).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
version="3.57.0"
if "$here/.venv/bin/python" -c "import openai, sys; sys.exit(openai.__version__ != '$version')" 2>/dev/null; then
    exit 0
fi
python3 -m venv "$here/.venv"
"$here/.venv/bin/pip" install --quiet --disable-pip-version-check "openai==$version"
"$here/.venv/bin/python" -c "import openai; print('openai', openai.__version__, 'in', '$here/.venv')"
