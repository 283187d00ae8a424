import Foundation
import TestSupport
import Testing

/// Thresholds, the run history and `compare`, through the real executable. Exclusive: it runs
/// several agentperf processes at once, which would slow the timed tests beside it.
@Suite(.serialized, .exclusive) struct HistoryCommandTests {
    static func agentperf(_ arguments: [String], history: URL) throws -> ProcessOutput {
        try Subprocesses.run(AgentPerfBinary.url, arguments, environment: ["AGENTPERF_HISTORY": history.path])
    }

    /// `history --json` as rows.
    static func listed(_ history: URL) throws -> [[String: Any]] {
        let result = try agentperf(["history", "--json"], history: history)
        #expect(result.status == 0, "\(result.stderr)")
        return (try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]) ?? []
    }

    /// SQLite's own check of the file, by Python's sqlite3 (another client than the one that wrote it).
    static func integrity(_ history: URL) throws -> String {
        let result = try Subprocesses.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "python3", "-c",
                "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('pragma integrity_check').fetchone()[0])",
                history.path,
            ])
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("thresholds exit 99 when crossed and 0 when not, on run and on report; a bad one in a workload names its line")
    func thresholds() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let history = directory.file("history.sqlite")
        let file = try directory.write("tiny.yaml", CommandLineTests.tinyWorkload)
        let base = ["run", file.path, "--virtual-time", "--quiet"]
        let held = try Self.agentperf(
            base + ["--out", directory.file("held").path, "--threshold", "p95_task_latency<10m", "--threshold", "pass_rate>=0"],
            history: history)
        #expect(held.status == 0, "\(held.stderr)")
        #expect(held.stdout.contains("Thresholds: 0 of 4 crossed"), "\(held.stdout)")
        let crossed = try Self.agentperf(
            base + [
                "--out", directory.file("crossed").path, "--threshold", "p50_task_latency{level:c2}<1ms", "--json",
            ], history: history)
        #expect(crossed.status == 99, "\(crossed.stderr)")
        #expect(crossed.stderr.contains("1 of 1 thresholds crossed: p50_task_latency{level:c2}<1ms at c=2"), "\(crossed.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(crossed.stdout.utf8)) as? [String: Any]
        let results = summary?["thresholds"] as? [[String: Any]]
        #expect(results?.count == 1 && results?.first?["holds"] as? Bool == false)

        // A saved run is gated the same way, and keeps the gates its run was given.
        let report = try Self.agentperf(["report", directory.file("crossed").path], history: history)
        #expect(report.status == 99, "\(report.stderr)")
        let relaxed = try Self.agentperf(
            ["report", directory.file("held").path, "--threshold", "error_rate<=100%"], history: history)
        #expect(relaxed.status == 0 && relaxed.stdout.contains("Thresholds: 0 of 6 crossed"), "\(relaxed.stdout)")

        let bad = try directory.write(
            "bad.yaml", CommandLineTests.tinyWorkload + "\nthresholds:\n  - p95_task_latency<8s\n  - p95_latency<8s\n")
        let refused = try Self.agentperf(
            base.replacingFirst(file.path, with: bad.path) + ["--out", directory.file("bad").path], history: history)
        #expect(refused.status == 2)
        #expect(
            refused.stderr.contains("bad.yaml:") && refused.stderr.contains("unknown metric \"p95_latency\""), "\(refused.stderr)"
        )
        let badFlag = try Self.agentperf(base + ["--threshold", "pass_rate>2"], history: history)
        #expect(badFlag.status == 2 && badFlag.stderr.contains("a share is at most 1"), "\(badFlag.stderr)")
    }

    @Test(
        "a PostgreSQL history through the binary: run, merge of shards and analyze record there; history and compare read it back"
    )
    func postgresHistory() throws {
        guard let server = ProcessInfo.processInfo.environment["AGENTPERF_TEST_POSTGRES"], var url = URLComponents(string: server)
        else {
            if ProcessInfo.processInfo.environment["AGENTPERF_REQUIRE_POSTGRES"] != nil {
                Issue.record("AGENTPERF_TEST_POSTGRES is not set; start a server with scripts/start-postgres.sh")
            }
            return
        }
        let database = "cli_\(UUID().uuidString.prefix(8).lowercased())"
        let created = try Subprocesses.run(
            URL(fileURLWithPath: "/usr/bin/env"), ["psql", server, "-qc", "CREATE DATABASE \(database)"])
        try #require(created.status == 0, "\(created.stderr)")
        url.path = "/" + database
        let history = try #require(url.string)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("tiny.yaml", CommandLineTests.tinyWorkload)
        let ran = try Subprocesses.run(
            AgentPerfBinary.url, ["run", file.path, "--virtual-time", "--out", directory.file("a").path],
            environment: ["AGENTPERF_HISTORY": history])
        #expect(ran.status == 0, "\(ran.stderr)")
        #expect(ran.stderr.contains("Recorded in the history as #1 (postgres://"), "\(ran.stderr)")
        #expect(!ran.stderr.contains(url.password ?? "no password"), "the password was printed")
        for index in 0..<2 {
            let shard = try Subprocesses.run(
                AgentPerfBinary.url,
                [
                    "run", file.path, "--virtual-time", "--concurrency", "2", "--shard", "\(index)/2", "--out",
                    directory.file("s\(index)").path,
                ],
                environment: ["AGENTPERF_HISTORY": history])
            #expect(shard.status == 0 && !shard.stderr.contains("Recorded in the history"), "\(shard.stderr)")
        }
        let merged = try Subprocesses.run(
            AgentPerfBinary.url,
            [
                "merge", directory.file("s0").path, directory.file("s1").path, "--out", directory.file("m").path, "--history",
                history,
            ])
        #expect(merged.status == 0 && merged.stderr.contains("Recorded in the history as #2"), "\(merged.stderr)")
        let listed = try Self.agentperf(["history", "--json"], history: URL(fileURLWithPath: "/unused"), url: history)
        #expect(listed.status == 0, "\(listed.stderr)")
        let rows = (try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]]) ?? []
        #expect(rows.count == 2)
        let compared = try Self.agentperf(["compare", "1", "2"], history: URL(fileURLWithPath: "/unused"), url: history)
        #expect(compared.status == 0, "\(compared.stderr)")
    }

    /// `agentperf` with the history at a PostgreSQL URL.
    static func agentperf(_ arguments: [String], history: URL, url: String) throws -> ProcessOutput {
        try Subprocesses.run(AgentPerfBinary.url, arguments, environment: ["AGENTPERF_HISTORY": url])
    }

    @Test("--abort-on-fail stops after the first level that crosses, exit 99, and the run is still recorded")
    func abortOnFail() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let history = directory.file("history.sqlite")
        let file = try directory.write("tiny.yaml", CommandLineTests.tinyWorkload)
        let result = try Self.agentperf(
            [
                "run", file.path, "--virtual-time", "--quiet", "--json", "--out", directory.file("run").path, "--threshold",
                "p50_task_latency<1ms", "--abort-on-fail",
            ], history: history)
        #expect(result.status == 99, "\(result.stderr)")
        #expect(result.stderr.contains("--abort-on-fail: p50_task_latency<1ms crossed at c=1; stopping the run"))
        let summary = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect((summary?["levels"] as? [Any])?.count == 1, "c=2 never ran")
        #expect(try Self.listed(history).count == 1)
    }

    @Test("two runs at once both land in the history; a SIGKILLed run leaves it intact and the next run records")
    func concurrentAndKilled() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let history = directory.file("history.sqlite")
        let file = try directory.write("tiny.yaml", CommandLineTests.tinyWorkload)
        let runs = try ["a", "b"].map { name in
            try Subprocesses.start(
                AgentPerfBinary.url, ["run", file.path, "--virtual-time", "--quiet", "--out", directory.file(name).path],
                environment: ["AGENTPERF_HISTORY": history.path])
        }
        let outputs = runs.map { Subprocesses.finish($0) }
        for output in outputs { #expect(output.status == 0, "\(output.stderr)") }
        #expect(try Self.listed(history).count == 2, "\(outputs.map(\.stderr))")

        // Killed mid-run, at several moments (some of them while it writes the history).
        let long = try directory.write("long.yaml", CommandLineTests.longWorkload)
        let killed = try Subprocesses.start(
            AgentPerfBinary.url, ["run", long.path, "--quiet", "--out", directory.file("killed").path],
            environment: ["AGENTPERF_HISTORY": history.path])
        Thread.sleep(forTimeInterval: 1.5)  // the run is under way: its history write has not begun
        killed.signal(SIGKILL)
        #expect(Subprocesses.finish(killed).status == SIGKILL)
        for (index, delay) in [0.3, 0.6, 0.9, 1.2].enumerated() {
            let run = try Subprocesses.start(
                AgentPerfBinary.url, ["run", file.path, "--virtual-time", "--quiet", "--out", directory.file("k\(index)").path],
                environment: ["AGENTPERF_HISTORY": history.path])
            Thread.sleep(forTimeInterval: delay)
            run.signal(SIGKILL)
            _ = Subprocesses.finish(run)
        }
        #expect(try Self.integrity(history) == "ok")
        let after = try Self.agentperf(
            ["run", file.path, "--virtual-time", "--quiet", "--out", directory.file("after").path], history: history)
        #expect(after.status == 0, "\(after.stderr)")
        let rows = try Self.listed(history)
        #expect(rows.count >= 3 && rows.count <= 7)
        #expect(rows.allSatisfy { ($0["summary"] as? [String: Any])?["levels"] != nil }, "every recorded run is whole")
        #expect(rows.first?["directory"] as? String == directory.file("after").path)
    }

    @Test("compare flags what a bigger fleet changes (latency and steps/s at c=64) and not what it does not")
    func compareFleets() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let history = directory.file("history.sqlite")
        let big = try directory.write(
            "big.yaml",
            """
            deployments:
              - {name: sim-small, model: llama-3.1-8b, hardware: h100-sxm, tensor_parallel: 1, replicas: 4, max_num_seqs: 16}
              - {name: sim-large, model: llama-3.1-70b, hardware: h200, tensor_parallel: 4, replicas: 4, max_num_seqs: 8, reports_cache_writes: true}
              - {name: sim-embed, model: bge-large-en-v1.5, hardware: l4, tensor_parallel: 1, max_num_seqs: 64}
            """)
        let small = try Self.agentperf(["simulate", "--quiet", "--out", directory.file("small").path], history: history)
        #expect(small.status == 0, "\(small.stderr)")
        let large = try Self.agentperf(
            ["simulate", "--fleet", big.path, "--quiet", "--out", directory.file("large").path], history: history)
        #expect(large.status == 0, "\(large.stderr)")
        let ids = try Self.listed(history).compactMap { $0["id"] as? Int }
        #expect(ids.count == 2)
        let result = try Self.agentperf(["compare", "\(ids[1])", directory.file("large").path, "--json"], history: history)
        #expect(result.status == 0, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let changes = (object?["changes"] as? [[String: Any]]) ?? []
        let changed = Set(
            changes.filter { $0["beyond_noise"] as? Bool == true }.map { "\($0["level"] ?? "") \($0["metric"] ?? "")" })
        for metric in ["p50_task_latency", "p95_task_latency", "steps_per_second"] {
            #expect(changed.contains("c=64 \(metric)"), "\(changed)")
        }
        for level in ["c=1", "c=16", "c=64"] {
            #expect(
                !changed.contains("\(level) pass_rate") && !changed.contains("\(level) cost_per_completed_task"), "\(changed)")
        }
        let text = try Self.agentperf(["compare", "#\(ids[1])", "#\(ids[0])"], history: history)
        #expect(text.stdout.contains("CHANGED, better"), "\(text.stdout)")
        let listing = try Self.agentperf(["history"], history: history)
        #expect(listing.stdout.contains("Moved first"), "\(listing.stdout)")
    }
}

