import AgentLoop
import AsyncHTTPClient
import Backends
import FleetBackend
package import Foundation
package import Logging
import NIOCore
import Pricing
package import Recorder
package import RunTarget
import Scheduler
import ServiceLifecycle
import SimulatedFleet
import SimulatedFleetServer
import SpecDecoding
import Timekeeping
import ToolServices
import Tools
package import Traces
package import Workload

/// The version written into every run record.
package enum AgentPerfVersion {
    package static let current = "0.1.0"
}

/// One benchmark run: the workload at each concurrency level, against the built-in simulated
/// fleet or the workload's backends.
///
/// In real time (the default) the fleet is started in-process on a loopback port and every
/// model call is a real HTTP request. In virtual time the whole run (scheduler, agent loops,
/// simulated tools, the fleet's engine) runs on a `VirtualClock`, with the fleet called
/// in-process: no socket, no sleep, and the same seed gives the same traces byte for byte
/// (pass an `identity` too). Only what runs in-process can run in virtual time; other
/// workloads are refused with the reason.
///
/// Writes `config.json` (the resolved workload, re-runnable as is), `prices.json` and
/// `traces.jsonl` into the output directory. Each attempt is appended the moment it ends.
/// Cancelling the task (Ctrl-C) stops issuing attempts, abandons those in flight, writes the
/// current level's window marked interrupted, and returns normally.
package struct BenchmarkRun: Sendable {
    /// What to run and where.
    package var spec: RunSpec
    package var outputDirectory: URL
    /// Overrides the workload's endpoint with a base URL (`…/v1`).
    package var endpointOverride: String?
    package var timebase: Timebase
    /// The run's id and wall-clock anchor; `nil`: a fresh id and now.
    package var identity: RunIdentity?
    /// Variants to run every task under (`run --variants`): nil, none (a plain run); empty, all the workload declares.
    package var variants: [String]?
    package var logger: Logger
    /// Asked after each level's window is written, with its level and variant: false stops the
    /// run there (`run --abort-on-fail`, when a threshold is crossed). The traces hold every
    /// level so far when it is asked.
    package var continueAfterLevel: (@Sendable (LevelID, String?) async -> Bool)?
    /// Check every endpoint before the first level (`Preflight`); `run --no-preflight` turns it off.
    package var checksEndpoints = true
    /// The share of the run this process runs (`run --shard i/n`); nil: all of it.
    package var shard: Shard?
    /// When the first level starts (`run --start-at`): the run clock's zero and the run
    /// header's `started_at`, so that shards started apart begin their levels together and
    /// `merge` lines their timestamps up exactly. Real time only.
    package var startAt: Date?

    /// Which clock the run lives on.
    package enum Timebase: Sendable, Hashable {
        /// `ContinuousRunClock`: real latency over real sockets.
        case realTime
        /// `VirtualClock`: simulated time, the fleet in-process.
        case virtualTime
    }

    /// A run's id and the wall-clock time its clock's zero stands for.
    package struct RunIdentity: Sendable, Hashable {
        package var runID: String
        package var startedAt: Date

        package init(runID: String, startedAt: Date) {
            self.runID = runID
            self.startedAt = startedAt
        }
    }

    package init(
        spec: RunSpec, outputDirectory: URL, endpointOverride: String? = nil, timebase: Timebase = .realTime,
        identity: RunIdentity? = nil, variants: [String]? = nil, logger: Logger
    ) {
        self.variants = variants
        self.spec = spec
        self.outputDirectory = outputDirectory
        self.endpointOverride = endpointOverride
        self.timebase = timebase
        self.identity = identity
        self.logger = logger
    }

    package func run(progress: AsyncStream<ProgressEvent>.Continuation? = nil) async throws(HarnessError) -> RunArtifacts {
        let spec = try ResolvedBackends.applying(endpointOverride: endpointOverride, to: spec)
        let workload = spec.workload
        let backends = try ResolvedBackends.resolve(spec)
        _ = try selectedVariants(workload)
        if timebase == .virtualTime { try VirtualTimeCheck.check(spec, backends: backends) }
        try checkSharding(workload)
        // Before the output directory exists, so a wrong endpoint leaves nothing to clear away.
        if timebase == .realTime, checksEndpoints { try await Preflight.check(backends, workload: workload) }
        let artifacts = try prepareOutput(spec)
        var run = RunRecord(
            runID: artifacts.runID, startedAt: startAt ?? identity?.startedAt ?? Date(),
            agentperfVersion: AgentPerfVersion.current,
            workload: workload.name, seed: workload.seed, concurrencyLevels: workload.load.concurrency,
            target: backends.target, clock: timebase == .virtualTime ? .virtual : .continuous)
        run.shard = shard
        let writer: TraceWriter
        do {
            writer = try TraceWriter(creating: artifacts.traces, run: run, secrets: backends.secretValues)
        } catch { throw .traceWriteFailed(error) }
        let recorder = RunRecorder(writer: writer, progress: progress)
        defer { progress?.finish() }

        let interrupted: Bool
        do {
            switch timebase {
            case .realTime: interrupted = try await runInRealTime(spec, backends: backends, artifacts, recorder)
            case .virtualTime: interrupted = try await runInVirtualTime(spec, backends: backends, artifacts, recorder)
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

    /// Real time: the fleet (if any tier uses it) on a loopback port, every call over HTTP.
    private func runInRealTime(
        _ spec: RunSpec, backends: ResolvedBackends, _ artifacts: RunArtifacts, _ recorder: RunRecorder
    ) async throws -> Bool {
        let workload = spec.workload
        var backends = backends
        // With --start-at, zero is that wall-clock instant (the levels wait for it).
        let clock = ContinuousRunClock(origin: .now.advanced(by: .seconds(startAt?.timeIntervalSinceNow ?? 0)))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            var fleet: ServiceGroup?
            if backends.usesFleet {
                let (services, port) = try await LoopbackServers.startFleet(spec.target.fleet, logger: logger, in: &group)
                fleet = services
                backends.specs["fleet"]?.baseURL = "http://127.0.0.1:\(port)/v1"
            }
            let started = try await RunGateways.start(
                for: workload, backends: backends, clock: clock, runID: artifacts.runID, logger: logger, in: &group)
            let configuration = ResolvedBackends.clientConfiguration(workload, specs: backends.specs)
            // On a failure, stop the fleet gracefully before the error unwinds the group (a
            // cancelled server logs its shutdown as errors).
            let outcome: Result<Bool, any Error>
            do {
                outcome = .success(
                    try await HTTPClient.withHTTPClient(configuration: configuration) { client in
                        let routes = backends.routes(
                            for: workload, endpoints: backends.httpEndpoints(client: client, clock: clock))
                        return try await runTools(
                            workload, routes: routes, client: client, clock: clock, runID: artifacts.runID,
                            gateways: started?.0, recorder: recorder)
                    })
            } catch {
                outcome = .failure(error)
            }
            for gateway in started?.1 ?? [] { await gateway.triggerGracefulShutdown() }
            await fleet?.triggerGracefulShutdown()
            try await group.waitForAll()
            return try outcome.get()
        }
    }

    /// Virtual time: everything on one `VirtualClock`, the fleet called in-process.
    private func runInVirtualTime(
        _ spec: RunSpec, backends: ResolvedBackends, _ artifacts: RunArtifacts, _ recorder: RunRecorder
    ) async throws -> Bool {
        let workload = spec.workload
        return try await VirtualTime.run { clock async throws -> Bool in
            let service = try FleetService(configuration: spec.target.fleet, clock: clock)
            let fleet = InProcessFleetBackend(service: service, clock: clock)
            let routes = backends.routes(
                for: workload, endpoints: ["fleet": .init(chat: fleet, embeddings: fleet, rerank: fleet)])
            return try await withThrowingTaskGroup(of: Bool?.self) { group in
                group.addTask {
                    await service.run()
                    return nil
                }
                defer { group.cancelAll() }
                return try await runTools(
                    workload, routes: routes, client: nil, clock: clock, runID: artifacts.runID, gateways: nil,
                    recorder: recorder)
            }
        }
    }

    /// Sets up the tool services over the run's routes, then runs the levels with them.
    private func runTools(
        _ workload: Workload, routes: ModelRoutes, client: HTTPClient?, clock: any RunClock, runID: String,
        gateways: RunGateways?, recorder: RunRecorder
    ) async throws -> Bool {
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
                    workload, variants: try selectedVariants(workload), routes: routes, client: client, services: services,
                    clock: clock, runID: runID, gateways: gateways, recorder: recorder)
            }
        } catch let error as ToolServiceError {
            throw HarnessError.toolsFailed(error.description)
        }
    }

    // MARK: Setup

    /// The variants `variants` names, in the workload's order (all of them for an empty list).
    package func selectedVariants(_ workload: Workload) throws(HarnessError) -> [Variant] {
        guard let names = variants else { return [] }
        if workload.load.isOpenLoop { throw .variantsNeedClosedLoop }
        let known = workload.variants.map(\.name)
        if names.isEmpty {
            guard !known.isEmpty else { throw .unknownVariant("", known: []) }
            return workload.variants
        }
        for name in names where !known.contains(name) { throw .unknownVariant(name, known: known) }
        return workload.variants.filter { names.contains($0.name) }
    }

    private func prepareOutput(_ spec: RunSpec) throws(HarnessError) -> RunArtifacts {
        try RunArtifacts.prepare(outputDirectory, runID: identity?.runID, prices: spec.workload.prices) { encoder in
            try encoder.encode(spec)
        }
    }
}
