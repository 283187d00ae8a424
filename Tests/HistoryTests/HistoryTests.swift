import AgentMetrics
import Foundation
import Pricing
import TestSupport
import Testing
import Traces

@testable import History

/// Summaries made from hand-built attempts: one closed-loop level, latencies as given.
enum Runs {
    static let ms: Int64 = 1_000_000
    static let prices = PriceTable(version: "t", models: ["m": ModelPrice(inputCostPerToken: 1e-6, outputCostPerToken: 2e-6)])

    /// A run of `latencies` seconds at c4, the first `passes` attempts passing, over a 10 s window.
    static func summary(_ runID: String, latencies: [Double], passes: Int, workload: String = "w") -> RunSummary {
        let level = LevelID.concurrency(4)
        let attempts = latencies.enumerated().map { index, seconds in
            let end = Int64(seconds * 1000) * ms
            let step = StepRecord(
                runID: runID, attemptID: "a\(index)", stepID: "s", index: 0, operation: .chat, useClass: .act, model: "m",
                usage: TokenUsage(uncachedInput: 1000, output: 100),
                timing: StepTiming(scheduled: 0, sent: 0, firstToken: ms, lastToken: end, end: end))
            var record = AttemptRecord(
                runID: runID, attemptID: "a\(index)", task: "t", concurrency: 4, isWarmup: false,
                outcome: index < passes ? .passed : .failed, scheduled: 0, end: end, stepCount: 1)
            record.level = level
            return LoggedAttempt(record: record, steps: [step])
        }
        var window = WindowRecord(runID: runID, concurrency: 4, levelStart: 0, start: 0, end: 10_000 * ms)
        window.level = level
        let run = RunRecord(
            runID: runID, startedAt: Date(timeIntervalSince1970: 1_800_000_000), agentperfVersion: "test", workload: workload,
            seed: 1, concurrencyLevels: [4], target: "t")
        return RunSummary.compute(from: TraceLog(run: run, attempts: attempts, windows: [window]), prices: prices)
    }

    /// `count` latencies spread evenly over [center − 0.2, center + 0.2] seconds.
    static func spread(_ count: Int, around center: Double) -> [Double] {
        (0..<count).map { center - 0.2 + 0.4 * Double($0) / Double(max(1, count - 1)) }
    }
}

