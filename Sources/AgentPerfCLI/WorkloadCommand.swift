import ArgumentParser
import Foundation
import SimulatedFleet
import SpecDecoding
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
        let workload = try file.map { try WorkloadLoader.load(contentsOf: URL(fileURLWithPath: $0)) } ?? BundledWorkload.load()
        if resolved {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            Terminal.out(String(decoding: try encoder.encode(workload), as: UTF8.self) + "\n")
        } else if file == nil {
            Terminal.out(BundledWorkload.yaml + "\n")
        } else {
            let length: String =
                switch workload.load.length {
                case .duration(let d): "\(d) per level"
                case .attempts(let n): "\(n) attempts per level"
                }
            Terminal.out(
                """
                \(workload.source): ok — workload \(workload.name), \(workload.tasks.count) tasks (\(workload.tasks.map(\.name).joined(separator: ", "))),
                levels \(workload.load.concurrency.map(String.init).joined(separator: ", ")), \(length), seed \(workload.seed),
                target \(workload.endpoint?.baseURL ?? "simulated fleet (\(workload.fleet.deployments.map(\.name).joined(separator: ", ")))").

                """)
        }
    }
}
