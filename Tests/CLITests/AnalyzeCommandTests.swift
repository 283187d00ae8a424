import Foundation
import TestSupport
import Testing
import Traces

/// `agentperf analyze` and `agentperf import`, run as the real executable.
@Suite(.busy) struct AnalyzeCommandTests {
    static func agentperf(_ arguments: [String]) throws -> ProcessOutput {
        try Subprocesses.run(AgentPerfBinary.url, arguments)
    }

    @Test("analyze reads every real trace, prices it, and exits 0")
    func realTraces() throws {
        let result = try Self.agentperf(["analyze", Fixtures.realData.path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(report?["sources"] as? Int == 11)
        let groups = report?["groups"] as? [[String: Any]] ?? []
        let opus = groups.first { $0["key"] as? String == "claude-opus-4-5-20251101" }
        let cost = (opus?["cost"] as? [String: Any])?["total"] as? Double
        #expect(cost.map { abs($0 - (0.058377 + 0.194855)) < 1e-6 } == true)
    }

    @Test("--jobs 3 gives the figures of --jobs 1 byte for byte, on every real trace and with a malformed file among them")
    func parallelFilesSameFigures() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let copy = directory.file("real")
        try FileManager.default.copyItem(at: Fixtures.realData, to: copy)
        // A file that fails half-way: both modes fold what came before the bad line, and report it.
        try
            "{\"record\":\"run\",\"schema_version\":1,\"run_id\":\"x\",\"agentperf_version\":\"t\",\"workload\":\"w\"}\nnot json\n"
            .write(to: copy.appendingPathComponent("broken.jsonl"), atomically: true, encoding: .utf8)
        for grouping in ["model", "session"] {
            let one = try Self.agentperf(["analyze", copy.path, "--json", "--group-by", grouping])
            let three = try Self.agentperf(["analyze", copy.path, "--json", "--group-by", grouping, "--jobs", "3"])
            #expect(one.status == 2 && three.status == 2, "\(one.stderr)")
            #expect(!one.stdout.isEmpty && three.stdout == one.stdout, "--group-by \(grouping)")
            #expect(three.stderr.components(separatedBy: "\n").sorted() == one.stderr.components(separatedBy: "\n").sorted())
        }
        let refused = try Self.agentperf(["analyze", copy.path, "--jobs", "0"])
        #expect(refused.status == 2 && refused.stderr.contains("--jobs: expected 1 to 64"), "\(refused.stderr)")
    }

    @Test("analyze - reads standard input (as a file it spools); a FIFO named as input is refused at once, exit 2")
    func standardInput() throws {
        let session = Fixtures.real("claude-code/claude-reliability__hello-world-script.jsonl").path
        let piped = try Subprocesses.run(
            URL(fileURLWithPath: "/bin/sh"), ["-c", "\"$0\" analyze - --json < \"$1\"", AgentPerfBinary.url.path, session])
        #expect(piped.status == 0, "\(piped.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(piped.stdout.utf8)) as? [String: Any]
        let direct = try JSONSerialization.jsonObject(with: Data(Self.agentperf(["analyze", session, "--json"]).stdout.utf8))
        #expect(report?["sources"] as? Int == 1)
        #expect(
            ((report?["groups"] as? [[String: Any]])?.first?["attempts"] as? Int)
                == (((direct as? [String: Any])?["groups"] as? [[String: Any]])?.first?["attempts"] as? Int))
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let fifo = directory.file("pipe.jsonl")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        let refused = try Self.agentperf(["analyze", fifo.path])
        #expect(refused.status == 2 && refused.stderr.contains("not a regular file"), "\(refused.stderr)")
    }

    @Test("malformed input is reported by file and line, the rest is analysed, and the exit code is 2")
    func malformed() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let good = try String(
            contentsOf: Fixtures.real("claude-code/claude-reliability__hello-world-script.jsonl"), encoding: .utf8)
        try directory.write("session.jsonl", good + "{\"type\": \"assistant\", \"sessionId\": \n")
        try directory.write("notes.json", "{\"hello\": 1}")  // in a walked directory: skipped with a warning
        let result = try Self.agentperf(["analyze", directory.url.path, "--group-by", "all"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("session.jsonl:10: error:"), "\(result.stderr)")
        #expect(result.stderr.contains("1 file in the given directories is in no known trace format and was skipped"))
        #expect(result.stderr.contains("notes.json"))
        #expect(result.stdout.contains("2 (0 / 0)") || result.stdout.contains("1 (0 / 0)"), "\(result.stdout)")
    }