/// The same tests on both stores: a SQLite file, and a PostgreSQL database on the real server
/// `.ci/run` starts (scripts/start-postgres.sh; `AGENTPERF_TEST_POSTGRES` holds its URL).
@Suite(.serialized) struct HistoryStoreTests {
    @Test("entries round-trip with their histograms; a run id is recorded once; newest first", arguments: StoreKind.allCases)
    func roundTrip(_ kind: StoreKind) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        guard let location = try kind.freshLocation(in: directory) else { return }
        let store = try await History.open(location)
        let first = HistoryEntry(
            source: .run, summary: Runs.summary("r1", latencies: [1, 2, 3], passes: 2), workloadHash: "abc", fleet: "workload",
            seed: 42, gitCommit: nil, directory: "/runs/1", recordedAt: Date(timeIntervalSince1970: 1_800_000_000))
        let (id, added) = try await store.record(first)
        #expect(added)
        #expect(try await store.record(first) == (id, false))
        let second = HistoryEntry(
            source: .run, summary: Runs.summary("r2", latencies: [4], passes: 1, workload: "other"),
            recordedAt: Date(timeIntervalSince1970: 1_800_000_100))
        _ = try await store.record(second)
        #expect(try await store.list(workload: nil, limit: 50).map(\.summary.runID) == ["r2", "r1"])
        #expect(try await store.list(workload: "w", limit: 50).map(\.summary.runID) == ["r1"])
        #expect(try await store.list(workload: nil, limit: 1).map(\.summary.runID) == ["r2"])
        #expect(try await store.entry(id: id + 1000) == nil)
        let read = try #require(try await store.entry(id: id))
        #expect(read.summary == first.summary)
        #expect(read.workloadHash == "abc" && read.seed == 42 && read.fleet == "workload" && read.directory == "/runs/1")
        let buckets = try #require(read.summary.levels.first?.taskLatencyHistogram)
        #expect(buckets.finiteCount == 3)
        // The buckets give back the same percentiles.
        let distribution = try #require(LatencyDistribution(buckets: buckets))
        #expect(distribution.summary == read.summary.levels[0].taskLatency)
    }

    @Test("a database a newer AgentPerf migrated is refused with a message, not a crash", arguments: StoreKind.allCases)
    func newerSchema(_ kind: StoreKind) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        guard let location = try kind.freshLocation(in: directory) else { return }
        _ = try await History.open(location)
        let marked = try kind.execute(
            location, sqlite: "insert into grdb_migrations values ('v9: future')",
            postgres: "INSERT INTO agentperf_migrations VALUES ('v9: future', 'now')")
        #expect(marked.status == 0, "\(marked.stderr)")
        await #expect {
            try await History.open(location)
        } throws: { error in
            "\(error)".contains("written by a newer AgentPerf (migrations v9: future)")
        }
    }

    @Test(
        "eight writers opening and recording at once: the schema migrated once, every run recorded once",
        arguments: StoreKind.allCases)
    func concurrentWriters(_ kind: StoreKind) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        guard let location = try kind.freshLocation(in: directory) else { return }
        let ids = try await withThrowingTaskGroup(of: Int64.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    let store = try await History.open(location)
                    let entry = HistoryEntry(source: .run, summary: Runs.summary("w\(writer % 4)", latencies: [1], passes: 1))
                    return try await store.record(entry).id
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(ids).count == 4)
        let store = try await History.open(location)
        #expect(Set(try await store.list(workload: nil, limit: 50).compactMap(\.summary.runID)) == ["w0", "w1", "w2", "w3"])
    }

    @Test("a PostgreSQL URL's password never appears in a message; a malformed URL names what is missing")
    func postgresMessages() async throws {
        let location = try HistoryLocation(parsing: "postgres://bench:s3cr3t-pw@127.0.0.1:1/history?sslmode=disable")
        #expect(location.description == "postgres://bench@127.0.0.1:1/history")
        await #expect {
            try await History.open(location)
        } throws: { error in
            "\(error)".contains("postgres://bench@127.0.0.1:1/history: cannot connect") && !"\(error)".contains("s3cr3t")
        }
        for (url, problem) in [
            ("postgres://127.0.0.1/history", "no user name"), ("postgres://u:p@host", "no database name"),
            ("postgres://u:p@host/db?sslmode=maybe", "sslmode maybe"),
            ("postgres://u:p@host/db?pool=3", "unknown parameter pool"),
        ] {
            #expect(throws: HistoryError.self) { try HistoryLocation(parsing: url) }
            let message = (try? HistoryLocation(parsing: url)).map { "\($0)" } ?? Self.message(url)
            #expect(message.contains(problem) && !message.contains(":p@"), "\(url): \(message)")
        }
        if let configured = ProcessInfo.processInfo.environment["AGENTPERF_TEST_POSTGRES"],
            var wrong = URLComponents(string: configured)
        {
            wrong.password = "not-the-password"
            await #expect {
                try await History.open(try HistoryLocation(parsing: wrong.string!))
            } throws: { error in
                "\(error)".contains("password authentication failed") && !"\(error)".contains("not-the-password")
            }
        }
    }

    static func message(_ url: String) -> String {
        do { _ = try HistoryLocation(parsing: url) } catch { return "\(error)" }
        return ""
    }

    @Test("stored buckets that are not a histogram are refused")
    func badBuckets() {
        #expect(LatencyDistribution(buckets: HistogramBuckets(microseconds: [5, 3], counts: [1, 1], sumSeconds: 0)) == nil)
        #expect(LatencyDistribution(buckets: HistogramBuckets(microseconds: [5], counts: [1, 2], sumSeconds: 0)) == nil)
        #expect(
            LatencyDistribution(
                buckets: HistogramBuckets(microseconds: [5], counts: [1], infinite: Int.max, sumSeconds: 0)) == nil)
    }
}

