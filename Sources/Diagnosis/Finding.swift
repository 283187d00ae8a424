/// The layer of an agent system that decided how a token was spent (SPEC §6).
public enum AllocationLayer: String, Sendable, Codable, CaseIterable {
    case router, agent, serving, training
}

/// The recurring ways tokens are misallocated (SPEC §6; docs/DIAGNOSE.md has each rule).
public enum FailureMode: String, Sendable, Codable, CaseIterable {
    case overRouting = "over-routing"
    case underRouting = "under-routing"
    case overDelegation = "over-delegation"
    case underVerification = "under-verification"
    case servingCongestion = "serving-congestion"
    case staleRollouts = "stale-rollouts"
    case cacheMisuse = "cache-misuse"

    /// The layer that makes the decision the mode is about.
    public var layer: AllocationLayer {
        switch self {
        case .overRouting, .underRouting: .router
        case .overDelegation, .underVerification: .agent
        case .servingCongestion, .cacheMisuse: .serving
        case .staleRollouts: .training
        }
    }
}

/// A step of a trace, by its attempt and step ids.
public struct StepReference: Sendable, Hashable, Codable, Comparable {
    /// `attempt_id`.
    public var attempt: String
    /// `step_id`.
    public var step: String

    /// Step `step` of attempt `attempt`.
    public init(attempt: String, step: String) {
        self.attempt = attempt
        self.step = step
    }

    /// Attempt, then step order.
    public static func < (lhs: StepReference, rhs: StepReference) -> Bool { (lhs.attempt, lhs.step) < (rhs.attempt, rhs.step) }
}

/// One figure behind a finding.
public struct Evidence: Sendable, Hashable, Codable {
    /// What the figure is, as a short phrase.
    public var name: String
    /// The figure.
    public var value: Double
    /// Its unit (`$`, `s`, `share`, `tokens`, `attempts`).
    public var unit: String

    /// `name` = `value` `unit`.
    public init(_ name: String, _ value: Double, _ unit: String) {
        self.name = name
        self.value = value
        self.unit = unit
    }
}

/// How sure a finding is: the samples it rests on and an interval, or a heuristic.
public struct Confidence: Sendable, Hashable, Codable {
    /// Samples (paired items, attempts, levels) the finding rests on.
    public var samples: Int
    /// 95% interval of the deciding figure, when the rule has one.
    public var interval: [Double]?
    /// True when the rule is a heuristic without a counterfactual: a place to look, not a measurement.
    public var heuristic: Bool
    /// The sentence a reader needs: what was compared and how sure that is.
    public var note: String

    /// A confidence resting on `samples`, with `interval` (low, high) of the deciding figure.
    public init(samples: Int, interval: (Double, Double)? = nil, heuristic: Bool = false, note: String) {
        self.samples = samples
        self.interval = interval.map { [$0.0, $0.1] }
        self.heuristic = heuristic
        self.note = note
    }
}

/// A misallocation: where, how much money and time it wasted, how sure, and what to change.
public struct Finding: Sendable, Hashable, Codable {
    /// The failure mode.
    public var mode: FailureMode
    /// The layer that decided the spend.
    public var layer: AllocationLayer { mode.layer }
    /// One line: what happened.
    public var summary: String
    /// Tasks concerned.
    public var tasks: [String]
    /// Attempts concerned (`attempt_id`s).
    public var attempts: [String]
    /// The steps whose spend is the waste.
    public var steps: [StepReference]
    /// Steps of the counterfactual whose cost is subtracted (a cheaper variant's), when the
    /// waste is a difference; money wasted = cost(steps) − cost(counterfactual steps).
    public var counterfactualSteps: [StepReference]
    /// US dollars that bought nothing the rule can see.
    public var moneyWasted: Double
    /// How `moneyWasted` was estimated.
    public var moneyEstimate: String
    /// Seconds of task latency that bought nothing; nil when the rule cannot estimate them.
    public var secondsWasted: Double?
    /// How `secondsWasted` was estimated.
    public var secondsEstimate: String
    /// The figures behind it.
    public var evidence: [Evidence]
    /// How sure it is.
    public var confidence: Confidence
    /// The change to try.
    public var change: String