    @Test("nothing read is no table: an empty directory, or one with no known format, exits 2 and says why")
    func nothingRead() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let empty = directory.file("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let none = try Self.agentperf(["analyze", empty.path])
        #expect(none.status == 2 && none.stdout.isEmpty, "\(none.stdout)")
        #expect(none.stderr.contains("no trace files here") && none.stderr.contains("nothing read"), "\(none.stderr)")
        try FileManager.default.createDirectory(at: directory.file("other"), withIntermediateDirectories: true)
        try directory.write("other/notes.json", "{\"hello\": 1}")
        let unknown = try Self.agentperf(["analyze", directory.file("other").path, "--json"])
        #expect(unknown.status == 2 && unknown.stdout.isEmpty, "\(unknown.stdout)")
        #expect(unknown.stderr.contains("was skipped: ") && unknown.stderr.contains("nothing read"), "\(unknown.stderr)")
    }

    @Test("a named file in no known format, and a bad option, exit 2 with the reason")
    func badInput() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let unknown = try directory.write("data.json", "[1, 2, 3]")
        let result = try Self.agentperf(["analyze", unknown.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("not a trace format AgentPerf recognises"))
        #expect(try Self.agentperf(["analyze", unknown.path, "--group-by", "colour"]).status == 2)
        #expect(try Self.agentperf(["analyze", unknown.path, "--format", "csv"]).status == 2)
    }

    @Test("import writes canonical traces that analyze reads back to the same figures")
    func importRoundTrip() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let out = directory.file("canonical").path
        let imported = try Self.agentperf(["import", Fixtures.realData.path, "--out", out])
        #expect(imported.status == 0, "\(imported.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: out)
        #expect(files.count == 11)
        let direct = try Self.agentperf(["analyze", Fixtures.realData.path, "--json", "--group-by", "agent"])
        let viaCanonical = try Self.agentperf(["analyze", out, "--json", "--group-by", "agent"])
        #expect(viaCanonical.status == 0, "\(viaCanonical.stderr)")
        #expect(direct.stdout == viaCanonical.stdout)
        for file in files {
            let log = try TraceLog.load(from: URL(fileURLWithPath: out).appendingPathComponent(file))
            #expect(!log.hasErrors, "\(file): \(log.diagnostics)")
        }
    }

    @Test("analyze of an AgentPerf run agrees with the run's own summary: its prices, no warm-up, same cost")
    func agreesWithRun() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workload = try directory.write(
            "one-level.yaml",
            CommandLineTests.tinyWorkload.replacingOccurrences(
                of: "concurrency: [1, 2], attempts: 3", with: "concurrency: [2], attempts: 6, warmup_attempts: 2"))
        let out = directory.file("run").path
        let run = try Self.agentperf(["run", workload.path, "--out", out, "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(out)/summary.json")))
        let level = try #require(((summary as? [String: Any])?["levels"] as? [[String: Any]])?.first)
        let attempts = try #require(level["attempts"] as? [String: Any])
        let runCost = try #require((level["cost"] as? [String: Any])?["total"] as? [String: Any])

        let analyze = try Self.agentperf(["analyze", "\(out)/traces.jsonl", "--group-by", "all", "--json"])
        #expect(analyze.status == 0, "\(analyze.stderr)")
        #expect(analyze.stderr.contains("prices.json"))
        let report = try JSONSerialization.jsonObject(with: Data(analyze.stdout.utf8)) as? [String: Any]
        let group = try #require((report?["groups"] as? [[String: Any]])?.first)
        #expect(attempts["warmup"] as? Int == 2)  // recorded in the traces, left out of both
        #expect(group["attempts"] as? Int == attempts["total"] as? Int)
        #expect(group["passed"] as? Int == attempts["passed"] as? Int)
        let cost = try #require(group["cost"] as? [String: Any])
        for bucket in ["uncached_input", "cache_read", "cache_write", "output", "tool", "total"] {
            let ours = try #require(cost[bucket] as? Double), theirs = try #require(runCost[bucket] as? Double)
            #expect(abs(ours - theirs) < 1e-12, "\(bucket)")
        }
    }
}
