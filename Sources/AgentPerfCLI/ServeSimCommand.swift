import ArgumentParser
import Foundation
import Logging
import RunTarget
import ServiceLifecycle
import SimulatedFleet
import SimulatedFleetServer
import TraceCommands
import Traces
import UnixSignals
import Workload

struct ServeSimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve-sim",
        abstract: "Serve the simulated fleet as a standalone OpenAI-compatible HTTP server.",
        discussion: """
            Endpoints: GET /v1/models, POST /v1/chat/completions (streaming and not), POST /v1/embeddings,
            GET /health. Queueing time is reported in a `Server-Timing: queue;dur=<ms>` header. Stops on
            Ctrl-C or SIGTERM.
            """)

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 8000

    @Option(help: "Fleet file (YAML or JSON: timing and deployments). Default: the built-in fleet.")
    var fleet: String?

    @Flag(help: "Answer with zero latency (every engine iteration takes no time).")
    var zeroLatency = false

    @Option(help: "Seconds a connection may sit without a request before it is closed.")
    var idleTimeout: Int = 75

    @OptionGroup var log: LogOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port: expected 0 to 65535") }
        guard (1...86_400).contains(idleTimeout) else { throw ValidationError("--idle-timeout: expected 1 to 86400 seconds") }
    }

    func run() async throws {
        var configuration = try fleet.map { try RunSpecLoader.loadFleet(contentsOf: URL(fileURLWithPath: $0)) } ?? .default
        if zeroLatency { configuration.timing = .zero }
        do { _ = try Fleet(configuration: configuration) } catch { throw CommandFailure.badInput("\(error)") }
        let logger = log.makeLogger()
        let host = self.host
        let headline = configuration.headline
        let server = FleetServer(
            configuration: configuration, host: host, port: port, idleTimeout: .seconds(idleTimeout), logger: logger
        ) { port in
            Terminal.err("AgentPerf simulated fleet on http://\(host):\(port)/v1: \(headline). Ctrl-C stops it.\n")
        }
        var group = ServiceGroupConfiguration(
            services: [server], gracefulShutdownSignals: [.sigint, .sigterm], logger: logger)
        ServerShutdown.bound(&group)
        // A shutdown that outlasted its grace period cancels the replies still streaming: a stop.
        do { try await ServiceGroup(configuration: group).run() } catch is CancellationError {}
    }
}
