#!/usr/bin/env bash
# Makes the HTML reports the issue asks to check in a real browser — the default run, an
# `analyze` of the real traces in ../shared/data/real, `diagnose` of the default run, and `route`
# of a variant run — and checks each with scripts/check-html.sh (headless Chromium). Screenshots
# land next to the reports in the output directory.
#
#   scripts/check-reports.sh [AGENTPERF_BINARY] [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-.build/debug/agentperf}"
out="${2:-$(mktemp -d)}"
mkdir -p "$out"
export AGENTPERF_HISTORY="$out/history.sqlite"   # never the user's own history

"$bin" run --virtual-time --quiet --out "$out/run" --html "$out/run.html" --markdown "$out/run.md" >/dev/null
"$bin" diagnose "$out/run" --html "$out/diagnose.html" >/dev/null
"$bin" run examples/routing.yaml --virtual-time --variants --quiet --out "$out/routing" >/dev/null
"$bin" route "$out/routing" --html "$out/route.html" >/dev/null
reports=("$out/run.html" "$out/diagnose.html" "$out/route.html")
if [ -d ../shared/data/real ]; then
    # analyze exits 2 when some files are not traces it reads (listed); the report covers the rest.
    "$bin" analyze ../shared/data/real --html "$out/analyze.html" >/dev/null 2>"$out/analyze.stderr" || true
    test -s "$out/analyze.html" || { cat "$out/analyze.stderr" >&2; exit 1; }
    reports+=("$out/analyze.html")
else
    echo "check-reports: ../shared/data/real not found; the analyze report is not checked" >&2
fi
lines=$(wc -l <"$out/run.md")
if [ "$lines" -gt 60 ]; then
    echo "check-reports: $out/run.md has $lines lines (at most ~60 for a pull-request comment)" >&2
    exit 1
fi
scripts/check-html.sh "${reports[@]}"
echo "check-reports: ${#reports[@]} reports checked in $out"
