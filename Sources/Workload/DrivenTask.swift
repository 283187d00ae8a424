package import SpecDecoding
package import WireFormats

/// When a model-driven agent must stop, whatever the model wants. Each is recorded as the
/// attempt's stop reason when it is what ended the attempt.
package struct AgentLimits: Sendable, Hashable {
    /// Model calls (retries included).
    package var steps: Int
    /// Tokens of every bucket, over all the agent's model calls.
    package var tokens: Int?
    /// Cost in US dollars under the workload's prices.
    package var dollars: Double?
    /// Wall-clock time from the attempt's start.
    package var time: DurationSpec?
    /// Most tokens one reply may generate (`max_tokens` on each model call).
    package var replyTokens: Int?

    package init(steps: Int = 20, tokens: Int? = nil, dollars: Double? = nil, time: DurationSpec? = nil, replyTokens: Int? = nil)
    {
        self.replyTokens = replyTokens
        self.steps = steps
        self.tokens = tokens
        self.dollars = dollars
        self.time = time
    }
}

extension AgentLimits {
    /// These limits with a variant's token and dollar budgets, where they are tighter.
    package func capped(by variant: Variant?) -> AgentLimits {
        var limits = self
        if let budget = variant?.tokenBudget { limits.tokens = min(limits.tokens ?? budget, budget) }
        if let budget = variant?.dollarBudget { limits.dollars = min(limits.dollars ?? budget, budget) }
        return limits
    }
}

extension AgentLimits: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable { case steps, tokens, dollars, time, replyTokens = "reply_tokens" }

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        steps = try c.decodeIfPresent(Int.self, forKey: .steps) ?? 20
        try c.require((1...1000).contains(steps), .steps, "expected 1 to 1000 model calls")
        tokens = try c.decodeIfPresent(Int.self, forKey: .tokens)
        try c.require((tokens ?? 1) > 0, .tokens, "expected a token budget above 0")
        dollars = try c.decodeIfPresent(Double.self, forKey: .dollars)
        try c.require((dollars ?? 1) > 0, .dollars, "expected a dollar budget above 0")
        time = try c.decodeIfPresent(DurationSpec.self, forKey: .time)
        replyTokens = try c.decodeIfPresent(Int.self, forKey: .replyTokens)
        try c.require((replyTokens ?? 1) > 0, .replyTokens, "expected at least 1 token per reply")
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(steps, forKey: .steps)
        try c.encodeIfPresent(tokens, forKey: .tokens)
        try c.encodeIfPresent(dollars, forKey: .dollars)
        try c.encodeIfPresent(time, forKey: .time)
        try c.encodeIfPresent(replyTokens, forKey: .replyTokens)
    }
}

/// One turn of the simulated fleet's answer to a model-driven agent: call a tool, or answer.
/// Real backends never see these; calls to the built-in fleet carry them as the request's
/// simulation script (`SimulationScript`), so the model-driven loop runs end to end without a
/// real model.
package struct SimulatedTurn: Sendable, Hashable {
    package enum Action: Sendable, Hashable {
        case call(tool: String, arguments: JSONValue)
        case answer(String)
    }

    package var action: Action
    /// Extra tokens the simulated model "thinks" before acting (to make turns cost something).
    package var outputTokens: Int?

    package init(action: Action, outputTokens: Int? = nil) {
        self.action = action
        self.outputTokens = outputTokens
    }
}

extension SimulatedTurn {
    /// The turn as the fleet receives it.
    package var scriptTurn: SimulationScript.Turn {
        let action: SimulationScript.Turn.Action =
            switch action {
            case .call(let tool, let arguments): .call(tool: tool, arguments: arguments)
            case .answer(let text): .answer(text)
            }
        return SimulationScript.Turn(action, thinkingTokens: max(0, outputTokens ?? 0))
    }
}

