import Foundation
import Testing

@testable import WireFormats

/// The fleet's hand-written chunk JSON (`Chunk.writeJSON`) is the document `JSONEncoder` writes.
@Suite struct ChunkWritingTests {
    static let awkward = [
        "", "plain", "quote \" and backslash \\", "line\nbreak\r\ttab", "\u{0}\u{1}\u{1F}\u{7F}", "slash / here", "é ü 漢字 🙂",
        "{\"json\": [1, 2]}",
    ]

    static var chunks: [OpenAIChat.Chunk] {
        var chunks: [OpenAIChat.Chunk] = []
        for (index, text) in awkward.enumerated() {
            chunks.append(
                OpenAIChat.Chunk(
                    id: "chatcmpl-\(text)", created: 1_800_000_000 + index, model: "m\(text)",
                    choices: [.init(index: 0, delta: .init(role: index == 0 ? "assistant" : nil, content: text))]))
            chunks.append(
                OpenAIChat.Chunk(
                    id: "c", created: -index, model: "m",
                    choices: [
                        .init(
                            index: index,
                            delta: .init(
                                reasoningContent: text,
                                toolCalls: [
                                    .init(
                                        index: 0, id: "call_\(index)", type: "function",
                                        function: .init(name: "f", arguments: text)),
                                    .init(index: 1, id: nil, function: .init(arguments: text)), .init(index: nil, id: nil),
                                ]), finishReason: index.isMultiple(of: 2) ? "tool_calls" : nil)
                    ]))
        }
        chunks.append(
            OpenAIChat.Chunk(
                id: "u", created: 0, model: "m", choices: [],
                usage: .init(
                    promptTokens: 500, completionTokens: 64, totalTokens: 564,
                    promptTokensDetails: .init(cachedTokens: 448, cacheWriteTokens: 52),
                    completionTokensDetails: .init(reasoningTokens: 10))))
        chunks.append(
            OpenAIChat.Chunk(
                id: "u", object: "x", created: Int.max, model: "m",
                choices: [.init(index: 0, delta: .init(), finishReason: "stop")],
                usage: .init(promptTokens: 0, completionTokens: Int.min, promptTokensDetails: .init(cachedTokens: nil))))
        return chunks
    }

    @Test(
        "every field, absent optionals and awkward strings: the same JSON document as JSONEncoder's, and the same chunk read back"
    )
    func sameDocument() throws {
        for chunk in Self.chunks {
            var written: [UInt8] = []
            chunk.writeJSON(into: &written)
            let encoded = try JSONEncoder().encode(chunk)
            let mine = try JSONSerialization.jsonObject(with: Data(written)) as? NSDictionary
            let theirs = try JSONSerialization.jsonObject(with: encoded) as? NSDictionary
            #expect(mine != nil && mine == theirs, "\(String(decoding: written, as: UTF8.self))")
            #expect(try JSONDecoder().decode(OpenAIChat.Chunk.self, from: Data(written)) == chunk)
        }
    }

    @Test("appends to what the buffer holds")
    func appends() {
        var bytes = Array("data: ".utf8)
        OpenAIChat.Chunk(id: "a", created: 1, model: "m", choices: []).writeJSON(into: &bytes)
        #expect(
            String(decoding: bytes, as: UTF8.self)
                == #"data: {"id":"a","object":"chat.completion.chunk","created":1,"model":"m","choices":[]}"#)
    }
}
