extension OpenAIChat.Chunk {
    /// The chunk as JSON, the same document `JSONEncoder` writes (absent optionals left out),
    /// appended to `bytes`.
    ///
    /// Hand-written because it is the simulated fleet's hot path: one chunk per generated token,
    /// and `JSONEncoder` (a tree of containers and boxed values per chunk) was 29% of the fleet
    /// server's CPU under wrk (docs/PERFORMANCE.md). The shape is fixed, so writing it directly
    /// is short; `ChunkWritingTests` holds it to JSONEncoder's document for every field.
    package func writeJSON(into bytes: inout [UInt8]) {
        var json = JSONBytes(bytes: bytes)
        bytes = []
        json.object { json in
            json.field("id", string: id)
            json.field("object", string: object)
            json.field("created", int: created)
            json.field("model", string: model)
            json.key("choices")
            json.array(choices) { json, choice in
                json.object { json in
                    json.field("index", int: choice.index)
                    json.key("delta")
                    json.object { json in
                        let delta = choice.delta
                        json.field("role", string: delta.role)
                        json.field("content", string: delta.content)
                        json.field("reasoning_content", string: delta.reasoningContent)
                        if let calls = delta.toolCalls {
                            json.key("tool_calls")
                            json.array(calls) { json, call in
                                json.object { json in
                                    json.field("index", int: call.index)
                                    json.field("id", string: call.id)
                                    json.field("type", string: call.type)
                                    if let function = call.function {
                                        json.key("function")
                                        json.object { json in
                                            json.field("name", string: function.name)
                                            json.field("arguments", string: function.arguments)
                                        }
                                    }
                                }
                            }
                        }
                    }
                    json.field("finish_reason", string: choice.finishReason)
                }
            }
            if let usage {
                json.key("usage")
                json.object { json in
                    json.field("prompt_tokens", int: usage.promptTokens)
                    json.field("completion_tokens", int: usage.completionTokens)
                    json.field("total_tokens", int: usage.totalTokens)
                    if let details = usage.promptTokensDetails {
                        json.key("prompt_tokens_details")
                        json.object { json in
                            json.field("cached_tokens", int: details.cachedTokens)
                            json.field("cache_write_tokens", int: details.cacheWriteTokens)
                        }
                    }
                    if let details = usage.completionTokensDetails {
                        json.key("completion_tokens_details")
                        json.object { json in json.field("reasoning_tokens", int: details.reasoningTokens) }
                    }
                }
            }
        }
        bytes = json.bytes
    }
}

/// A minimal JSON writer: objects, arrays, strings (escaped as RFC 8259 requires), integers.
struct JSONBytes {
    var bytes: [UInt8]
    /// Whether the container being written has a member yet (a comma goes before the next).
    private var started: [Bool] = []

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func object(_ body: (inout JSONBytes) -> Void) {
        bytes.append(UInt8(ascii: "{"))
        started.append(false)
        body(&self)
        started.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    mutating func array<Element>(_ elements: [Element], _ body: (inout JSONBytes, Element) -> Void) {
        bytes.append(UInt8(ascii: "["))
        for (index, element) in elements.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            started.append(false)
            body(&self, element)
            started.removeLast()
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// `"name":`, after a comma when the object has a member already.
    mutating func key(_ name: String) {
        if started[started.count - 1] { bytes.append(UInt8(ascii: ",")) }
        started[started.count - 1] = true
        append(string: name)
        bytes.append(UInt8(ascii: ":"))
    }

    /// `"name":"value"`; nothing when `value` is nil.
    mutating func field(_ name: String, string value: String?) {
        guard let value else { return }
        key(name)
        append(string: value)
    }

    /// `"name":123`; nothing when `value` is nil.
    mutating func field(_ name: String, int value: Int?) {
        guard let value else { return }
        key(name)
        bytes.append(contentsOf: String(value).utf8)
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func append(string: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                bytes.append(Self.hex[Int(byte >> 4)])
                bytes.append(Self.hex[Int(byte & 0x0F)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
