/// `gen_ai.operation.name` of a step. Open-ended: importers keep names they do not know.
/// Encoded as its raw string (the standard library's `RawRepresentable` coding).
public struct OperationName: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The name as written in `gen_ai.operation.name`.
    public var rawValue: String
    /// The operation named `rawValue`, known or not; a source's own names are kept as written.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// A chat-completion call: a model step that generates tokens, so TTFT and ITL apply.
    public static let chat = OperationName(rawValue: "chat")
    /// A text-completion call (OpenTelemetry `text_completion`): a model step that generates tokens.
    public static let textCompletion = OperationName(rawValue: "text_completion")
    /// A content-generation call (OpenTelemetry `generate_content`, as Gemini's API): a model step that generates tokens.
    public static let generateContent = OperationName(rawValue: "generate_content")
    /// An embeddings call: a model step that generates no tokens, so it has no TTFT or ITL.
    public static let embeddings = OperationName(rawValue: "embeddings")
    /// Not an OTel name (the conventions have none yet); used for /v1/rerank calls.
    public static let rerank = OperationName(rawValue: "rerank")
    /// A tool call; counted in the tool family.
    public static let executeTool = OperationName(rawValue: "execute_tool")
    /// A delegation to sub-agents, whose steps name it as their parent; counted in the delegation family.
    public static let invokeAgent = OperationName(rawValue: "invoke_agent")
    /// Not an OTel name: an allocation decision (the gateway's policies: which model or upstream
    /// took a call, or why it was refused), with its reason in `route.reason`. Takes no time and
    /// is no work: counted in no throughput or latency figure.
    public static let route = OperationName(rawValue: "route")

    /// Which headline step family the operation belongs to.
    public var family: StepFamily {
        switch self {
        case .executeTool: .tool
        case .invokeAgent: .delegation
        case .route: .decision
        default: .model
        }
    }

    /// True for calls that stream generated tokens, for which TTFT and ITL are defined.
    public var generatesTokens: Bool {
        self == .chat || self == .textCompletion || self == .generateContent
    }

    public var description: String { rawValue }
}

/// Step families that throughput is split by: model calls, tool calls, and delegations.
public enum StepFamily: String, Sendable, Codable, CaseIterable {
    case model, tool, delegation
    /// Allocation decisions (`route` steps): recorded, never counted as work.
    case decision
}

/// What a step spends its tokens on (SPEC §1). Every token is attributed to one use class.
public struct UseClass: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The class as written in `use_class`; an imported trace may carry others.
    public var rawValue: String
    /// The class named `rawValue`, taken as written; use `init(parsing:)` for text a user wrote.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Routing (SPEC §1); AgentPerf never assigns it on its own, only a workload's `use:` does.
    public static let route = UseClass(rawValue: "route")
    /// Gathering context: retrieval, reading files, searching (the default use of retrieval tools).
    public static let read = UseClass(rawValue: "read")
    /// Planning: to-do and thinking tools, and model steps whose first tool call delegates.
    public static let plan = UseClass(rawValue: "plan")
    /// Doing the work: edits, commands, and model steps that answer; `edit` parses as this class.
    public static let act = UseClass(rawValue: "act")
    /// Checking work: tests, linters, a grader's LLM-judge calls; the verification metrics count these steps.
    public static let verify = UseClass(rawValue: "verify")
    /// Handing work to a sub-agent (the default use of agent tools).
    public static let delegate = UseClass(rawValue: "delegate")
    /// Reading or writing an agent's memory (importers: tools whose name contains "memory").
    public static let memory = UseClass(rawValue: "memory")

    /// The classes SPEC §1 names, in its order.
    public static let known: [UseClass] = [.route, .read, .plan, .act, .verify, .delegate, .memory]

    /// Parses a user-written class; `edit` is accepted as a synonym of `act`.
    public init?(parsing text: String) {
        let normalized = text == "edit" ? "act" : text
        guard let match = UseClass.known.first(where: { $0.rawValue == normalized }) else { return nil }
        self = match
    }

    public var description: String { rawValue }
}

/// How an attempt ended, as its grader or the harness decided.
public enum Outcome: String, Sendable, Codable, CaseIterable {
    /// The grader accepted the final answer: the attempt produced an artifact.
    case passed
    /// The attempt finished but the grader rejected its answer.
    case failed
    /// A step failed (HTTP error, broken stream, tool crash) and the attempt stopped.
    case error
    /// The attempt ran past its time limit.
    case timeout
    /// No grader judged the attempt (most imported traces): excluded from pass rates.
    case ungraded
    /// The run was stopped (Ctrl-C, SIGTERM) while the attempt ran: recorded with its steps so
    /// far, so the attempts started add up, and left out of every figure, as warm-up is.
    case cancelled

