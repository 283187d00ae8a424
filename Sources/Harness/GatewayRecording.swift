package import Foundation
package import Gateway
package import Logging
import Pricing
import Recorder
package import ServiceLifecycle
package import SimulatedFleet
import Timekeeping
import Traces
import Workload

/// `agentperf gateway`: the recording gateway in front of an upstream server or the built-in
/// fleet (started in-process on a loopback port), writing every attempt to a run directory the
/// moment it closes. A service: it stops on graceful shutdown, after closing the attempts
/// still open.
package struct GatewayRecording: Service {
    /// What the gateway forwards to.
    package enum Upstream: Sendable {
        /// A server's base URL (`…/v1`) and headers to send it (its API key, when the gateway holds one).
        case server(URL, headers: [(String, String)])
        /// The built-in simulated fleet.
        case fleet(FleetConfiguration)
    }

    package var upstream: Upstream
    package var listen: ListenAddress
    package var accessToken: String?
    package var idleGap: Duration
    /// Budgets, escalation and congestion routing.
    package var policy: GatewayPolicy
    package var outputDirectory: URL
    package var logger: Logger
    /// Receives the gateway's base URL (`http://host:port/v1`) once it listens.
    package var onListening: @Sendable (URL) async -> Void

    package init(
        upstream: Upstream, listen: ListenAddress, accessToken: String?, idleGap: Duration,
        policy: GatewayPolicy = GatewayPolicy(),
        outputDirectory: URL, logger: Logger, onListening: @escaping @Sendable (URL) async -> Void
    ) {
        self.policy = policy
        self.upstream = upstream
        self.listen = listen
        self.accessToken = accessToken
        self.idleGap = idleGap
        self.outputDirectory = outputDirectory
        self.logger = logger
        self.onListening = onListening
    }

    /// What `config.json` holds for a gateway recording.
    struct Settings: Encodable {
        var kind = "gateway"
        var upstream: String
        var listen: String
        var idleGapSeconds: Double
        var policy: GatewayPolicy

        enum CodingKeys: String, CodingKey { case kind, upstream, listen, idleGapSeconds = "idle_gap_seconds", policy }
    }

    package func run() async throws {
        let target: String
        switch upstream {
        case .server(let url, _): target = Redaction.scrub(url.absoluteString)
        case .fleet: target = "fleet"
        }
        let settings = Settings(upstream: target, listen: listen.description, idleGapSeconds: idleGap.seconds, policy: policy)
        let prices = PriceTable.bundled.merged(with: SimulatedDefaults.prices)
        let artifacts = try RunArtifacts.prepare(outputDirectory, runID: nil, prices: prices) { try $0.encode(settings) }
        let clock = ContinuousRunClock()
        let run = RunRecord(
            runID: artifacts.runID, startedAt: Date(), agentperfVersion: AgentPerfVersion.current, workload: "gateway",
            target: target, clock: .continuous)
        let writer: TraceWriter
        do { writer = try TraceWriter(creating: artifacts.traces, run: run) } catch { throw HarnessError.traceWriteFailed(error) }
        let recorder = RunRecorder(writer: writer, progress: nil)
        let logger = self.logger
        let price: AttemptBook.Price = { usage, model in
            let priced = prices.price(usage, model: model)
            return priced.unpricedModels.isEmpty ? priced.cost.total : nil
        }
        let book = AttemptBook(runID: artifacts.runID, idleGap: idleGap, price: price) { attempt, steps in
            do { try await recorder.record(attempt, steps: steps) } catch {
                logger.error("cannot write attempt \(attempt.attemptID): \(error)")
            }
        }
        do {
            try await serve(book: book, clock: clock, runID: artifacts.runID)
        } catch {
            await writer.close()
            throw error
        }
        await writer.close()
    }

    /// Starts the fleet when it is the upstream, then the gateway; returns when the gateway stops.
    private func serve(book: AttemptBook, clock: ContinuousRunClock, runID: String) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var fleet: ServiceGroup?
            var upstreamURL: URL
            var headers: [(String, String)] = []
            switch upstream {
            case .server(let url, let extra):
                upstreamURL = url
                headers = extra
            case .fleet(let configuration):
                let (services, port) = try await LoopbackServers.startFleet(configuration, logger: self.logger, in: &group)
                fleet = services
                upstreamURL = URL(string: "http://127.0.0.1:\(port)/v1")!
            }
            var configuration = GatewayConfiguration(
                upstream: upstreamURL, listen: listen, accessToken: accessToken, upstreamHeaders: headers, idleGap: idleGap)
            configuration.policy = policy
            let gateway = Gateway(
                configuration: configuration,
                book: book, clock: clock, runID: runID, logger: logger
            ) { [listen, onListening] port in
                let host = listen.host.contains(":") ? "[\(listen.host)]" : listen.host
                await onListening(URL(string: "http://\(host):\(port)/v1")!)
            }
            try await gateway.run()
            await fleet?.triggerGracefulShutdown()
            try await group.waitForAll()
        }
    }
}
