/// One attempt: a run of one task, from its scheduled start to its final answer.
///
/// Written right after its steps, as soon as the attempt ends, so a crash loses only attempts
/// that had not finished.
public struct AttemptRecord: Sendable, Hashable {
    /// `run_id` of the run the attempt belongs to.
    public var runID: String
    /// `attempt_id`, unique in its run; the attempt's step records carry the same id.
    public var attemptID: String
    /// The task's name in the workload.
    public var task: String
    /// `gen_ai.agent.name` of the top-level agent.
    public var agentName: String?
    /// The load level the attempt ran at (harness runs only).
    public var level: LevelID?
    /// Agents of the closed-loop level the attempt ran at (harness runs only).
    public var concurrency: Int?
    /// Warm-up attempts are recorded but excluded from every metric.
    public var isWarmup: Bool
    /// True for the attempts figures are computed from: neither warm-up nor cancelled by a stop.
    public var isMeasured: Bool { !isWarmup && outcome != .cancelled }
    /// Worker that ran the attempt (harness runs only).
    public var worker: Int?
    /// Position of the attempt in its level's issue order, from 0 (harness runs only).
    public var sequence: Int?
    /// How the attempt ended; `ungraded` attempts are left out of pass rates.
    public var outcome: Outcome
    /// Grader score for the success axis, 0...1.
    public var score: Double?
    /// Score per grader axis (capability vector), 0...1.
    public var graderAxes: [String: Double]
    /// `error.type` of the step that stopped the attempt, or of the attempt itself.
    public var errorType: StepErrorType?
    /// What went wrong in words, when the attempt itself failed (not one of its steps): a
    /// `process:` agent's exit status and the tail of its standard error, or why it could not
    /// start. Scrubbed of credentials when written (`error.message`).
    public var errorMessage: String?
    /// Intended start, ns since run origin. Task latency is measured from here.
    public var scheduled: Int64?
    /// End of the final answer, ns since run origin.
    public var end: Int64?
    /// Open-loop arrivals only: when a worker actually started the attempt (≥ `scheduled`, its
    /// intended start; later when every worker was busy — the wait coordinated omission would
    /// hide). The uncorrected latency counts from here.
    public var started: Int64?
    /// Number of step records written for this attempt (sub-agent steps included).
    public var stepCount: Int
    /// Tier of the model step that produced the final answer.
    public var finalTier: String?
    /// Token totals the source gives only for the whole attempt, not per step (SWE-agent's
    /// model_stats), with the model they were spent on. Priced like a step's usage.
    public var unattributedUsage: TokenUsage?
    /// The model `unattributedUsage` is priced under; nil when the source names none (its tokens are then unpriced).
    public var unattributedModel: String?
    /// Cost in US dollars the source itself recorded for the attempt (imported traces).
    public var reportedCost: Double?
    /// Messages from the user (or a simulated user) after the first one.
    public var userTurns: Int?
    /// True when the outcome is a seeded draw (a scripted task's `pass_probability`), not a
    /// grader's verdict on a real answer: simulated quality, reported as such.
    public var gradeSimulated = false
    /// Why a model-driven agent stopped: `final_answer`, `step_limit`, `token_budget`,
    /// `dollar_budget`, `time_limit`, `model_error`, `attempt_timeout`.
    public var stopReason: String?
    /// The workload variant the attempt ran under (`agentperf run --variants`); nil outside variant runs.
    public var variant: String?
    /// Which repeat of its task the attempt is, from 0, in variant runs: the same task and repeat
    /// under two variants had the same seeds, so the two attempts are a pair.
    public var repeatIndex: Int?
    /// The policy version that generated the attempt (an RL rollout): the trainer's version when it started.
    public var policyVersion: Int?
    /// The trainer's version when it consumed the rollout; `consumed − policy` is its staleness.
    public var consumedVersion: Int?

    /// An attempt record; `level` is derived from `concurrency` (`c<concurrency>`) and `stopReason` starts nil.
    public init(
        runID: String, attemptID: String, task: String, agentName: String? = nil, concurrency: Int? = nil,
        isWarmup: Bool = false, worker: Int? = nil, sequence: Int? = nil, outcome: Outcome,
        score: Double? = nil, graderAxes: [String: Double] = [:], errorType: StepErrorType? = nil,
        scheduled: Int64?, end: Int64?, stepCount: Int, finalTier: String? = nil,
        unattributedUsage: TokenUsage? = nil, unattributedModel: String? = nil, reportedCost: Double? = nil,
        userTurns: Int? = nil
    ) {
        self.runID = runID
        self.attemptID = attemptID
        self.task = task
        self.agentName = agentName
        self.concurrency = concurrency
        self.level = concurrency.map(LevelID.concurrency)
        self.isWarmup = isWarmup
        self.worker = worker
        self.sequence = sequence
        self.outcome = outcome
        self.score = score
        self.graderAxes = graderAxes
        self.errorType = errorType
        self.scheduled = scheduled
        self.end = end
        self.stepCount = stepCount
        self.finalTier = finalTier
        self.unattributedUsage = unattributedUsage
        self.unattributedModel = unattributedModel
        self.reportedCost = reportedCost
        self.userTurns = userTurns
        self.stopReason = nil
    }