    /// True for outcomes a grader decided.
    public var isGraded: Bool { self != .ungraded && self != .cancelled }
}

/// `error.type` of a failed step or attempt: a low-cardinality set, as OpenTelemetry asks.
///
/// The values the harness writes are the static members; an imported trace may carry others
/// (a source's own names), which are kept as written. Encoded as its raw string.
public struct StepErrorType: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The value as written in `error.type`.
    public var rawValue: String
    /// The error type `rawValue`, known or not; a source's own values are kept as written.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The connection could not be opened.
    public static let connect = StepErrorType(rawValue: "connect_error")
    /// The call's total deadline (or the attempt's) passed.
    public static let timeout = StepErrorType(rawValue: "timeout")
    /// No connection could be opened in time.
    public static let connectTimeout = StepErrorType(rawValue: "connect_timeout")
    /// The connection was closed or reset before a response arrived (a pooled keep-alive
    /// connection the server had already timed out, or a server that dropped it).
    public static let connectionClosed = StepErrorType(rawValue: "connection_closed")
    /// The request was sent but no generated output arrived in time.
    public static let firstTokenTimeout = StepErrorType(rawValue: "first_token_timeout")
    /// The server sent an error event inside an otherwise successful stream.
    public static let streamError = StepErrorType(rawValue: "stream_error")
    /// The model called a tool with arguments that are not valid JSON or do not fit the schema.
    public static let invalidToolArguments = StepErrorType(rawValue: "invalid_tool_arguments")
    /// The model called a tool the workload does not define.
    public static let unknownTool = StepErrorType(rawValue: "unknown_tool")
    /// The stream ended before its final event.
    public static let truncatedStream = StepErrorType(rawValue: "truncated_stream")
    /// An event could not be parsed.
    public static let malformedEvent = StepErrorType(rawValue: "malformed_event")
    /// The step was cancelled (the attempt timed out or the run was interrupted).
    public static let cancelled = StepErrorType(rawValue: "cancelled")
    /// A tool exited non-zero or could not start.
    public static let toolFailed = StepErrorType(rawValue: "tool_failed")
    /// The attempt exceeded its time limit.
    public static let attemptTimeout = StepErrorType(rawValue: "attempt_timeout")
    /// The attempt's working directory could not be made (or its workspace copied).
    public static let workspaceError = StepErrorType(rawValue: "workspace_error")
    /// A `process:` task's agent exited with a nonzero status, or could not start.
    public static let agentFailed = StepErrorType(rawValue: "agent_failed")
    /// An imported tool call whose result never came (the session ended first).
    public static let noResult = StepErrorType(rawValue: "no_result")
    /// The tier has no backend for the call (no chat, embeddings or rerank API where one is needed).
    public static let noBackend = StepErrorType(rawValue: "no_backend")
    /// Any other failure of the transport.
    public static let transport = StepErrorType(rawValue: "transport_error")
    /// The server answered with an HTTP error status; the status follows (`http_429`).
    public static func http(_ status: Int) -> StepErrorType { StepErrorType(rawValue: "http_\(status)") }
    /// An imported span or sample marked failed without a type of its own.
    public static let spanError = StepErrorType(rawValue: "span_error")
    /// An imported Inspect sample that errored.
    public static let sampleError = StepErrorType(rawValue: "sample_error")

    /// The HTTP status of an `http_NNN` value.
    public var httpStatus: Int? {
        rawValue.hasPrefix("http_") ? Int(rawValue.dropFirst(5)) : nil
    }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// Why a model-driven agent stopped (`stop_reason` on its attempt).
public enum StopReason {
    /// The model answered without calling a tool.
    public static let finalAnswer = "final_answer"
    /// The agent made its `limits.steps` model calls (retries included).
    public static let stepLimit = "step_limit"
    /// The agent's tokens (all buckets) reached its `limits.tokens` budget.
    public static let tokenBudget = "token_budget"
    /// The agent's spend reached its `limits.dollars` budget, in US dollars under the workload's prices.
    public static let dollarBudget = "dollar_budget"
    /// The agent had run for its `limits.time`.
    public static let timeLimit = "time_limit"
    /// A model call failed and its retries (if any) did too.
    public static let modelError = "model_error"
    /// The attempt ran past the workload's `attempt_timeout` and was stopped.
    public static let attemptTimeout = "attempt_timeout"
    /// A `process:` task's agent exited with a nonzero status, or could not start.
    public static let agentFailed = "agent_failed"
    /// The gateway's per-attempt call budget was spent (`agentperf gateway --policy`).
    public static let callBudget = "call_budget"
    /// A replayed session made all its recorded calls (`agentperf replay`).
    public static let replayed = "replayed"
}
