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
    /// The layer that decided the spend (the mode's).
    public private(set) var layer: AllocationLayer
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

    /// A finding; `counterfactualSteps` empty when the waste is the named steps' whole cost.
    public init(
        mode: FailureMode, summary: String, tasks: [String], attempts: [String], steps: [StepReference],
        counterfactualSteps: [StepReference] = [], moneyWasted: Double, moneyEstimate: String, secondsWasted: Double?,
        secondsEstimate: String, evidence: [Evidence], confidence: Confidence, change: String
    ) {
        self.mode = mode
        layer = mode.layer
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
