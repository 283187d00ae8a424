import WireFormats

/// How the fleet renders a chat request into prompt tokens and picks a reply's length.
enum ChatTemplate {
    /// The prompt as a chat template would render it: tool definitions first (they are the same
    /// in every call, so they share the cached prefix, as real templates put them in the system
    /// turn), then each message's text and the tool calls it made.
    static func promptTokens(_ chat: OpenAIChat.Request) -> [UInt32] {
        var messages: [(role: String, content: String)] = []
        if let tools = chat.tools, !tools.isEmpty {
            messages.append(
                (
                    "tools",
                    tools.map { "\($0.function.name) \($0.function.description ?? "") \($0.function.parameters.jsonText)" }
                        .joined(separator: "\n")
                ))
        }
        for message in chat.messages {
            let calls = (message.toolCalls ?? []).map { " \($0.function.name) \($0.function.arguments)" }.joined()
            messages.append((message.role, (message.content ?? "") + calls))
        }
        return SimTokenizer.chatPrompt(messages)
    }

    /// A reply length drawn from the prompt (where an end-of-sequence token would fall), within
    /// `limit`.
    static func naturalLength(prompt: [UInt32], limit: Int) -> Int {
        let seed = SimTokenizer.outputSeed(for: prompt)
        return min(limit, 16 + Int(seed % 240))
    }
}