@Suite struct ComparisonMathTests {
    @Test("the incomplete beta function matches known values")
    func incompleteBeta() {
        // I_x(a, b) for integers is a binomial tail: I_0.5(2, 3) = P(Bin(4, 0.5) ≥ 2) = 11/16.
        #expect(abs(regularizedIncompleteBeta(0.5, 2, 3) - 0.6875) < 1e-12)
        #expect(abs(regularizedIncompleteBeta(0.2, 1, 1) - 0.2) < 1e-12)
        // P(Bin(100, 0.3) ≥ 40) = 0.020988…
        #expect(abs(regularizedIncompleteBeta(0.3, 40, 61) - 0.0210) < 1e-4)
    }

    @Test("the exact bootstrap of a median equals enumerating every resample")
    func exactBootstrap() throws {
        let values: [UInt64] = [1_000, 2_000, 3_000, 5_000, 8_000]
        let buckets = HistogramBuckets(microseconds: values, counts: [1, 1, 1, 1, 1], sumSeconds: 0.019)
        let quantile = try #require(BootstrapQuantile(buckets, percentile: 50))
        // All 5⁵ resamples: the median (rank 3 of 5) of each.
        var counts: [Double: Int] = [:]
        for code in 0..<3125 {
            var draw: [UInt64] = []
            var rest = code
            for _ in 0..<5 {
                draw.append(values[rest % 5])
                rest /= 5
            }
            counts[Double(draw.sorted()[2]) / 1e6, default: 0] += 1
        }
        #expect(quantile.atoms.count == 5)
        for atom in quantile.atoms {
            #expect(abs(atom.probability - Double(counts[atom.value] ?? 0) / 3125) < 1e-12)
        }
    }

    @Test("the same run compared with itself changes nothing; a slower one changes latency and only latency")
    func compare() {
        let base = Runs.summary("a", latencies: Runs.spread(40, around: 2), passes: 30)
        let same = RunComparison(base, base)
        #expect(same.changes.count == ComparedMetric.allCases.count)
        #expect(same.changes.allSatisfy { !$0.beyondNoise })
        // 40 samples give a p95 a verdict but not a p99 (the largest sample).
        #expect(same.changes.filter { $0.interval == nil }.map(\.metric) == [.p99TaskLatency])
        #expect(same.changes.first { $0.metric == .p99TaskLatency }?.note == "too few samples (40) for a p99")
        let slower = Runs.summary("b", latencies: Runs.spread(40, around: 3), passes: 29)
        let changes = RunComparison(base, slower).changes
        let changed = Set(changes.filter(\.beyondNoise).map(\.metric))
        #expect(changed == [.p50TaskLatency, .p95TaskLatency])
        #expect(changes.filter(\.beyondNoise).allSatisfy { $0.regressed })
        let p50 = changes.first { $0.metric == .p50TaskLatency }
        #expect(abs((p50?.delta ?? 0) - 1) < 0.02)
        #expect((p50?.interval).map { $0.lowerBound > 0.8 && $0.upperBound < 1.2 } == true)
    }

    @Test("a pass rate that fell from 90% to 50% over 40 attempts is beyond noise (Newcombe)")
    func passRate() throws {
        let a = Runs.summary("a", latencies: Runs.spread(40, around: 2), passes: 36)
        let b = Runs.summary("b", latencies: Runs.spread(40, around: 2), passes: 20)
        let change = try #require(RunComparison(a, b).changes.first { $0.metric == .passRate })
        #expect(change.beyondNoise && change.regressed)
        let interval = try #require(change.interval)
        #expect(interval.lowerBound < -0.4 && interval.upperBound < -0.2)
    }

