/// What the built-in simulated fleet answers in place of a model, turn by turn: the `simulate:`
/// script of a model-driven task.
///
/// The fleet has no model; to exercise model-driven agents end to end it follows the script the
/// request carries. Turn *i* answers the request whose conversation holds *i* assistant
/// messages: a tool call or a final answer, after `thinkingTokens` generated words. Past the
/// script's end the fleet answers "Done.".
///
/// On HTTP the script rides in the chat request body as the extension field
/// `agentperf_simulate`, a list of turns `{"call": TOOL, "arguments": {...}, "output_tokens": N}`
/// or `{"answer": TEXT, "output_tokens": N}` (docs/BACKENDS.md). The in-process backend hands
/// it over as this value. Real servers never see it: the agent loop sets it only on calls to
/// tiers the fleet serves.
package struct SimulationScript: Sendable, Hashable {
    package var turns: [Turn]

    package init(turns: [Turn]) { self.turns = turns }

    package struct Turn: Sendable, Hashable {
        package enum Action: Sendable, Hashable {
            case call(tool: String, arguments: JSONValue)
            case answer(String)
        }

        package var action: Action
        /// Words the simulated model generates before acting (so that turns cost something).
        package var thinkingTokens: Int

        package init(_ action: Action, thinkingTokens: Int = 0) {
            self.action = action
            self.thinkingTokens = Self.clamp(thinkingTokens)
        }

        /// Most words a turn generates before acting: far above any context, far below overflow.
        package static let maxThinkingTokens = 1 << 24

        static func clamp(_ tokens: Int) -> Int { min(max(0, tokens), maxThinkingTokens) }
    }
}

extension SimulationScript: Codable {
    package init(from decoder: any Decoder) throws {
        turns = try [Turn](from: decoder)
    }

    package func encode(to encoder: any Encoder) throws {
        try turns.encode(to: encoder)
    }
}

extension SimulationScript.Turn: Codable {
    enum CodingKeys: String, CodingKey { case call, arguments, answer, outputTokens = "output_tokens" }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        thinkingTokens = Self.clamp(try c.decodeIfPresent(Int.self, forKey: .outputTokens) ?? 0)
        if let tool = try c.decodeIfPresent(String.self, forKey: .call) {
            action = .call(tool: tool, arguments: try c.decodeIfPresent(JSONValue.self, forKey: .arguments) ?? [:])
        } else {
            action = .answer(try c.decodeIfPresent(String.self, forKey: .answer) ?? "Done.")
        }
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
        if thinkingTokens > 0 { try c.encode(thinkingTokens, forKey: .outputTokens) }
    }
}
