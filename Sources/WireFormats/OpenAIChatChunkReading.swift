extension OpenAIChat.Chunk {
    /// Reads a streamed chunk from an already parsed JSON value without `Codable`, for the one
    /// decode per streamed event that dominated the gateway's and the harness's CPU profile.
    ///
    /// Same result as `JSONDecoder` for every chunk it accepts: the same defaults for absent
    /// metadata, `null` read as absent, unknown keys ignored. It declines (returns `nil`) whatever
    /// it does not cover — a chunk with neither choices nor usage (an error body is one), any field
    /// of an unexpected type — so the caller falls back to `JSONDecoder`, whose errors stay the
    /// reference. WireFormatsTests compare the two on real recordings and on edge cases.
    package init?(reading value: JSONValue) {
        guard case .object(let fields) = value,
            let id = fields["id"].optionalString, let object = fields["object"].optionalString,
            let model = fields["model"].optionalString, let created = fields["created"].optionalInteger
        else { return nil }
        var usage: OpenAIChat.Usage?
        if !fields["usage"].isAbsent {
            guard let read = OpenAIChat.Usage(reading: fields["usage"]) else { return nil }
            usage = read
        }
        let choiceValues: [JSONValue]
        switch fields["choices"] {
        case .array(let values)?: choiceValues = values
        case nil, .null?: choiceValues = []
        default: return nil
        }
        guard !choiceValues.isEmpty || usage != nil else { return nil }
        var choices: [OpenAIChat.ChunkChoice] = []
        choices.reserveCapacity(choiceValues.count)
        for choiceValue in choiceValues {
            guard let choice = OpenAIChat.ChunkChoice(reading: choiceValue) else { return nil }
            choices.append(choice)
        }
        self.init(
            id: id ?? "", object: object ?? "chat.completion.chunk", created: created ?? 0, model: model ?? "",
            choices: choices, usage: usage)
    }
}

extension OpenAIChat.Usage {
    fileprivate init?(reading value: JSONValue?) {
        guard case .object(let fields)? = value,
            case let prompt?? = fields["prompt_tokens"].optionalInteger,
            case let completion?? = fields["completion_tokens"].optionalInteger,
            let total = fields["total_tokens"].optionalInteger
        else { return nil }
        var promptDetails: OpenAIChat.PromptTokensDetails?
        switch fields["prompt_tokens_details"] {
        case nil, .null?: break
        case .object(let details)?:
            guard let cached = details["cached_tokens"].optionalInteger,
                let written = details["cache_write_tokens"].optionalInteger
            else { return nil }
            promptDetails = .init(cachedTokens: cached, cacheWriteTokens: written)
        default: return nil
        }
        var completionDetails: OpenAIChat.CompletionTokensDetails?
        switch fields["completion_tokens_details"] {
        case nil, .null?: break
        case .object(let details)?:
            guard let reasoning = details["reasoning_tokens"].optionalInteger else { return nil }
            completionDetails = .init(reasoningTokens: reasoning)
        default: return nil
        }
        self.init(
            promptTokens: prompt, completionTokens: completion, totalTokens: total, promptTokensDetails: promptDetails,
            completionTokensDetails: completionDetails)
    }
}

extension OpenAIChat.ChunkChoice {
    fileprivate init?(reading value: JSONValue) {
        guard case .object(let fields) = value,
            case let index?? = fields["index"].optionalInteger,
            case .object(let deltaFields)? = fields["delta"],
            let finishReason = fields["finish_reason"].optionalString,
            let role = deltaFields["role"].optionalString, let content = deltaFields["content"].optionalString,
            let reasoning = deltaFields["reasoning_content"].optionalString
        else { return nil }
        var toolCalls: [OpenAIChat.ToolCallDelta]?
        switch deltaFields["tool_calls"] {
        case nil, .null?:
            break
        case .array(let callValues)?:
            var calls: [OpenAIChat.ToolCallDelta] = []
            for callValue in callValues {
                guard let call = OpenAIChat.ToolCallDelta(reading: callValue) else { return nil }
                calls.append(call)
            }
            toolCalls = calls
        default:
            return nil
        }
        self.init(
            index: index, delta: .init(role: role, content: content, reasoningContent: reasoning, toolCalls: toolCalls),
            finishReason: finishReason)
    }
}

extension OpenAIChat.ToolCallDelta {
    fileprivate init?(reading value: JSONValue) {
        guard case .object(let fields) = value,
            let index = fields["index"].optionalInteger, let id = fields["id"].optionalString,
            let type = fields["type"].optionalString
        else { return nil }
        var function: OpenAIChat.FunctionDelta?
        switch fields["function"] {
        case nil, .null?:
            break
        case .object(let functionFields)?:
            guard let name = functionFields["name"].optionalString,
                let arguments = functionFields["arguments"].optionalString
            else { return nil }
            function = .init(name: name, arguments: arguments)
        default:
            return nil
        }
        self.init(index: index, id: id, type: type, function: function)
    }
}

extension Optional where Wrapped == JSONValue {
    /// Absent or `null`, as `decodeIfPresent` reads both.
    fileprivate var isAbsent: Bool {
        switch self {
        case nil, .null?: true
        default: false
        }
    }

    /// `.some(nil)` when absent or `null`, `.some(text)` for a string, `nil` for any other type.
    fileprivate var optionalString: String?? {
        switch self {
        case nil, .null?: .some(nil)
        case .string(let text)?: .some(text)
        default: nil
        }
    }

    /// `.some(nil)` when absent or `null`, `.some(n)` for a whole number that fits an `Int`, `nil`
    /// otherwise (`JSONDecoder` refuses 1.5 or 1e30 for an `Int` too).
    fileprivate var optionalInteger: Int?? {
        switch self {
        case nil, .null?: return .some(nil)
        case .number(let number)?:
            guard number.rounded() == number, abs(number) < 9.0e15 else { return nil }
            return .some(Int(number))
        default: return nil
        }
    }
}
