import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import SpecDecoding
import TraceCommands
import Workload

/// A duration flag, written with a unit (`30s`, `250ms`, `1.5m`), parsed as workload files are.
struct DurationArgument: ExpressibleByArgument, Sendable {
    let spec: DurationSpec

    init?(argument: String) {
        guard let spec = DurationSpec(parsing: argument) else { return nil }
        self.spec = spec
    }

    static var defaultValueDescription: String { "a duration with a unit, like 30s" }
}

/// Concurrency levels, comma-separated (`1,16,64`). Which levels are allowed is the load
/// profile's rule, checked once there.
struct LevelsArgument: ExpressibleByArgument, Sendable {
    let levels: [Int]

    init?(argument: String) {
        let levels = argument.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !levels.isEmpty, levels.allSatisfy({ $0 != nil }) else { return nil }
        self.levels = levels.compactMap { $0 }
    }
}

/// Arrival rates, comma-separated tasks per second (`0.5,1,2`).
struct RatesArgument: ExpressibleByArgument, Sendable {
    let rates: [Double]

    init?(argument: String) {
        let rates = argument.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !rates.isEmpty, rates.allSatisfy({ $0 != nil }) else { return nil }
        self.rates = rates.compactMap { $0 }
    }
}

/// A log level by name.
struct LogLevelArgument: ExpressibleByArgument, Sendable {
    let level: Logger.Level

    init?(argument: String) {
        guard let level = Logger.Level(rawValue: argument) else { return nil }
        self.level = level
    }

    static var allValueStrings: [String] { Logger.Level.allCases.map(\.rawValue) }
}

/// `--log-level`, for the commands that run services.
struct LogOptions: ParsableArguments {
    @Option(help: "Level of diagnostic logs on standard error (trace, debug, info, notice, warning, error, critical).")
    var logLevel = LogLevelArgument(argument: "warning")!

    /// A logger to standard error at the chosen level; libraries log through it, never print.
    func makeLogger() -> Logger {
        var logger = Logger(label: "agentperf") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = logLevel.level
        return logger
    }
}

/// The load flags that override a workload's `load:` and `seed:`.
struct LoadOptions: ParsableArguments {
    @Option(help: "Concurrency levels, comma-separated, e.g. 1,16,64 (overrides the workload).")
    var concurrency: LevelsArgument?

    @Option(help: "Open-loop arrival rates in tasks per second, comma-separated, e.g. 0.5,1,2 (overrides the workload).")
    var rates: RatesArgument?

    @Option(help: "Open-loop arrivals: constant or poisson (default with --rates: poisson).")
    var arrival: LoadProfile.Arrival?

    @Option(help: "Open loop: the most attempts in flight (default 1024).")
    var workers: Int?

    @Option(help: "Measured duration per level, e.g. 30s (overrides the workload).")
    var duration: DurationArgument?

    @Option(help: "Measured attempts per level (overrides the workload).")
    var attempts: Int?

    @Option(help: "Measured attempts per worker: N × concurrency per level (overrides the workload).")
    var attemptsPerWorker: Int?

    @Option(help: "Warm-up per level, e.g. 2s (overrides the workload).")
    var warmup: DurationArgument?

    @Option(help: "Seed for every random draw (overrides the workload).")
    var seed: UInt64?

    func validate() throws {
        if concurrency != nil, rates != nil || workers != nil {
            throw ValidationError("--concurrency runs a closed loop; --rates and --workers belong to open-loop arrivals")
        }
        if [duration != nil, attempts != nil, attemptsPerWorker != nil].filter({ $0 }).count > 1 {
            throw ValidationError("give one of --duration, --attempts or --attempts-per-worker")
        }
    }

