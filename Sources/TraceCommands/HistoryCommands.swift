import AgentMetrics
package import ArgumentParser
import Foundation
import History
import Pricing
import Reports
import Traces

package struct HistoryCommand: AsyncParsableCommand {
    package init() {}

    package static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List the runs the history remembers, and name the figure that moved first.",
        discussion: """
            Every `agentperf run` (and simulate, replay) appends its figures to the history. With --workload, or
            when every listed run is of one workload, the list ends with the figure that regressed first: runs are
            compared with the oldest listed, in order, and the first figure beyond noise is named
            (docs/HISTORY.md).
            """)

    @Option(help: "Only runs of this workload.")
    var workload: String?

    @Option(help: "How many runs, newest first (default 20).")
    var limit = 20

    @Flag(help: "Print the runs as JSON.")
    var json = false

    @OptionGroup var history: HistoryOptions

    package func validate() throws {
        guard (1...10_000).contains(limit) else { throw ValidationError("--limit: expected 1 to 10000") }
    }

    package func run() async throws {
        let location = try history.location()
        guard try history.exists() else {
            Terminal.out("No runs yet: \(location) does not exist (`agentperf run` creates it).\n")
            return
        }
        let entries = try await history.open().list(workload: workload, limit: limit)
        if json {
            let rows = entries.map(HistoryListing.init)
            Terminal.out(String(decoding: try HistoryListing.encoder.encode(rows), as: UTF8.self) + "\n")
            return
        }
        guard !entries.isEmpty else {
            Terminal.out("No runs\(workload.map { " of \($0)" } ?? "") in \(location).\n")
            return
        }
        var table = TextColumns([
            "#", "recorded (UTC)", "workload", "clock", "levels", "p95 task latency", "pass rate", "directory",
        ])
        for entry in entries {
            let levels = entry.summary.levels
            table.add([
                "\(entry.id ?? 0)", HistoryListing.minute(entry.recordedAt), entry.workload ?? "–",
                entry.summary.clock?.rawValue ?? "–", levels.map(\.label).joined(separator: ","),
                levels.map { Format.seconds($0.taskLatency.p95) }.joined(separator: " / "),
                levels.map { Format.percent($0.passRate.rate) }.joined(separator: " / "), entry.directory ?? "–",
            ])
        }
        Terminal.out(table.render())
        if entries.contains(where: { $0.summary.levels.contains { $0.simulatedGrades > 0 } }) {
            Terminal.out("Pass rates of runs on simulated quality (seeded pass draws) are simulated.\n")
        }
        let workloads = Set(entries.map(\.workload))
        if workloads.count == 1, let movedFirst = MovedFirst(entries) {
            Terminal.out("\n" + CompareCommand.renderMovedFirst(movedFirst))
        } else if workloads.count > 1 {
            Terminal.out("\n(--workload NAME names the figure that moved first over that workload's runs.)\n")
        }
    }
}

/// One history row as `history --json` prints it.
struct HistoryListing: Codable {
    var id: Int64?
    var recordedAt: String
    var source: String
    var workload: String?
    var workloadHash: String?
    var target: String?
    var fleet: String?
    var seed: UInt64?
    var agentperfVersion: String?
    var gitCommit: String?
    var directory: String?
    var summary: RunSummary

    init(_ entry: HistoryEntry) {
        id = entry.id
        recordedAt = entry.recordedAt.formatted(.iso8601)
        source = entry.source.rawValue
        workload = entry.workload
        workloadHash = entry.workloadHash
        target = entry.target
        fleet = entry.fleet
        seed = entry.seed
        agentperfVersion = entry.agentperfVersion
        gitCommit = entry.gitCommit
        directory = entry.directory
        summary = entry.summary
    }

    enum CodingKeys: String, CodingKey {
        case id, recordedAt = "recorded_at", source, workload, workloadHash = "workload_hash", target, fleet, seed
        case agentperfVersion = "agentperf_version", gitCommit = "git_commit", directory, summary
    }

    static var encoder: JSONEncoder { JSONOutput.encoder }

    /// `2026-12-01 19:55`, UTC.
    static func minute(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }
}
