import AgentLoop
import Foundation
import Gateway
import Logging
import RunTarget
import ServiceLifecycle
import Timekeeping
import Traces
import WireFormats
import Workload

/// The recording gateways of a run with `process:` tasks: one on a loopback port in front of
/// each backend those tasks' tiers use, forwarding with the backend's own headers (its API key),
/// so the agents get a placeholder key and never see the real one.
struct RunGateways: ProcessAgentGateways {
    /// Backend name → its gateway's book and base URL (`http://127.0.0.1:<port>`).
    private let gateways: [String: (book: AttemptBook, root: URL)]
    private let tierBackends: [String: String]
    let secretVariables: Set<String>

    /// The backends `workload`'s process tasks call through, by their tiers.
    static func backends(of workload: Workload, _ backends: ResolvedBackends) -> Set<String> {
        Set(
            workload.tasks.compactMap { task -> String? in
                guard let driven = task.driven, driven.process != nil else { return nil }
                return backends.tierBackends[driven.tier]
            })
    }

    /// Starts a gateway for each backend `workload`'s process tasks use; nil when it has none.
    static func start(
        for workload: Workload, backends: ResolvedBackends, clock: any RunClock, runID: String, logger: Logger,
        in group: inout ThrowingTaskGroup<Void, any Error>
    ) async throws -> (RunGateways, [ServiceGroup])? {
        let names = Self.backends(of: workload, backends)
        guard !names.isEmpty else { return nil }
        var gateways: [String: (book: AttemptBook, root: URL)] = [:]
        var services: [ServiceGroup] = []
        for name in names.sorted() {
            guard let spec = backends.specs[name], let upstream = URL(string: spec.baseURL) else { continue }
            // Claimed attempts never close on their own; nothing else reaches these books.
            let book = AttemptBook(runID: runID, idleGap: .seconds(3600)) { _, _ in }
            let configuration = GatewayConfiguration(
                upstream: upstream, upstreamHeaders: ResolvedBackends.headers(spec),
                maxConnections: workload.load.maxInFlight * 4 + 8)
            let (group, port) = try await LoopbackServers.start(logger: logger, in: &group) { onListening in
                Gateway(
                    configuration: configuration, book: book, clock: clock, runID: runID, logger: logger, onListening: onListening
                )
            }
            services.append(group)
            gateways[name] = (book, URL(string: "http://127.0.0.1:\(port)")!)
        }
        let secrets = Set(backends.specs.values.compactMap(\.apiKeyEnvironmentVariable) + ["AGENTPERF_GATEWAY_TOKEN"])
        return (RunGateways(gateways: gateways, tierBackends: backends.tierBackends, secretVariables: secrets), services)
    }

    func open(attemptID: String, task: String, tier: String, simulation: SimulationScript?, at now: Int64) async -> URL? {
        guard let backend = tierBackends[tier], let gateway = gateways[backend] else { return nil }
        var extra: [String: JSONValue] = [:]
        if let simulation, let data = try? JSONEncoder().encode(simulation),
            let value = try? JSONDecoder().decode(JSONValue.self, from: data)
        {
            extra["agentperf_simulate"] = value
        }
        await gateway.book.claim(attemptID, task: task, at: now, extraFields: extra)
        return gateway.root.appendingPathComponent("attempt").appendingPathComponent(attemptID).appendingPathComponent("v1")
    }

    func close(attemptID: String) async -> [StepRecord] {
        var steps: [StepRecord] = []
        for gateway in gateways.values { steps += await gateway.book.take(attemptID).steps }
        return steps
    }
}
