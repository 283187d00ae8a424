/// `gen_ai.operation.name` of a step. Open-ended: importers keep names they do not know.
public struct Operation: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let chat = Operation(rawValue: "chat")
    public static let textCompletion = Operation(rawValue: "text_completion")
    public static let generateContent = Operation(rawValue: "generate_content")
    public static let embeddings = Operation(rawValue: "embeddings")
    /// Not an OTel name (the conventions have none yet); used for /v1/rerank calls.
    public static let rerank = Operation(rawValue: "rerank")
    public static let executeTool = Operation(rawValue: "execute_tool")
    public static let invokeAgent = Operation(rawValue: "invoke_agent")

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

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
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

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
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
}
