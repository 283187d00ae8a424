import AgentLoop
import AsyncHTTPClient
import Backends
public import Foundation
public import Logging
import NIOCore
import Pricing
public import Recorder
import Scheduler
import ServiceLifecycle
import SimulatedFleet
import SimulatedFleetServer
import SpecDecoding
import Timekeeping
import ToolServices
import Tools
import Traces
public import Workload

/// The version written into every run record.
public enum AgentPerfVersion {
    public static let current = "0.1.0"
}

/// Files a run leaves in its output directory.
public struct RunArtifacts: Sendable, Hashable {
    public var directory: URL
    public var traces: URL
    public var config: URL
    public var prices: URL
    public var runID: String
    /// True when the run was stopped (Ctrl-C) before all levels finished.
    public var interrupted: Bool
}

/// One benchmark run: the workload at each concurrency level, against the built-in simulated
/// fleet (started in-process on a loopback port) or an OpenAI-compatible endpoint.
///
/// Writes `config.json` (the resolved workload, re-runnable as is), `prices.json` and
/// `traces.jsonl` into the output directory. Each attempt is appended the moment it ends.
/// Cancelling the task (Ctrl-C) stops issuing attempts, abandons those in flight, writes the
/// current level's window marked interrupted, and returns normally.
public struct BenchmarkRun: Sendable {
    public var workload: Workload
    public var outputDirectory: URL
    /// Overrides the workload's endpoint with a base URL (`…/v1`).
    public var endpointOverride: String?
    public var logger: Logger

    public init(workload: Workload, outputDirectory: URL, endpointOverride: String? = nil, logger: Logger) {
        self.workload = workload
        self.outputDirectory = outputDirectory
        self.endpointOverride = endpointOverride
        self.logger = logger
    }

    public static let configFileName = "config.json"
    public static let pricesFileName = "prices.json"
    public static let tracesFileName = "traces.jsonl"

    public func run(progress: AsyncStream<ProgressEvent>.Continuation? = nil) async throws(HarnessError) -> RunArtifacts {
        let workload = try ResolvedBackends.applying(endpointOverride: endpointOverride, to: workload)
        var backends = try ResolvedBackends.resolve(workload)
        let artifacts = try prepareOutput(workload)
        let clock = ContinuousRunClock()
        let run = RunRecord(
            runID: artifacts.runID, startedAt: Date(), agentperfVersion: AgentPerfVersion.current, workload: workload.name,
            seed: workload.seed, concurrencyLevels: workload.load.concurrency, target: backends.target)
        let writer: TraceWriter
        do { writer = try TraceWriter(creating: artifacts.traces, run: run) } catch { throw .traceWriteFailed(error) }
        let recorder = RunRecorder(writer: writer, progress: progress)
        defer { progress?.finish() }

        let interrupted: Bool
        do {
            interrupted = try await withThrowingTaskGroup(of: Void.self) { group in
                var fleet: ServiceGroup?
                if backends.usesFleet {
                    let (services, port) = try await startFleet(in: &group)
                    fleet = services
                    backends.specs["fleet"]?.baseURL = "http://127.0.0.1:\(port)/v1"
                }
                let configuration = ResolvedBackends.clientConfiguration(workload, specs: backends.specs)
                // On a failure, stop the fleet gracefully before the error unwinds the group (a
                // cancelled server logs its shutdown as errors).
                let outcome: Result<Bool, any Error>
                do {
                    outcome = .success(
                        try await HTTPClient.withHTTPClient(configuration: configuration) { client in
                            try await runTools(
                                workload, backends: backends, client: client, clock: clock, runID: artifacts.runID,
                                recorder: recorder)
                        })
                } catch {
                    outcome = .failure(error)
                }
                await fleet?.triggerGracefulShutdown()
                try await group.waitForAll()
                return try outcome.get()
            }
        } catch let error as HarnessError {
            await writer.close()
            throw error
        } catch {
            await writer.close()
            throw .fleetFailed("\(error)")
        }
        await writer.close()
        var result = artifacts
        result.interrupted = interrupted
        return result
    }

    /// Starts the simulated fleet in a service group run by a child task; returns the group
    /// (to shut it down gracefully) and the port it listens on.
    private func startFleet(in group: inout ThrowingTaskGroup<Void, any Error>) async throws -> (ServiceGroup, Int) {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let server = FleetServer(
            configuration: workload.fleet, host: "127.0.0.1", port: 0, logger: logger,
            onListening: { port in
                continuation.yield(port); continuation.finish()
            })
        let services = ServiceGroup(configuration: .init(services: [server], logger: logger))
        group.addTask {
            defer { continuation.finish() }
            try await services.run()
        }
        for await port in ports { return (services, port) }
        throw HarnessError.fleetFailed("the server stopped before it was listening")
    }

