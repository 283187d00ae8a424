/// Monotonic timestamps of a step, in nanoseconds since the run's origin (`RunRecord`).
///
/// `nil` means the source did not record that instant (imported traces); metrics that need it
/// are then reported as unavailable, never computed from a zero.
public struct StepTiming: Sendable, Hashable {
    /// When the agent decided to make the call.
    public var scheduled: Int64?
    /// When the request left the client (tool: when the tool started).
    public var sent: Int64?
    /// First content or tool-call delta (not the role-only chunk).
    public var firstToken: Int64?
    /// Last content or tool-call delta.
    public var lastToken: Int64?
    /// When the response was complete.
    public var end: Int64?
    /// Time the server reports the request waited before it was admitted (HTTP `Server-Timing:
    /// queue;dur=…`), a duration in nanoseconds. Part of `sent → firstToken`.
    public var serverQueue: Int64?

    /// Timestamps in nanoseconds since the run's origin; those left out are nil (not recorded).
    public init(
        scheduled: Int64? = nil, sent: Int64? = nil, firstToken: Int64? = nil, lastToken: Int64? = nil,
        end: Int64? = nil, serverQueue: Int64? = nil
    ) {
        self.scheduled = scheduled
        self.sent = sent
        self.firstToken = firstToken
        self.lastToken = lastToken
        self.end = end
        self.serverQueue = serverQueue
    }
}

/// One step of an attempt: a model call, tool call, embedding, or delegation to a sub-agent.
public struct StepRecord: Sendable, Hashable {
    /// `run_id` of the run the step belongs to.
    public var runID: String
    /// `attempt_id` of the attempt the step is part of.
    public var attemptID: String
    /// Unique within the attempt. Sub-agent steps are named below their delegating step
    /// (`s3` delegates, `s3.a1.s2` is the second step of its first sub-agent).
    public var stepID: String
    /// The delegating step, for steps taken by a sub-agent.
    public var parentStepID: String?
    /// The agent that took the step: `main`, or the sub-agent's id.
    public var agentID: String
    /// `gen_ai.agent.name`.
    public var agentName: String?
    /// Order of the step within its agent, from 0.
    public var index: Int
    /// `gen_ai.operation.name`.
    public var operation: OperationName
    /// What the step spends its tokens on (`use_class`).
    public var useClass: UseClass
    /// `gen_ai.request.model`.
    public var model: String?
    /// The model class (small / large / named) the workload asked for.
    public var tier: String?
    /// `gen_ai.provider.name`.
    public var provider: String?
    /// `gen_ai.tool.name`.
    public var toolName: String?
    /// `nil` when the source recorded no token counts.
    public var usage: TokenUsage?
    /// When the step was scheduled, sent, streamed and completed; instants the source did not record are nil.
    public var timing: StepTiming
    /// `error.type`; `nil` when the step succeeded.
    public var errorType: StepErrorType?
    /// What went wrong, in a few words (at most 300 characters): the server's error message or
    /// the client's; never request or response content.
    public var errorMessage: String?
    /// HTTP status of a model call, when one was received.
    public var httpStatus: Int?
    /// Cost in US dollars the source itself recorded for this step (imported traces), kept to
    /// check AgentPerf's own pricing against; never used in place of it.
    public var reportedCost: Double?
    /// A hash of what the step observed (a tool result, an error), so that distinct learning
    /// signals can be counted without storing content.
    public var observationHash: String?
    /// A hash of what a model step generated (its text and tool calls), so that rollouts that
    /// share a prefix can be recognised (tree-rollout diversity) without storing content.
    public var outputHash: String?
    /// The model wrote its tool calls as text (JSON in its reply) instead of in the protocol's
    /// tool-call fields, and AgentPerf recovered them: a server or chat-template quirk worth
    /// seeing, since the calls' tokens were generated as content.
    public var toolCallsFromText: Bool?
    /// For a model call, one hash per message of its prompt, each over every message up to and
    /// including it (role and content chained): two calls share a prefix of n messages exactly
    /// when their first n fingerprints agree. Never content; written by the harness and by
    /// importers that see prompts (docs/TRACES.md).
    public var promptFingerprints: [String]?
    /// For a `route` step: why the call went where it went, or was refused (`route.reason`).
    public var routeReason: String?

