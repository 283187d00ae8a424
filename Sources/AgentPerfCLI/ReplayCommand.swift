import ArgumentParser
import Foundation
import Harness
import RunTarget
import TraceCommands
import Workload

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay recorded agent sessions as load: their calls, sizes, cache reuse and tool gaps.",
        discussion: """
            TRACES are files or directories any importer reads (Claude Code, OTLP, Inspect, AgentPerf's own runs and
            gateway recordings…). Each session's model calls are sent with their recorded input and output token
            counts, as synthetic prompts that share exactly the recorded cache-read tokens with what came before;
            the recorded gaps between calls (tools, thinking) are waited, divided by --speed; sub-agents run
            concurrently. Sessions start at their recorded times, or as Poisson arrivals. Prints the same table
            as `run`; docs/GATEWAY.md explains the rules.
            """)

    @Argument(help: "Trace files or directories.")
    var traces: [String]

    @Option(help: "Send the calls to this OpenAI-compatible base URL (…/v1) instead of the built-in fleet.")
    var endpoint: String?

    @Option(help: "The model to call (default: sim-large on the built-in fleet; required with --endpoint).")
    var model: String?

    @Option(help: "Divide every recorded gap and tool time by this (2: twice as fast).")
    var speed: Double = 1

    @Option(help: "Sessions to replay, the recorded ones in turn (default: each once).")
    var sessions: Int?

    @Option(help: "When sessions start: recorded (their recorded starts) or poisson:RATE (sessions per second).")
    var arrival = "recorded"

    @Option(help: "The most sessions in flight (default 1024); more start late, counted.")
    var workers: Int?

    @Flag(help: "Run in virtual time (the built-in fleet only): no waiting, same seed, same traces.")
    var virtualTime = false

    @Option(help: "Run directory (default runs/<time>).")
    var out: String?

    @Flag(help: "Print the summary as JSON instead of the table.")
    var json = false

    @Flag(help: "Do not print progress.")
    var quiet = false

    @OptionGroup var log: LogOptions

    func validate() throws {
        guard speed > 0, speed <= 1_000_000, speed.isFinite else {
            throw ValidationError("--speed: expected above 0, up to 1000000")
        }
        if let sessions, !(1...1_000_000).contains(sessions) { throw ValidationError("--sessions: expected 1 to 1000000") }
        if let workers, !(1...100_000).contains(workers) { throw ValidationError("--workers: expected 1 to 100000") }
        if endpoint != nil, model == nil { throw ValidationError("--endpoint needs --model: the model the server serves") }
        if virtualTime, endpoint != nil { throw ValidationError("--virtual-time replays on the built-in fleet; drop --endpoint") }
        _ = try parsedArrival()
    }

    private func parsedArrival() throws -> ReplayPlan.Arrival {
        if arrival == "recorded" { return .recorded }
        if arrival.hasPrefix("poisson:"), let rate = Double(arrival.dropFirst(8)), rate > 0, rate <= 100_000 {
            return .poisson(rate)
        }
        throw ValidationError("--arrival: expected recorded or poisson:RATE (sessions per second, like poisson:0.5)")
    }

    func run() async throws {
        let plan = try ReplayPlan.read(traces.map { URL(fileURLWithPath: $0) }, speed: speed)
        guard !plan.sessions.isEmpty else {
            throw CommandFailure.badInput(
                "no session in \(traces.joined(separator: ", ")) has a model call with recorded token usage to replay")
        }
        let yaml = try plan.workloadYAML(
            model: model ?? "sim-large", count: sessions ?? plan.sessions.count, arrival: try parsedArrival(), seed: 1,
            workers: workers)
        let spec = try RunSpecLoader.load(yaml: yaml, source: "replay of \(traces.joined(separator: ", "))")
        if !quiet {
            let calls = plan.sessions.reduce(0) { $0 + $1.modelCalls }
            Terminal.err(
                "replaying \(plan.sessions.count) recorded sessions (\(calls) model calls)"
                    + (plan.skippedSteps > 0 ? "; \(plan.skippedSteps) model steps without recorded usage left out" : "")
                    + "\n")
        }
        let reporting = RunReporting(
            out: out, json: json, quiet: quiet, history: HistoryOptions(), workloadText: yaml,
            fleet: endpoint == nil ? "default" : nil)
        try await RunCommand.execute(spec, reporting, endpoint: endpoint, virtualTime: virtualTime, logger: log.makeLogger())
    }
}
