public import Pricing
import SpecDecoding
public import Traces

/// Canonical traces as logged outcomes: each graded attempt is one outcome of its configuration
/// (the attempt's `variant`, else the source's name) on its item.
///
/// Items pair attempts across configurations: a variant attempt is `task#repeat@level`; an attempt
/// of a run without variants is `task@level/sequence`, the position whose seeded draws (task pick,
/// replies, grades) are the same in every run of the same workload and seed.
/// Quality is 1 for a passed attempt and 0 for a failed, errored or timed-out one (failures are
/// charged); ungraded and warm-up attempts are left out. Cost is the attempt's priced usage plus
/// its tools; latency is task latency, from the scheduled start.
public struct TraceOutcomes: TraceSink {
    private let basePrices: PriceTable
    private var prices: PriceTable
    private var source: String
    /// Configurations of variant attempts are named `source/variant` (several variant runs read together).
    public var qualifiesVariants = false
    private var inFlight: [String: (cost: Double, unpriced: Bool, tokens: Int)] = [:]
    private var ordinals: [String: Int] = [:]
    /// The outcomes gathered; outcome tables can be read into it too, beside the traces.
    public var builder: OutcomeTableBuilder
    /// Attempts left out because nothing graded them.
    public private(set) var ungraded = 0
    /// Diagnostics the importers raised.
    public private(set) var diagnostics = DiagnosticList()

    /// A sink adding to `builder`, pricing with `prices`.
    public init(prices: PriceTable, builder: OutcomeTableBuilder = OutcomeTableBuilder()) {
        self.prices = prices
        basePrices = prices
        self.builder = builder
        source = ""
    }

    /// Prices the current source's records with `table`'s entries first (a run's own prices.json).
    public mutating func addPrices(_ table: PriceTable) { prices = prices.merged(with: table) }

    /// Starts a source named `name` (the configuration of attempts without a variant), priced
    /// with the base table until `addPrices` says otherwise.
    public mutating func setSource(_ name: String) {
        source = name
        prices = basePrices
    }

    /// Starts a source; its records belong to the configuration named by `setSource`.
    public mutating func begin(_ run: RunRecord) {}

    /// Adds the step's priced usage to its attempt.
    public mutating func step(_ step: StepRecord) {
        let priced = prices.price(step)
        var sums = inFlight[step.attemptID] ?? (0, false, 0)
        sums.cost += priced.cost.total
        sums.unpriced = sums.unpriced || !priced.isComplete
        sums.tokens += step.usage?.total ?? 0
        inFlight[step.attemptID] = sums
    }

    /// Ends the attempt: one outcome of its configuration on its item.
    public mutating func attempt(_ attempt: AttemptRecord) {
        var sums = inFlight.removeValue(forKey: attempt.attemptID) ?? (0, false, 0)
        guard attempt.isMeasured else { return }
        guard attempt.outcome != .ungraded else {
            ungraded += 1
            return
        }
        if let usage = attempt.unattributedUsage {
            if let model = attempt.unattributedModel {
                let priced = prices.price(usage, model: model)
                sums.cost += priced.cost.total
                sums.unpriced = sums.unpriced || !priced.isComplete
            } else {
                sums.unpriced = true
            }
            sums.tokens += usage.total
        }
        let cost: Double? = sums.unpriced ? attempt.reportedCost : sums.cost
        let configuration = attempt.variant.map { qualifiesVariants ? "\(source)/\($0)" : $0 } ?? source
        let item: String
        if let pairing = attempt.pairingItem {
            item = pairing
        } else {
            let key = configuration + "\u{0}" + attempt.task
            let ordinal = ordinals[key, default: 0]
            ordinals[key] = ordinal + 1
            item = "\(attempt.task)#\(ordinal)"
        }
        let outcome = Outcome(
            quality: attempt.outcome == .passed ? 1 : 0, cost: cost,
            latency: attempt.latency.map { Double($0) / 1e9 }, tokens: Double(sums.tokens))
        builder.add(outcome, item: item, model: configuration, file: source, line: nil, task: attempt.task)
    }

    /// Keeps the diagnostic.
    public mutating func diagnostic(_ diagnostic: TraceDiagnostic) { diagnostics.append(diagnostic) }
}
