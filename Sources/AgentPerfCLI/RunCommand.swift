import AgentMetrics
import ArgumentParser
import Foundation
import Harness
import Logging
import Pricing
import Recorder
import RunTarget
import ServiceLifecycle
import SimulatedFleet
import SpecDecoding
import TraceCommands
import Traces
import UnixSignals
import Workload

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a workload at each concurrency level and report the headline metrics.",
        discussion: """
            Without a workload file, runs the bundled default (print it with `agentperf workload`) on the
            built-in simulated fleet, started in-process on a loopback port. Progress goes to standard
            error; the table (or --json) to standard output. Every attempt is saved to the output
            directory the moment it ends; Ctrl-C stops the run and still reports what finished.
            """)

    @Argument(help: "Workload file (YAML or JSON). Default: the bundled workload.")
    var workload: String?

    @OptionGroup var output: RunOutputOptions

    @Option(help: "Send model calls to this OpenAI-compatible base URL (…/v1) instead of the simulated fleet.")
    var endpoint: String?

    @OptionGroup var load: LoadOptions

    @Flag(help: "Run the simulated fleet with zero latency: measures the harness's own ceiling.")
    var zeroLatency = false

    @Flag(
        help: """
            Run in virtual time: the fleet in-process and every wait simulated, so a run takes only \
            the time its computation does and the same seed gives the same traces. Built-in fleet \
            and simulated tools only.
            """)
    var virtualTime = false

    @Flag(help: "Do not check each endpoint (reachable, key accepted, models served) before the first level.")
    var noPreflight = false

    @OptionGroup var sharding: ShardOptions

    @OptionGroup var log: LogOptions

    func validate() throws {
        if virtualTime, endpoint != nil { throw ValidationError("--virtual-time runs the built-in fleet; drop --endpoint") }
        if virtualTime, sharding.startAt != nil {
            throw ValidationError("--start-at: a virtual-time run has no wall clock to start at; drop --start-at")
        }
        if sharding.shard != nil, output.abortOnFail {
            throw ValidationError("--abort-on-fail judges a whole run; a shard holds a share of it (judge the merged run)")
        }
    }

    func run() async throws {
        let file = workload.map { URL(fileURLWithPath: $0) }
        var spec = try file.map { try RunSpecLoader.load(contentsOf: $0) } ?? RunSpecLoader.bundled()
        try load.apply(to: &spec.workload)
        if zeroLatency { spec.target.fleet.timing = .zero }
        let reporting = try output.reporting(
            workloadFile: file,
            fleet: endpoint == nil && spec.usesFleet ? (zeroLatency ? "workload, zero latency" : "workload") : nil)
        try await Self.execute(
            spec, reporting, endpoint: endpoint, virtualTime: virtualTime, preflight: !noPreflight,
            shard: sharding.shard?.shard, startAt: sharding.startAt?.date, logger: log.makeLogger())
    }

    /// Runs `spec` into `out` (default `runs/<time>`, then pointed at by `runs/LATEST`), printing
    /// progress and the table, judging thresholds, recording the run in the history, and maps
    /// the outcome to an exit status (`run`, `simulate` and `replay`).
    static func execute(
        _ spec: RunSpec, _ reporting: RunReporting, endpoint: String?, virtualTime: Bool, preflight: Bool = true,
        shard: Shard? = nil, startAt: Date? = nil, logger: Logger
    ) async throws {
        let (out, quiet, json) = (reporting.out, reporting.quiet, reporting.json)
        try reporting.report.checkPaths(inputs: reporting.inputs)
        // --threshold gates join the workload's, so config.json keeps them for `report DIR`.
        var spec = spec
        spec.workload.thresholds += reporting.report.thresholds.filter { !spec.workload.thresholds.contains($0) }
        let workload = spec.workload
        // Shards started in the same second get directories of their own.
        let directory = URL(
            fileURLWithPath: out ?? "runs/\(Self.timestamp())" + (shard.map { "-shard-\($0.index)-of-\($0.count)" } ?? ""))
        var benchmark = BenchmarkRun(
            spec: spec, outputDirectory: directory, endpointOverride: endpoint,
            timebase: virtualTime ? .virtualTime : .realTime, variants: reporting.variants, logger: logger)
        benchmark.checksEndpoints = preflight
        benchmark.shard = shard
        benchmark.startAt = startAt
        let abort = ThresholdAbort(
            thresholds: workload.thresholds, traces: directory.appendingPathComponent(RunDirectory.traces),
            prices: workload.prices)
        if reporting.abortOnFail, !workload.thresholds.isEmpty {
            benchmark.continueAfterLevel = { level, variant in await abort.levelPasses(level, variant: variant) }
        }
        let selected = try benchmark.selectedVariants(workload)
        let configured = benchmark
        let (events, continuation) = AsyncStream.makeStream(of: ProgressEvent.self)
        if !quiet {
            Terminal.err(
                "agentperf \(AgentPerfVersion.current): workload \(workload.name) (\(workload.source)), levels \(workload.load.levelIDs.map(\.label).joined(separator: ", "))"
                    + (selected.isEmpty
                        ? ""
                        : ", variants \(selected.map(\.name).joined(separator: ", ")) × \(workload.load.variantRepeats) repeats")
                    + ", output \(directory.path)\n")
            // The fleet's settings change reported figures (cache writes, and so cost): say them.
            if endpoint == nil, spec.usesFleet { Terminal.err("fleet: \(spec.target.fleet.headline)\n") }
            if let shard {
                Terminal.err("shard \(shard): this process runs 1/\(shard.count) of every level's workers\n")
                if endpoint == nil, spec.usesFleet, shard.count > 1 {
                    Terminal.err(
                        "warning: each shard starts its own built-in fleet, which then serves 1/\(shard.count) of the load; point every shard at one server (--endpoint, e.g. `agentperf serve-sim`) to measure one fleet under the whole load\n"
                    )
                }
            }
            if let start = startAt, start.timeIntervalSinceNow > 0 {
                Terminal.err(
                    "waiting \(Int(start.timeIntervalSinceNow.rounded(.up))) s for the start time \(start.formatted(.iso8601))\n")
            }
        }
        let outcome = try await withThrowingTaskGroup(of: RunArtifacts?.self) { group in
            group.addTask {
                try await Self.runHandlingSignals(configured, progress: continuation, logger: logger)
            }
            group.addTask {
                if quiet {
                    for await _ in events {}
                } else {
                    await ProgressPrinter.run(events, isTerminal: Terminal.stderrIsTerminal)
                }
                return nil
            }
            var artifacts: RunArtifacts?
            for try await result in group { if let result { artifacts = result } }
            return artifacts!
        }
        var presented = try Presentation.load(traces: outcome.traces, prices: workload.prices)
        presented.marginal = workload.marginal ?? .defaults
        // A shard's figures are a share of the run: its thresholds are judged on the merged run.
        if shard == nil { presented.judge(workload.thresholds) }
        try presented.writeSummary(to: directory.appendingPathComponent(RunDirectory.summary))
        if out == nil { Self.pointLatest(at: directory) }
        let aborted = await abort.aborted
        if !presented.log.hasErrors, !outcome.interrupted || aborted, shard == nil {
            await reporting.history?.record(
                presented.summary,
                provenance: RunProvenance(
                    workloadFile: reporting.workloadFile, workloadText: reporting.workloadText, fleet: reporting.fleet,
                    seed: workload.seed, directory: directory),
                quiet: quiet)
        }
        var publishing: (any Error)?
        do { try presented.publish(json: json, options: reporting.report, inputs: reporting.inputs) } catch {
            publishing = error
        }
        var exporting: (any Error)?
        do { try await presented.export(options: reporting.report, quiet: quiet) } catch { exporting = error }
        if !quiet {
            Terminal.err(
                "Saved to \(directory.path)/ — `agentperf report \(directory.path)` recomputes these figures from the traces.\n")
            if let shard {
                Terminal.err(
                    "Shard \(shard) of a run: when every shard is done, `agentperf merge DIR…` combines them into one run (these figures cover this shard only).\n"
                )
            }
            if !selected.isEmpty {
                Terminal.err(
                    "Variants are paired by task and repeat: `agentperf route \(directory.path)` compares them as routers.\n")
            }
        }
        if presented.log.hasErrors { throw CommandFailure.badInput("the trace file has unreadable lines (listed above)") }
        if let failure = Self.everyAttemptFailed(presented.log) { throw CommandFailure(code: 1, message: failure) }
        // Crossed thresholds (exit 99) come before an interruption only when --abort-on-fail
        // stopped the run: a run cut by Ctrl-C or SIGTERM exits 130, its partial figures judged
        // and printed but not the verdict.
        if let publishing, !outcome.interrupted || aborted || (publishing as? CommandFailure)?.code != 99 {
            throw publishing
        }
        if let exporting { throw exporting }
        if outcome.interrupted {
            Terminal.err("Interrupted: the figures cover the attempts that finished.\n")
            throw CommandFailure.interrupted
        }
    }

    /// Runs the benchmark as a service so SIGINT/SIGTERM stop it gracefully: attempts in flight
    /// are abandoned, everything finished stays recorded, and the run returns its artifacts.
    static func runHandlingSignals(
        _ benchmark: BenchmarkRun, progress: AsyncStream<ProgressEvent>.Continuation, logger: Logger
    ) async throws -> RunArtifacts {
        let box = OutcomeBox()
        let service = BenchmarkService(benchmark: benchmark, progress: progress, box: box)
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(
                        service: service, successTerminationBehavior: .gracefullyShutdownGroup,
                        failureTerminationBehavior: .gracefullyShutdownGroup)
                ],
                gracefulShutdownSignals: [.sigint, .sigterm], logger: logger))
        try await group.run()
        guard let outcome = await box.outcome else { throw CommandFailure(code: 1, message: "the run ended without a result") }
        return try outcome.get()
    }

    /// When no attempt of the run got an answer a grader could judge (every one errored or timed
    /// out), the sentence to end with: the run measured the failure, not the agents.
    static func everyAttemptFailed(_ log: TraceLog) -> String? {
        // Cancelled attempts (stopped by Ctrl-C) neither failed nor passed.
        let attempts = log.attempts.filter { $0.record.outcome != .cancelled }
        guard !attempts.isEmpty, attempts.allSatisfy({ $0.record.outcome == .error || $0.record.outcome == .timeout }) else {
            return nil
        }
        let firstFailure = attempts.lazy.flatMap(\.steps).first { $0.errorType != nil }
        let what =
            firstFailure.map { step in
                "\(step.errorType?.rawValue ?? "error")" + (step.errorMessage.map { ": \($0)" } ?? "")
            } ?? attempts[0].record.errorType.map { type in
                type.rawValue + (attempts[0].record.errorMessage.map { ": \($0)" } ?? "")
            } ?? "no answer"
        return "every attempt of the run failed (\(attempts.count) attempts); the first failure: \(what)"
    }

    /// `--variants` given without names (rewritten by `AgentPerfEntry`): every variant.
    static let allVariants = "*"

    /// Points `runs/LATEST` at the run just saved (a symlink; the runs themselves are never touched).
    static func pointLatest(at directory: URL) {
        let latest = directory.deletingLastPathComponent().appendingPathComponent("LATEST")
        // Only a symlink is replaced: a directory named LATEST may be a run of its own.
        if (try? FileManager.default.destinationOfSymbolicLink(atPath: latest.path)) != nil {
            try? FileManager.default.removeItem(at: latest)
        }
        try? FileManager.default.createSymbolicLink(atPath: latest.path, withDestinationPath: directory.lastPathComponent)
    }

    static func timestamp() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return formatter.string(from: Date())
    }
}

private actor OutcomeBox {
    var outcome: Result<RunArtifacts, HarnessError>?
    func set(_ outcome: Result<RunArtifacts, HarnessError>) { self.outcome = outcome }
}

private struct BenchmarkService: Service {
    let benchmark: BenchmarkRun
    let progress: AsyncStream<ProgressEvent>.Continuation
    let box: OutcomeBox

    func run() async throws {
        let result: Result<RunArtifacts, HarnessError>
        do {
            result = .success(
                try await cancelWhenGracefulShutdown { [benchmark, progress] in
                    try await benchmark.run(progress: progress)
                })
        } catch let error as HarnessError {
            result = .failure(error)
        } catch {
            result = .failure(.fleetFailed("\(error)"))
        }
        await box.set(result)
    }
}
