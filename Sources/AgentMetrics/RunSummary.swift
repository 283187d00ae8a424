public import Foundation
public import Pricing
public import Traces

/// "The number that moves first": the latency component whose share of task latency grows
/// most from the lowest to the highest load level (concurrency, or arrival rate).
public struct Bottleneck: Sendable, Hashable, Codable {
    /// The component: `queue`, `prefill`, `decode`, `tool` or `orchestration`.
    public var component: String
    /// The lowest level that has attempts.
    public var from: LevelID
    /// The highest level that has attempts.
    public var to: LevelID
    /// Agents of the lowest level, for closed loops.
    public var fromConcurrency: Int? { from.concurrency }
    /// Agents of the highest level, for closed loops.
    public var toConcurrency: Int? { to.concurrency }
    /// The component's share (0…1) of task latency at the lowest level.
    public var fromShare: Double
    /// The component's share (0…1) of task latency at the highest level.
    public var toShare: Double
    /// p95 task latency at the highest level ÷ at the lowest.
    public var p95Growth: Double?
    /// Whether the change is beyond noise (`isBeyondNoise`); when it is not, reports say "no clear
    /// bottleneck" and show the largest change only as such.
    public var clear = true

    /// The smallest change of share, in points of task latency, that names a bottleneck.
    public static let minimumShareChange = 0.05
    /// The fewest measured attempts each end must have for its shares to count.
    public static let minimumAttempts = 3

    enum CodingKeys: String, CodingKey {
        case component, from = "from_level", to = "to_level", fromConcurrency = "from_concurrency"
        case toConcurrency = "to_concurrency", fromShare = "from_share", toShare = "to_share", p95Growth = "p95_growth", clear
    }

    init(component: String, from: LevelID, to: LevelID, fromShare: Double, toShare: Double, p95Growth: Double?) {
        self.component = component
        self.from = from
        self.to = to
        self.fromShare = fromShare
        self.toShare = toShare
        self.p95Growth = p95Growth
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        component = try c.decode(String.self, forKey: .component)
        from =
            try c.decodeIfPresent(LevelID.self, forKey: .from) ?? .concurrency(try c.decode(Int.self, forKey: .fromConcurrency))
        to = try c.decodeIfPresent(LevelID.self, forKey: .to) ?? .concurrency(try c.decode(Int.self, forKey: .toConcurrency))
        fromShare = try c.decode(Double.self, forKey: .fromShare)
        toShare = try c.decode(Double.self, forKey: .toShare)
        p95Growth = try c.decodeIfPresent(Double.self, forKey: .p95Growth)
        clear = try c.decodeIfPresent(Bool.self, forKey: .clear) ?? true
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(component, forKey: .component)
        try c.encode(from, forKey: .from)
        try c.encode(to, forKey: .to)
        try c.encodeIfPresent(fromConcurrency, forKey: .fromConcurrency)
        try c.encodeIfPresent(toConcurrency, forKey: .toConcurrency)
        try c.encode(fromShare, forKey: .fromShare)
        try c.encode(toShare, forKey: .toShare)
        try c.encodeIfPresent(p95Growth, forKey: .p95Growth)
        try c.encode(clear, forKey: .clear)
    }
}

extension LevelID {
    /// Where the level sits on the load axis: agents, or arrivals per second; nil for other ids.
    var loadOrder: Double? { concurrency.map(Double.init) ?? ratePerSecond }
}

/// The summary of a run: figures per concurrency level, computed from its traces only.
public struct RunSummary: Sendable, Hashable, Codable {
    /// `run_id` from the trace's run header; nil when the trace has none.
    public var runID: String?
    /// The workload (or imported source) named in the run header; nil without one.
    public var workload: String?
    /// Where the model calls went (the run header's `target`); nil when not recorded.
    public var target: String?
    /// Wall-clock start of the run, ISO 8601; nil without a run header.
    public var startedAt: String?
    /// Version of the AgentPerf that wrote the trace; nil without a run header.
    public var agentperfVersion: String?
    /// Version label of the price table the costs use.
    public var priceTable: String
    /// One summary per window record, in file order; a single one over every attempt when the trace has no windows.
    public var levels: [LevelSummary]
    /// The component that moves first; nil with fewer than two closed-loop levels that have attempts.
    public var bottleneck: Bottleneck?
    /// The run header's clock: `virtual` when every figure is the simulator's; nil when not recorded.
    public var clock: TraceClock?
    /// The thresholds judged on these figures (`thresholds:`, `--threshold`); nil when none were given.
    public var thresholds: [ThresholdResult]?