    /// What pairs this attempt with the same work under another configuration, when the record
    /// says: `task#repeat@level` in variant runs (the same seeds under every variant),
    /// `task@level/sequence` in runs of one workload and seed (the same draws in every such run);
    /// nil otherwise. `route` and `diagnose` pair attempts by it.
    public var pairingItem: String? {
        if let repeatIndex { return "\(task)#\(repeatIndex)" + (level.map { "@\($0)" } ?? "") }
        if let level, let sequence { return "\(task)@\(level)/\(sequence)" }
        return nil
    }

    /// Open loop: latency from when a worker started the attempt (`started → end`), the figure
    /// coordinated omission reports; equal to `latency` when the attempt started on time.
    public var uncorrectedLatency: Int64? {
        guard let end, let start = started ?? scheduled else { return nil }
        return end - start
    }

    /// End-to-end task latency (`scheduled → end`) in nanoseconds, when both are known. For
    /// open-loop arrivals `scheduled` is the intended start: the latency is corrected for
    /// coordinated omission.
    public var latency: Int64? {
        guard let scheduled, let end else { return nil }
        return end - scheduled
    }
}

extension AttemptRecord: Codable {
    enum CodingKeys: String, CodingKey {
        case record, schemaVersion = "schema_version"
        case runID = "run_id", attemptID = "attempt_id", task, agentName = "gen_ai.agent.name"
        case level, concurrency, isWarmup = "warmup", worker, sequence, outcome, score
        case graderAxes = "grader", errorType = "error.type", errorMessage = "error.message"
        case scheduled = "scheduled_ns", started = "started_ns", end = "end_ns", stepCount = "step_count"
        case finalTier = "final_tier"
        case unattributedModel = "unattributed_model", unattributedInput = "unattributed_input_tokens"
        case unattributedOutput = "unattributed_output_tokens", unattributedCacheRead = "unattributed_cache_read_tokens"
        case unattributedCacheWrite = "unattributed_cache_creation_tokens"
        case reportedCost = "cost_usd_reported", userTurns = "user_turns", stopReason = "stop_reason"
        case gradeSimulated = "grade_simulated", variant, repeatIndex = "repeat"
        case policyVersion = "policy_version", consumedVersion = "consumed_at_version"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try SchemaCheck.expect(.attempt, in: c, record: .record, version: .schemaVersion)
        runID = try c.decode(String.self, forKey: .runID)
        attemptID = try c.decode(String.self, forKey: .attemptID)
        task = try c.decode(String.self, forKey: .task)
        agentName = try c.decodeIfPresent(String.self, forKey: .agentName)
        concurrency = try c.decodeIfPresent(Int.self, forKey: .concurrency)
        level = try c.decodeIfPresent(LevelID.self, forKey: .level) ?? concurrency.map(LevelID.concurrency)
        isWarmup = try c.decodeIfPresent(Bool.self, forKey: .isWarmup) ?? false
        worker = try c.decodeIfPresent(Int.self, forKey: .worker)
        sequence = try c.decodeIfPresent(Int.self, forKey: .sequence)
        outcome = try c.decode(Outcome.self, forKey: .outcome)
        score = try c.decodeIfPresent(Double.self, forKey: .score)
        graderAxes = try c.decodeIfPresent([String: Double].self, forKey: .graderAxes) ?? [:]
        errorType = try c.decodeIfPresent(StepErrorType.self, forKey: .errorType)
        errorMessage = try c.decodeIfPresent(String.self, forKey: .errorMessage)
        scheduled = try c.decodeIfPresent(Int64.self, forKey: .scheduled)
        end = try c.decodeIfPresent(Int64.self, forKey: .end)
        started = try c.decodeIfPresent(Int64.self, forKey: .started)
        stepCount = try c.decode(Int.self, forKey: .stepCount)
        finalTier = try c.decodeIfPresent(String.self, forKey: .finalTier)
        unattributedModel = try c.decodeIfPresent(String.self, forKey: .unattributedModel)
        if let input = try c.decodeTokenCount(forKey: .unattributedInput) {
            let cacheRead = try c.decodeTokenCount(forKey: .unattributedCacheRead) ?? 0
            let cacheWrite = try c.decodeTokenCount(forKey: .unattributedCacheWrite) ?? 0
            let usage = TokenUsage(
                uncachedInput: input - cacheRead - cacheWrite, cacheRead: cacheRead, cacheWrite: cacheWrite,
                output: try c.decodeTokenCount(forKey: .unattributedOutput) ?? 0)
            if let problem = usage.violation {
                throw DecodingError.dataCorruptedError(forKey: .unattributedInput, in: c, debugDescription: problem)
            }
            unattributedUsage = usage
        } else {
            unattributedUsage = nil
        }
        reportedCost = try c.decodeIfPresent(Double.self, forKey: .reportedCost)
        userTurns = try c.decodeIfPresent(Int.self, forKey: .userTurns)
        stopReason = try c.decodeIfPresent(String.self, forKey: .stopReason)
        gradeSimulated = try c.decodeIfPresent(Bool.self, forKey: .gradeSimulated) ?? false
        variant = try c.decodeIfPresent(String.self, forKey: .variant)
        repeatIndex = try c.decodeIfPresent(Int.self, forKey: .repeatIndex)
        policyVersion = try c.decodeIfPresent(Int.self, forKey: .policyVersion)
        consumedVersion = try c.decodeIfPresent(Int.self, forKey: .consumedVersion)
        if let policyVersion, let consumedVersion, consumedVersion < policyVersion || policyVersion < 0 {
            throw DecodingError.dataCorruptedError(
                forKey: .consumedVersion, in: c,
                debugDescription: "consumed_at_version (\(consumedVersion)) is before policy_version (\(policyVersion))")
        }
        if let repeatIndex, repeatIndex < 0 {
            throw DecodingError.dataCorruptedError(forKey: .repeatIndex, in: c, debugDescription: "expected a repeat ≥ 0")
        }
        if let scheduled, let end, end < scheduled {
            throw DecodingError.dataCorruptedError(
                forKey: .end, in: c, debugDescription: "end_ns (\(end)) is before scheduled_ns (\(scheduled))")
        }
        if let started, started < (scheduled ?? started) || started > (end ?? started) {
            throw DecodingError.dataCorruptedError(
                forKey: .started, in: c, debugDescription: "started_ns (\(started)) is outside scheduled_ns…end_ns")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(RecordKind.attempt, forKey: .record)
        try c.encode(TraceSchema.version, forKey: .schemaVersion)
        try c.encode(runID, forKey: .runID)
        try c.encode(attemptID, forKey: .attemptID)
        try c.encode(task, forKey: .task)
        try c.encodeIfPresent(agentName, forKey: .agentName)
        try c.encodeIfPresent(level, forKey: .level)
        try c.encodeIfPresent(concurrency, forKey: .concurrency)
        try c.encode(isWarmup, forKey: .isWarmup)
        try c.encodeIfPresent(worker, forKey: .worker)
        try c.encodeIfPresent(sequence, forKey: .sequence)
        try c.encode(outcome, forKey: .outcome)
        try c.encodeIfPresent(score, forKey: .score)
        if !graderAxes.isEmpty {
            var axes = c.nestedContainer(keyedBy: AxisKey.self, forKey: .graderAxes)
            for (name, value) in graderAxes.sorted(by: { $0.key < $1.key }) {
                try axes.encode(value, forKey: AxisKey(stringValue: name))
            }
        }
        try c.encodeIfPresent(errorType, forKey: .errorType)
        try c.encodeIfPresent(errorMessage, forKey: .errorMessage)
        try c.encodeIfPresent(scheduled, forKey: .scheduled)
        try c.encodeIfPresent(started, forKey: .started)
        try c.encodeIfPresent(end, forKey: .end)
        try c.encode(stepCount, forKey: .stepCount)
        try c.encodeIfPresent(finalTier, forKey: .finalTier)
        try c.encodeIfPresent(unattributedModel, forKey: .unattributedModel)
        if let usage = unattributedUsage {
            try c.encode(usage.totalInput, forKey: .unattributedInput)
            try c.encode(usage.output, forKey: .unattributedOutput)
            try c.encode(usage.cacheRead, forKey: .unattributedCacheRead)
            try c.encode(usage.cacheWrite, forKey: .unattributedCacheWrite)
        }
        try c.encodeIfPresent(reportedCost, forKey: .reportedCost)
        try c.encodeIfPresent(userTurns, forKey: .userTurns)
        try c.encodeIfPresent(stopReason, forKey: .stopReason)
        if gradeSimulated { try c.encode(true, forKey: .gradeSimulated) }
        try c.encodeIfPresent(variant, forKey: .variant)
        try c.encodeIfPresent(repeatIndex, forKey: .repeatIndex)
        try c.encodeIfPresent(policyVersion, forKey: .policyVersion)
        try c.encodeIfPresent(consumedVersion, forKey: .consumedVersion)
    }
}

/// A coding key for user-named map entries, encoded in sorted order for stable files.
struct AxisKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
