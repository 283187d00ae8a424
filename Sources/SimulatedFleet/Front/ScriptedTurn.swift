import WireFormats

/// What the simulated model says on one turn of a model-driven agent: a tool call or a final
/// answer from the request's script (`SimulationScript`), preceded by `thinking` generated
/// words. Without a script the fleet generates words.
struct ScriptedTurn: Sendable, Hashable {
    enum Payload: Sendable, Hashable {
        case call(id: String, name: String, arguments: String)
        case answer(String)
    }

    var payload: Payload
    /// Generated words before the payload.
    var thinking: Int

    /// The turn of `script` for a conversation: turn *i* answers the request with *i* assistant
    /// messages. Past the script's end the model answers "Done.".
    static func turn(of script: SimulationScript?, for messages: [OpenAIChat.Message], prompt: [UInt32]) -> ScriptedTurn? {
        guard let turns = script?.turns else { return nil }
        let index = messages.filter { $0.role == "assistant" }.count
        guard index < turns.count else { return ScriptedTurn(payload: .answer("Done."), thinking: 0) }
        let turn = turns[index]
        switch turn.action {
        case .call(let name, let arguments):
            // Deterministic ids: the same conversation gets the same call id.
            let id =
                "call_" + String(prompt.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }, radix: 16)
            return ScriptedTurn(payload: .call(id: id, name: name, arguments: arguments.jsonText), thinking: turn.thinkingTokens)
        case .answer(let text):
            return ScriptedTurn(payload: .answer(text), thinking: turn.thinkingTokens)
        }
    }

    /// Tokens the payload takes (at least 1).
    var payloadTokens: Int {
        switch payload {
        case .call(_, let name, let arguments): max(1, SimTokenizer.count(name + " " + arguments))
        case .answer(let text): max(1, SimTokenizer.count(text))
        }
    }

    var outputTokens: Int { thinking + payloadTokens }

    var finishReason: String {
        if case .call = payload { return "tool_calls" }
        return "stop"
    }

    /// The delta for generated token `index` (`word` is the engine's word for it).
    func delta(at index: Int, word: String) -> OpenAIChat.Delta {
        if index < thinking { return OpenAIChat.Delta(content: index == 0 ? word : " " + word) }
        let piece = index - thinking
        switch payload {
        case .call(let id, let name, let arguments):
            let part = Self.part(piece, of: arguments, in: payloadTokens)
            let call =
                piece == 0
                ? OpenAIChat.ToolCallDelta(index: 0, id: id, type: "function", function: .init(name: name, arguments: part))
                : OpenAIChat.ToolCallDelta(index: 0, id: nil, function: .init(arguments: part))
            return OpenAIChat.Delta(toolCalls: [call])
        case .answer(let text):
            let part = Self.part(piece, of: text, in: payloadTokens)
            return OpenAIChat.Delta(content: piece == 0 && thinking > 0 ? "\n" + part : part)
        }
    }

    /// The whole message, for non-streamed replies.
    func message(thinkingText: String) -> OpenAIChat.ResponseMessage {
        switch payload {
        case .call(let id, let name, let arguments):
            OpenAIChat.ResponseMessage(
                role: "assistant", content: thinkingText.isEmpty ? nil : thinkingText,
                toolCalls: [OpenAIChat.ToolCall(id: id, name: name, arguments: arguments)])
        case .answer(let text):
            OpenAIChat.ResponseMessage(role: "assistant", content: thinkingText.isEmpty ? text : thinkingText + "\n" + text)
        }
    }

    /// Part `index` of `text` cut into `count` nearly equal pieces (by characters).
    static func part(_ index: Int, of text: String, in count: Int) -> String {
        let characters = Array(text)
        let size = (characters.count + count - 1) / max(1, count)
        let start = min(characters.count, index * size)
        let end = min(characters.count, start + size)
        return String(characters[start..<end])
    }
}
