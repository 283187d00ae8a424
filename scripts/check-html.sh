#!/usr/bin/env bash
# Checks AgentPerf HTML reports in a real browser (headless Chromium), as docs/REPORTS.md describes.
#
#   scripts/check-html.sh FILE.html…
#
# For each file: renders it with no network (every host name fails to resolve) and fails, naming
# the file and the problem, on any console.error, uncaught exception, unhandled rejection or
# resource that fails to load, and on any <svg class="plot"> without a [data-mark] element. Then
# saves a full-page screenshot next to the file (report.html → report.png).
# Installs Debian's `chromium` with apt-get when it is missing. Needs bash and Python 3 (std-lib only).
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: scripts/check-html.sh FILE.html…" >&2
    exit 2
fi

browser=""
for candidate in chromium chromium-browser; do
    if command -v "$candidate" >/dev/null 2>&1; then browser="$(command -v "$candidate")"; break; fi
done
if [ -z "$browser" ]; then
    echo "check-html: chromium not found; installing Debian's chromium package" >&2
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
    browser="$(command -v chromium)"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
flags=(--headless --no-sandbox --disable-gpu --no-first-run --no-default-browser-check --disable-extensions
    --host-resolver-rules="MAP * ~NOTFOUND")
# A fresh profile for every launch: a launch that finds another Chromium on the same profile hands
# its page to that one (with that one's window size) instead of rendering it itself.
profile() { mktemp -d -p "$work" profile.XXXXXX; }

# Recorded before the page's own markup runs: console.error calls, uncaught errors, failed
# resource loads and unhandled rejections land in an attribute --dump-dom shows; the page's
# height after load sizes the screenshot.
probe='<script data-check-html>(function(){var d=document.documentElement,errs=[];
function note(m){errs.push(String(m));d.setAttribute("data-check-errors",JSON.stringify(errs));}
var ce=console.error;console.error=function(){note("console.error: "+Array.prototype.map.call(arguments,String).join(" "));return ce.apply(console,arguments);};
window.addEventListener("error",function(e){if(e.target&&e.target!==window){note("failed to load "+(e.target.src||e.target.href||e.target.tagName));}else{note("uncaught exception: "+e.message);}},true);
window.addEventListener("unhandledrejection",function(e){note("unhandled rejection: "+e.reason);});
window.addEventListener("load",function(){d.setAttribute("data-check-loaded","1");d.setAttribute("data-check-height",String(Math.ceil(d.scrollHeight)));});})();</script>'

status=0
for file in "$@"; do
    if [ ! -f "$file" ]; then
        echo "check-html: $file: no such file" >&2
        status=1
        continue
    fi
    absolute="$(cd "$(dirname "$file")" && pwd)/$(basename "$file")"
    probed="$work/$(basename "$file")"
    # The probe goes right after <head> (before anything the page does; the doctype stays first,
    # so the page keeps standards mode), or first when there is no <head>.
    PROBE="$probe" python3 - "$absolute" "$probed" <<'PY'
import os, re, sys
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
probe = os.environ["PROBE"]
head = re.search(r"<head\b[^>]*>", text, re.I)
text = text[: head.end()] + probe + text[head.end() :] if head else probe + text
open(sys.argv[2], "w", encoding="utf-8").write(text)
PY
    if ! timeout 120 "$browser" "${flags[@]}" --user-data-dir="$(profile)" --enable-logging=stderr --v=0 --virtual-time-budget=5000 \
        --dump-dom "file://$probed" >"$work/dom.html" 2>"$work/console.log"; then
        echo "check-html: $file: chromium failed to render it (see its log below)" >&2
        tail -20 "$work/console.log" >&2
        status=1
        continue
    fi
    height="$(python3 - "$file" "$work/dom.html" "$work/console.log" <<'PY'
import html.parser
import re
import sys

name, dom_path, log_path = sys.argv[1:4]
problems = []


class Marks(html.parser.HTMLParser):
    """Counts [data-mark] elements inside each svg.plot; keeps the probe's attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # open svg.plot elements: [data-plot, marks, depth]
        self.plots = []
        self.root = {}

    def handle_starttag(self, tag, attrs):
        self.start(tag, dict(attrs), closes=False)

    def handle_startendtag(self, tag, attrs):
        self.start(tag, dict(attrs), closes=True)

    def start(self, tag, attrs, closes):
        if tag == "html" and not self.root:
            self.root = attrs
        if self.stack:
            if "data-mark" in attrs:
                self.stack[-1][1] += 1
            if tag == "svg":
                self.stack[-1][2] += 0 if closes else 1
        elif tag == "svg" and "plot" in (attrs.get("class") or "").split():
            if closes:
                self.plots.append((attrs.get("data-plot", "?"), 0))
            else:
                self.stack.append([attrs.get("data-plot", "?"), 0, 1])

    def handle_endtag(self, tag):
        if self.stack and tag == "svg":
            self.stack[-1][2] -= 1
            if self.stack[-1][2] == 0:
                plot, marks, _ = self.stack.pop()
                self.plots.append((plot, marks))


parser = Marks()
with open(dom_path, encoding="utf-8", errors="replace") as dom:
    parser.feed(dom.read())
for plot, marks in parser.plots:
    if marks == 0:
        problems.append(f'plot "{plot}" has no [data-mark] element (draw the data or print "n/a — reason" instead)')
if parser.root.get("data-check-loaded") != "1":
    problems.append("the page did not finish loading")
errors = parser.root.get("data-check-errors")
if errors:
    import json
    for error in json.loads(errors):
        problems.append(error)
# Exceptions thrown before the probe could listen still reach Chromium's console log.
with open(log_path, encoding="utf-8", errors="replace") as log:
    for line in log:
        if "CONSOLE" in line and "Uncaught" in line:
            message = re.sub(r"^.*?CONSOLE[^\]]*\]\s*", "", line.strip())
            if not any(message.strip('"').split(", source:")[0].strip('"') in p for p in problems):
                problems.append(f"uncaught exception: {message}")
for problem in problems:
    print(f"check-html: {name}: {problem}", file=sys.stderr)
print(f"check-html: {name}: {len(parser.plots)} plots, {sum(m for _, m in parser.plots)} marks", file=sys.stderr)
print(parser.root.get("data-check-height", "1600"))
sys.exit(1 if problems else 0)
PY
    )" || status=1
    height="${height:-1600}"
    height=$((height < 600 ? 600 : (height > 16000 ? 16000 : height)))
    screenshot="${absolute%.html}.png"
    if [ "$screenshot" = "$absolute" ]; then screenshot="$absolute.png"; fi
    if timeout 120 "$browser" "${flags[@]}" --user-data-dir="$(profile)" --hide-scrollbars --window-size="1280,$height" \
        --screenshot="$screenshot" "file://$absolute" >/dev/null 2>"$work/shot.log" && [ -s "$screenshot" ]; then
        echo "check-html: $file: screenshot $screenshot (1280×$height)" >&2
    else
        echo "check-html: $file: could not save a screenshot" >&2
        tail -5 "$work/shot.log" >&2
        status=1
    fi
done
exit "$status"