extension HistoryCommandTests {
    @Test("analyze --history records imported traces once; new inputs are a new entry; --history-file names the database")
    func analyzeHistory() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let history = directory.file("imported.sqlite")
        let file = Fixtures.real("claude-code/claude-reliability__hello-world-script.jsonl").path
        let first = try Self.agentperf(
            ["analyze", file, "--history", "--history-file", history.path], history: directory.file("unused.sqlite"))
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("Recorded in the history as #1"), "\(first.stderr)")
        let again = try Self.agentperf(["analyze", file, "--history", "--history-file", history.path], history: history)
        #expect(again.stderr.contains("Already in the history as #1"), "\(again.stderr)")
        let both = try Self.agentperf(
            ["analyze", file, Fixtures.real("openhands").path, "--history", "--history-file", history.path], history: history)
        #expect(both.stderr.contains("Recorded in the history as #2"), "\(both.stderr)")
        let rows = try Self.listed(history)
        #expect(rows.count == 2 && rows.allSatisfy { $0["source"] as? String == "imported" })
        #expect(!FileManager.default.fileExists(atPath: directory.file("unused.sqlite").path))
    }
}

extension Array where Element == String {
    fileprivate func replacingFirst(_ old: String, with new: String) -> [String] {
        var copy = self
        if let index = copy.firstIndex(of: old) { copy[index] = new }
        return copy
    }
}
