import Traces

/// Text that a format writes as a string, a list of `{text: …}` blocks, or something else
/// (which counts as no text). Shared by importers for tool results and message content.
struct FlexibleText: Decodable {
    var text: String

    private struct Block: Decodable { var text: String? }

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let text = try? c.decode(String.self) {
            self.text = text
        } else if let blocks = try? c.decode([Block].self) {
            text = blocks.compactMap(\.text).joined(separator: "\n")
        } else {
            text = ""
        }
    }
}

/// An identifier written as a string or a number.
struct FlexibleID: Decodable, CustomStringConvertible {
    var description: String

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let text = try? c.decode(String.self) {
            description = text
        } else if let number = try? c.decode(Int.self) {
            description = String(number)
        } else {
            description = String(try c.decode(Double.self))
        }
    }
}

/// A grader's value: Inspect's letters (C, I, P, N), a number, or a boolean; → 0…1.
struct ScoreValue: Decodable {
    var value: Double?

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let number = try? c.decode(Double.self) {
            value = number
        } else if let flag = try? c.decode(Bool.self) {
            value = flag ? 1 : 0
        } else if let letter = try? c.decode(String.self) {
            switch letter.uppercased() {
            case "C", "CORRECT", "TRUE", "YES": value = 1
            case "P", "PARTIAL": value = 0.5
            case "I", "INCORRECT", "N", "NOANSWER", "FALSE", "NO": value = 0
            default: value = Double(letter)
            }
        } else {
            value = nil  // dictionaries and lists of scores: no single value
        }
    }
}

/// A hash of any JSON value, object keys sorted, so that equal values hash equal whatever the
/// order a writer put their keys in. Used for `output_hash` over tool-call arguments and whole
/// generated messages.
struct JSONFingerprint: Decodable {
    var hash = ContentHash()

    init(from decoder: any Decoder) throws {
        try Self.feed(decoder, into: &hash)
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private static func feed(_ decoder: any Decoder, into hash: inout ContentHash) throws {
        // Strings first: most leaves are strings, and every failed attempt costs an error value.
        if let value = try? decoder.singleValueContainer(), let text = try? value.decode(String.self) {
            hash.update("\"" + text)
        } else if let object = try? decoder.container(keyedBy: AnyKey.self) {
            hash.update("{")
            for key in object.allKeys.sorted(by: { $0.stringValue < $1.stringValue }) {
                hash.update(key.stringValue)
                try feed(object.superDecoder(forKey: key), into: &hash)
            }
            hash.update("}")
        } else if var array = try? decoder.unkeyedContainer() {
            hash.update("[")
            while !array.isAtEnd { try feed(array.superDecoder(), into: &hash) }
            hash.update("]")
        } else {
            let value = try decoder.singleValueContainer()
            if value.decodeNil() {
                hash.update("null")
            } else if let flag = try? value.decode(Bool.self) {
                hash.update(flag ? "true" : "false")
            } else {
                hash.update(String(try value.decode(Double.self)))
            }
        }
    }
}

/// What a model generated in one message — its text and its tool calls, in the shapes OpenAI,
/// LiteLLM, Inspect and tau2 write them — reduced to a hash for `output_hash`. Tool-call ids are
/// left out: they differ on every call even when the model said the same thing.
struct GeneratedMessage: Decodable {
    var hash: String

    private enum Keys: String, CodingKey { case content, toolCalls = "tool_calls" }

    /// `{name, arguments}`, `{function: "name", arguments}` (Inspect) or
    /// `{function: {name, arguments}}` (OpenAI).
    private struct ToolCall: Decodable {
        var name: String
        var arguments: String

        private enum Keys: String, CodingKey { case name, function, arguments }
        private struct Function: Decodable { var name: String?; var arguments: JSONFingerprint? }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Keys.self)
            let function = try? c.decodeIfPresent(Function.self, forKey: .function)
            name =
                (try? c.decodeIfPresent(String.self, forKey: .function)) ?? function?.name
                ?? (try? c.decodeIfPresent(String.self, forKey: .name)) ?? ""
            arguments =
                ((try? c.decodeIfPresent(JSONFingerprint.self, forKey: .arguments)) ?? function?.arguments)?.hash.hex ?? ""
        }
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        var hash = ContentHash()
        hash.update((try? c.decodeIfPresent(FlexibleText.self, forKey: .content))?.text ?? "")
        for call in (try? c.decodeIfPresent([ToolCall].self, forKey: .toolCalls)) ?? [] {
            hash.update(call.name)
            hash.update(call.arguments)
        }
        self.hash = hash.hex
    }
}

/// A message decoded as `Value`, together with the hash of what it generated (the same JSON read
/// as a ``GeneratedMessage``). Its fields read through, as `message.role`.
@dynamicMemberLookup
struct WithOutputHash<Value: Decodable>: Decodable {
    var value: Value
    var outputHash: String

    init(from decoder: any Decoder) throws {
        value = try Value(from: decoder)
        outputHash = try GeneratedMessage(from: decoder).hash
    }

    subscript<Field>(dynamicMember field: KeyPath<Value, Field>) -> Field { value[keyPath: field] }
}