    @Test("moved first: the first run beyond noise against the oldest, not the largest change later")
    func movedFirst() throws {
        func entry(_ id: Int64, _ summary: RunSummary) -> HistoryEntry {
            var entry = HistoryEntry(source: .run, summary: summary, recordedAt: Date(timeIntervalSince1970: Double(id) * 60))
            entry.id = id
            return entry
        }
        let series = [
            entry(1, Runs.summary("1", latencies: Runs.spread(40, around: 2), passes: 36)),
            entry(2, Runs.summary("2", latencies: Runs.spread(40, around: 2.01), passes: 36)),
            entry(3, Runs.summary("3", latencies: Runs.spread(40, around: 2), passes: 18)),
            entry(4, Runs.summary("4", latencies: Runs.spread(40, around: 4), passes: 18)),
        ]
        let moved = try #require(MovedFirst(series.shuffled()))
        #expect(moved.baseline.id == 1 && moved.compared == 3)
        #expect(moved.run?.id == 3)
        #expect(moved.regressions.map(\.metric).contains(.passRate))
        #expect(!moved.regressions.map(\.metric).contains(.p95TaskLatency))
        #expect(moved.confirmed)
        #expect(MovedFirst(Array(series.prefix(2)))?.run == nil)
        // One regression the next run does not repeat is noise, not a move.
        let blip = [series[0], series[2], series[1]].enumerated().map { entry(Int64($0.offset + 10), $0.element.summary) }
        #expect(MovedFirst(blip)?.run == nil)
        // In the latest run alone it is named, unconfirmed.
        let latest = try #require(MovedFirst(Array(series.prefix(3))))
        #expect(latest.run?.id == 3 && !latest.confirmed)
    }
}

@Suite struct DifferenceIntervalTests {
    @Test("one value in both runs: the difference is exactly 0, not beyond noise")
    func pointMass() throws {
        let buckets = HistogramBuckets(microseconds: [2_000_000], counts: [30], sumSeconds: 60)
        let quantile = try #require(BootstrapQuantile(buckets, percentile: 95))
        let interval = quantile.differenceInterval(to: quantile)
        #expect(interval.low == 0 && interval.high == 0)
    }

    @Test("the interval from bisection matches the convolution of the atoms, enumerated")
    func matchesConvolution() throws {
        let a = try #require(
            BootstrapQuantile(
                HistogramBuckets(microseconds: [1_000, 2_000, 4_000, 7_000], counts: [3, 2, 4, 1], sumSeconds: 0.03),
                percentile: 50))
        let b = try #require(
            BootstrapQuantile(
                HistogramBuckets(microseconds: [1_500, 2_000, 9_000], counts: [2, 5, 3], sumSeconds: 0.04), percentile: 50))
        var pairs: [(Double, Double)] = []
        for x in a.atoms { for y in b.atoms { pairs.append((y.value - x.value, x.probability * y.probability)) } }
        pairs.sort { $0.0 < $1.0 }
        func point(_ share: Double) -> Double {
            var running = 0.0
            for (difference, probability) in pairs {
                running += probability
                if running >= share - 1e-12 { return difference }
            }
            return pairs.last?.0 ?? 0
        }
        let interval = a.differenceInterval(to: b)
        #expect(abs(interval.low - point(0.025)) < 1e-9)
        #expect(abs(interval.high - point(0.975)) < 1e-9)
    }

    @Test("a histogram with a million buckets or overflowing counts is refused, not computed")
    func refusesHuge() {
        let many = HistogramBuckets(
            microseconds: (1...200_000).map { UInt64($0) }, counts: Array(repeating: 1, count: 200_000), sumSeconds: 1)
        #expect(many.problem != nil && BootstrapQuantile(many, percentile: 50) == nil)
        let overflow = HistogramBuckets(microseconds: [1, 2], counts: [UInt64.max, 2], sumSeconds: 1)
        #expect(overflow.problem != nil && BootstrapQuantile(overflow, percentile: 50) == nil)
    }
}

