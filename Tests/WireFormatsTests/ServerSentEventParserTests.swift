import Foundation
import TestSupport
import Testing
import WireFormats

@Suite struct ServerSentEventParserTests {
    struct Recording: Sendable, CustomTestStringConvertible {
        var file: String
        var events: Int
        var names: [String?]
        var testDescription: String { file }
    }

    static let recordings = [
        Recording(file: "openai_chat_completion_streaming.yaml", events: 9, names: Array(repeating: nil, count: 9)),
        Recording(
            file: "anthropic_messages_streaming.yaml", events: 7,
            names: [
                "message_start", "content_block_start", "ping", "content_block_delta", "content_block_stop",
                "message_delta", "message_stop",
            ]),
        Recording(
            file: "openai_responses_streaming.yaml", events: 13,
            names: ["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added"]
                + Array(repeating: "response.output_text.delta", count: 5)
                + ["response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed"]),
    ]

    static func body(_ file: String) throws -> [UInt8] {
        Array(try Cassette(contentsOf: Fixtures.real("sse/\(file)")).responseBody.utf8)
    }

    static func parse(_ bytes: [UInt8], chunks: [Int]) -> (events: [ServerSentEvent], incomplete: Bool) {
        var parser = ServerSentEventParser()
        var events: [ServerSentEvent] = []
        var start = 0
        for size in chunks where start < bytes.count {
            let end = min(bytes.count, start + size)
            events += parser.parse(bytes[start..<end])
            start = end
        }
        events += parser.parse(bytes[start...])
        return (events, parser.hasIncompleteEvent)
    }

    @Test("each real recording parses into its events, in order, with their names", arguments: recordings)
    func realRecording(recording: Recording) throws {
        let (events, incomplete) = Self.parse(try Self.body(recording.file), chunks: [])
        #expect(events.count == recording.events)
        #expect(events.map(\.event) == recording.names)
        #expect(!incomplete)
        for event in events where event.data != "[DONE]" {
            #expect((try? JSONSerialization.jsonObject(with: Data(event.data.utf8))) != nil, "event data is JSON: \(event.data)")
        }
    }

    @Test("how the bytes are split into buffers never changes the events", arguments: recordings)
    func splitInvariance(recording: Recording) throws {
        let bytes = try Self.body(recording.file)
        let whole = Self.parse(bytes, chunks: []).events
        #expect(Self.parse(bytes, chunks: Array(repeating: 1, count: bytes.count)).events == whole)
        var state: UInt64 = 12345
        let random = (0..<bytes.count).map { _ -> Int in
            state = state &* 6_364_136_223_846_793_005 &+ 1
            return Int(state >> 59) + 1
        }
        #expect(Self.parse(bytes, chunks: random).events == whole)
    }

    @Test("CRLF and lone CR line ends parse like LF, also when CR and LF arrive in different buffers", arguments: recordings)
    func lineEnds(recording: Recording) throws {
        let text = String(decoding: try Self.body(recording.file), as: UTF8.self)
        let whole = Self.parse(Array(text.utf8), chunks: []).events
        let crlf = Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
        #expect(Self.parse(crlf, chunks: Array(repeating: 1, count: crlf.count)).events == whole)
        let cr = Array(text.replacingOccurrences(of: "\n", with: "\r").utf8)
        #expect(Self.parse(cr, chunks: [7, 3, 1, 1, 50]).events == whole)
    }

    @Test("the OpenAI recording's last data chunk carries usage, then [DONE]")
    func openAIUsageChunk() throws {
        let events = Self.parse(try Self.body("openai_chat_completion_streaming.yaml"), chunks: []).events
        #expect(events.last?.data == "[DONE]")
        #expect(events[events.count - 2].data.contains(#""usage":{"prompt_tokens":12,"completion_tokens":5"#))
    }

    @Test("comments, multi-line data, id and retry fields, and a byte-order mark")
    func fieldRules() {
        let stream = "\u{FEFF}: keep-alive\nid: 7\nretry: 1500\nevent: note\ndata: first\ndata:second\n\ndata\n\n"
        let (events, _) = Self.parse(Array(stream.utf8), chunks: [])
        #expect(
            events == [
                ServerSentEvent(event: "note", data: "first\nsecond", id: "7", retry: 1500),
                ServerSentEvent(event: nil, data: "", id: "7", retry: nil),
            ])
    }

    @Test("an event cut off before its blank line is not dispatched, and the parser says so")
    func truncatedEvent() {
        let (events, incomplete) = Self.parse(Array("data: a\n\ndata: b".utf8), chunks: [])
        #expect(events.map(\.data) == ["a"])
        #expect(incomplete)
    }

    @Test("one event past the size limit stops the parser, whether it is one long line or many data lines")
    func eventSizeLimit() {
        for stream in ["data: ok\n\ndata: " + String(repeating: "x", count: 5000), String(repeating: "data: xx\n", count: 2000)] {
            var parser = ServerSentEventParser(maximumEventBytes: 4096)
            var events: [ServerSentEvent] = []
            let bytes = Array(stream.utf8)
            for start in stride(from: 0, to: bytes.count, by: 700) {
                events += parser.parse(bytes[start..<min(bytes.count, start + 700)])
            }
            #expect(parser.exceededLimit)
            #expect(events.count <= 1)
            #expect(parser.parse(Array("\n\ndata: later\n\n".utf8)).isEmpty, "nothing is parsed after the limit")
        }
        var within = ServerSentEventParser(maximumEventBytes: 4096)
        #expect(within.parse(Array(("data: " + String(repeating: "y", count: 4000) + "\n\n").utf8)).count == 1)
        #expect(!within.exceededLimit)
    }

    @Test("encoding an event and parsing it back gives the same event")
    func encodeRoundTrip() {
        let event = ServerSentEvent(event: "delta", data: "line one\nline two", id: "3", retry: 10)
        #expect(Self.parse(Array(event.encoded.utf8), chunks: []).events == [event])
    }
}
