package import AgentMetrics
package import ArgumentParser
package import Foundation
package import History
import Traces

/// `--history PATH`: which history database a command reads or appends to.
package struct HistoryOptions: ParsableArguments {
    package init() {}

    @Option(
        name: .customLong("history"),
        help: ArgumentHelp(
            """
            The run history: a SQLite file, or a PostgreSQL database (postgres://user:password@host:5432/db; \
            better in $AGENTPERF_HISTORY, out of the process list). Default: $AGENTPERF_HISTORY, else \
            $XDG_DATA_HOME/agentperf/history.sqlite, else ~/.local/share/agentperf/history.sqlite.
            """, valueName: "path-or-url"))
    package var path: String?

    /// The history this command uses; a malformed PostgreSQL URL is bad input (without its password).
    package func location() throws -> HistoryLocation {
        do { return try Self.location(flag: path, environment: ProcessInfo.processInfo.environment) } catch {
            throw CommandFailure.badInput("--history: \(error.message)")
        }
    }

    /// `flag`, else `AGENTPERF_HISTORY`, else the XDG data directory's `agentperf/history.sqlite`.
    package static func location(flag: String?, environment: [String: String]) throws(HistoryError) -> HistoryLocation {
        if let flag { return try HistoryLocation(parsing: flag) }
        if let path = environment["AGENTPERF_HISTORY"], !path.isEmpty { return try HistoryLocation(parsing: path) }
        let data =
            environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".local/share")
        return .sqlite(data.appendingPathComponent("agentperf/history.sqlite"))
    }

    /// False for a SQLite history whose file does not exist yet (nothing recorded).
    package func exists() throws -> Bool {
        if case .sqlite(let file) = try location() { return FileManager.default.fileExists(atPath: file.path) }
        return true
    }

    /// The store, opened (and created) now; a failure is bad input naming the file or server.
    package func open() async throws -> any HistoryStore {
        let location = try location()
        do { return try await History.open(location) } catch { throw CommandFailure.badInput("\(error)") }
    }
}

/// What a run adds to the history besides its summary.
package struct RunProvenance: Sendable {
    /// The workload file, or nil for the bundled default.
    package var workloadFile: URL?
    /// The workload's text as read (hashed).
    package var workloadText: String
    /// `--fleet` file, `workload`, or nil when no tier ran on the built-in fleet.
    package var fleet: String?
    package var seed: UInt64
    package var directory: URL

    package init(workloadFile: URL?, workloadText: String, fleet: String?, seed: UInt64, directory: URL) {
        self.workloadFile = workloadFile
        self.workloadText = workloadText
        self.fleet = fleet
        self.seed = seed
        self.directory = directory
    }

    /// The entry for `summary`, with the workload's hash and git commit.
    package func entry(for summary: RunSummary) -> HistoryEntry {
        var hash = ContentHash()
        hash.update(workloadText)
        return HistoryEntry(
            source: .run, summary: summary, workloadHash: hash.hex, fleet: fleet, seed: seed,
            gitCommit: workloadFile.flatMap { Self.gitCommit(containing: $0) }, directory: directory.path)
    }

    /// `git rev-parse HEAD` in the file's directory; nil outside a repository or without git.
    static func gitCommit(containing file: URL) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", file.deletingLastPathComponent().path, "rev-parse", "HEAD"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let commit = String(decoding: data.prefix(64), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return commit.count == 40 && commit.allSatisfy(\.isHexDigit) ? commit : nil
    }
}

extension HistoryOptions {
    /// Records a run; a history that cannot be written is reported on standard error and the run
    /// still succeeds (its results are in its directory; `agentperf report DIR` recomputes them).
    package func record(_ summary: RunSummary, provenance: RunProvenance, quiet: Bool) async {
        await record(provenance.entry(for: summary), quiet: quiet)
    }

    /// Records `entry`, saying under which id (or that it was there already).
    func record(_ entry: HistoryEntry, quiet: Bool) async {
        do {
            let store = try await open()
            let (id, added) = try await store.record(entry)
            if !quiet {
                Terminal.err(
                    added
                        ? "Recorded in the history as #\(id) (\(store.location)); `agentperf history` lists runs, `agentperf compare` compares two.\n"
                        : "Already in the history as #\(id).\n")
            }
        } catch {
            Terminal.err("warning: not recorded in the history: \(error)\n")
        }
    }
}
