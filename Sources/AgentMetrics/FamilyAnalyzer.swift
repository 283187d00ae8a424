import Foundation
public import Pricing
public import Traces

/// Folds a stream of canonical records into the metric family, per group, in bounded memory:
/// each attempt is reduced to sums as soon as its record arrives; groups keep counts, sums,
/// HDR histograms, per-task pass tables and regression sums, never the attempts.
public struct FamilyAnalyzer: TraceSink {
    /// How attempts are grouped.
    public enum Grouping: String, Sendable, CaseIterable {
        case all, model, task, session, agent
    }

    private let grouping: Grouping
    private var prices: PriceTable
    private let requestedK: Int?
    /// The `session` group of the current source: one run (its workload and run id), so two
    /// runs of one workload stay apart.
    private var sessionKey = ""
    private var currentRunID = ""
    /// (run id, attempt id) of every attempt folded in, to count each once.
    private var seenAttempts: Set<String> = []
    private var notRecorded: Set<UnrecordedQuantity> = []
    private var inFlight: [String: AttemptProgress] = [:]
    private var groups: [String: GroupAccumulator] = [:]
    public private(set) var sources = 0
    public private(set) var diagnostics = DiagnosticList()

    /// An analyzer grouping attempts by `grouping` and pricing them with `prices`; `k` fixes the k of pass@k and pass^k
    /// (nil: the fewest graded attempts of any task that has two or more).
    public init(grouping: Grouping, prices: PriceTable, k: Int? = nil) {
        self.grouping = grouping
        self.prices = prices
        requestedK = k
    }

    /// Adds `table`'s entries (taking precedence) for the records that follow: an AgentPerf run's
    /// own `prices.json` prices its simulated models.
    public mutating func addPrices(_ table: PriceTable) {
        prices = prices.merged(with: table)
    }

    /// Starts a source: counts it in `sources`; its workload and run id are the `session` key of
    /// the attempts that follow.
    public mutating func begin(_ run: RunRecord) {
        sessionKey = run.runID.isEmpty || run.runID == run.workload ? run.workload : "\(run.workload) · \(run.runID)"
        currentRunID = run.runID
        notRecorded = run.notRecorded
        sources += 1
    }

    /// Adds the step to its attempt's running sums, priced with the prices in force now.
    public mutating func step(_ step: StepRecord) {
        inFlight[step.attemptID, default: AttemptProgress()].add(step, prices: prices)
    }

    /// Ends the attempt: adds it, with its steps' sums, to its group; warm-up attempts are dropped.
    public mutating func attempt(_ attempt: AttemptRecord) {
        var progress = inFlight.removeValue(forKey: attempt.attemptID) ?? AttemptProgress()
        // The same attempt twice (one file given twice, or a file with a repeated record) is
        // counted once, and said: figures must not double.
        guard seenAttempts.insert(currentRunID + "\u{1F}" + attempt.attemptID).inserted else {
            diagnostics.append(
                TraceDiagnostic(
                    severity: .error, file: "run \(currentRunID)", line: nil,
                    message: "attempt \(attempt.attemptID) appears twice (the same traces given twice?); counted once"))
            return
        }
        // Warm-up and cancelled attempts of AgentPerf runs are not results, as in `run`'s figures.
        if !attempt.isMeasured { return }
        if let usage = attempt.unattributedUsage {
            progress.addUnattributed(usage, model: attempt.unattributedModel, prices: prices)
        }
        let key: String =
            switch grouping {
            case .all: "all"
            case .model: progress.dominantModel ?? "(no model)"
            case .task: attempt.task
            case .session: sessionKey
            case .agent: attempt.agentName ?? "(unnamed agent)"
            }
        groups[key, default: GroupAccumulator()].add(attempt, progress, notRecorded: notRecorded)
    }

    /// Keeps the diagnostic in `diagnostics`.
    public mutating func diagnostic(_ diagnostic: TraceDiagnostic) { diagnostics.append(diagnostic) }

    /// The report so far.
    public func report() -> FamilyReport {
        // Groups in key order, so the report does not depend on the order files were read in.
        let reports = groups.keys.sorted().compactMap { key in groups[key].map { $0.report(key: key, requestedK: requestedK) } }
        return FamilyReport(
            groupBy: grouping.rawValue, priceTable: prices.version, sources: sources, groups: reports,
            rankFlips: Self.rankFlips(reports))
    }

    static func rankFlips(_ groups: [GroupReport]) -> [RankFlip] {
        var flips: [RankFlip] = []
        for (i, a) in groups.enumerated() {
            for b in groups[(i + 1)...] {
                let axes = Set(a.capability.keys).intersection(b.capability.keys).sorted()
                for x in axes {
                    for y in axes where x != y {
                        if a.capability[x]! > b.capability[x]! + 1e-9, b.capability[y]! > a.capability[y]! + 1e-9 {
                            flips.append(RankFlip(first: a.key, second: b.key, axisFirstLeads: x, axisSecondLeads: y))
                        }
                    }
                }
            }
        }
        return flips
    }
}

