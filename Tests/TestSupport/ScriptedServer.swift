public import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// One scripted HTTP response: a status, headers, and a body written in pieces, possibly slowly,
/// possibly cut off: how recordings are replayed and faults injected over real loopback HTTP.
public struct ScriptedResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var pieces: [String]
    /// Wait before sending the response head.
    public var headDelay: Duration
    /// Wait before each body piece.
    public var pause: Duration
    /// Close the connection after the pieces instead of ending the body properly.
    public var cutOff: Bool

    public init(
        status: Int = 200, headers: [String: String] = [:], pieces: [String], headDelay: Duration = .zero,
        pause: Duration = .zero, cutOff: Bool = false
    ) {
        self.status = status
        self.headers = headers
        self.pieces = pieces
        self.headDelay = headDelay
        self.pause = pause
        self.cutOff = cutOff
    }

    /// An SSE body sent in pieces of `pieceSize` bytes, so events straddle writes as on a network.
    public static func sse(_ body: String, pieceSize: Int = 53, pause: Duration = .zero) -> ScriptedResponse {
        let bytes = Array(body.utf8)
        let pieces = stride(from: 0, to: bytes.count, by: pieceSize).map {
            String(decoding: bytes[$0..<min($0 + pieceSize, bytes.count)], as: UTF8.self)
        }
        return ScriptedResponse(headers: ["content-type": "text/event-stream"], pieces: pieces, pause: pause)
    }

    public static func json(_ text: String, status: Int = 200, headers: [String: String] = [:]) -> ScriptedResponse {
        ScriptedResponse(
            status: status, headers: headers.merging(["content-type": "application/json"]) { a, _ in a }, pieces: [text])
    }
}

/// A loopback server that answers each path with its scripted responses in turn (the last one
/// repeats), and keeps every request it received.
public final class ScriptedServer: Sendable {
    public struct Received: Sendable {
        public var path: String
        public var headers: [String: String]
        public var body: String
    }

    private let script: Mutex<[String: [ScriptedResponse]]>
    private let log = Mutex<[Received]>([])

    init(script: [String: [ScriptedResponse]]) {
        self.script = Mutex(script)
    }

    /// Requests in arrival order.
    public var received: [Received] { log.withLock { $0 } }

    func next(for path: String) -> ScriptedResponse? {
        script.withLock { script in
            guard var queue = script[path], let first = queue.first else { return nil }
            if queue.count > 1 {
                queue.removeFirst()
                script[path] = queue
            }
            return first
        }
    }

    func record(_ received: Received) { log.withLock { $0.append(received) } }

    struct CutOff: Error {}

    func respond(to request: Request) async throws -> Response {
        let path = request.uri.path
        var body = try await request.body.collect(upTo: 16 << 20)
        let text = body.readString(length: body.readableBytes) ?? ""
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        record(Received(path: path, headers: headers, body: text))
        guard let scripted = next(for: path) else {
            return Response(status: .notFound, body: ResponseBody(byteBuffer: ByteBuffer(string: "no script for \(path)")))
        }
        if scripted.headDelay > .zero { try await Task.sleep(for: scripted.headDelay) }
        var fields = HTTPFields()
        for (name, value) in scripted.headers {
            if let name = HTTPField.Name(name) { fields[name] = value }
        }
        let responseBody = ResponseBody { writer in
            for piece in scripted.pieces {
                if scripted.pause > .zero { try await Task.sleep(for: scripted.pause) }
                try await writer.write(ByteBuffer(string: piece))
            }
            if scripted.cutOff {
                // Hummingbird closes the channel when the body throws, and a close can drop writes
                // still queued in the channel; wait until the pieces have reached the socket so
                // the client sees "some body, then the connection dies", as on a real network.
                try await Task.sleep(for: .milliseconds(300))
                throw CutOff()
            }
            try await writer.finish(nil)
        }
        return Response(status: HTTPResponse.Status(code: scripted.status), headers: fields, body: responseBody)
    }
}

/// Runs a `ScriptedServer` on a loopback port for the duration of `body`, which gets the base
/// URL (`http://127.0.0.1:PORT`) and the server.
public func withScriptedServer<T: Sendable>(
    _ script: [String: [ScriptedResponse]], _ body: @Sendable (URL, ScriptedServer) async throws -> T
) async throws -> T {
    let server = ScriptedServer(script: script)
    let logger = Logger(label: "scripted-server") { _ in SwiftLogNoOpLogHandler() }
    let router = Router()
    router.on("**", method: .post) { request, _ in try await server.respond(to: request) }
    router.on("**", method: .get) { request, _ in try await server.respond(to: request) }
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let app = Application(
        router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in
            continuation.yield(channel.localAddress?.port ?? 0)
            continuation.finish()
        }, logger: logger)
    let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        var port = 0
        for await bound in ports { port = bound }
        let result: Result<T, any Error>
        do { result = .success(try await body(URL(string: "http://127.0.0.1:\(port)")!, server)) } catch {
            result = .failure(error)
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
        return try result.get()
    }
}

/// The SSE body of a file in Tests/Fixtures/docs, or of a cassette in Tests/Fixtures/real/sse.
public enum Recording {
    public static func documented(_ name: String) throws -> String {
        try String(contentsOf: Fixtures.docs(name), encoding: .utf8)
    }

    public static func real(_ name: String) throws -> String {
        try Cassette(contentsOf: Fixtures.real("sse/\(name)")).responseBody
    }
}

extension ScriptedResponse {
    /// A Chat Completions stream that answers `text`, word by word, with usage in the last chunk.
    public static func chatAnswer(_ text: String, promptTokens: Int = 50, cachedTokens: Int = 0) -> ScriptedResponse {
        let words = text.split(separator: " ", omittingEmptySubsequences: false).enumerated().map { i, w in
            i == 0 ? String(w) : " " + w
        }
        var events = [#"{"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}"#]
        for word in words {
            events.append(#"{"choices":[{"index":0,"delta":{"content":\#(jsonString(word))}}]}"#)
        }
        events.append(#"{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#)
        events.append(usageChunk(prompt: promptTokens, completion: words.count, cached: cachedTokens))
        return .sse(events.map { "data: \($0)\n\n" }.joined() + "data: [DONE]\n\n")
    }

    /// A Chat Completions stream that calls `tool` with `arguments` (sent verbatim, in two pieces).
    public static func chatToolCall(_ tool: String, arguments: String, id: String = "call_1") -> ScriptedResponse {
        let half = arguments.index(arguments.startIndex, offsetBy: arguments.count / 2)
        let events = [
            #"{"choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"\#(id)","type":"function","function":{"name":"\#(tool)","arguments":\#(jsonString(String(arguments[..<half])))}}]}}]}"#,
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":\#(jsonString(String(arguments[half...])))}}]}}]}"#,
            #"{"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#,
            usageChunk(prompt: 60, completion: 12, cached: 0),
        ]
        return .sse(events.map { "data: \($0)\n\n" }.joined() + "data: [DONE]\n\n")
    }

    private static func usageChunk(prompt: Int, completion: Int, cached: Int) -> String {
        #"{"choices":[],"usage":{"prompt_tokens":\#(prompt),"completion_tokens":\#(completion),"total_tokens":\#(prompt + completion),"prompt_tokens_details":{"cached_tokens":\#(cached)}}}"#
    }

    private static func jsonString(_ text: String) -> String {
        // Encoding a String cannot fail.
        String(decoding: (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8), as: UTF8.self)
    }
}