    /// A step record; `agentID` defaults to `main` and the other fields left out are nil (not recorded).
    public init(
        runID: String, attemptID: String, stepID: String, parentStepID: String? = nil,
        agentID: String = "main", agentName: String? = nil, index: Int, operation: OperationName,
        useClass: UseClass, model: String? = nil, tier: String? = nil, provider: String? = nil,
        toolName: String? = nil, usage: TokenUsage? = nil, timing: StepTiming = StepTiming(),
        errorType: StepErrorType? = nil, httpStatus: Int? = nil, reportedCost: Double? = nil, observationHash: String? = nil,
        outputHash: String? = nil, toolCallsFromText: Bool? = nil, errorMessage: String? = nil
    ) {
        self.errorMessage = errorMessage
        self.toolCallsFromText = toolCallsFromText
        self.runID = runID
        self.attemptID = attemptID
        self.stepID = stepID
        self.parentStepID = parentStepID
        self.agentID = agentID
        self.agentName = agentName
        self.index = index
        self.operation = operation
        self.useClass = useClass
        self.model = model
        self.tier = tier
        self.provider = provider
        self.toolName = toolName
        self.usage = usage
        self.timing = timing
        self.errorType = errorType
        self.httpStatus = httpStatus
        self.reportedCost = reportedCost
        self.observationHash = observationHash
        self.outputHash = outputHash
    }

    /// `sent → end`, in nanoseconds.
    public var latency: Int64? {
        guard let sent = timing.sent, let end = timing.end else { return nil }
        return end - sent
    }
}

