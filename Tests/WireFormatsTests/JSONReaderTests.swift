import Foundation
import TestSupport
import Testing
import WireFormats

@Suite struct JSONReaderTests {
    /// The reference: Foundation's decoder reading the same text into a `JSONValue`.
    static func reference(_ text: String) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    @Test("every line of real Claude Code transcripts and every real SSE event reads as JSONDecoder reads it")
    func realDocuments() throws {
        var documents: [String] = []
        for file in ["claude-reliability__coverage-test-fix.jsonl", "claude-reliability__hello-world-script.jsonl"] {
            let text = try String(contentsOf: Fixtures.real("claude-code/\(file)"), encoding: .utf8)
            documents += text.split(separator: "\n").map(String.init)
        }
        documents.append(try String(contentsOf: Fixtures.real("openhands/openhands__basic.json"), encoding: .utf8))
        for file in [
            "openai_chat_completion_streaming.yaml", "anthropic_messages_streaming.yaml", "openai_responses_streaming.yaml",
        ] {
            var parser = ServerSentEventParser()
            documents += parser.parse(Array(try Cassette(contentsOf: Fixtures.real("sse/\(file)")).responseBody.utf8))
                .map(\.data).filter { $0 != "[DONE]" }
        }
        #expect(documents.count > 70)
        for document in documents {
            let expected = try #require(Self.reference(document), "the reference reads it")
            #expect(JSONReader.parse(document) == expected, "\(document.prefix(120))")
        }
    }

    @Test("escapes, surrogate pairs and lone surrogates")
    func escapes() {
        #expect(
            JSONReader.parse(#""a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00""#) == .string("a\"b\\c/d\u{8}\u{C}\n\r\t\u{E9}\u{1F600}"))
        for lone in [#""x\ud83dy""#, #""\ude00""#, #""\ud83d\u0041""#] {
            #expect(JSONReader.parse(lone) == nil, "a lone surrogate is refused: \(lone)")
            #expect(Self.reference(lone) == nil, "as the reference refuses it")
        }
        #expect(JSONReader.parse(#"{"a":1,"a":2}"#) == .object(["a": .number(1)]), "the first duplicate key wins")
        #expect(Self.reference(#"{"a":1,"a":2}"#) == .object(["a": .number(1)]), "as in the reference")
        #expect(JSONValue(parsing: #"{"path":"a",}"#) == .object(["path": .string("a")]), "a trailing comma falls back")
        #expect(JSONReader.parse(#""日本語 ✓""#) == .string("日本語 ✓"))
    }

    @Test("numbers, literals and whitespace as RFC 8259 writes them")
    func scalars() {
        let cases: [(String, JSONValue)] = [
            ("0", .number(0)), ("-0.5", .number(-0.5)), ("12e3", .number(12000)), ("1E-2", .number(0.01)),
            ("2.5e+1", .number(25)), (" \t\r\n true ", .bool(true)), ("false", .bool(false)), ("null", .null),
            (#"{"a":[1,{"b":null}],"c":"d"}"#, .object(["a": .array([.number(1), .object(["b": .null])]), "c": .string("d")])),
            ("[]", .array([])), ("{ }", .object([:])),
        ]
        for (text, expected) in cases {
            #expect(JSONReader.parse(text) == expected, "\(text)")
            #expect(Self.reference(text) == expected, "the reference agrees on \(text)")
        }
    }

    @Test(
        "what is not JSON is refused, with where reading stopped",
        arguments: [
            ("{\"a\":1,}", 7), ("[1,]", 3), ("01", 1), ("1.", 2), (".5", 0), ("+1", 0), ("\"a\u{1}\"", 2), ("tru", 0),
            ("{\"a\" 1}", 5), ("[1 2]", 3), ("\"abc", 4), ("", 0), ("1 2", 2), ("NaN", 0), ("1e999", 0), ("\"\\x\"", 2),
            ("{1:2}", 1), ("[", 1),
        ])
    func refused(text: String, offset: Int) {
        var bytes = Array(text.utf8)
        let problem: JSONReader.Problem? = bytes.withUnsafeMutableBufferPointer { buffer in
            do throws(JSONReader.Problem) {
                _ = try JSONReader.parse(UnsafeBufferPointer(buffer))
                return nil
            } catch { return error }
        }
        #expect(problem?.offset == offset, "\(text): \(String(describing: problem))")
        // Foundation's decoder tolerates trailing commas; RFC 8259 does not.
        if !text.hasSuffix(",}") && !text.hasSuffix(",]") {
            #expect(Self.reference(text) == nil, "the reference refuses \(text) too")
        }
    }

    @Test("top-level keys are read in order without building values; a non-object or a broken one gives none")
    func topLevelKeys() {
        func keys(_ text: String) -> [String]? {
            var text = text
            return text.withUTF8 { JSONReader.topLevelKeys($0) }
        }
        #expect(
            keys(#"{"tasks": [{"a": "x\"}]"}, [1, 2.5e3, true, null]], "bé": {}, "simulations": []}"#) == [
                "tasks", "bé", "simulations",
            ])
        #expect(keys("{}") == [])
        #expect(keys("[1]") == nil && keys(#"{"a": [1, 2}"#) == nil && keys(#"{"a": "open"#) == nil)
        #expect(keys(#"{"a": "# + String(repeating: "[", count: 100_000)) == nil, "nesting bounded")
    }

    @Test("nesting is bounded: the deepest accepted document reads, one level more and a hostile one are refused")
    func depth() {
        let deepest =
            String(repeating: "[", count: JSONReader.maximumDepth) + String(repeating: "]", count: JSONReader.maximumDepth)
        #expect(JSONReader.parse(deepest) != nil)
        #expect(JSONReader.parse("[" + deepest + "]") == nil)
        #expect(JSONReader.parse(String(repeating: "{\"a\":", count: 100_000)) == nil)
    }
}

@Suite struct ChatChunkReadingTests {
    static func decoded(_ text: String) -> OpenAIChat.Chunk? {
        try? JSONDecoder().decode(OpenAIChat.Chunk.self, from: Data(text.utf8))
    }

