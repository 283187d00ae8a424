import AsyncHTTPClient
package import Hummingbird
package import Logging
import NIOCore
package import ServiceLifecycle
package import Timekeeping

/// A recording reverse proxy for agents AgentPerf does not drive: OpenAI Chat Completions,
/// OpenAI Responses and Anthropic Messages pass through to the upstream — streams event by
/// event as they arrive, never buffered — and every call becomes a step of an attempt in the
/// `AttemptBook` (usage from the stream, TTFT, the last token, errors, cache buckets, prompt
/// fingerprints; the gaps between a reply's tool calls and their results as tool steps).
///
/// Run it as a service: it stops on graceful shutdown, closing the attempts still open.
/// `onListening` receives the bound port (how callers learn an ephemeral one).
package struct Gateway: Service {
    package let configuration: GatewayConfiguration
    package let book: AttemptBook
    private let clock: any RunClock
    private let runID: String
    private let logger: Logger
    private let onListening: @Sendable (Int) async -> Void

    package init(
        configuration: GatewayConfiguration, book: AttemptBook, clock: any RunClock, runID: String, logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.book = book
        self.clock = clock
        self.runID = runID
        self.logger = logger
        self.onListening = onListening
    }

    package func run() async throws {
        var client = HTTPClient.Configuration()
        client.connectionPool = .init(
            idleTimeout: .seconds(4), concurrentHTTP1ConnectionsPerHostSoftLimit: configuration.maxConnections)
        client.connectionPool.retryConnectionEstablishment = false
        client.timeout = .init(connect: .seconds(10))
        // Compressed streams would have to be decoded to be read; ask for plain ones.
        client.decompression = .disabled
        // Open attempts are written however the gateway stops, also when a shutdown that ran past
        // its grace period cancels it.
        let served: Result<Void, any Error>
        do {
            try await serve(client: client)
            served = .success(())
        } catch {
            served = .failure(error)
        }
        await book.closeAll()
        try served.get()
    }

    private func serve(client: HTTPClient.Configuration) async throws {
        try await HTTPClient.withHTTPClient(configuration: client) { http in
            let router = Router()
            GatewayRoutes(
                configuration: configuration, book: book, client: http, clock: clock, runID: runID,
                pool: configuration.policy.congestion.map { UpstreamPool($0.upstreams) }
            )
            .register(on: router)
            let address = configuration.listen
            let onListening = self.onListening
            let app = Application(
                router: router,
                configuration: .init(address: .hostname(address.host, port: address.port), serverName: "agentperf-gateway"),
                onServerRunning: { channel in await onListening(channel.localAddress?.port ?? address.port) },
                logger: logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await app.run() }
                group.addTask { [book, clock, configuration] in
                    // Sessions end on idleness: look a few times per gap.
                    let every = max(Duration.milliseconds(100), configuration.idleGap / 4)
                    while !Task.isCancelled {
                        try await Task.sleep(for: every)
                        await book.closeIdle(at: clock.now())
                    }
                }
                try await group.next()
                group.cancelAll()
            }
        }
    }
}
