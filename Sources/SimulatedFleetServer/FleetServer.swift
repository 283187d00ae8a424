package import Hummingbird
package import Logging
import ServiceLifecycle
package import SimulatedFleet
import Timekeeping

/// The simulated fleet as a real OpenAI-compatible HTTP server.
///
/// Serves `GET /v1/models`, `POST /v1/chat/completions` (streamed over SSE, with usage in a
/// final chunk when `stream_options.include_usage` is set, or as one JSON response),
/// `POST /v1/embeddings` and `GET /health`. Requests are tokenized, placed on a replica of the
/// named deployment, and answered as the engine produces tokens in real time.
///
/// The response head is sent when the engine first admits the request, with the queueing
/// time in a `Server-Timing: queue;dur=<ms>` header.
///
/// Run it as a service (it stops on graceful shutdown); `onListening` receives the bound port,
/// which is how callers learn an ephemeral one.
///
/// As a server it defends itself: a connection idle for `idleTimeout` (no request, or a request
/// head that never completes) is closed; an unstreamed reply whose client left is cancelled
/// (`ClientDepartureWatch`), as a streamed one already is when a write fails.
package struct FleetServer: Service {
    package let configuration: FleetConfiguration
    package let host: String
    package let port: Int
    /// How long a connection may sit without a request part before it is closed.
    package let idleTimeout: Duration
    private let logger: Logger
    private let onListening: @Sendable (Int) async -> Void

    package init(
        configuration: FleetConfiguration, host: String = "127.0.0.1", port: Int = 0,
        idleTimeout: Duration = Self.defaultIdleTimeout, logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.host = host
        self.port = port
        self.idleTimeout = idleTimeout
        self.logger = logger
        self.onListening = onListening
    }

    /// Longer than clients keep idle pooled connections (async-http-client 60 s), so a client
    /// never reuses one the server is closing; nginx's keep-alive default is the same 75 s.
    package static let defaultIdleTimeout = Duration.seconds(75)

    package func run() async throws {
        let service = try FleetService(configuration: configuration, clock: ContinuousRunClock())
        let router = Self.router(service)
        let port = self.port
        let onListening = self.onListening
        let app = Application(
            router: router,
            server: .http1(
                configuration: .init(
                    additionalChannelHandlers: [ClientDepartureWatch()],
                    idleTimeout: .nanoseconds(idleTimeout.nanoseconds))),
            configuration: .init(address: .hostname(host, port: port), serverName: "agentperf-simulated-fleet"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await service.run() }
            group.addTask { try await app.run() }
            // The app returns on graceful shutdown; then stop the replica loops.
            try await group.next()
            group.cancelAll()
        }
    }

    /// The fleet's routes over `service` (tests drive them in-process with HummingbirdTesting).
    package static func router(_ service: FleetService) -> Router<FleetRequestContext> {
        let router = Router(context: FleetRequestContext.self)
        router.add(middleware: UnknownRouteMiddleware())
        FleetRoutes(service: service).register(on: router)
        return router
    }
}
