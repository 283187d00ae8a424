import AgentMetrics
package import ArgumentParser
import Foundation
import HTMLReport
import Importers
import Pricing
import Reports
import Traces

/// Parses `--format`, listing the formats when the value is not one.
func parseFormat(_ text: String?) throws -> TraceFormat? {
    guard let text else { return nil }
    guard let format = TraceFormat(rawValue: text) else {
        throw ValidationError(
            "--format: expected one of \(TraceFormat.allCases.map(\.rawValue).joined(separator: ", ")), found \"\(text)\"")
    }
    return format
}

package struct AnalyzeCommand: AsyncParsableCommand {
    package init() {}

    package static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract:
            "Compute the agent metric family from traces: AgentPerf runs, Claude Code, Codex CLI, Gemini CLI, OTLP, Inspect, OpenHands, SWE-agent, tau-bench.",
        discussion: """
            Reads files and directories (walked for .jsonl, .json, .eval and .traj files), detects each file's format
            (or use --format), streams it into AgentPerf's trace schema and folds it into figures per group. Prices
            come from a bundled, dated snapshot unless --prices names another (LiteLLM's own file works). Figures a
            trace cannot support are shown as n/a with the reason. Bad lines or entries are reported with their file
            and line and skipped; the rest is analysed, and the exit code is then 2.
            """)

    @Argument(help: "Trace files or directories.")
    var paths: [String]

    @Option(help: "Group attempts by: model, task, session (source file), agent, or all.")
    var groupBy: String = "model"

    @Option(help: "Read every file as this format: \(TraceFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: String?

    @Option(help: "Price table (LiteLLM JSON or an AgentPerf price table). Default: the bundled snapshot.")
    var prices: String?

    @Option(help: "k for pass@k and pass^k (default: the fewest graded attempts of any task with two or more).")
    var k: Int?

    @Flag(help: "Print the report as JSON instead of the table.")
    var json = false

    @Option(help: "Also write canonical traces (one .jsonl per source) and analysis.json into this directory.")
    var out: String?

    @Option(help: "Also write the report as one self-contained HTML file (plots, tables; no network) to this path.")
    var html: String?

    @Flag(
        name: .customLong("history"),
        help: "Also record the traces' run figures in the run history (see `agentperf history`); inputs up to 512 MiB.")
    var recordHistory = false

    @Option(
        help: ArgumentHelp(
            "The history database --history writes to (default as for `agentperf history`).", valueName: "path"))
    var historyFile: String?

    package func validate() throws {
        if let k, k < 1 { throw ValidationError("--k: expected at least 1") }
        if FamilyAnalyzer.Grouping(rawValue: groupBy) == nil {
            throw ValidationError(
                "--group-by: expected one of \(FamilyAnalyzer.Grouping.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        _ = try parseFormat(format)
    }

    package func run() async throws {
        if let html { try ReportFile.check(html, inputs: paths) }
        let table = try prices.map { try PriceTable.load(from: URL(fileURLWithPath: $0)) } ?? .bundled
        let outDirectory = out.map { URL(fileURLWithPath: $0) }
        if let outDirectory { try FileManager.default.createDirectory(at: outDirectory, withIntermediateDirectories: true) }
        var collected: CollectingSink? = recordHistory ? CollectingSink() : nil
        var analyzer = FamilyAnalyzer(grouping: FamilyAnalyzer.Grouping(rawValue: groupBy) ?? .model, prices: table, k: k)
        var runPrices: Set<String> = []
        let importing = ImportRun(
            paths: paths, format: try parseFormat(format), byteLimit: recordHistory ? ImportedRun.maximumBytes : nil)
        let outcome = try importing.each { url, format in
            // An AgentPerf run directory prices its own models (unless --prices says otherwise).
            let sibling = url.deletingLastPathComponent().appendingPathComponent(RunDirectory.prices)
            if prices == nil, format == .agentperf, FileManager.default.fileExists(atPath: sibling.path),
                runPrices.insert(sibling.path).inserted
            {
                analyzer.addPrices(try PriceTable.load(from: sibling))
                Terminal.err("prices for \(url.path): \(sibling.path), over the bundled snapshot\n")
            }
            let file = try outDirectory.map {
                try TraceFileSink(creating: $0.appendingPathComponent(url.lastPathComponent + ".agentperf.jsonl"))
            }
            var sink = AnalyzeSink(analyzer: analyzer, file: file, collected: collected)
            defer { (analyzer, collected) = (sink.analyzer, sink.collected) }
            try format.read(url, into: &sink)
            try file?.close()
        }
        for line in analyzer.diagnostics.lines { Terminal.err(line + "\n") }
        // Nothing read is not an empty table: say what was wrong and fail.
        guard analyzer.sources > 0 else {
            try outcome.finish(errors: true, nothingRead: true)
            return
        }
        let report = analyzer.report()
        if json {
            Terminal.out(String(decoding: try Self.encoder.encode(report), as: UTF8.self) + "\n")
        } else {
            Terminal.out(FamilyTable.render(report))
        }
        if let outDirectory { try Self.encoder.encode(report).write(to: outDirectory.appendingPathComponent("analysis.json")) }
        if let html {
            let title = "AgentPerf analyze · " + (paths.count == 1 ? paths[0] : "\(paths.count) inputs")
            try ReportFile.write(HTMLReport.analysis(report, title: title), to: html, inputs: paths)
        }
        if let collected {
            if analyzer.diagnostics.hasErrors {
                Terminal.err("Not recorded in the history: the traces have unreadable lines (listed above).\n")
            } else {
                var history = HistoryOptions()
                history.path = historyFile
                let summary = ImportedRun.summary(of: collected.log, paths: paths, prices: table)
                await history.record(ImportedRun.entry(summary, paths: paths), quiet: false)
            }
        }
        try outcome.finish(errors: analyzer.diagnostics.hasErrors)
    }

    static var encoder: JSONEncoder { JSONOutput.encoder }
}

package struct ImportCommand: ParsableCommand {
    package init() {}

    package static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Convert other tools' traces into AgentPerf's trace schema (one .jsonl per source).",
        discussion: "Formats and detection as for `agentperf analyze`; docs/IMPORTERS.md lists each format's mapping.")

    @Argument(help: "Trace files or directories.")
    var paths: [String]

    @Option(help: "Directory for the converted files.")
    var out: String

    @Option(help: "Read every file as this format.")
    var format: String?

    package func validate() throws { _ = try parseFormat(format) }

    package func run() throws {
        let directory = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var errors = false
        var converted = 0
        let outcome = try ImportRun(paths: paths, format: try parseFormat(format)).each { url, format in
            let target = directory.appendingPathComponent(url.lastPathComponent + ".agentperf.jsonl")
            let sink = try TraceFileSink(creating: target)
            var reference = sink
            try format.read(url, into: &reference)
            try sink.close()
            for line in sink.diagnostics.lines { Terminal.err(line + "\n") }
            errors = errors || sink.diagnostics.hasErrors
            Terminal.err("\(url.path) (\(format)) → \(target.path)\n")
            converted += 1
        }
        try outcome.finish(errors: errors, nothingRead: converted == 0)
    }
}

/// Resolves paths to (file, format) pairs and runs an import over each, collecting problems.
struct ImportRun {
    let paths: [String]
    let format: TraceFormat?
    /// The most bytes read in all (files as found, standard input as spooled), when the reader
    /// keeps everything in memory (`analyze --history`).
    var byteLimit: Int64? = nil

    struct Outcome {
        var failures: [String]
        /// Files in the given directories that are in no known format.
        var skipped: [String]

        /// Exit 2 after reporting, if anything could not be read or was skipped: nothing is left
        /// out silently. `nothingRead`: no source was read at all, so there are no figures.
        func finish(errors: Bool, nothingRead: Bool = false) throws {
            for failure in failures { Terminal.err("error: \(failure)\n") }
            if !skipped.isEmpty {
                let shown = skipped.prefix(5).joined(separator: ", ") + (skipped.count > 5 ? ", …" : "")
                Terminal.err(
                    "warning: \(skipped.count) file\(skipped.count == 1 ? "" : "s") in the given directories \(skipped.count == 1 ? "is" : "are") in no known trace format and \(skipped.count == 1 ? "was" : "were") skipped: \(shown) (read them with --format, or leave them out)\n"
                )
            }
            if nothingRead {
                throw CommandFailure.badInput("nothing read: no trace was read from the given paths (listed above)")
            }
            if !failures.isEmpty || errors || !skipped.isEmpty {
                throw CommandFailure.badInput(
                    "some input could not be read or was skipped (listed above); the rest was read")
            }
        }
    }

    /// The files beside a run's traces (and `analyze --out`'s report): never traces, so a walked
    /// run directory does not warn about them.
    static let runDirectorySideFiles: Set<String> = [
        RunDirectory.config, RunDirectory.prices, RunDirectory.summary, "analysis.json",
    ]

    func each(_ body: (URL, TraceFormat) throws -> Void) throws -> Outcome {
        var outcome = Outcome(failures: [], skipped: [])
        var bytesRead: Int64 = 0
        for path in paths {
            let url = URL(fileURLWithPath: path)
            let files: [URL]
            do { files = try TraceFormat.files(in: [url]) } catch {
                outcome.failures.append("\(error)")
                continue
            }
            let explicit = files == [url]
            if files.isEmpty {
                outcome.failures.append(
                    "\(url.path): no trace files here (looked for \(TraceFormat.candidateExtensions.sorted().map { "." + $0 }.joined(separator: ", ")))"
                )
            }
            for file in files where explicit || !Self.runDirectorySideFiles.contains(file.lastPathComponent) {
                guard let detected = format ?? TraceFormat.detect(file) else {
                    if explicit {
                        outcome.failures.append(
                            ImportError.unknownFormat(path: file.path, formats: TraceFormat.allCases.map(\.rawValue)).description)
                    } else {
                        outcome.skipped.append(file.path)
                    }
                    continue
                }
                if let byteLimit {
                    bytesRead += Int64((try? file.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0)
                    guard bytesRead <= byteLimit else { throw ImportedRun.tooLarge(paths, limit: byteLimit) }
                }
                do { try body(file, detected) } catch {
                    outcome.failures.append("\(error)")
                }
            }
        }
        return outcome
    }
}
