import ArgumentParser
import Foundation
import RunTarget

struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run a workload on the simulated fleet in virtual time: what-if answers in seconds, no GPU, key or network.",
        discussion: """
            The workload's agents (scripted and simulate:-driven tasks, simulated tools, replay: tasks) go through the
            same scheduler, agent loops and fleet engine as `run`, but on a virtual clock with the fleet in-process:
            no socket, no sleeping, and the same seed gives the same traces byte for byte. Prints the same table
            and JSON as `run`, headed "simulated time"; the run record says clock: virtual. --fleet swaps the
            workload's fleet for another fleet file (hardware, models, replicas, timing), so two fleets can be
            compared on one workload. docs/SIMULATOR.md has the engine's model and its calibration.
            """)

    @Argument(help: "Workload file (YAML or JSON). Default: the bundled workload.")
    var workload: String?

    @Option(help: "Fleet file (YAML or JSON: the fleet: section of a workload, on its own). Default: the workload's fleet.")
    var fleet: String?

    @OptionGroup var output: RunOutputOptions

    @OptionGroup var load: LoadOptions

    @OptionGroup var log: LogOptions

    func run() async throws {
        let fleetFile = fleet.map { URL(fileURLWithPath: $0) }
        var spec =
            try workload.map { try RunSpecLoader.load(contentsOf: URL(fileURLWithPath: $0), fleetFile: fleetFile) }
            ?? RunSpecLoader.bundled(fleetFile: fleetFile)
        try load.apply(to: &spec.workload)
        let file = workload.map { URL(fileURLWithPath: $0) }
        let reporting = try output.reporting(workloadFile: file, fleet: fleet ?? "workload", fleetFile: fleet)
        try await RunCommand.execute(spec, reporting, endpoint: nil, virtualTime: true, logger: log.makeLogger())
    }
}