extension StepRecord: Codable {
    enum CodingKeys: String, CodingKey {
        case record, schemaVersion = "schema_version"
        case runID = "run_id", attemptID = "attempt_id", stepID = "step_id"
        case parentStepID = "parent_step_id", agentID = "agent_id", agentName = "gen_ai.agent.name"
        case index = "step_index", operation = "gen_ai.operation.name", useClass = "use_class"
        case model = "gen_ai.request.model", tier, provider = "gen_ai.provider.name"
        case toolName = "gen_ai.tool.name"
        case inputTokens = "gen_ai.usage.input_tokens", outputTokens = "gen_ai.usage.output_tokens"
        case cacheReadTokens = "gen_ai.usage.cache_read.input_tokens"
        /// The current OpenTelemetry GenAI name (semantic-conventions-genai) …
        case cacheWriteTokens = "gen_ai.usage.cache_write.input_tokens"
        /// … and the one before the 2026 rename, still written beside it so v1 readers keep working.
        case cacheCreationTokens = "gen_ai.usage.cache_creation.input_tokens"
        case cacheCreation1hTokens = "cache_creation_1h_input_tokens"
        case reasoningTokens = "gen_ai.usage.reasoning.output_tokens"
        case usageEstimated = "usage_estimated"
        case scheduled = "scheduled_ns", sent = "sent_ns", firstToken = "first_token_ns"
        case lastToken = "last_token_ns", end = "end_ns", serverQueue = "server_queue_ns"
        case errorType = "error.type", errorMessage = "error.message", httpStatus = "http_status", reportedCost =
            "cost_usd_reported"
        case observationHash = "observation_hash", outputHash = "output_hash"
        case toolCallsFromText = "tool_calls_from_text"
        case promptFingerprints = "prompt_fingerprints", routeReason = "route.reason"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try SchemaCheck.expect(.step, in: c, record: .record, version: .schemaVersion)
        runID = try c.decode(String.self, forKey: .runID)
        attemptID = try c.decode(String.self, forKey: .attemptID)
        stepID = try c.decode(String.self, forKey: .stepID)
        parentStepID = try c.decodeIfPresent(String.self, forKey: .parentStepID)
        agentID = try c.decodeIfPresent(String.self, forKey: .agentID) ?? "main"
        agentName = try c.decodeIfPresent(String.self, forKey: .agentName)
        index = try c.decode(Int.self, forKey: .index)
        operation = try c.decode(OperationName.self, forKey: .operation)
        useClass = try c.decode(UseClass.self, forKey: .useClass)
        model = try c.decodeIfPresent(String.self, forKey: .model)
        tier = try c.decodeIfPresent(String.self, forKey: .tier)
        provider = try c.decodeIfPresent(String.self, forKey: .provider)
        toolName = try c.decodeIfPresent(String.self, forKey: .toolName)
        if let input = try c.decodeTokenCount(forKey: .inputTokens) {
            let cacheRead = try c.decodeTokenCount(forKey: .cacheReadTokens) ?? 0
            let written = try c.decodeTokenCount(forKey: .cacheWriteTokens)
            let created = try c.decodeTokenCount(forKey: .cacheCreationTokens)
            if let written, let created, written != created {
                throw DecodingError.dataCorruptedError(
                    forKey: .cacheWriteTokens, in: c,
                    debugDescription:
                        "gen_ai.usage.cache_write.input_tokens (\(written)) and its old name cache_creation (\(created)) disagree"
                )
            }
            let cacheWrite = written ?? created ?? 0
            guard try c.decodeTokenCount(forKey: .outputTokens) != nil else {
                throw DecodingError.keyNotFound(
                    CodingKeys.outputTokens, .init(codingPath: c.codingPath, debugDescription: "usage needs output tokens"))
            }
            let usage = TokenUsage(
                uncachedInput: input - cacheRead - cacheWrite,
                cacheRead: cacheRead,
                cacheWrite: cacheWrite,
                cacheWrite1h: try c.decodeTokenCount(forKey: .cacheCreation1hTokens) ?? 0,
                output: try c.decodeTokenCount(forKey: .outputTokens) ?? 0,
                reasoning: try c.decodeTokenCount(forKey: .reasoningTokens) ?? 0,
                isEstimated: try c.decodeIfPresent(Bool.self, forKey: .usageEstimated) ?? false
            )
            if let problem = usage.violation {
                // Blame the field that is wrong: only a negative uncached count is input's fault.
                let (key, hint): (CodingKeys, String) =
                    usage.reasoning > usage.output
                    ? (.reasoningTokens, "reasoning is part of output")
                    : usage.cacheWrite1h > usage.cacheWrite
                        ? (.cacheCreation1hTokens, "the 1h writes are part of all cache writes")
                        : (.inputTokens, "input_tokens must include cache read and cache creation tokens")
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "\(problem) (\(hint))")
            }
            self.usage = usage
        } else {
            // Usage fields without the input count are an error, not silently no usage; a bad
            // value among them is named at its own field first.
            for key in [CodingKeys.outputTokens, .cacheReadTokens, .cacheWriteTokens, .cacheCreationTokens, .reasoningTokens]
            where c.contains(key) {
                _ = try c.decodeTokenCount(forKey: key)
                throw DecodingError.keyNotFound(
                    CodingKeys.inputTokens,
                    .init(codingPath: c.codingPath, debugDescription: "usage needs input tokens (\(key.stringValue) is given)"))
            }
            usage = nil
        }
        timing = StepTiming(
            scheduled: try c.decodeIfPresent(Int64.self, forKey: .scheduled),
            sent: try c.decodeIfPresent(Int64.self, forKey: .sent),
            firstToken: try c.decodeIfPresent(Int64.self, forKey: .firstToken),
            lastToken: try c.decodeIfPresent(Int64.self, forKey: .lastToken),
            end: try c.decodeIfPresent(Int64.self, forKey: .end),
            serverQueue: try c.decodeIfPresent(Int64.self, forKey: .serverQueue)
        )
        errorType = try c.decodeIfPresent(StepErrorType.self, forKey: .errorType)
        httpStatus = try c.decodeIfPresent(Int.self, forKey: .httpStatus)
        reportedCost = try c.decodeIfPresent(Double.self, forKey: .reportedCost)
        observationHash = try c.decodeIfPresent(String.self, forKey: .observationHash)
        outputHash = try c.decodeIfPresent(String.self, forKey: .outputHash)
        errorMessage = try c.decodeIfPresent(String.self, forKey: .errorMessage)
        toolCallsFromText = try c.decodeIfPresent(Bool.self, forKey: .toolCallsFromText)
        promptFingerprints = try c.decodeIfPresent([String].self, forKey: .promptFingerprints)
        routeReason = try c.decodeIfPresent(String.self, forKey: .routeReason)
        if let count = promptFingerprints?.count, count > 100_000 {
            throw DecodingError.dataCorruptedError(
                forKey: .promptFingerprints, in: c, debugDescription: "more than 100000 prompt fingerprints on one step")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(RecordKind.step, forKey: .record)
        try c.encode(TraceSchema.version, forKey: .schemaVersion)
        try c.encode(runID, forKey: .runID)
        try c.encode(attemptID, forKey: .attemptID)
        try c.encode(stepID, forKey: .stepID)
        try c.encodeIfPresent(parentStepID, forKey: .parentStepID)
        try c.encode(agentID, forKey: .agentID)
        try c.encodeIfPresent(agentName, forKey: .agentName)
        try c.encode(index, forKey: .index)
        try c.encode(operation, forKey: .operation)
        try c.encode(useClass, forKey: .useClass)
        try c.encodeIfPresent(model, forKey: .model)
        try c.encodeIfPresent(tier, forKey: .tier)
        try c.encodeIfPresent(provider, forKey: .provider)
        try c.encodeIfPresent(toolName, forKey: .toolName)
        if let usage {
            try c.encode(usage.totalInput, forKey: .inputTokens)
            try c.encode(usage.output, forKey: .outputTokens)
            try c.encode(usage.cacheRead, forKey: .cacheReadTokens)
            try c.encode(usage.cacheWrite, forKey: .cacheWriteTokens)
            try c.encode(usage.cacheWrite, forKey: .cacheCreationTokens)
            if usage.cacheWrite1h > 0 { try c.encode(usage.cacheWrite1h, forKey: .cacheCreation1hTokens) }
            try c.encode(usage.reasoning, forKey: .reasoningTokens)
            if usage.isEstimated { try c.encode(true, forKey: .usageEstimated) }
        }
        try c.encodeIfPresent(timing.scheduled, forKey: .scheduled)
        try c.encodeIfPresent(timing.sent, forKey: .sent)
        try c.encodeIfPresent(timing.firstToken, forKey: .firstToken)
        try c.encodeIfPresent(timing.lastToken, forKey: .lastToken)
        try c.encodeIfPresent(timing.end, forKey: .end)
        try c.encodeIfPresent(timing.serverQueue, forKey: .serverQueue)
        try c.encodeIfPresent(errorType, forKey: .errorType)
        try c.encodeIfPresent(httpStatus, forKey: .httpStatus)
        try c.encodeIfPresent(reportedCost, forKey: .reportedCost)
        try c.encodeIfPresent(observationHash, forKey: .observationHash)
        try c.encodeIfPresent(outputHash, forKey: .outputHash)
        try c.encodeIfPresent(errorMessage.map { String($0.prefix(300)) }, forKey: .errorMessage)
        try c.encodeIfPresent(toolCallsFromText, forKey: .toolCallsFromText)
        try c.encodeIfPresent(promptFingerprints, forKey: .promptFingerprints)
        try c.encodeIfPresent(routeReason, forKey: .routeReason)
    }
}

/// Shared checks of the `record` and `schema_version` fields.
enum SchemaCheck {
    static func expect<Key: CodingKey>(
        _ kind: RecordKind, in c: KeyedDecodingContainer<Key>, record: Key, version: Key
    ) throws {
        let found = try c.decode(RecordKind.self, forKey: record)
        guard found == kind else {
            throw DecodingError.dataCorruptedError(
                forKey: record, in: c, debugDescription: "expected a \(kind.rawValue) record, found \(found.rawValue)")
        }
        let schemaVersion = try c.decode(Int.self, forKey: version)
        guard (1...TraceSchema.version).contains(schemaVersion) else {
            throw DecodingError.dataCorruptedError(
                forKey: version, in: c,
                debugDescription:
                    "schema_version \(schemaVersion) is not supported (this build reads 1...\(TraceSchema.version))")
        }
    }
}