    /// Sets up the tool services over the run's routes, then runs the levels with them.
    private func runTools(
        _ workload: Workload, backends: ResolvedBackends, client: HTTPClient, clock: any RunClock, runID: String,
        recorder: RunRecorder
    ) async throws -> Bool {
        let routes = backends.routes(for: workload, client: client, clock: clock)
        let embedders = routes.tiers.compactMapValues { route in
            route.embeddings.map { Embedder(model: route.model, backend: $0) }
        }
        let rerankers = routes.tiers.compactMapValues { route in
            route.rerank.map { Reranker(model: route.model, backend: $0) }
        }
        do {
            return try await RunToolServices.run(
                workload, embedders: embedders, rerankers: rerankers, clock: clock, logger: logger
            ) {
                services in
                try await runLevels(
                    workload, routes: routes, client: client, services: services, clock: clock, runID: runID,
                    recorder: recorder)
            }
        } catch let error as ToolServiceError {
            throw HarnessError.toolsFailed(error.description)
        }
    }

    private func runLevels(
        _ workload: Workload, routes: ModelRoutes, client: HTTPClient, services: RunToolServices, clock: any RunClock,
        runID: String, recorder: RunRecorder
    ) async throws -> Bool {
        let loop = AttemptRunner(
            workload: workload, routes: routes,
            tools: ToolRunner(tools: workload.tools, clock: clock, http: client, external: services), clock: clock)
        let scheduler = ClosedLoopScheduler(taskWeights: workload.tasks.map(\.weight), seed: workload.seed, clock: clock)
        let plans = LevelPlan.plans(for: workload.load)
        let writeFailure = WriteFailure()
        for (index, level) in plans.enumerated() {
            if Task.isCancelled { return true }
            var announcement = LevelAnnouncement(
                concurrency: level.concurrency, index: index, count: plans.count, warmupSeconds: nil,
                warmupAttempts: nil, measuredSeconds: nil, measuredAttempts: nil)
            switch level.length {
            case .duration(let d): announcement.measuredSeconds = d.seconds
            case .attempts(let n): announcement.measuredAttempts = n
            }
            switch level.warmup {
            case .none: break
            case .duration(let d): announcement.warmupSeconds = d.seconds
            case .attempts(let n): announcement.warmupAttempts = n
            }
            await recorder.announce(.levelStarted(announcement))
            let outcome = await scheduler.run(level, runID: runID) { plan in
                guard case .finished(let record, let steps) = await loop.run(plan) else { return nil }
                do throws(TraceError) { try await recorder.record(record, steps: steps) } catch {
                    await writeFailure.set(error)
                    return nil
                }
                return plan.isWarmup ? nil : record.end
            }
            if let failure = await writeFailure.error { throw HarnessError.traceWriteFailed(failure) }
            do throws(TraceError) {
                try await recorder.record(
                    WindowRecord(
                        runID: runID, concurrency: level.concurrency, levelStart: outcome.levelStart,
                        start: outcome.windowStart, end: outcome.windowEnd, drainEnd: outcome.drainEnd,
                        interrupted: outcome.interrupted))
            } catch { throw HarnessError.traceWriteFailed(error) }
            if outcome.interrupted { return true }
        }
        return false
    }

    // MARK: Setup

    private func prepareOutput(_ workload: Workload) throws(HarnessError) -> RunArtifacts {
        let manager = FileManager.default
        do {
            try manager.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try encoder.encode(workload).write(to: outputDirectory.appendingPathComponent(Self.configFileName))
            try workload.prices.write(to: outputDirectory.appendingPathComponent(Self.pricesFileName))
        } catch {
            throw .cannotCreateOutput(path: outputDirectory.path, reason: error.localizedDescription)
        }
        let stamp = Date().formatted(
            .iso8601.year().month().day().dateSeparator(.omitted).time(includingFractionalSeconds: false).timeSeparator(.omitted))
        return RunArtifacts(
            directory: outputDirectory, traces: outputDirectory.appendingPathComponent(Self.tracesFileName),
            config: outputDirectory.appendingPathComponent(Self.configFileName),
            prices: outputDirectory.appendingPathComponent(Self.pricesFileName),
            runID: "run-\(stamp)-\(UInt32.random(in: 0...UInt32.max) % 0xFFFF)", interrupted: false)
    }

    static func widestFanout(_ steps: [StepSpec]) -> Int {
        steps.map { step in
            switch step {
            case .fanout(let block): block.agents * widestFanout(block.agent.steps)
            case .repeatBlock(let block): widestFanout(block.steps)
            default: 1
            }
        }.max() ?? 1
    }
}

/// The first trace-write failure seen by any worker.
private actor WriteFailure {
    private(set) var error: TraceError?
    func set(_ error: TraceError) { if self.error == nil { self.error = error } }
}