/// What one attempt contributes, gathered from its steps as they arrive.
struct AttemptProgress {
    var usage = TokenUsage()
    var priced = PricedUsage()
    var tokensByModel: [String: Int] = [:]
    var usageSteps = 0
    var estimatedSteps = 0
    var modelSteps = 0
    var modelStepsWithoutUsage = 0
    var toolSteps = 0
    var delegations = 0
    var isMultiAgent = false
    var mainAgentTokens = 0
    /// Tokens of steps by agents other than the main one (sub-agents whose steps are in the traces).
    var subAgentTokens = 0
    var verifyTokens = 0
    var verifySeconds = 0.0
    var verified = false
    /// Input tokens of each generating model call, by agent and step index.
    var contextPoints: [(agentID: String, index: Int, input: Int)] = []
    var signals = 0
    var distinctSignals: Set<String> = []
    var reportedStepCost: Double?
    var hasTimes = false
    /// The generated steps, for the rollout tree; `nil` once a model step lacks a hash or usage.
    var rollout: [RolloutStep]? = []

    struct RolloutStep {
        var agentID: String
        var index: Int
        var outputHash: String
        var outputTokens: Int
    }

    /// The generated steps in trajectory order: the main agent's, then each sub-agent's.
    var rolloutPath: [RolloutStep]? {
        rollout.map { steps in
            steps.sorted {
                ($0.agentID == "main" ? 0 : 1, $0.agentID, $0.index) < ($1.agentID == "main" ? 0 : 1, $1.agentID, $1.index)
            }
        }
    }

    /// Input tokens per model call (SPEC §5): each agent's generating model calls numbered 0, 1,
    /// 2… by step index (tool and other steps between them not counted; steps arrive in
    /// completion order, hence the sort), and the least-squares slope within agents, each agent
    /// with its own intercept, since a sub-agent's context starts afresh: Σ Sxy ÷ Σ Sxx over the
    /// agents. `nil` with fewer than two calls in every agent.
    var contextGrowthSlope: Double? {
        var byAgent: [String: [(index: Int, input: Int)]] = [:]
        for point in contextPoints { byAgent[point.agentID, default: []].append((point.index, point.input)) }
        var sxy = 0.0, sxx = 0.0
        for calls in byAgent.values where calls.count >= 2 {
            let inputs = calls.sorted { $0.index < $1.index }.map { Double($0.input) }
            let n = Double(inputs.count)
            let meanX = (n - 1) / 2, meanY = inputs.reduce(0, +) / n
            for (x, y) in inputs.enumerated() {
                sxy += (Double(x) - meanX) * (y - meanY)
                sxx += (Double(x) - meanX) * (Double(x) - meanX)
            }
        }
        return sxx > 0 ? sxy / sxx : nil
    }

    mutating func add(_ step: StepRecord, prices: PriceTable) {
        priced += prices.price(step)
        if step.parentStepID != nil || step.operation == .invokeAgent { isMultiAgent = true }
        if let cost = step.reportedCost { reportedStepCost = (reportedStepCost ?? 0) + cost }
        if step.timing.end != nil { hasTimes = true }
        switch step.operation.family {
        case .model:
            modelSteps += 1
            if step.operation.generatesTokens {
                if let hash = step.outputHash, let output = step.usage?.output {
                    rollout?.append(RolloutStep(agentID: step.agentID, index: step.index, outputHash: hash, outputTokens: output))
                } else {
                    rollout = nil
                }
            }
            if let u = step.usage {
                usage += u
                usageSteps += 1
                if u.isEstimated { estimatedSteps += 1 }
                if let model = step.model { tokensByModel[model, default: 0] += u.total }
                if step.agentID == "main" { mainAgentTokens += u.total } else { subAgentTokens += u.total }
                if step.operation.generatesTokens { contextPoints.append((step.agentID, step.index, u.totalInput)) }
                if step.useClass == .verify { verifyTokens += u.total }
            } else {
                modelStepsWithoutUsage += 1
            }
        case .tool:
            toolSteps += 1
            // A tool result is a next-state signal if it arrived (an end time or an observation).
            if step.timing.end != nil || step.observationHash != nil {
                signals += 1
                distinctSignals.insert(step.observationHash ?? "\(step.toolName ?? "tool")#\(step.stepID)")
            }
        case .delegation:
            delegations += 1
        case .decision:
            break
        }
        if let error = step.errorType {
            signals += 1
            distinctSignals.insert("error:\(error)")
        }
        if step.useClass == .verify {
            verified = true
            if let latency = step.latency { verifySeconds += Double(latency) / 1e9 }
        }
    }

    mutating func addUnattributed(_ u: TokenUsage, model: String?, prices: PriceTable) {
        usage += u
        usageSteps += 1
        if let model {
            priced += prices.price(u, model: model)
            tokensByModel[model, default: 0] += u.total
        } else {
            priced.unpricedModels.insert("(model not recorded)")
        }
    }

    var dominantModel: String? { tokensByModel.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key }
    var hasUsage: Bool { usageSteps > 0 }
}