    static func read(_ text: String) -> OpenAIChat.Chunk? {
        JSONReader.parse(text).flatMap(OpenAIChat.Chunk.init(reading:))
    }

    @Test("a real recording's chunks, the usage chunk too, read without Codable, equal to JSONDecoder's")
    func realRecording() throws {
        var parser = ServerSentEventParser()
        let body = try Cassette(contentsOf: Fixtures.real("sse/openai_chat_completion_streaming.yaml")).responseBody
        let chunks = parser.parse(Array(body.utf8)).map(\.data).filter { $0 != "[DONE]" }
        #expect(chunks.count == 8)
        for chunk in chunks {
            let fast = try #require(Self.read(chunk), "\(chunk)")
            #expect(fast == Self.decoded(chunk))
        }
        #expect(chunks.compactMap { Self.read($0)?.usage }.count == 1)
    }

    @Test("tool-call pieces, reasoning, nulls and absent metadata read as JSONDecoder reads them")
    func shapes() throws {
        let encoder = JSONEncoder()
        let chunks = [
            OpenAIChat.Chunk(
                id: "c1", created: 7, model: "m",
                choices: [
                    .init(
                        index: 0,
                        delta: .init(
                            role: "assistant",
                            toolCalls: [
                                .init(index: 0, id: "call_1", type: "function", function: .init(name: "search", arguments: "")),
                                .init(index: 1, id: nil, function: .init(arguments: "{\"q\":")),
                            ]))
                ]),
            OpenAIChat.Chunk(
                id: "c2", created: 8, model: "m",
                choices: [.init(index: 0, delta: .init(reasoningContent: "thinking"), finishReason: "tool_calls")]),
        ]
        for chunk in chunks {
            let text = String(decoding: try encoder.encode(chunk), as: UTF8.self)
            #expect(Self.read(text) == chunk)
        }
        let sparse =
            #"{"choices":[{"index":0,"delta":{"content":"hi","extra":[1]},"finish_reason":null,"logprobs":null}],"object":null}"#
        #expect(Self.read(sparse) == Self.decoded(sparse))
        #expect(Self.read(sparse)?.choices.first?.delta.content == "hi")
    }

    @Test(
        "usage with and without its details reads as JSONDecoder reads it",
        arguments: [
            #"{"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2}}"#,
            #"{"choices":null,"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11,"prompt_tokens_details":{"cached_tokens":4,"cache_write_tokens":5},"completion_tokens_details":{"reasoning_tokens":1,"audio_tokens":0}}}"#,
            #"{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":2,"prompt_tokens_details":null}}"#,
        ])
    func usage(text: String) throws {
        let fast = try #require(Self.read(text))
        #expect(fast == Self.decoded(text))
        #expect(fast.usage != nil)
    }

    @Test(
        "what the fast reader does not cover is declined, so JSONDecoder decides",
        arguments: [
            #"{"choices":[],"usage":{"prompt_tokens":1}}"#,
            #"{"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"prompt_tokens_details":{"cached_tokens":"4"}}}"#,
            #"{"choices":[]}"#,
            #"{"error":{"message":"overloaded","type":"server_error"}}"#,
            #"{"choices":[{"index":0,"delta":{"content":5}}]}"#,
            #"{"choices":[{"index":1.5,"delta":{}}]}"#,
            #"{"choices":[{"index":0}]}"#,
            #"{"choices":[{"index":0,"delta":{"tool_calls":{"index":0}}}]}"#,
            #"{"choices":[{"index":0,"delta":{}}],"created":"yesterday"}"#,
            #"[1]"#,
        ])
    func declined(text: String) {
        #expect(Self.read(text) == nil)
    }
}