    /// Maps the flags onto `workload`; the load profile's own rules then decide, as they do for
    /// a file, and a broken one names the flag.
    func apply(to workload: inout Workload) throws {
        if let concurrency {
            workload.load.concurrency = concurrency.levels
            workload.load.arrival = .closed
            workload.load.rates = []
            workload.load.workers = nil
        }
        if let rates {
            workload.load.rates = rates.rates
            if !workload.load.isOpenLoop { workload.load.arrival = .poisson }
        }
        if let arrival { workload.load.arrival = arrival }
        if let workers { workload.load.workers = workers }
        if let duration { workload.load.length = .duration(duration.spec) }
        if let attempts { workload.load.length = .attempts(attempts) }
        if let attemptsPerWorker { workload.load.length = .attemptsPerWorker(attemptsPerWorker) }
        if let warmup {
            workload.load.warmup = warmup.spec
            workload.load.warmupAttempts = nil
        }
        if let seed { workload.seed = seed }
        do throws(LoadProfile.Invalid) { try workload.load.validate() } catch {
            let flag =
                switch error.field {
                case "concurrency": "--concurrency"
                case "rates": "--rates"
                case "workers": "--workers"
                case "duration": "--duration"
                case "attempts": "--attempts"
                case "attempts_per_worker": "--attempts-per-worker"
                case "warmup", "warmup_attempts": "--warmup"
                default: "load.\(error.field)"
                }
            throw CommandFailure.badInput("\(flag): \(error.message)")
        }
    }
}
extension LoadProfile.Arrival: ExpressibleByArgument {}

/// Where a run goes and how it reports: shared by `run` and `simulate`.
struct RunOutputOptions: ParsableArguments {
    @Option(help: "Directory for traces.jsonl, summary.json, config.json and prices.json. Default: runs/<time>.")
    var out: String?

    @Flag(help: "Print the summary as JSON on standard output instead of the table.")
    var json = false

    @Option(
        help: """
            Run every task under the workload's variants, each task repeated load.repeats times (default 10) per \
            variant and level, with the same seeds under every variant: --variants for all, --variants a,b for some.
            """)
    var variants: String?

    @Flag(help: "Do not print progress.")
    var quiet = false

    @OptionGroup var report: ReportOptions

    @Flag(help: "Stop the run after the first level on which a threshold is crossed (the exit code is then 99).")
    var abortOnFail = false

    @OptionGroup var history: HistoryOptions

    @Flag(help: "Do not record this run in the history.")
    var noHistory = false

    /// How `RunCommand.execute` saves and shows a run of the workload in `file` (nil: the bundled one).
    func reporting(workloadFile file: URL?, fleet: String?, fleetFile: String? = nil) throws -> RunReporting {
        let text =
            try file.map { url in
                do { return try SpecFile.read(contentsOf: url, what: "workload") } catch {
                    throw CommandFailure.badInput("\(error)")
                }
            } ?? BundledWorkload.yaml
        return RunReporting(
            out: out, json: json, quiet: quiet, variants: variantNames, report: report, abortOnFail: abortOnFail,
            history: noHistory ? nil : history, workloadFile: file, workloadText: text, fleet: fleet,
            inputs: [file?.path, fleetFile].compactMap { $0 })
    }

    /// `--variants` as names: nil without the flag, empty for all of them.
    var variantNames: [String]? {
        variants.map { $0 == RunCommand.allVariants ? [] : $0.split(separator: ",").map(String.init) }
    }
}

/// How long a server command (`serve-sim`, `gateway`) lets Ctrl-C or SIGTERM wait: replies
/// still in flight get `grace` to finish, then are cancelled (their streams end, the gateway
/// writes what it recorded). A long stream never holds the process for minutes.
///
/// No `maximumCancellationDuration`: swift-service-lifecycle ends a group that outlasts it with
/// `fatalError`, which would lose the gateway's open attempts; both servers end on cancellation.
enum ServerShutdown {
    static let grace = Duration.seconds(3)

    static func bound(_ configuration: inout ServiceGroupConfiguration) {
        configuration.maximumGracefulShutdownDuration = grace
    }
}
