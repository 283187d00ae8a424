package import ArgumentParser
import Foundation
import Pricing
import Traces

/// `agentperf merge DIR… --out DIR`: the shards of a sharded run (`run --shard i/n`) as one run.
package struct MergeCommand: AsyncParsableCommand {
    package init() {}

    package static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine the shards of a run (`run --shard i/n`) into one run directory.",
        discussion: """
            Checks that the directories are the shards 0…n−1 of one run (same workload, seed, levels, target,
            config.json and prices.json), copies every attempt and step into OUT/traces.jsonl on one timeline
            (the earliest shard's started_at; each shard shifted by its own), and gives each level one
            window: the span in which every shard with workers there was in its window. Counts, costs and
            percentiles are then those of the union of the shards' attempts (docs/SCALE-OUT.md). Prints the
            same table as `run`, writes OUT/summary.json, judges the workload's thresholds (exit 99) and
            records the merged run in the history.
            """)

    @Argument(help: "The shards' run directories (or traces .jsonl files), in any order.")
    var shards: [String]

    @Option(help: "Directory to write the merged run into (must not hold a run already).")
    var out: String

    @Flag(help: "Print the summary as JSON instead of the table.")
    var json = false

    @Flag(help: "Do not record the merged run in the history.")
    var noHistory = false

    @Flag(
        help: """
            Merge shards that did not finish (a torn last line, unfinished attempts, an interrupted or missing \
            level), leaving out what is incomplete; the merged run is then not recorded in the history.
            """)
    var allowPartial = false

    @OptionGroup var history: HistoryOptions

    @OptionGroup var report: ReportOptions

    @Flag(help: "Print nothing but the table (or JSON).")
    var quiet = false

    package func validate() throws {
        if shards.isEmpty { throw ValidationError("give the shards' run directories") }
    }

    package func run() async throws {
        try report.checkPaths(inputs: shards)
        let paths = try shards.map { try RunPath($0) }
        let headers: [(url: URL, run: RunRecord)]
        do { headers = try ShardMerge.headers(paths.map(\.traces)) } catch { throw CommandFailure.badInput("\(error)") }
        let first = paths.first { $0.traces == headers[0].url }!.directory
        // The shards ran one workload at one price table: their files must match byte for byte.
        var copied: [String: Data] = [:]
        for name in [RunDirectory.config, RunDirectory.prices] {
            let reference = try Self.read(first.appendingPathComponent(name))
            for path in paths where path.directory != first {
                let file = path.directory.appendingPathComponent(name)
                guard try Self.read(file) == reference else {
                    throw CommandFailure.badInput(
                        "\(file.path) differs from \(first.appendingPathComponent(name).path): shards of one run are made from the same workload and prices"
                    )
                }
            }
            copied[name] = reference
        }
        let directory = URL(fileURLWithPath: out)
        let traces = directory.appendingPathComponent(RunDirectory.traces)
        if FileManager.default.fileExists(atPath: traces.path) {
            throw CommandFailure.badInput("\(out) already holds a run (\(RunDirectory.traces)); choose another --out")
        }
        // A name of this process's own: two merges into one directory never write one file.
        let partial = directory.appendingPathComponent(".\(RunDirectory.traces).\(UUID().uuidString.prefix(8)).partial")
        let outcome: ShardMerge.Outcome
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let runID = "merged-" + ContentHash.of(headers.map(\.run.runID).joined(separator: ","))
            outcome = try ShardMerge.merge(headers, runID: runID, into: partial, allowPartial: allowPartial)
            // The run's other files only once its traces are whole; moving never replaces a run that appeared meanwhile.
            for (name, data) in copied { try data.write(to: directory.appendingPathComponent(name)) }
            try FileManager.default.moveItem(at: partial, to: traces)
        } catch let failure as ShardMerge.Failure {
            try? FileManager.default.removeItem(at: partial)
            throw CommandFailure.badInput("\(failure)")
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw CommandFailure.badInput("cannot write \(out): \(FileErrors.describe(error))")
        }
        for warning in outcome.warnings { Terminal.err("\(warning)\n") }
        if !quiet { Self.describe(outcome, shards: headers.count) }

        var presentation = try Presentation.load(
            traces: traces, prices: try PriceTable.load(from: directory.appendingPathComponent(RunDirectory.prices)))
        presentation.marginal = MarginalPrices.ofRun(directory) ?? .defaults
        presentation.judge(try ReportCommand.runThresholds(directory) + report.thresholds)
        try presentation.writeSummary(to: directory.appendingPathComponent(RunDirectory.summary))
        if !noHistory, !presentation.log.hasErrors, !outcome.isPartial {
            await history.record(
                presentation.summary,
                provenance: RunProvenance(
                    workloadFile: nil, workloadText: String(decoding: copied[RunDirectory.config]!, as: UTF8.self),
                    fleet: outcome.run.target?.hasPrefix("simulated fleet") == true ? "workload" : nil,
                    seed: outcome.run.seed ?? 0, directory: directory),
                quiet: quiet)
        }
        var publishing: (any Error)?
        do { try presentation.publish(json: json, options: report, inputs: shards) } catch { publishing = error }
        var exporting: (any Error)?
        do { try await presentation.export(options: report, quiet: quiet) } catch { exporting = error }
        if let failure = publishing ?? exporting { throw failure }
    }

    /// What was merged, how the levels line up, and what was left out, on standard error.
    static func describe(_ outcome: ShardMerge.Outcome, shards: Int) {
        Terminal.err("Merged \(shards) shards: \(outcome.attempts) attempts, \(outcome.steps) steps.\n")
        for level in outcome.levels {
            let name = level.window.level.label + (level.window.variant.map { " (\($0))" } ?? "")
            let window = Double(level.window.end) / 1e9 - Double(level.window.start) / 1e9
            var line =
                "  \(name): \(level.shards) shard\(level.shards == 1 ? "" : "s") with workers, start skew \(Self.milliseconds(level.startSkew)), window \(String(format: "%.3f", window)) s"
            if level.noOverlap {
                line += " — the shards' windows do not overlap, so throughput is n/a (start them together: --start-at)"
            } else if window > 0, Double(level.startSkew) / 1e9 > 0.05 * window {
                line += " — the skew is over 5% of the window (start the shards together: --start-at)"
            }
            Terminal.err(line + "\n")
        }
    }

    private static func milliseconds(_ nanoseconds: Int64) -> String {
        String(format: "%.1f ms", Double(nanoseconds) / 1e6)
    }

    private static func read(_ file: URL) throws -> Data {
        do { return try Data(contentsOf: file) } catch {
            throw CommandFailure.badInput(
                "cannot read \(file.path): \(FileErrors.describe(error)); a shard's run directory holds it")
        }
    }
}