    enum CodingKeys: String, CodingKey {
        case runID = "run_id", workload, target, startedAt = "started_at", agentperfVersion = "agentperf_version"
        case priceTable = "price_table", levels, bottleneck, clock, thresholds
    }

    /// Computes every figure from a trace log and a price table.
    public static func compute(from log: TraceLog, prices: PriceTable) -> RunSummary {
        var groups: [(LevelID?, [LoggedAttempt], WindowRecord?)] = []
        if log.windows.isEmpty {
            groups = [(nil, log.attempts, nil)]
        } else {
            for window in log.windows {
                groups.append(
                    (
                        window.level,
                        log.attempts.filter { $0.record.level == window.level && $0.record.variant == window.variant }, window
                    ))
            }
        }
        let levels = groups.map { group in
            var summary = LevelCalculator(level: group.0, attempts: group.1, window: group.2, prices: prices).summary()
            summary.variant = group.2?.variant
            return summary
        }
        return RunSummary(
            runID: log.run?.runID, workload: log.run?.workload, target: log.run?.target,
            startedAt: log.run?.startedAt.map { $0.formatted(.iso8601) }, agentperfVersion: log.run?.agentperfVersion,
            priceTable: prices.version, levels: levels, bottleneck: bottleneck(of: levels), clock: log.run?.clock)
    }

    /// Across the levels of one variant (the first one's, in a variant run).
    static func bottleneck(of levels: [LevelSummary]) -> Bottleneck? {
        let variant = levels.first?.variant
        let ordered = levels.filter { $0.level?.loadOrder != nil && $0.attempts.total > 0 && $0.variant == variant }.sorted {
            $0.level!.loadOrder! < $1.level!.loadOrder!
        }
        guard let low = ordered.first, let high = ordered.last, let from = low.level, let to = high.level, from != to else {
            return nil
        }
        let growth = zip(low.breakdownShare.components, high.breakdownShare.components).map {
            (name: $0.name, from: $0.seconds, to: $1.seconds)
        }
        guard let top = growth.max(by: { ($0.to - $0.from) < ($1.to - $1.from) }) else { return nil }
        let p95Growth = zip(low.taskLatency.p95, high.taskLatency.p95).map { $1 / $0 }
        var bottleneck = Bottleneck(
            component: top.name, from: from, to: to, fromShare: top.from, toShare: top.to, p95Growth: p95Growth)
        // Beyond noise: the share moved by 5 points or more, with 3 measured attempts or more at
        // both ends. Smaller moves are within what a few attempts of another mix would give.
        bottleneck.clear =
            top.to - top.from >= Bottleneck.minimumShareChange
            && min(low.attempts.total, high.attempts.total) >= Bottleneck.minimumAttempts
        return bottleneck
    }

    /// JSON with stable key order; infinities as "inf".
    public func jsonData() throws -> Data {
        try Self.encoder.encode(self)
    }

    /// Reads a summary written by `jsonData()`, taking "inf" back as an infinity.
    public static func decode(_ data: Data) throws -> RunSummary {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(RunSummary.self, from: data)
    }

    static var encoder: JSONEncoder { JSONOutput.encoder }
}

private func zip(_ a: Double?, _ b: Double?) -> (Double, Double)? {
    guard let a, let b, a > 0, a.isFinite, b.isFinite else { return nil }
    return (a, b)
}

/// Computes one level's figures.
struct LevelCalculator {
    let level: LevelID?
    let attempts: [LoggedAttempt]
    let window: WindowRecord?
    let prices: PriceTable

