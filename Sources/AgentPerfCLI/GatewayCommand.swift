import ArgumentParser
import Foundation
import Gateway
import Harness
import Logging
import Pricing
import RunTarget
import ServiceLifecycle
import SimulatedFleet
import SpecDecoding
import TraceCommands
import Traces
import UnixSignals

struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "Record any agent's model calls: a reverse proxy for OpenAI and Anthropic APIs.",
        discussion: """
            Point your agent's OPENAI_BASE_URL (or ANTHROPIC_BASE_URL) at the printed URL. Chat Completions,
            Responses and Anthropic Messages pass through to the upstream (streams event by event); every call
            is a step in DIR/traces.jsonl. Calls are grouped into attempts by a path prefix
            (/attempt/<id>/v1/…), an X-AgentPerf-Attempt header or a W3C traceparent, else by the idle gap.
            POST /attempt/<id>/end {"outcome": "passed"} ends an attempt with its grade. With neither
            --upstream nor --fleet it fronts the built-in simulated fleet. Ctrl-C stops it and prints the
            table; docs/GATEWAY.md has the details.
            """)

    @Option(help: "Upstream base URL up to the API version, e.g. https://api.openai.com/v1.")
    var upstream: String?

    @Option(help: "Front the built-in simulated fleet described by this fleet file (default: the built-in fleet).")
    var fleet: String?

    @Option(help: "Address to listen on, host:port (port 0 picks a free one).")
    var listen = "127.0.0.1:8080"

    @Flag(help: "Allow a non-loopback --listen address; clients must then present AGENTPERF_GATEWAY_TOKEN.")
    var allowRemote = false

    @Option(
        help: ArgumentHelp(
            "Environment variable holding the upstream's API key: sent as x-api-key to api.anthropic.com, else as a bearer token; client keys are then not forwarded.",
            valueName: "NAME"))
    var upstreamKeyEnv: String?

    @Option(
        help:
            "Policy file (YAML or JSON): per-attempt budgets, small-by-default escalation, congestion routing (docs/GATEWAY.md).")
    var policy: String?

    @Option(help: "A session's attempt ends after this long without a call.")
    var idleGap = DurationArgument(argument: "30s")!

    @Option(help: "Run directory to write (default: runs/gateway-<time>).")
    var out: String?

    @Flag(help: "Print the closing summary as JSON instead of the table.")
    var json = false

    @OptionGroup var report: ReportOptions

    @OptionGroup var log: LogOptions

    func run() async throws {
        try report.checkPaths(inputs: [])
        guard let address = ListenAddress(parsing: listen) else {
            throw CommandFailure.badInput("--listen: expected host:port, like 127.0.0.1:8080, found \"\(listen)\"")
        }
        let token = ProcessInfo.processInfo.environment["AGENTPERF_GATEWAY_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        do { try GatewayError.checkBind(address, allowRemote: allowRemote, token: token) } catch {
            throw CommandFailure.badInput("--listen: \(error)")
        }
        guard idleGap.spec.duration > .zero else { throw CommandFailure.badInput("--idle-gap: expected a duration above 0") }
        let upstream = try resolveUpstream()
        var loadedPolicy = GatewayPolicy()
        if let policy {
            let url = URL(fileURLWithPath: policy)
            let text = try SpecFile.read(contentsOf: url, what: "policy file")
            loadedPolicy = try SpecFile.decode(GatewayPolicy.self, yaml: text, source: policy).0
            do { try loadedPolicy.validate(source: policy) } catch { throw CommandFailure.badInput("\(error)") }
        }
        let directory = URL(fileURLWithPath: out ?? "runs/gateway-\(RunCommand.timestamp())")
        let logger = log.makeLogger()
        let recording = GatewayRecording(
            upstream: upstream, listen: address, accessToken: token, idleGap: idleGap.spec.duration, policy: loadedPolicy,
            outputDirectory: directory, logger: logger
        ) { url in
            Terminal.err(
                "AgentPerf gateway on \(url) → \(Self.describe(upstream)); recording to \(directory.path)/. Ctrl-C stops it.\n"
                    + "  export OPENAI_BASE_URL=\(url)   # or ANTHROPIC_BASE_URL=\(url.deletingLastPathComponent())\n")
        }
        var configuration = ServiceGroupConfiguration(
            services: [recording], gracefulShutdownSignals: [.sigint, .sigterm], logger: logger)
        ServerShutdown.bound(&configuration)
        let group = ServiceGroup(configuration: configuration)
        // A shutdown that outlasted its grace period cancels calls still streaming: a stop, not a failure.
        do { try await group.run() } catch let error as HarnessError { throw error } catch is CancellationError {
        } catch {
            throw CommandFailure(code: 1, message: "the gateway stopped: \(error)")
        }
        let traces = directory.appendingPathComponent(RunDirectory.traces)
        var presented = try Presentation.load(
            traces: traces, prices: try .load(from: directory.appendingPathComponent(RunDirectory.prices)))
        presented.judge(report.thresholds)
        try presented.writeSummary(to: directory.appendingPathComponent(RunDirectory.summary))
        var publishing: (any Error)?
        do { try presented.publish(json: json, options: report) } catch { publishing = error }
        var exporting: (any Error)?
        do { try await presented.export(options: report) } catch { exporting = error }
        if let failure = publishing ?? exporting { throw failure }
        Terminal.err("Saved to \(directory.path)/ — `agentperf report \(directory.path)` recomputes these figures.\n")
        // A recording in which every attempt failed measured the failure, not the agent: exit 1, as `run` does.
        if let failure = RunCommand.everyAttemptFailed(presented.log) { throw CommandFailure(code: 1, message: failure) }
    }

    private func resolveUpstream() throws -> GatewayRecording.Upstream {
        if upstream != nil, fleet != nil { throw CommandFailure.badInput("give --upstream or --fleet, not both") }
        guard let upstream else {
            let configuration =
                try fleet.map { try RunSpecLoader.loadFleet(contentsOf: URL(fileURLWithPath: $0)) } ?? .default
            do { _ = try Fleet(configuration: configuration) } catch { throw CommandFailure.badInput("\(error)") }
            return .fleet(configuration)
        }
        guard let url = URL(string: upstream), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw CommandFailure.badInput("--upstream: expected an http(s) base URL like https://api.openai.com/v1")
        }
        if let problem = BackendSpec.credentialInURL(upstream) {
            throw CommandFailure.badInput(
                "--upstream: the URL for \(Redaction.origin(of: upstream)) carries a credential (\(problem)); pass the key with --upstream-key-env instead"
            )
        }
        var headers: [(String, String)] = []
        if let name = upstreamKeyEnv {
            guard let key = ProcessInfo.processInfo.environment[name], !key.isEmpty else {
                throw CommandFailure.badInput("--upstream-key-env: $\(name) is not set; export it and run again")
            }
            // Anthropic's API takes its key as x-api-key; OpenAI-compatible servers as a bearer token.
            let anthropic = url.host?.hasSuffix("anthropic.com") == true
            headers.append(anthropic ? ("x-api-key", key) : ("Authorization", "Bearer \(key)"))
        }
        return .server(url, headers: headers)
    }

    private static func describe(_ upstream: GatewayRecording.Upstream) -> String {
        switch upstream {
        case .server(let url, _): url.absoluteString
        case .fleet: "the built-in simulated fleet"
        }
    }
}
