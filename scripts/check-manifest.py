#!/usr/bin/env python3
"""Checks that Package.swift tells the truth: each target's declared dependencies are exactly the
modules its sources import (beyond the toolchain's own), no more and no fewer.

Reads the manifest through `swift package dump-package` (so it sees what SwiftPM sees) and the
`import` lines of every Swift file under each target's path. Prints one line per difference and
exits 1 if there is any; exit 0 and a one-line summary otherwise.
"""
import json
import os
import re
import subprocess
import sys

# Modules that come with the toolchain, not from a package.
TOOLCHAIN = {
    "Foundation", "FoundationEssentials", "FoundationNetworking", "Dispatch", "Glibc", "Musl", "Darwin",
    "Synchronization", "Testing", "XCTest", "_Concurrency", "Swift", "os", "RegexBuilder", "Observation",
}

# Dependencies a target declares without importing them, and why.
DECLARED_WITHOUT_IMPORT = {
    # The CLI tests run the built `agentperf` executable as a subprocess; depending on it makes
    # SwiftPM build it first.
    ("CLITests", "agentperf"),
}

IMPORT = re.compile(r"^\s*(?:@[\w()]+\s+)*(?:(?:public|package|internal|fileprivate|private)\s+)?import\s+(?:(?:struct|class|enum|protocol|func|var|let|typealias)\s+)?([A-Za-z_][A-Za-z0-9_]*)", re.M)


def declared(target):
    names = set()
    for dependency in target["dependencies"]:
        kind, value = next(iter(dependency.items()))
        # byName / target: [name, condition]; product: [name, package, moduleAliases, condition]
        names.add(value[0])
    return names


def imported(path):
    modules = set()
    for root, _, files in os.walk(path):
        for name in files:
            if name.endswith(".swift"):
                with open(os.path.join(root, name), encoding="utf-8") as source:
                    modules.update(IMPORT.findall(source.read()))
    return modules


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    manifest = json.loads(subprocess.run(
        ["swift", "package", "dump-package"], cwd=root, check=True, capture_output=True, text=True).stdout)
    problems = []
    for target in manifest["targets"]:
        name = target["name"]
        default = "Tests" if target["type"] == "test" else "Sources"
        path = os.path.join(root, target.get("path") or os.path.join(default, name))
        uses = imported(path) - TOOLCHAIN - {name}
        has = declared(target)
        for module in sorted(uses - has):
            problems.append(f"{name}: imports {module} but does not declare it in Package.swift")
        for module in sorted(has - uses):
            if (name, module) not in DECLARED_WITHOUT_IMPORT:
                problems.append(f"{name}: declares {module} but no file of it imports it")
    for problem in problems:
        print(problem)
    if problems:
        print(f"check-manifest: {len(problems)} difference(s) between imports and Package.swift")
        return 1
    print(f"check-manifest: {len(manifest['targets'])} targets, imports match declared dependencies")
    return 0


if __name__ == "__main__":
    sys.exit(main())