/// Which store a test runs on.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }

    /// The server's URL: set by `.ci/run` (scripts/start-postgres.sh).
    static var postgresURL: String? { ProcessInfo.processInfo.environment["AGENTPERF_TEST_POSTGRES"] }

    /// A history no test has used: a new file, or a new database on the test server. Nil (the
    /// PostgreSQL case skipped, with a note) when no server is configured, unless
    /// `AGENTPERF_REQUIRE_POSTGRES` is set (CI), where that is a failure.
    func freshLocation(in directory: TemporaryDirectory) throws -> HistoryLocation? {
        switch self {
        case .sqlite: return .sqlite(directory.file("h/history.sqlite"))
        case .postgres:
            guard let url = Self.postgresURL, var components = URLComponents(string: url) else {
                if ProcessInfo.processInfo.environment["AGENTPERF_REQUIRE_POSTGRES"] != nil {
                    Issue.record("AGENTPERF_TEST_POSTGRES is not set; start a server with scripts/start-postgres.sh")
                } else {
                    print("note: PostgreSQL history tests skipped: AGENTPERF_TEST_POSTGRES is not set")
                }
                return nil
            }
            let database = "history_\(UUID().uuidString.prefix(8).lowercased())"
            let created = try Subprocesses.run(
                URL(fileURLWithPath: "/usr/bin/env"), ["psql", url, "-qc", "CREATE DATABASE \(database)"])
            guard created.status == 0 else {
                Issue.record("psql could not create a database: \(created.stderr)")
                return nil
            }
            components.path = "/" + database
            return try HistoryLocation(parsing: components.string!)
        }
    }

    /// Runs one SQL statement on the store's database with another client than AgentPerf's.
    func execute(_ location: HistoryLocation, sqlite: String, postgres: String) throws -> ProcessOutput {
        switch location {
        case .sqlite(let file):
            try Subprocesses.run(
                URL(fileURLWithPath: "/usr/bin/env"),
                [
                    "python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()",
                    file.path, sqlite,
                ])
        case .postgres:
            try Subprocesses.run(
                URL(fileURLWithPath: "/usr/bin/env"),
                ["psql", Self.url(of: location), "-qc", postgres])
        }
    }

    /// The database's URL with its password, for psql.
    static func url(of location: HistoryLocation) -> String {
        guard case .postgres(let server) = location else { return "" }
        var components = URLComponents()
        components.scheme = "postgres"
        components.user = server.user
        components.password = server.password
        components.host = server.host
        components.port = server.port
        components.path = "/" + server.database
        return components.string!
    }
}

@Suite struct HistoryLocationTests {
    @Test("PostgreSQL URLs in any case and with spaces; other URL schemes refused without echoing them; paths are files")
    func parsing() throws {
        #expect(
            try HistoryLocation(parsing: " POSTGRES://u:pw@db.example:6543/h ").description == "postgres://u@db.example:6543/h")
        #expect(try HistoryLocation(parsing: "postgresql://u@h/d").description == "postgres://u@h:5432/d")
        for text in ["postgres:/u:pw@h/db", "mysql://u:pw@h/db", "Postgre://u:pw@h/db"] {
            do {
                _ = try HistoryLocation(parsing: text)
                Issue.record("\(text) was taken for a path")
            } catch {
                #expect(!"\(error)".contains("pw"), "\(error)")
            }
        }
        #expect(try HistoryLocation(parsing: "runs/history.sqlite") == .sqlite(URL(fileURLWithPath: "runs/history.sqlite")))
        #expect(try HistoryLocation(parsing: "C.sqlite") == .sqlite(URL(fileURLWithPath: "C.sqlite")))
    }
}