    enum CodingKeys: String, CodingKey {
        case mode, layer, summary, tasks, attempts, steps, counterfactualSteps = "counterfactual_steps"
        case moneyWasted = "money_wasted", moneyEstimate = "money_estimate", secondsWasted = "seconds_wasted"
        case secondsEstimate = "seconds_estimate", evidence, confidence, change
    }

    /// Encodes every field, the layer included.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(mode, forKey: .mode)
        try c.encode(layer, forKey: .layer)
        try c.encode(summary, forKey: .summary)
        try c.encode(tasks, forKey: .tasks)
        try c.encode(attempts, forKey: .attempts)
        try c.encode(steps, forKey: .steps)
        try c.encode(counterfactualSteps, forKey: .counterfactualSteps)
        try c.encode(moneyWasted, forKey: .moneyWasted)
        try c.encode(moneyEstimate, forKey: .moneyEstimate)
        try c.encodeIfPresent(secondsWasted, forKey: .secondsWasted)
        try c.encode(secondsEstimate, forKey: .secondsEstimate)
        try c.encode(evidence, forKey: .evidence)
        try c.encode(confidence, forKey: .confidence)
        try c.encode(change, forKey: .change)
    }

    /// Decodes what `encode` wrote (the layer follows from the mode).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        mode = try c.decode(FailureMode.self, forKey: .mode)
        summary = try c.decode(String.self, forKey: .summary)
        tasks = try c.decode([String].self, forKey: .tasks)
        attempts = try c.decode([String].self, forKey: .attempts)
        steps = try c.decode([StepReference].self, forKey: .steps)
        counterfactualSteps = try c.decode([StepReference].self, forKey: .counterfactualSteps)
        moneyWasted = try c.decode(Double.self, forKey: .moneyWasted)
        moneyEstimate = try c.decode(String.self, forKey: .moneyEstimate)
        secondsWasted = try c.decodeIfPresent(Double.self, forKey: .secondsWasted)
        secondsEstimate = try c.decode(String.self, forKey: .secondsEstimate)
        evidence = try c.decode([Evidence].self, forKey: .evidence)
        confidence = try c.decode(Confidence.self, forKey: .confidence)
        change = try c.decode(String.self, forKey: .change)
    }

    /// A finding; `counterfactualSteps` empty when the waste is the named steps' whole cost.
    public init(
        mode: FailureMode, summary: String, tasks: [String], attempts: [String], steps: [StepReference],
        counterfactualSteps: [StepReference] = [], moneyWasted: Double, moneyEstimate: String, secondsWasted: Double?,
        secondsEstimate: String, evidence: [Evidence], confidence: Confidence, change: String
    ) {
        self.mode = mode
        self.summary = summary
        self.tasks = tasks
        self.attempts = attempts
        self.steps = steps
        self.counterfactualSteps = counterfactualSteps
        self.moneyWasted = moneyWasted
        self.moneyEstimate = moneyEstimate
        self.secondsWasted = secondsWasted
        self.secondsEstimate = secondsEstimate
        self.evidence = evidence
        self.confidence = confidence
        self.change = change
    }
}

/// A mode the traces cannot assess, and the data it would need.
public struct Unassessable: Sendable, Hashable, Codable {
    /// The mode.
    public var mode: FailureMode
    /// What to add, as an instruction ("run with --variants …").
    public var needs: String

    /// `mode` needs `needs`.
    public init(mode: FailureMode, needs: String) {
        self.mode = mode
        self.needs = needs
    }
}

/// What one rule concluded: findings (possibly none, having looked) or what it would need.
public enum RuleVerdict: Sendable {
    /// The rule assessed the traces; an empty list means nothing crossed its thresholds.
    case assessed([Finding])
    /// The traces lack what the rule needs.
    case unassessable(String)
}
