package import ArgumentParser
import Foundation
import Harness
import History
import Importers
import Pricing
import SpecDecoding
import TraceCommands
import Traces
import Workload

/// `agentperf`: benchmark LLM agents by the work they finish.
package struct AgentPerfCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "agentperf",
        abstract: "Benchmark LLM agents by the work they finish: task latency, steps/s, cost per completed task.",
        discussion: """
            Run the bundled workload on the built-in simulated fleet (no GPU, key or network):
              agentperf run
            Recompute the tables of a saved run:
              agentperf report runs/<time>
            Exit codes: 0 ok, 1 the run failed, 2 bad input, 99 a threshold crossed, 130 interrupted (results so far
            are saved).
            """,
        version: AgentPerfVersion.current,
        subcommands: [
            RunCommand.self, SimulateCommand.self, ReportCommand.self, AnalyzeCommand.self, RouteCommand.self,
            DiagnoseCommand.self, ImportCommand.self, HistoryCommand.self, CompareCommand.self,
            GatewayCommand.self, ReplayCommand.self, ServeSimCommand.self, MergeCommand.self, KubernetesCommand.self,
            WorkloadCommand.self,
        ])

    package init() {}
}

/// The process entry point: parses, runs, and maps every error to an exit code and a message.
package enum AgentPerfEntry {
    package static func main(_ arguments: [String]? = nil) async -> Never {
        do {
            let arguments = expandingBareVariants(arguments ?? Array(CommandLine.arguments.dropFirst()))
            var command = try AgentPerfCommand.parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            exit(0)
        } catch {
            let (code, message) = exitStatus(for: error)
            if !message.isEmpty {
                let stream = code == 0 ? FileHandle.standardOutput : FileHandle.standardError
                stream.write(Data((message.hasSuffix("\n") ? message : message + "\n").utf8))
            }
            exit(code)
        }
    }

    /// `run --variants` may come without names (every variant): ArgumentParser options need a
    /// value, so a bare `--variants` (last, or before another option or a workload file) becomes
    /// `--variants=*`.
    static func expandingBareVariants(_ arguments: [String]) -> [String] {
        var result: [String] = []
        for (index, argument) in arguments.enumerated() {
            guard argument == "--variants" else {
                result.append(argument)
                continue
            }
            let next = index + 1 < arguments.count ? arguments[index + 1] : nil
            let isNames =
                next.map { !$0.hasPrefix("-") && !$0.hasSuffix(".yaml") && !$0.hasSuffix(".yml") && !$0.hasSuffix(".json") }
                ?? false
            result.append(isNames ? argument : "--variants=\(RunCommand.allVariants)")
        }
        return result
    }

    /// Exit code and message for an error: 2 for anything the user can fix in the input.
    static func exitStatus(for error: any Error) -> (Int32, String) {
        switch error {
        case let error as SpecError: return (2, "error: \(error)")
        case let error as PricingError: return (2, "error: \(error)")
        case let error as TraceError: return (2, "error: \(error)")
        case let error as ImportError: return (2, "error: \(error)")
        case let error as HistoryError: return (2, "error: \(error)")
        case let error as HarnessError: return (error.isBadInput ? 2 : 1, "error: \(error)")
        case let error as CommandFailure: return (error.code, error.message.isEmpty ? "" : "error: \(error.message)")
        default:
            let code = AgentPerfCommand.exitCode(for: error).rawValue
            let message = AgentPerfCommand.fullMessage(for: error)
            // Usage errors (ArgumentParser's EX_USAGE 64) are bad input: exit 2 as documented.
            return (code == 64 ? 2 : code, message)
        }
    }
}