extension SimulatedTurn: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable { case call, arguments, answer, outputTokens = "output_tokens" }

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let tool = try c.decodeIfPresent(String.self, forKey: .call) {
            try c.require(!c.contains(.answer), .answer, "a turn either calls a tool or answers, not both")
            action = .call(tool: tool, arguments: try c.decodeIfPresent(JSONValue.self, forKey: .arguments) ?? [:])
        } else if let answer = try c.decodeIfPresent(String.self, forKey: .answer) {
            try c.require(!c.contains(.arguments), .arguments, "arguments belong to a call")
            action = .answer(answer)
        } else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath, debugDescription: "expected {call: TOOL, arguments: {...}} or {answer: TEXT}")
            )
        }
        outputTokens = try c.decodeIfPresent(Int.self, forKey: .outputTokens)
        try c.require(
            (0...SimulationScript.Turn.maxThinkingTokens).contains(outputTokens ?? 0), .outputTokens,
            "expected 0 to \(SimulationScript.Turn.maxThinkingTokens) tokens")
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch action {
        case .call(let tool, let arguments):
            try c.encode(tool, forKey: .call)
            try c.encode(arguments, forKey: .arguments)
        case .answer(let text):
            try c.encode(text, forKey: .answer)
        }
        try c.encodeIfPresent(outputTokens, forKey: .outputTokens)
    }
}

/// A grader: how an attempt's final answer (or its working directory) is judged. Every grader
/// is an axis of the capability vector; those that `decide` must all pass for the attempt to.
package struct GraderSpec: Sendable, Hashable {
    package enum Check: Sendable, Hashable {
        case exact(String, caseSensitive: Bool)
        case contains(String, caseSensitive: Bool)
        case regex(String)
        /// The last number in the answer, within `tolerance` (absolute) of `value`.
        case numeric(Double, tolerance: Double)
        /// The answer parsed as JSON (or its first JSON object), the field at a dotted path.
        case jsonField(path: String, equals: JSONValue)
        /// A command run in the attempt's working directory; exit 0 passes.
        case command(argv: [String], timeout: DurationSpec)
        /// A model judges the answer against a rubric; its tokens are verify-class steps.
        case judge(tier: String, rubric: String)
    }

    package var check: Check
    /// The capability axis this grader scores (default: the check's name).
    package var axis: String
    /// Whether the attempt must pass this grader to pass.
    package var decides: Bool

    package init(check: Check, axis: String? = nil, decides: Bool = true) {
        self.check = check
        self.axis = axis ?? check.name
        self.decides = decides
    }
}

extension GraderSpec.Check {
    var name: String {
        switch self {
        case .exact: "exact"
        case .contains: "contains"
        case .regex: "regex"
        case .numeric: "numeric"
        case .jsonField: "json_field"
        case .command: "command"
        case .judge: "judge"
        }
    }
}

extension GraderSpec: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case exact, contains, regex, numeric, tolerance, jsonField = "json_field", equals, command, timeout, judge
        case rubric, caseSensitive = "case_sensitive", axis, decides
    }

    static let checks: [CodingKeys] = [.exact, .contains, .regex, .numeric, .jsonField, .command, .judge]

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let present = Self.checks.filter { c.contains($0) }
        guard present.count == 1, let which = present.first else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription:
                        "a grader needs exactly one of exact, contains, regex, numeric, json_field, command, judge; found \(present.isEmpty ? "none" : present.map(\.stringValue).joined(separator: ", "))"
                ))
        }
        let caseSensitive = try c.decodeIfPresent(Bool.self, forKey: .caseSensitive) ?? false
        let check: Check
        switch which {
        case .exact: check = .exact(try c.decode(String.self, forKey: .exact), caseSensitive: caseSensitive)
        case .contains: check = .contains(try c.decode(String.self, forKey: .contains), caseSensitive: caseSensitive)
        case .regex:
            let pattern = try c.decode(String.self, forKey: .regex)
            try c.require((try? Regex(pattern)) != nil, .regex, "not a valid regular expression: \(pattern)")
            check = .regex(pattern)
        case .numeric:
            let tolerance = try c.decodeIfPresent(Double.self, forKey: .tolerance) ?? 1e-9
            try c.require(tolerance >= 0, .tolerance, "expected a tolerance of at least 0")
            check = .numeric(try c.decode(Double.self, forKey: .numeric), tolerance: tolerance)
        case .jsonField:
            let path = try c.decode(String.self, forKey: .jsonField)
            try c.require(!path.isEmpty, .jsonField, "expected a dotted path like result.total")
            try c.require(c.contains(.equals), .equals, "a json_field grader needs equals: VALUE")
            check = .jsonField(path: path, equals: try c.decode(JSONValue.self, forKey: .equals))
        case .command:
            let argv = try c.decode([String].self, forKey: .command)
            try c.require(
                !argv.isEmpty && !argv[0].isEmpty, .command, "expected a non-empty argument list, like [\"pytest\", \"-q\"]")
            check = .command(
                argv: argv, timeout: try c.decodeIfPresent(DurationSpec.self, forKey: .timeout) ?? DurationSpec(.seconds(120)))
        case .judge:
            check = .judge(tier: try c.decode(String.self, forKey: .judge), rubric: try c.decode(String.self, forKey: .rubric))
        default:
            fatalError("unreachable: checks are listed above")
        }
        self.init(
            check: check, axis: try c.decodeIfPresent(String.self, forKey: .axis),
            decides: try c.decodeIfPresent(Bool.self, forKey: .decides) ?? true)
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch check {
        case .exact(let text, let sensitive):
            try c.encode(text, forKey: .exact)
            if sensitive { try c.encode(true, forKey: .caseSensitive) }
        case .contains(let text, let sensitive):
            try c.encode(text, forKey: .contains)
            if sensitive { try c.encode(true, forKey: .caseSensitive) }
        case .regex(let pattern): try c.encode(pattern, forKey: .regex)
        case .numeric(let value, let tolerance):
            try c.encode(value, forKey: .numeric)
            try c.encode(tolerance, forKey: .tolerance)
        case .jsonField(let path, let value):
            try c.encode(path, forKey: .jsonField)
            try c.encode(value, forKey: .equals)
        case .command(let argv, let timeout):
            try c.encode(argv, forKey: .command)
            try c.encode(timeout, forKey: .timeout)
        case .judge(let tier, let rubric):
            try c.encode(tier, forKey: .judge)
            try c.encode(rubric, forKey: .rubric)
        }
        try c.encode(axis, forKey: .axis)
        try c.encode(decides, forKey: .decides)
    }
}

