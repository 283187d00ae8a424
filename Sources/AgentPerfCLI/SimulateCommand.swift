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

    @Option(help: "Directory for traces.jsonl, summary.json, config.json and prices.json. Default: runs/<time>.")
    var out: String?

    @Flag(help: "Print the summary as JSON on standard output instead of the table.")
    var json = false

    @OptionGroup var load: LoadOptions

    @Option(help: "Run every task under the workload's variants (--variants for all, --variants a,b for some).")
    var variants: String?

    @Flag(help: "Do not print progress.")
    var quiet = false

    @OptionGroup var log: LogOptions

    func run() async throws {
        let fleetFile = fleet.map { URL(fileURLWithPath: $0) }
        var spec =
            try workload.map { try RunSpecLoader.load(contentsOf: URL(fileURLWithPath: $0), fleetFile: fleetFile) }
            ?? RunSpecLoader.bundled(fleetFile: fleetFile)
        try load.apply(to: &spec.workload)
        let variantNames = variants.map { $0 == RunCommand.allVariants ? [] : $0.split(separator: ",").map(String.init) }
        try await RunCommand.execute(
            spec, out: out, endpoint: nil, virtualTime: true, variants: variantNames, quiet: quiet, json: json,
            logger: log.makeLogger())
    }
}