    func summary() -> LevelSummary {
        let measured = attempts.filter { $0.record.isMeasured }
        var counts = AttemptCounts()
        counts.warmup = attempts.count { $0.record.isWarmup }
        counts.cancelled = attempts.count { !$0.record.isWarmup && $0.record.outcome == .cancelled }
        var latency = LatencyDistribution()
        var errorAdjusted = LatencyDistribution()
        var passedLatency = LatencyDistribution()
        var ttft = LatencyDistribution()
        var itl = LatencyDistribution()
        var queue = LatencyDistribution()
        var toolQueue = LatencyDistribution()
        var priced = PricedUsage()
        var tokens = TokenTotals()
        var breakdown = LatencyBreakdown()
        var stepErrors: [String: Int] = [:]
        var stopReasons: [String: Int] = [:]
        var toolCallsFromText = 0
        var tasks: [String: TaskOutcomes] = [:]
        var simulatedGrades = 0
        var uncorrected = LatencyDistribution()
        var lateStarts: Int?

        for attempt in measured {
            counts.total += 1
            if let started = attempt.record.started, let nanoseconds = attempt.record.uncorrectedLatency {
                uncorrected.record(nanoseconds: nanoseconds)
                let late = started - (attempt.record.scheduled ?? started) > LevelSummary.lateStartThreshold
                lateStarts = (lateStarts ?? 0) + (late ? 1 : 0)
            }
            if attempt.record.gradeSimulated { simulatedGrades += 1 }
            tasks[attempt.record.task, default: TaskOutcomes()].measured += 1
            if attempt.record.outcome == .passed { tasks[attempt.record.task, default: TaskOutcomes()].passed += 1 }
            if let reason = attempt.record.stopReason { stopReasons[reason, default: 0] += 1 }
            switch attempt.record.outcome {
            case .passed: counts.passed += 1
            case .failed: counts.failed += 1
            case .error: counts.errored += 1
            case .timeout: counts.timedOut += 1
            case .ungraded: counts.ungraded += 1
            case .cancelled: break  // not measured: counted above, outside the figures
            }
            if let nanoseconds = attempt.record.latency {
                latency.record(nanoseconds: nanoseconds)
                switch attempt.record.outcome {
                case .passed:
                    errorAdjusted.record(nanoseconds: nanoseconds)
                    passedLatency.record(nanoseconds: nanoseconds)
                case .ungraded, .cancelled:
                    break  // unknown whether it succeeded: not in either quality view
                case .failed, .error, .timeout:
                    errorAdjusted.recordInfinite()
                }
            }
            breakdown += LatencyBreakdown.of(attempt) ?? LatencyBreakdown()
            if let usage = attempt.record.unattributedUsage {
                priced += prices.price(usage, model: attempt.record.unattributedModel ?? "(model not recorded)")
            }
            for step in attempt.steps {
                priced += prices.price(step)
                if let error = step.errorType { stepErrors[error.rawValue, default: 0] += 1 }
                if step.toolCallsFromText == true { toolCallsFromText += 1 }
                record(step, tokens: &tokens)
                let timing = step.timing
                if let scheduled = timing.scheduled, let sent = timing.sent {
                    switch step.operation.family {
                    case .model: queue.record(nanoseconds: sent - scheduled + (timing.serverQueue ?? 0))
                    case .tool: toolQueue.record(nanoseconds: sent - scheduled)
                    case .delegation, .decision: break
                    }
                }
                guard step.operation.generatesTokens, step.errorType == nil,
                    let sent = timing.sent, let first = timing.firstToken
                else { continue }
                ttft.record(nanoseconds: first - sent)
                if let last = timing.lastToken, let output = step.usage?.output, output >= 2 {
                    itl.record(seconds: Double(last - first) / 1e9 / Double(output - 1))
                }
            }
        }
        let totalInput = tokens.uncachedInput + tokens.cacheWrite + tokens.cacheRead + tokens.output
        tokens.cacheReadShare = totalInput > 0 ? Double(tokens.cacheRead) / Double(totalInput) : nil

        let (windowStart, windowEnd) = windowBounds(measured)
        let windowSeconds = Double(windowEnd - windowStart) / 1e9
        // Time-average attempts in flight: each attempt (warm-up ones too: they are load) counts
        // the part of its latency inside the window.
        var inFlight: Int64 = 0
        for attempt in attempts {
            guard let start = attempt.record.scheduled, let end = attempt.record.end else { continue }
            inFlight += max(0, min(end, windowEnd) - max(start, windowStart))
        }
        // Every step that ended inside the window: the warm-up *period* is outside it (SPEC §4),
        // while a warm-up attempt still running in the window is load the system served then
        // (docs/METRICS.md says why counting measured attempts only would read 2.4× low).
        var steps = StepThroughput()
        for step in attempts.flatMap(\.steps) {
            guard let end = step.timing.end, end >= windowStart, end <= windowEnd, step.operation.family != .decision else {
                continue
            }
            steps.total += 1
            switch step.operation.family {
            case .model: steps.model += 1
            case .tool: steps.tool += 1
            case .delegation: steps.delegation += 1
            case .decision: break
            }
        }
        if windowSeconds > 0 {
            steps.perSecond = Double(steps.total) / windowSeconds
            steps.modelPerSecond = Double(steps.model) / windowSeconds
            steps.toolPerSecond = Double(steps.tool) / windowSeconds
        }

        let total = priced.cost.total
        let cost = CostSummary(
            total: priced.cost, perAttempt: counts.total > 0 ? total / Double(counts.total) : nil,
            perCompletedTask: counts.passed > 0 ? total / Double(counts.passed) : nil,
            unpricedModels: priced.unpricedModels.sorted(), assumptions: priced.assumptions.sorted().map(\.description),
            priceEntries: priced.entries)
        let perAttempt = counts.total > 0 ? 1 / Double(counts.total) : 0
        let share = breakdown.total > 0 ? 1 / breakdown.total : 0
        var summary = LevelSummary(
            level: level, concurrency: level?.concurrency, interrupted: window?.interrupted ?? false,
            windowSeconds: windowSeconds,
            attempts: counts, passRate: Proportion(successes: counts.passed, trials: counts.total - counts.ungraded),
            taskLatency: latency.summary, taskLatencyErrorAdjusted: errorAdjusted.summary,
            qualityConditionedLatency: passedLatency.summary, steps: steps, cost: cost, tokens: tokens,
            ttft: ttft.summary, itl: itl.summary, queue: queue.summary, toolQueue: toolQueue.summary,
            achievedConcurrency: windowSeconds > 0 ? Double(inFlight) / 1e9 / windowSeconds : nil,
            breakdown: scaled(breakdown, by: perAttempt), breakdownShare: scaled(breakdown, by: share), stepErrors: stepErrors,
            stopReasons: stopReasons, toolCallsFromText: toolCallsFromText, tasks: tasks, simulatedGrades: simulatedGrades)
        summary.taskLatencyHistogram = latency.buckets
        if lateStarts != nil {
            summary.taskLatencyUncorrected = uncorrected.summary
            summary.lateStarts = lateStarts
        }
        return summary
    }

    /// The level's window, or (for traces without one) first scheduled start → last end.
    private func windowBounds(_ measured: [LoggedAttempt]) -> (Int64, Int64) {
        if let window { return (window.start, window.end) }
        let starts = measured.compactMap(\.record.scheduled)
        let ends = measured.compactMap(\.record.end)
        guard let start = starts.min(), let end = ends.max() else { return (0, 0) }
        return (start, end)
    }

    private func record(_ step: StepRecord, tokens: inout TokenTotals) {
        guard let usage = step.usage else {
            if step.operation.family == .model { tokens.stepsWithoutUsage += 1 }
            return
        }
        tokens.uncachedInput += usage.uncachedInput
        tokens.cacheRead += usage.cacheRead
        tokens.cacheWrite += usage.cacheWrite
        tokens.output += usage.output
        tokens.reasoning += usage.reasoning
        if usage.isEstimated { tokens.estimatedSteps += 1 }
    }

    private func scaled(_ b: LatencyBreakdown, by factor: Double) -> LatencyBreakdown {
        LatencyBreakdown(
            queue: b.queue * factor, prefill: b.prefill * factor, decode: b.decode * factor, tool: b.tool * factor,
            orchestration: b.orchestration * factor)
    }
}
