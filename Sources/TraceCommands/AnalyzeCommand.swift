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

    @Option(
        help: """
            Parse this many files at once (default 1). The records are still folded in file order, so the figures \
            are exactly those of --jobs 1; memory grows by at most 4,096 records per job.
            """)
    var jobs = 1

    package func validate() throws {
        if let k, k < 1 { throw ValidationError("--k: expected at least 1") }
        guard (1...64).contains(jobs) else { throw ValidationError("--jobs: expected 1 to 64, found \(jobs)") }
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
        /// The sink one file is read into: its run directory's prices (unless --prices says
        /// otherwise), its canonical copy under --out, the analyzer and the history's collection.
        func sink(for url: URL, _ format: TraceFormat) throws -> AnalyzeSink {
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
            return AnalyzeSink(analyzer: analyzer, file: file, collected: collected)
        }
        var (files, outcome) = try importing.plan()
        if jobs > 1 {
            // Blocks this thread while the readers parse (the command has nothing else to run).
            var current: AnalyzeSink?
            // After a failure the rest of that file is not folded, as a reader stops there.
            var failed = false
            try ParallelRead.read(files, jobs: jobs) { index, item in
                do {
                    if failed, case .end = item {} else if failed { return }
                    if current == nil, !failed { current = try sink(for: files[index].0, files[index].1) }
                    switch item {
                    case .begin(let run): try current?.begin(run)
                    case .step(let step): try current?.step(step)
                    case .attempt(let attempt): try current?.attempt(attempt)
                    case .diagnostic(let diagnostic): current?.diagnostic(diagnostic)
                    case .end(let error):
                        try current?.file?.close()
                        if let error { throw error }
                    }
                } catch {
                    if !failed { outcome.failures.append("\(error)") }
                    failed = true
                }
                if case .end = item {
                    if let done = current { (analyzer, collected) = (done.analyzer, done.collected) }
                    current = nil
                    failed = false
                }
            }
        } else {
            for (url, format) in files {
                do {
                    var file = try sink(for: url, format)
                    defer { (analyzer, collected) = (file.analyzer, file.collected) }
                    try format.read(url, into: &file)
                    try file.file?.close()
                } catch {
                    outcome.failures.append("\(error)")
                }
            }
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

    /// Calls `body` with each file to read, in order; a file whose reading throws is a failure
    /// in the outcome, and the rest are still read.
    func each(_ body: (URL, TraceFormat) throws -> Void) throws -> Outcome {
        var (files, outcome) = try plan()
        for (file, format) in files {
            do { try body(file, format) } catch { outcome.failures.append("\(error)") }
        }
        return outcome
    }

    /// The files to read (directories walked, formats detected) and what could not be: missing
    /// paths, unknown formats. Over `byteLimit` in all is an error before anything is read.
    func plan() throws -> (files: [(URL, TraceFormat)], outcome: Outcome) {
        var outcome = Outcome(failures: [], skipped: [])
        var planned: [(URL, TraceFormat)] = []
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
                planned.append((file, detected))
            }
        }
        return (planned, outcome)
    }
}