/// A task whose agent is driven by the model: it sees the tools and decides what to call.
package struct DrivenTask: Sendable, Hashable {
    package var systemPrompt: String
    package var prompt: String
    /// The model tier the agent runs on.
    package var tier: String
    /// Tool names, from the workload's tools.
    package var tools: [String]
    package var limits: AgentLimits
    package var graders: [GraderSpec]
    /// How the simulated fleet answers (ignored by real backends).
    package var simulate: [SimulatedTurn]
    /// A directory copied into each attempt's working directory before the agent starts (the
    /// repository a coding agent works on); command tools and graders run there.
    package var workspace: String?
    /// The user's own agent, run as a process per attempt instead of AgentPerf's loop; its calls
    /// go through a recording gateway in front of `tier`'s backend.
    package var process: AgentProcess?

    package init(
        systemPrompt: String = "You are a careful assistant. Use the tools when they help; finish with a short final answer.",
        prompt: String, tier: String, tools: [String] = [], limits: AgentLimits = AgentLimits(), graders: [GraderSpec] = [],
        simulate: [SimulatedTurn] = [], workspace: String? = nil, process: AgentProcess? = nil
    ) {
        self.process = process
        self.workspace = workspace
        self.systemPrompt = systemPrompt
        self.prompt = prompt
        self.tier = tier
        self.tools = tools
        self.limits = limits
        self.graders = graders
        self.simulate = simulate
    }
}

/// An MCP server a workload starts once per run, over stdio, and shares between attempts.
package struct MCPServerSpec: Sendable, Hashable {
    package var command: [String]
    /// Extra environment variables for the server (values are written to the run's config: no
    /// secrets; a value `$NAME` is read from AgentPerf's own environment at start).
    package var environment: [String: String]
    /// Where the server starts: the workload file's directory unless given (relative to it).
    package var directory: String?

    package init(command: [String], environment: [String: String] = [:], directory: String? = nil) {
        self.command = command
        self.environment = environment
        self.directory = directory
    }
}

extension MCPServerSpec: Codable {
    enum CodingKeys: String, CodingKey, CaseIterable { case command, environment = "env", directory }

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        command = try c.decode([String].self, forKey: .command)
        try c.require(
            !command.isEmpty && !command[0].isEmpty, .command, "expected the server's command line, like [python3, server.py]")
        environment = try c.decodeIfPresent([String: String].self, forKey: .environment) ?? [:]
        directory = try c.decodeIfPresent(String.self, forKey: .directory)
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(command, forKey: .command)
        if !environment.isEmpty { try c.encode(environment, forKey: .environment) }
        try c.encodeIfPresent(directory, forKey: .directory)
    }
}
