import ArgumentParser
import Foundation
import RunTarget
import SimulatedFleet
import SpecDecoding
import TraceCommands
import Workload

struct WorkloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workload",
        abstract: "Print the bundled workload, or check a workload file.",
        discussion: """
            With no file, prints the bundled default workload (a starting point for your own). With a file,
            checks it and describes what it will run; errors name the file, line and field and exit with 2.
            """)

    @Argument(help: "Workload file to check.")
    var file: String?

    @Flag(help: "Print the resolved workload as JSON, defaults filled in (runnable with `agentperf run`).")
    var resolved = false

    func run() throws {
        let spec = try file.map { try RunSpecLoader.load(contentsOf: URL(fileURLWithPath: $0)) } ?? RunSpecLoader.bundled()
        let workload = spec.workload
        if resolved {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            Terminal.out(String(decoding: try encoder.encode(spec), as: UTF8.self) + "\n")
        } else if file == nil {
            Terminal.out(BundledWorkload.yaml + "\n")
        } else {
            let length: String =
                switch workload.load.length {
                case .duration(let d): "\(d) per level"
                case .attempts(let n): "\(n) attempt\(n == 1 ? "" : "s") per level"
                case .attemptsPerWorker(let n): "\(n) attempt\(n == 1 ? "" : "s") per worker per level"
                }
            // Ten names at most: a generated workload of 40,000 tasks is one line, not a page.
            let names =
                workload.tasks.prefix(10).map(\.name).joined(separator: ", ")
                + (workload.tasks.count > 10 ? ", and \(workload.tasks.count - 10) more" : "")
            let tasks = "\(workload.tasks.count) task\(workload.tasks.count == 1 ? "" : "s") (\(names))"
            Terminal.out(
                """
                \(workload.source): ok — workload \(workload.name), \(tasks),
                levels \(workload.load.levelIDs.map(\.label).joined(separator: ", ")), \(length), seed \(workload.seed),
                target \(Self.describe(spec)).

                """)
        }
    }

    /// Where the calls go: each backend the tiers use, the fleet with its deployments.
    static func describe(_ spec: RunSpec) -> String {
        let names = Set(spec.workload.models.keys.map { spec.target.backendName(forTier: $0) }).sorted()
        return names.map { name in
            switch name {
            case TargetSpec.fleetBackend:
                "simulated fleet (\(spec.target.fleet.deployments.map(\.name).joined(separator: ", ")))"
            case TargetSpec.endpointBackend: spec.target.endpoint?.baseURL ?? name
            default: "\(name) (\(spec.target.backends[name]?.baseURL ?? "?"))"
            }
        }.joined(separator: "; ")
    }
}
