/// `gen_ai.operation.name` of a step. Open-ended: importers keep names they do not know.
/// Encoded as its raw string (the standard library's `RawRepresentable` coding).
public struct OperationName: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let chat = OperationName(rawValue: "chat")
    public static let textCompletion = OperationName(rawValue: "text_completion")
    public static let generateContent = OperationName(rawValue: "generate_content")
    public static let embeddings = OperationName(rawValue: "embeddings")
    /// Not an OTel name (the conventions have none yet); used for /v1/rerank calls.
    public static let rerank = OperationName(rawValue: "rerank")
    public static let executeTool = OperationName(rawValue: "execute_tool")
    public static let invokeAgent = OperationName(rawValue: "invoke_agent")

    /// Which headline step family the operation belongs to.
    public var family: StepFamily {
        switch self {
        case .executeTool: .tool
        case .invokeAgent: .delegation
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
}

/// What a step spends its tokens on (SPEC §1). Every token is attributed to one use class.
public struct UseClass: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let route = UseClass(rawValue: "route")
    public static let read = UseClass(rawValue: "read")
    public static let plan = UseClass(rawValue: "plan")
    public static let act = UseClass(rawValue: "act")
    public static let verify = UseClass(rawValue: "verify")
    public static let delegate = UseClass(rawValue: "delegate")
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

    /// True for outcomes a grader decided.
    public var isGraded: Bool { self != .ungraded }
}

/// `error.type` of a failed step or attempt: a low-cardinality set, as OpenTelemetry asks.
///
/// The values the harness writes are the static members; an imported trace may carry others
/// (a source's own names), which are kept as written. Encoded as its raw string.
public struct StepErrorType: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: String
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
    public static let stepLimit = "step_limit"
    public static let tokenBudget = "token_budget"
    public static let dollarBudget = "dollar_budget"
    public static let timeLimit = "time_limit"
    /// A model call failed and its retries (if any) did too.
    public static let modelError = "model_error"
    public static let attemptTimeout = "attempt_timeout"
}
